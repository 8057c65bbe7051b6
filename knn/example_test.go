package knn_test

import (
	"fmt"

	"github.com/lanes-go/lanes/knn"
)

func Example() {
	// Four 3-dimensional vectors, one per row.
	vectors := []float32{
		1, 0, 0,
		0, 1, 0,
		0.9, 0.1, 0,
		0, 0, 1,
	}
	ix, err := knn.New(vectors, 3, knn.Options{Metric: knn.Cosine})
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	res, err := ix.Search([]float32{1, 0.05, 0}, 2)
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Printf("row %d: %.4f\n", r.ID, r.Score)
	}
	// Output:
	// row 0: 0.9988
	// row 2: 0.9982
}

func ExampleIndex_SearchBatch() {
	vectors := []float32{0, 0, 1, 1, 5, 5}
	ix, _ := knn.New(vectors, 2, knn.Options{}) // L2: squared distances
	queries := []float32{0.2, 0.1, 4, 4}
	res, _ := ix.SearchBatch(queries, 1)
	for i, r := range res {
		fmt.Printf("query %d: row %d at %.2f\n", i, r[0].ID, r[0].Score)
	}
	// Output:
	// query 0: row 0 at 0.05
	// query 1: row 2 at 2.00
}
