package benchmarks

import (
	"fmt"
	"math"
	"testing"

	"github.com/lanes-go/lanes/kernels/f32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// The float32 benchmarks compare package kernels/f32 with its peers at
// the vector lengths of text embeddings, where both vectors sit in L1:
//
//	BenchmarkF32Dot/n=N/impl=NAME        n = 128, 384, 768, 1536, 3072
//	BenchmarkF32SumSqDiff/n=N/impl=NAME  same n
//	BenchmarkF32Cosine/n=768/impl=NAME
//	BenchmarkF32GemvN/shape=MxN/impl=NAME          one query against
//	BenchmarkF32SumSqDiffRows/shape=MxN/impl=NAME  m rows of length n
//
// The columns (f32Impls) are lanes (the f32 function, on whatever
// implementation kernels.Impl names), plain (f32peers.go), gonum
// (blas32), vek32 (github.com/viterin/vek/vek32, AVX2 assembly when the
// CPU has AVX2 and FMA, else single-accumulator Go loops) and the
// two-pass "subdot" routes of the peers that have no squared distance.
// Unlike the float64 benchmarks they do not switch lanes implementations:
// impl=lanes is the default one, so run with LANES_KERNELS=generic (see
// package kernels) for the pure-Go figures.

// f32Sizes are the vector lengths: common embedding widths (384 and 768
// for small sentence encoders, 1536 and 3072 for OpenAI's), plus 128.
// At n = 3072 two vectors take 24 KiB, still inside a 32 KiB L1.
var f32Sizes = []int{128, 384, 768, 1536, 3072}

// f32CosineSize is the one length BenchmarkF32Cosine runs.
const f32CosineSize = 768

// f32Shapes are the m×n shapes of the one-query-against-many-rows
// benchmarks: 256 rows of 768 (768 KiB, in L2 on most server cores) and
// 100,000 rows of 768 (293 MiB, streamed from DRAM).
var f32Shapes = []struct{ m, n int }{
	{256, 768},
	{100000, 768},
}

// f32Impl is one column of the float32 comparison. A nil function means
// the peer has no such entry, and the sub-benchmark is left out.
type f32Impl struct {
	name      string
	dot       func(x, y []float32) float32
	sumSqDiff func(x, y []float32) float32
	cosine    func(x, y []float32) float32
	// gemvN sets y = A·x and sumSqDiffRows out[i] = Σ (row i − q)², for
	// the row-major m×n matrix a with row stride lda.
	gemvN         func(m, n int, a []float32, lda int, x, y []float32)
	sumSqDiffRows func(m, n int, a []float32, lda int, q, out []float32)
	// emptyPanics is set for a peer that panics on empty vectors rather
	// than returning 0 (vek32 does: "slice must not be empty").
	emptyPanics bool
}

// f32Impls lists the columns: lanes first, then the peers.
//
//   - lanes: f32.Dot, f32.SumSqDiff, f32.Cosine, f32.GemvN,
//     f32.SumSqDiffRows.
//   - plain: the loops of f32peers.go.
//   - gonum: blas32.Dot and blas32.Gemv (NoTrans, alpha 1, beta 0), which
//     run gonum's SSE assembly on amd64. gonum has no float32 distance or
//     cosine.
//   - gonum-subdot: SumSqDiff as d = x, d −= y (blas32.Copy, blas32.Axpy
//     with alpha −1), then blas32.Dot(d, d): two passes and a scratch
//     write, as the float64 gonum-subdot column.
//   - vek32: vek32.Dot; vek32.Distance squared for SumSqDiff (vek has no
//     squared distance: its Distance is √Σ(x−y)², the root taken with
//     an approximate reciprocal square root and a Newton step on AVX2);
//     vek32.CosineSimilarity; and per-row vek32.Dot or vek32.Distance²
//     for the row benchmarks.
//   - vek32-subdot: SumSqDiff as vek32.Sub_Into(d, x, y) then
//     vek32.Dot(d, d), the exact route through vek.
//   - vek32-matmul: GemvN only, vek32.MatMul_Into(y, A, x, n) with x as
//     an n×1 matrix. For m·n ≥ 100,000 (both benchmark shapes) vek splits
//     the rows over runtime.NumCPU() goroutines, one per core, whatever
//     GOMAXPROCS says, so this column is multi-threaded while every other
//     one runs on one core.
func f32Impls() []f32Impl {
	var gonumScratch []float32
	return append([]f32Impl{
		{
			name:          "lanes",
			dot:           f32.Dot,
			sumSqDiff:     f32.SumSqDiff,
			cosine:        f32.Cosine,
			gemvN:         f32.GemvN,
			sumSqDiffRows: f32.SumSqDiffRows,
		},
		{
			name:          "plain",
			dot:           plainDot32,
			sumSqDiff:     plainSumSqDiff32,
			cosine:        plainCosine32,
			gemvN:         plainGemvN32,
			sumSqDiffRows: plainSumSqDiffRows32,
		},
		{
			name:  "gonum",
			dot:   gonumDot32,
			gemvN: gonumGemvN32,
		},
		{
			name: "gonum-subdot",
			sumSqDiff: func(x, y []float32) float32 {
				gonumScratch = grow32(gonumScratch, len(x))
				return gonumSubDot32(gonumScratch, x, y)
			},
		},
	}, vekImpls()...)
}

// grow32 returns s if it holds n elements, else a new aligned slice of n.
func grow32(s []float32, n int) []float32 {
	if cap(s) < n {
		return alignedSlice32(n)
	}
	return s[:n]
}

func vec32(x []float32) blas32.Vector { return blas32.Vector{N: len(x), Inc: 1, Data: x} }

func gonumDot32(x, y []float32) float32 { return blas32.Dot(vec32(x), vec32(y)) }

// gonumSubDot32 returns Σ (x[i]−y[i])² as d = x − y, then d·d, with d the
// scratch slice of len(x).
func gonumSubDot32(d, x, y []float32) float32 {
	blas32.Copy(vec32(x), vec32(d))
	blas32.Axpy(-1, vec32(y), vec32(d))
	return blas32.Dot(vec32(d), vec32(d))
}

func gonumGemvN32(m, n int, a []float32, lda int, x, y []float32) {
	blas32.Gemv(blas.NoTrans, 1, blas32.General{Rows: m, Cols: n, Stride: lda, Data: a}, vec32(x[:n]), 0, vec32(y[:m]))
}

// eps32 is the unit roundoff of float32.
const eps32 = 0x1p-24

// closeSum32 is closeSum for float32 sums: got and want, two sums of n
// terms whose absolute values add up to scale, agree within the
// worst-case error of two n-term float32 sums plus a margin.
func closeSum32(got, want float32, n int, scale float64) bool {
	return math.Abs(float64(got)-float64(want)) <= 4*float64(n+2)*eps32*scale
}

// f32TestSizes cover the empty slice, the 4-wide plain loops' tails, vek's
// 32-element blocks and the benchmark sizes.
var f32TestSizes = []int{0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 128, 768, 1000, 3072}

// TestF32Peers checks that every column of the float32 benchmarks
// computes what the lanes kernel computes, within a rounding bound: the
// peers add in other orders (and vek fuses its multiply-adds), so they
// cannot match bit for bit.
func TestF32Peers(t *testing.T) {
	for _, n := range f32TestSizes {
		x, y := randomSlice32(n, 31), randomSlice32(n, 32)
		var dotScale, ssdScale float64
		for i := range x {
			d := float64(x[i]) - float64(y[i])
			dotScale += math.Abs(float64(x[i]) * float64(y[i]))
			ssdScale += d * d
		}
		dot, ssd, cos := f32.Dot(x, y), f32.SumSqDiff(x, y), f32.Cosine(x, y)
		for _, im := range f32Impls() {
			if im.emptyPanics && n == 0 {
				continue
			}
			t.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(t *testing.T) {
				if im.dot != nil {
					if got := im.dot(x, y); !closeSum32(got, dot, n, dotScale) {
						t.Errorf("Dot = %v, lanes %v", got, dot)
					}
				}
				if im.sumSqDiff != nil {
					// vek32.Distance² has the error of its approximate
					// square root on top: allow a few more ulps.
					if got := im.sumSqDiff(x, y); !closeSum32(got, ssd, n, ssdScale) && math.Abs(float64(got-ssd)) > 16*eps32*float64(ssd) {
						t.Errorf("SumSqDiff = %v, lanes %v", got, ssd)
					}
				}
				if im.cosine != nil && n > 0 {
					// Σ|x[i]·y[i]| ≤ ‖x‖·‖y‖, so closeSum32's bound on
					// the dot product, divided by the norms, is at most
					// 4(n+2)·eps32; the norms and the quotient add a few
					// roundings more.
					if got := im.cosine(x, y); math.Abs(float64(got-cos)) > 4*float64(n+8)*eps32 {
						t.Errorf("Cosine = %v, lanes %v", got, cos)
					}
				}
			})
		}
	}
}

