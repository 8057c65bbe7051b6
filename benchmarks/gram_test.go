package benchmarks

import (
	"fmt"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// gramShapes are the m×n shapes of BenchmarkGram: one block of 4096 rows
// at widths from a few columns to 512, where the cost moves from reading
// A to the multiply-adds, and the two training shapes, 200000×64 and
// 2000000×8 (128 MiB and 16 MiB·8 of A, past every cache).
var gramShapes = []struct{ m, n int }{
	{4096, 8}, {4096, 16}, {4096, 64}, {4096, 128}, {4096, 256}, {4096, 512},
	{200000, 64}, {2000000, 8},
}

// gramInput returns a seeded m×n matrix (lda = n) and an n×n output, made
// on first use and shared by every column.
func gramInput(m, n int) (a, g []float64) {
	key := [2]int{m, n}
	mat := gramCache[key]
	if mat == nil {
		mat = &matrix{m: m, n: n, a: randomSlice(m*n, 5), y: alignedSlice(n * n)}
		gramCache[key] = mat
	}
	return mat.a, mat.y
}

var gramCache = map[[2]int]*matrix{}

// BenchmarkGram times G = AᵀA, the upper triangle, for every shape and
// implementation, as sub-benchmarks shape=MxN/impl=NAME: the lanes
// kernels from a cleared g, gonum's Dsyrk, the plain rank-one loop, and
// OpenBLAS's cblas_dsyrk with the openblas tag. GFLOP/s counts the
// upper triangle's multiply-adds, two flops each: m·n·(n+1). Bytes per op
// are A read once.
func BenchmarkGram(b *testing.B) {
	for _, s := range gramShapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			a, g := gramInput(s.m, s.n)
			m, n := s.m, s.n
			for _, im := range impls() {
				f := im.gram
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(8 * int64(m) * int64(n))
					f(m, n, a, n, g)
					for b.Loop() {
						f(m, n, a, n, g)
					}
					sink = g[0]
					reportGFLOPs(b, int64(m)*int64(n)*int64(n+1))
				})
			}
		})
	}
}

// shiftScaleShapes are the m×n shapes of BenchmarkShiftScale: short rows
// (the training shape's 8 columns), where per-row overhead shows, and
// longer ones.
var shiftScaleShapes = []struct{ m, n int }{{4096, 8}, {4096, 64}, {2000000, 8}}

// BenchmarkShiftScale times z = (a − shift)·scale row by row, the lanes
// kernels against the plain loop. Bytes per op are A read and Z written;
// flops two per element.
func BenchmarkShiftScale(b *testing.B) {
	for _, s := range shiftScaleShapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			m, n := s.m, s.n
			a, _ := gramInput(m, n)
			z := alignedSlice(m * n)
			shift, scale := randomSlice(n, 6), randomSlice(n, 7)
			for _, im := range impls() {
				f := im.shiftScale
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(16 * int64(m) * int64(n))
					f(m, n, a, n, shift, scale, z, n)
					for b.Loop() {
						f(m, n, a, n, shift, scale, z, n)
					}
					sink = z[0]
					reportGFLOPs(b, 2*int64(m)*int64(n))
				})
			}
		})
	}
}

// gramDiagShapes are the m×n shapes of BenchmarkGramDiag: the chunk of
// 256 rows of 66 columns that SGD's set-up pass hands it, one block of
// 4096 rows, and the training shape 200000×64 (100 MiB of A, past every
// cache).
var gramDiagShapes = []struct{ m, n int }{{256, 66}, {4096, 64}, {200000, 64}}

// BenchmarkGramDiag times the column sums and sums of squares of A,
// accumulated, on every lanes implementation; the peers have no such
// kernel. Bytes per op are A read once; flops two per element (an add
// and a fused multiply-add, counted as one each); elem/ns is elements of
// A per nanosecond.
func BenchmarkGramDiag(b *testing.B) {
	for _, s := range gramDiagShapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			m, n := s.m, s.n
			a, _ := gramInput(m, n)
			sums, squares := alignedSlice(n), alignedSlice(n)
			for _, im := range impls() {
				if im.kernel == "" {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(8 * int64(m) * int64(n))
					clear(sums)
					clear(squares)
					kernels.GramDiag(m, n, a, n, sums, squares)
					for b.Loop() {
						kernels.GramDiag(m, n, a, n, sums, squares)
					}
					sink = sums[0] + squares[0]
					reportGFLOPs(b, 2*int64(m)*int64(n))
					if ns := b.Elapsed().Nanoseconds(); ns > 0 {
						b.ReportMetric(float64(m)*float64(n)*float64(b.N)/float64(ns), "elem/ns")
					}
				})
			}
		})
	}
}

// TestGramPeers checks every column of BenchmarkGram, OpenBLAS's with its
// tag, against the generic kernel within a rounding bound, and every
// column of BenchmarkShiftScale bit for bit: two roundings leave no
// freedom.
func TestGramPeers(t *testing.T) {
	for _, s := range []struct{ m, n int }{{0, 3}, {1, 1}, {7, 5}, {130, 17}, {40, 64}} {
		m, n := s.m, s.n
		a := randomSlice(m*n, 21)
		want := wantGeneric(t, func() []float64 {
			g := make([]float64, n*n)
			lanesGram(m, n, a, n, g)
			return g
		})
		shift, scale := randomSlice(n, 22), randomSlice(n, 23)
		wantZ := make([]float64, m*n)
		plainShiftScale(m, n, a, n, shift, scale, wantZ, n)
		for _, im := range impls() {
			t.Run(fmt.Sprintf("%dx%d/impl=%s", m, n, im.name), func(t *testing.T) {
				im.use(t)
				if im.gram != nil {
					g := randomSlice(n*n, 24) // garbage to overwrite
					im.gram(m, n, a, n, g)
					for j := range n {
						for k := j; k < n; k++ {
							scale := sumAbs(m, func(i int) float64 { return a[i*n+j] * a[i*n+k] })
							if !closeSum(g[j*n+k], want[j*n+k], m, scale) {
								t.Fatalf("g[%d,%d] = %v, generic %v", j, k, g[j*n+k], want[j*n+k])
							}
						}
					}
				}
				if im.shiftScale != nil {
					z := randomSlice(m*n, 25)
					im.shiftScale(m, n, a, n, shift, scale, z, n)
					for i := range z {
						if z[i] != wantZ[i] {
							t.Fatalf("z[%d] = %v, the plain loop %v", i, z[i], wantZ[i])
						}
					}
				}
			})
		}
	}
}
