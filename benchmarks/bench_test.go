package benchmarks

import (
	"fmt"
	"testing"
)

// sink receives every result, so that no call can be optimized away even
// if a future compiler looked through b.Loop.
var sink float64

// level1Sizes are the vector lengths of the Level-1 benchmarks: from one
// that fits in a few registers to 32 MiB per vector, past any cache.
var level1Sizes = []int{16, 64, 256, 1024, 4096, 16384, 65536, 1 << 20, 1 << 22}

// vectors holds the inputs for one length: x and y are read-only; work is
// overwritten by Axpy and Scal, which refill it from y or x first.
type vectors struct{ x, y, work []float64 }

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