// TestF32Rows checks the columns of the row benchmarks against f32.GemvN
// and f32.SumSqDiffRows, row by row, within closeSum32's bound.
func TestF32Rows(t *testing.T) {
	shapes := []struct{ m, n int }{{1, 1}, {3, 5}, {7, 33}, {40, 16}, {130, 768}, {400, 300}}
	for _, s := range shapes {
		m, n := s.m, s.n
		a, x := randomSlice32(m*n, 33), randomSlice32(n, 34)
		wantDot, wantSsd := make([]float32, m), make([]float32, m)
		f32.GemvN(m, n, a, n, x, wantDot)
		f32.SumSqDiffRows(m, n, a, n, x, wantSsd)
		for _, im := range f32Impls() {
			if im.gemvN == nil && im.sumSqDiffRows == nil {
				continue
			}
			t.Run(fmt.Sprintf("shape=%dx%d/impl=%s", m, n, im.name), func(t *testing.T) {
				got := make([]float32, m)
				for i := range m {
					got[i] = float32(math.NaN()) // must be overwritten
				}
				if im.gemvN != nil {
					im.gemvN(m, n, a, n, x, got)
					for i := range m {
						row := a[i*n : i*n+n]
						var scale float64
						for j := range row {
							scale += math.Abs(float64(row[j]) * float64(x[j]))
						}
						if !closeSum32(got[i], wantDot[i], n, scale) {
							t.Fatalf("GemvN: y[%d] = %v, lanes %v", i, got[i], wantDot[i])
						}
					}
				}
				if im.sumSqDiffRows != nil {
					im.sumSqDiffRows(m, n, a, n, x, got)
					for i := range m {
						if math.Abs(float64(got[i]-wantSsd[i])) > 4*float64(n+6)*eps32*float64(wantSsd[i]) {
							t.Fatalf("SumSqDiffRows: out[%d] = %v, lanes %v", i, got[i], wantSsd[i])
						}
					}
				}
			})
		}
	}
}

