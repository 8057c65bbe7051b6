package benchmarks

import (
	"fmt"
	"testing"

	"github.com/lanes-go/lanes/kernels/f32"
	"github.com/lanes-go/lanes/knn"
)

// BenchmarkKNN times an exact top-10 search over 100,000 rows of 768
// float32 values (293 MiB, from memory) against its bare scan:
//
//	impl=read        f32.Sum over the matrix: the read bandwidth, the limit
//	impl=scan        f32.GemvN over the whole matrix into a score array:
//	                 the arithmetic and the read alone, no selection
//	impl=knn-w1      knn.Index.SearchInto, inner product, one goroutine
//	impl=knn-w2      the same with two workers (same results)
//	impl=cosine-w1   the same, cosine (precomputed row norms)
//	impl=l2-w1       the same, squared Euclidean distance
func BenchmarkKNN(b *testing.B) {
	const m, n, k = 100_000, 768, 10
	mat := matrixInput32(m, n)
	scores := make([]float32, m)
	b.Run(fmt.Sprintf("shape=%dx%d/impl=read", m, n), func(b *testing.B) {
		b.SetBytes(m * n * 4)
		for b.Loop() {
			scores[0] = f32.Sum(mat.a[:m*n])
		}
	})
	b.Run(fmt.Sprintf("shape=%dx%d/impl=scan", m, n), func(b *testing.B) {
		b.SetBytes(m * n * 4)
		for b.Loop() {
			f32.GemvN(m, n, mat.a, n, mat.q, scores)
		}
	})
	for _, c := range []struct {
		name    string
		metric  knn.Metric
		workers int
	}{
		{"knn-w1", knn.InnerProduct, 1}, {"knn-w2", knn.InnerProduct, 2},
		{"cosine-w1", knn.Cosine, 1}, {"l2-w1", knn.L2, 1},
	} {
		ix, err := knn.New(mat.a[:m*n], n, knn.Options{Metric: c.metric, Workers: c.workers})
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]knn.Neighbor, 0, k)
		b.Run(fmt.Sprintf("shape=%dx%d/impl=%s", m, n, c.name), func(b *testing.B) {
			b.SetBytes(m * n * 4)
			for b.Loop() {
				dst, _ = ix.SearchInto(dst, mat.q, k)
			}
		})
		ix.Close()
	}
}
