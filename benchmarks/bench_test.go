package benchmarks

import (
	"fmt"
	"testing"
)

// sink and sinkIndex receive every result, so that no call can be
// optimized away even if a future compiler looked through b.Loop.
var (
	sink      float64
	sinkIndex int
)

// level1Sizes are the vector lengths of the Level-1 benchmarks: from one
// that fits in a few registers to 32 MiB per vector, past any cache.
var level1Sizes = []int{16, 64, 256, 1024, 4096, 16384, 65536, 1 << 20, 1 << 22}

// vectors holds the inputs for one length: x and y are read-only; work is
// overwritten by Axpy and Scal, which refill it from y or x first; peak is
// Iamax's input, made on first use (see iamaxInput).
type vectors struct{ x, y, work, peak []float64 }

var vectorCache = map[int]*vectors{}

// inputs returns the seeded inputs of length n, made on first use and
// shared by every implementation, so all of them read the same memory.
func inputs(n int) *vectors {
	v := vectorCache[n]
	if v == nil {
		v = &vectors{x: randomSlice(n, 1), y: randomSlice(n, 2), work: alignedSlice(n)}
		vectorCache[n] = v
	}
	return v
}

// iamaxPeak is where iamaxInput puts the largest |x[i]| of a vector of
// length n > 0: at the start of its last quarter.
func iamaxPeak(n int) int { return 3 * n / 4 }

// iamaxInput returns Iamax's input for v: a copy of v.x (uniform in
// [−1, 1)) with x[iamaxPeak(n)] = −1.5, so that the largest |x[i]|, and
// its first occurrence, sit at a known place, 3n/4, instead of wherever
// the random maximum of x happens to fall (a different place, from near
// the start to near the end, at each n). That matters to kernels.Iamax,
// which reads x twice: one full pass for the largest |x[i]|, then one
// that stops at its first occurrence, so here it reads 1.75n elements,
// more than the n/2 it would read on average with the maximum at a
// random place; the one-pass peers (gonum, plain, OpenBLAS) read n
// wherever it is. It is made once per n and shared by every column.
func iamaxInput(v *vectors) []float64 {
	if v.peak == nil {
		v.peak = alignedSlice(len(v.x))
		copy(v.peak, v.x)
		if len(v.peak) > 0 {
			v.peak[iamaxPeak(len(v.peak))] = -1.5
		}
	}
	return v.peak
}

// reportGFLOPs adds a GFLOP/s metric, counting flopsPerOp per iteration.
// It must be called after the b.Loop loop, when b.N and b.Elapsed hold the
// totals.
func reportGFLOPs(b *testing.B, flopsPerOp int64) {
	if s := b.Elapsed().Seconds(); s > 0 && b.N > 0 {
		b.ReportMetric(float64(flopsPerOp)*float64(b.N)/s/1e9, "GFLOP/s")
	}
}

// level1 runs one Level-1 kernel at every size and implementation, as
// sub-benchmarks n=N/impl=NAME. bytes and flops are per element: bytes
// read plus written by the kernel as specified (not by any one
// implementation's scratch traffic), and floating-point operations.
// run does one untimed warm-up call, then the b.Loop loop.
func level1(b *testing.B, bytes, flops int64, has func(impl) bool, run func(b *testing.B, im impl, v *vectors)) {
	for _, n := range level1Sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			v := inputs(n)
			for _, im := range impls() {
				if !has(im) {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(bytes * int64(n))
					run(b, im, v)
					reportGFLOPs(b, flops*int64(n))
				})
			}
		})
	}
}

func BenchmarkDot(b *testing.B) {
	level1(b, 16, 2, func(im impl) bool { return im.dot != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x, y := im.dot, v.x, v.y
		sink = f(x, y)
		for b.Loop() {
			sink = f(x, y)
		}
	})
}

func BenchmarkSum(b *testing.B) {
	level1(b, 8, 1, func(im impl) bool { return im.sum != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x := im.sum, v.x
		sink = f(x)
		for b.Loop() {
			sink = f(x)
		}
	})
}

// The flops per element of Asum, Nrm2 and Iamax are conventions, as in
// the BLAS literature, not instruction counts: Asum 1 (the add; the
// absolute value is a sign-bit mask), Nrm2 2 (a multiply and an add, a
// fused multiply-add in lanes; a rare scaled second and third pass is
// not counted, and never happens on these inputs) and Iamax 1 (the
// comparison; kernels.Iamax's second pass is not counted). Bytes are 8
// per element for all three: x read once, by definition, whatever the
// implementation actually reads.

