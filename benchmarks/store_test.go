package benchmarks

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/lanes-go/lanes/kernels/f32"
	"github.com/lanes-go/lanes/knn"
)

// An exhaustive embedding store as the embedded pure-Go vector stores
// build one (chromem-go's design): documents are normalised when added, and
// a query scores every document by dot product (the cosine of unit
// vectors) with a plain loop, spread over one goroutine per core, then
// sorts all the scores and keeps the best k. store is that design with its
// scorer chosen: the plain loop (the stores' default), or lanes' knn index
// over the same contiguous matrix.

type storeDoc struct {
	id        string
	embedding []float32 // unit length
}

type storeResult struct {
	id         string
	similarity float32
}

type store struct {
	docs   []storeDoc
	matrix []float32 // the embeddings end to end, for knn
	dim    int
	index  *knn.Index // nil: the plain loop
}

// newStore adds the embeddings (rows of dim values, normalised here) as
// documents "doc-0", "doc-1", …; with useLanes, queries go through knn.
func newStore(embeddings []float32, dim int, useLanes bool) (*store, error) {
	s := &store{matrix: slices.Clone(embeddings), dim: dim}
	for i := 0; i*dim < len(s.matrix); i++ {
		v := s.matrix[i*dim : (i+1)*dim]
		f32.Normalize(v)
		s.docs = append(s.docs, storeDoc{fmt.Sprintf("doc-%d", i), v})
	}
	if useLanes {
		var err error
		if s.index, err = knn.New(s.matrix, dim, knn.Options{Metric: knn.InnerProduct}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// query returns the k documents most similar to q (normalised here).
func (s *store) query(q []float32, k int) ([]storeResult, error) {
	q = slices.Clone(q)
	f32.Normalize(q)
	if s.index != nil {
		ns, err := s.index.Search(q, k)
		if err != nil {
			return nil, err
		}
		out := make([]storeResult, len(ns))
		for i, n := range ns {
			out[i] = storeResult{s.docs[n.ID].id, n.Score}
		}
		return out, nil
	}
	// The stores' default: a plain dot product per document on every
	// core, every score kept, then a full sort.
	all := make([]storeResult, len(s.docs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(s.docs); i += workers {
				all[i] = storeResult{s.docs[i].id, plainDot32(s.docs[i].embedding, q)}
			}
		}()
	}
	wg.Wait()
	slices.SortStableFunc(all, func(a, b storeResult) int { return cmp.Compare(b.similarity, a.similarity) })
	return all[:min(k, len(all))], nil
}

// Example_store: lanes' knn as the scorer behind an exhaustive store.
func Example_store() {
	emb := []float32{
		1, 0, 0, // doc-0
		0.8, 0.6, 0, // doc-1
		0, 0, 2, // doc-2
		0, 1, 0.1, // doc-3
	}
	s, err := newStore(emb, 3, true)
	if err != nil {
		panic(err)
	}
	res, _ := s.query([]float32{1, 0.5, 0}, 2)
	for _, r := range res {
		fmt.Printf("%s %.3f\n", r.id, r.similarity)
	}
	// Output:
	// doc-1 0.984
	// doc-0 0.894
}

// TestStoreSameAnswer: the store answers with the same documents through
// knn as through its plain loop (their scores round differently, so only
// rankings whose gap exceeds the rounding are compared).
func TestStoreSameAnswer(t *testing.T) {
	const rows, dim, k = 3000, 96, 10
	emb := randomSlice32(rows*dim, 41)
	plain, _ := newStore(emb, dim, false)
	lanes, _ := newStore(emb, dim, true)
	for qi := range 5 {
		q := randomSlice32(dim, uint64(50+qi))
		a, _ := plain.query(q, k)
		b, _ := lanes.query(q, k)
		for i := range a {
			if a[i].id != b[i].id && abs32(a[i].similarity-b[i].similarity) > 1e-5 {
				t.Fatalf("query %d rank %d: plain %v, lanes %v", qi, i, a[i], b[i])
			}
		}
	}
}

func abs32(v float32) float32 { return max(v, -v) }

// BenchmarkStoreQuery times one top-10 query of the store, as its users
// call it, on 50,000 documents of 768 dimensions: impl=plain is the
// stores' default scorer on every core, impl=lanes knn with one worker per
// core (GOMAXPROCS).
func BenchmarkStoreQuery(b *testing.B) {
	const rows, dim = 50_000, 768
	emb := randomSlice32(rows*dim, 42)
	q := randomSlice32(dim, 43)
	for _, impl := range []string{"plain", "lanes"} {
		s, err := newStore(emb, dim, impl == "lanes")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("shape=50000x768/impl="+impl, func(b *testing.B) {
			b.SetBytes(rows * dim * 4)
			for b.Loop() {
				if _, err := s.query(q, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
