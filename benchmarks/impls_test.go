package benchmarks

import (
	"math"
	"testing"

	"github.com/lanes-go/lanes/kernels"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// impl is one column of the comparison. A nil function means this peer
// has no entry for that kernel, and the sub-benchmark is left out.
type impl struct {
	name string
	// kernel names the lanes implementation to switch to with
	// kernels.Use; empty for the peers.
	kernel string

	dot       func(x, y []float64) float64
	sum       func(x []float64) float64
	sumSqDiff func(x, y []float64) float64
	asum      func(x []float64) float64
	nrm2      func(x []float64) float64
	iamax     func(x []float64) int
	axpy      func(alpha float64, x, y []float64)
	scal      func(alpha float64, x []float64)
	gemvN     func(m, n int, a []float64, lda int, x, y []float64)
	gemvT     func(m, n int, a []float64, lda int, x, y []float64)
	// gram sets the upper triangle of the n×n g to AᵀA (g's previous
	// contents ignored); shiftScale is kernels.ShiftScale's operation.
	gram       func(m, n int, a []float64, lda int, g []float64)
	shiftScale func(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int)
}

// use switches the kernels to im for the rest of the benchmark or test;
// it does nothing for a peer.
func (im impl) use(tb testing.TB) {
	tb.Helper()
	if im.kernel == "" {
		return
	}
	restore, err := kernels.Use(im.kernel)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(restore)
}

var gonumBLAS gonum.Implementation

// extraImpls are peers that build-tagged files add from init, such as
// openblas (openblas_test.go); they come last.
var extraImpls []impl

// impls lists every lanes implementation this CPU runs, fastest first,
// then the peers: gonum, gonum-subdot (SumSqDiff only), plain and any
// extraImpls.
func impls() []impl {
	var out []impl
	for _, name := range kernels.Available() {
		out = append(out, impl{
			name:       name,
			kernel:     name,
			dot:        kernels.Dot,
			sum:        kernels.Sum,
			sumSqDiff:  kernels.SumSqDiff,
			asum:       kernels.Asum,
			nrm2:       kernels.Nrm2,
			iamax:      kernels.Iamax,
			axpy:       kernels.Axpy,
			scal:       kernels.Scal,
			gemvN:      kernels.GemvN,
			gemvT:      kernels.GemvT,
			gram:       lanesGram,
			shiftScale: kernels.ShiftScale,
		})
	}
	out = append(out,
		impl{
			name:      "gonum",
			dot:       gonumDot,
			sum:       floats.Sum,
			sumSqDiff: gonumDistanceSq,
			asum:      gonumAsum,
			nrm2:      gonumNrm2,
			iamax:     gonumIamax,
			axpy:      gonumAxpy,
			scal:      gonumScal,
			gemvN:     gonumGemvN,
			gemvT:     gonumGemvT,
			gram:      gonumGram,
		},
		impl{
			name:      "gonum-subdot",
			sumSqDiff: gonumSubDot,
		},
		impl{
			name:       "plain",
			dot:        plainDot,
			sum:        plainSum,
			sumSqDiff:  plainSumSqDiff,
			asum:       plainAsum,
			nrm2:       plainNrm2,
			iamax:      plainIamax,
			axpy:       plainAxpy,
			scal:       plainScal,
			gemvN:      plainGemvN,
			gemvT:      plainGemvT,
			gram:       plainGram,
			shiftScale: plainShiftScale,
		},
	)
	return append(out, extraImpls...)
}

func gonumDot(x, y []float64) float64 { return gonumBLAS.Ddot(len(x), x, 1, y, 1) }

// gonumAsum is Dasum: a single-accumulator Go loop of math.Abs.
func gonumAsum(x []float64) float64 { return gonumBLAS.Dasum(len(x), x, 1) }

// gonumNrm2 is Dnrm2, overflow-safe like kernels.Nrm2: gonum computes it
// in one pass with a running scale, the largest |x[i]| so far, and a
// division by it per element (scalar SSE2 assembly on amd64, the same
// loop in Go elsewhere).
func gonumNrm2(x []float64) float64 { return gonumBLAS.Dnrm2(len(x), x, 1) }

// gonumIamax is Idamax, a one-pass Go loop: −1 for an empty x, like
// kernels.Iamax.
func gonumIamax(x []float64) int { return gonumBLAS.Idamax(len(x), x, 1) }

func gonumAxpy(alpha float64, x, y []float64) { gonumBLAS.Daxpy(len(x), alpha, x, 1, y, 1) }

func gonumScal(alpha float64, x []float64) { gonumBLAS.Dscal(len(x), alpha, x, 1) }

// gonumDistanceSq is gonum's one-call route to Σ (x[i]−y[i])²:
// floats.Distance(x, y, 2) squared. Distance computes the 2-norm the
// overflow-safe way (a running scale and one division per element, scalar
// code), so it does more work than the kernel; gonumSubDot is the fast
// route.
func gonumDistanceSq(x, y []float64) float64 {
	d := floats.Distance(x, y, 2)
	return d * d
}

// gonumSubDot returns Σ (x[i]−y[i])² the fast gonum way: floats.SubTo
// into a scratch slice, then Ddot of it with itself. That is two passes and
// a write of n values, but both are gonum's SSE2 assembly. The scratch
// slice is kept between calls and grows on the first call for a larger n,
// which every benchmark makes before its timed loop. It is not safe for
// concurrent use; the benchmarks and tests run serially.
func gonumSubDot(x, y []float64) float64 {
	if cap(subDotScratch) < len(x) {
		subDotScratch = alignedSlice(len(x))
	}
	d := floats.SubTo(subDotScratch[:len(x)], x, y)
	return gonumBLAS.Ddot(len(d), d, 1, d, 1)
}

var subDotScratch []float64

// gonumGemvN is Dgemv(NoTrans) with alpha = 1, beta = 0 on the row-major
// matrix: gonum's BLAS is row-major, so no transposition is involved.
func gonumGemvN(m, n int, a []float64, lda int, x, y []float64) {
	gonumBLAS.Dgemv(blas.NoTrans, m, n, 1, a, lda, x, 1, 0, y, 1)
}

// gonumGemvT is Dgemv(Trans) with alpha = 1, beta = 0.
func gonumGemvT(m, n int, a []float64, lda int, x, y []float64) {
	gonumBLAS.Dgemv(blas.Trans, m, n, 1, a, lda, x, 1, 0, y, 1)
}

// lanesGram is kernels.Gram from zero: it clears g's upper triangle (the
// kernel accumulates) and adds AᵀA.
func lanesGram(m, n int, a []float64, lda int, g []float64) {
	for j := range n {
		clear(g[j*n+j : j*n+n])
	}
	kernels.Gram(m, n, a, lda, g)
}

// gonumGram is Dsyrk(Upper, Trans) with alpha = 1, beta = 0: for the
// row-major m×n A, gonum's A is k×n with k = m, and C = AᵀA. gonum adds
// alpha·a[l][j] times row l of A to row j of C, one Axpy (SSE2 assembly)
// per row of A and of C.
func gonumGram(m, n int, a []float64, lda int, g []float64) {
	gonumBLAS.Dsyrk(blas.Upper, blas.Trans, n, m, 1, a, lda, 0, g, n)
}

// sumAbs returns Σ |f(i)| for i < n, the scale of a sum's rounding error.
func sumAbs(n int, f func(i int) float64) float64 {
	s := 0.0
	for i := range n {
		s += math.Abs(f(i))
	}
	return s
}