func BenchmarkAsum(b *testing.B) {
	level1(b, 8, 1, func(im impl) bool { return im.asum != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x := im.asum, v.x
		sink = f(x)
		for b.Loop() {
			sink = f(x)
		}
	})
}

// BenchmarkNrm2 runs on x, uniform in [−1, 1): the sum of squares is far
// from overflow and underflow, so kernels.Nrm2 takes its one-pass route,
// and plainNrm2, which is not overflow-safe, computes the same thing.
func BenchmarkNrm2(b *testing.B) {
	level1(b, 8, 2, func(im impl) bool { return im.nrm2 != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x := im.nrm2, v.x
		sink = f(x)
		for b.Loop() {
			sink = f(x)
		}
	})
}

// BenchmarkIamax runs on iamaxInput: x with its largest |x[i]| placed at
// 3n/4.
func BenchmarkIamax(b *testing.B) {
	level1(b, 8, 1, func(im impl) bool { return im.iamax != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x := im.iamax, iamaxInput(v)
		sinkIndex = f(x)
		for b.Loop() {
			sinkIndex = f(x)
		}
	})
}

func BenchmarkSumSqDiff(b *testing.B) {
	level1(b, 16, 3, func(im impl) bool { return im.sumSqDiff != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x, y := im.sumSqDiff, v.x, v.y
		sink = f(x, y)
		for b.Loop() {
			sink = f(x, y)
		}
	})
}

// BenchmarkAxpy updates a copy of y in place, with alpha alternating
// between +0.5 and −0.5 so the values stay bounded however long it runs.
func BenchmarkAxpy(b *testing.B) {
	level1(b, 24, 2, func(im impl) bool { return im.axpy != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x, w := im.axpy, v.x, v.work
		copy(w, v.y)
		alphas := [2]float64{0.5, -0.5}
		f(alphas[1], x, w)
		k := 0
		for b.Loop() {
			f(alphas[k&1], x, w)
			k++
		}
		sink = w[0]
	})
}

// BenchmarkScal scales a copy of x in place, with alpha alternating between
// 2 and 0.5, so the values stay exactly as they were (no overflow, no
// subnormals) however long it runs.
func BenchmarkScal(b *testing.B) {
	level1(b, 16, 1, func(im impl) bool { return im.scal != nil }, func(b *testing.B, im impl, v *vectors) {
		f, w := im.scal, v.work
		copy(w, v.x)
		alphas := [2]float64{2, 0.5}
		f(alphas[1], w)
		k := 0
		for b.Loop() {
			f(alphas[k&1], w)
			k++
		}
		sink = w[0]
	})
}

// gemvShapes are the m×n shapes of the Gemv benchmarks: tall and thin
// (rows shorter than one accumulator block, and a few blocks), a long one
// and a square one of 128 MiB.
var gemvShapes = []struct{ m, n int }{
	{1000, 16},
	{1000, 128},
	{10000, 64},
	{4096, 4096},
}

// matrix holds a row-major m×n matrix a with lda = n, an x of length
// max(m, n) (GemvN reads n, GemvT m elements) and an output y.
type matrix struct {
	m, n int
	a    []float64
	x, y []float64
}

var matrixCache = map[[2]int]*matrix{}

func matrixInput(m, n int) *matrix {
	key := [2]int{m, n}
	mat := matrixCache[key]
	if mat == nil {
		mat = &matrix{m: m, n: n, a: randomSlice(m*n, 3), x: randomSlice(max(m, n), 4), y: alignedSlice(max(m, n))}
		matrixCache[key] = mat
	}
	return mat
}

// gemv runs GemvN or GemvT (trans) for every shape and implementation, as
// sub-benchmarks shape=MxN/impl=NAME. Bytes per op are the matrix plus x
// read plus y written; flops 2mn.
func gemv(b *testing.B, trans bool) {
	for _, s := range gemvShapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			mat := matrixInput(s.m, s.n)
			m, n, a := mat.m, mat.n, mat.a
			x, y := mat.x[:n], mat.y[:m]
			if trans {
				x, y = mat.x[:m], mat.y[:n]
			}
			for _, im := range impls() {
				f := im.gemvN
				if trans {
					f = im.gemvT
				}
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(8 * int64(m*n+m+n))
					f(m, n, a, n, x, y)
					for b.Loop() {
						f(m, n, a, n, x, y)
					}
					sink = y[0]
					reportGFLOPs(b, 2*int64(m)*int64(n))
				})
			}
		})
	}
}

func BenchmarkGemvN(b *testing.B) { gemv(b, false) }

func BenchmarkGemvT(b *testing.B) { gemv(b, true) }
