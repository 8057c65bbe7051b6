package f32_test

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels/f32"
)

func ExampleDot() {
	x := []float32{1, 2, 3, 4}
	y := []float32{10, 20, 30, 40}
	fmt.Println(f32.Dot(x, y))
	// Output: 300
}

func ExampleCosine() {
	a := []float32{1, 1, 0}
	b := []float32{1, 0, 0}
	fmt.Printf("%.4f\n", f32.Cosine(a, b))
	fmt.Println(f32.Cosine(a, []float32{0, 0, 0})) // a zero vector
	// Output:
	// 0.7071
	// 0
}

func ExampleNormalize() {
	v := []float32{3, 4}
	norm := f32.Normalize(v)
	fmt.Println(norm, v)
	// Output: 5 [0.6 0.8]
}

// One query scored against every row of a matrix of embeddings: each
// score has exactly the bits of the pairwise function.
func ExampleSumSqDiffRows() {
	rows := []float32{
		0, 0,
		1, 1,
		3, 4,
	}
	q := []float32{1, 0}
	dist := make([]float32, 3)
	f32.SumSqDiffRows(3, 2, rows, 2, q, dist)
	fmt.Println(dist, dist[2] == f32.SumSqDiff(rows[4:6], q))
	// Output: [1 1 20] true
}

// CosineRows takes the rows' squared norms, computed once for a matrix
// that many queries search.
func ExampleCosineRows() {
	rows := []float32{
		1, 0,
		1, 1,
		0, 2,
	}
	sq := make([]float32, 3)
	f32.SqNorms(3, 2, rows, 2, sq)
	out := make([]float32, 3)
	f32.CosineRows(3, 2, rows, 2, sq, []float32{1, 0}, out)
	fmt.Printf("%.4f\n", out)
	// Output: [1.0000 0.7071 0.0000]
}