// sink32 receives every float32 result, as sink does the float64 ones.
var sink32 float32

// vectors32 holds the read-only float32 inputs of one length.
type vectors32 struct{ x, y []float32 }

var vectorCache32 = map[int]*vectors32{}

// inputs32 returns the seeded float32 inputs of length n, made on first
// use and shared by every column, so all of them read the same memory.
func inputs32(n int) *vectors32 {
	v := vectorCache32[n]
	if v == nil {
		v = &vectors32{x: randomSlice32(n, 1), y: randomSlice32(n, 2)}
		vectorCache32[n] = v
	}
	return v
}

// f32Level1 runs one two-vector float32 kernel at each of sizes and for
// every column that has it (get returns nil if not), as sub-benchmarks
// n=N/impl=NAME, with bytes and flops per element as level1 counts them.
func f32Level1(b *testing.B, sizes []int, bytes, flops int64, get func(f32Impl) func(x, y []float32) float32) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			v := inputs32(n)
			for _, im := range f32Impls() {
				f := get(im)
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					x, y := v.x, v.y
					b.SetBytes(bytes * int64(n))
					sink32 = f(x, y)
					for b.Loop() {
						sink32 = f(x, y)
					}
					reportGFLOPs(b, flops*int64(n))
				})
			}
		})
	}
}

// BenchmarkF32Dot: 8 bytes (x[i] and y[i]) and 2 flops per element.
func BenchmarkF32Dot(b *testing.B) {
	f32Level1(b, f32Sizes, 8, 2, func(im f32Impl) func(x, y []float32) float32 { return im.dot })
}

// BenchmarkF32SumSqDiff: 8 bytes and 3 flops (subtract, multiply, add)
// per element.
func BenchmarkF32SumSqDiff(b *testing.B) {
	f32Level1(b, f32Sizes, 8, 3, func(im f32Impl) func(x, y []float32) float32 { return im.sumSqDiff })
}

// BenchmarkF32Cosine: 8 bytes and 6 flops (three multiply-adds) per
// element; lanes reads x and y twice each (three Dot calls), the others
// once.
func BenchmarkF32Cosine(b *testing.B) {
	f32Level1(b, []int{f32CosineSize}, 8, 6, func(im f32Impl) func(x, y []float32) float32 { return im.cosine })
}

// matrix32 holds a row-major m×n float32 matrix with lda = n, a query q
// of length n and an output of length m.
type matrix32 struct {
	a, q, out []float32
}

var matrixCache32 = map[[2]int]*matrix32{}

func matrixInput32(m, n int) *matrix32 {
	key := [2]int{m, n}
	mat := matrixCache32[key]
	if mat == nil {
		mat = &matrix32{a: randomSlice32(m*n, 3), q: randomSlice32(n, 4), out: alignedSlice32(m)}
		matrixCache32[key] = mat
	}
	return mat
}

// f32Rows runs a one-query-against-many-rows kernel for every shape and
// column that has it, as sub-benchmarks shape=MxN/impl=NAME. Bytes per op
// are the matrix and q read plus the output written (MB/s); flopsPerElem
// counts per matrix element; rows/s is m per op.
func f32Rows(b *testing.B, flopsPerElem int64, get func(f32Impl) func(m, n int, a []float32, lda int, q, out []float32)) {
	for _, s := range f32Shapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			m, n := s.m, s.n
			mat := matrixInput32(m, n)
			for _, im := range f32Impls() {
				f := get(im)
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					a, q, out := mat.a, mat.q, mat.out
					b.SetBytes(4 * int64(m*n+m+n))
					f(m, n, a, n, q, out)
					for b.Loop() {
						f(m, n, a, n, q, out)
					}
					sink32 = out[0]
					reportGFLOPs(b, flopsPerElem*int64(m)*int64(n))
					if s := b.Elapsed().Seconds(); s > 0 {
						b.ReportMetric(float64(m)*float64(b.N)/s, "rows/s")
					}
				})
			}
		})
	}
}

// BenchmarkF32GemvN scores one query against m rows by dot product:
// y = A·q, 2 flops per matrix element.
func BenchmarkF32GemvN(b *testing.B) {
	f32Rows(b, 2, func(im f32Impl) func(m, n int, a []float32, lda int, q, out []float32) { return im.gemvN })
}

// BenchmarkF32SumSqDiffRows scores one query against m rows by squared
// Euclidean distance, 3 flops per matrix element.
func BenchmarkF32SumSqDiffRows(b *testing.B) {
	f32Rows(b, 3, func(im f32Impl) func(m, n int, a []float32, lda int, q, out []float32) { return im.sumSqDiffRows })
}
