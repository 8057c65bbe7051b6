package kernels

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels/generic"
)

// scratch is the reusable storage of a sweep: vecs under test are placed
// in x, y and a, and the checks keep their copies in the others.
type scratch struct{ x, y, a, x0, y0, a0, want vecBuf }

// The check methods run one kernel of im and of package generic on the
// same placed data and describe the first difference, or return "". They
// compare results bit for bit (NaN payloads aside), every element of an
// output including the guards around it, and every bit of the inputs,
// which no kernel may write. The bitwise sweeps, the guard-page test and
// the fuzz targets all use them.

func (sc *scratch) checkDot(im *implementation, x, y vec) string {
	return sc.checkReduce(im.dot, generic.Dot, x, y)
}

func (sc *scratch) checkSumSqDiff(im *implementation, x, y vec) string {
	return sc.checkReduce(im.sumSqDiff, generic.SumSqDiff, x, y)
}

func (sc *scratch) checkSum(im *implementation, x vec) string {
	return sc.checkReduce(oneInput(im.sum), oneInput(generic.Sum), x, x)
}

func (sc *scratch) checkAsum(im *implementation, x vec) string {
	return sc.checkReduce(oneInput(im.asum), oneInput(generic.Asum), x, x)
}

func (sc *scratch) checkAmax(im *implementation, x vec) string {
	return sc.checkReduce(oneInput(im.amax), oneInput(generic.Amax), x, x)
}

func (sc *scratch) checkScaledSumSq(im *implementation, alpha float64, x vec) string {
	f := func(x, _ []float64) float64 { return im.scaledSumSq(alpha, x) }
	ref := func(x, _ []float64) float64 { return generic.ScaledSumSq(alpha, x) }
	return sc.checkReduce(f, ref, x, x)
}

// checkNrm2 compares Nrm2, a composition of kernels, with the same
// composition of the generic ones.
func (sc *scratch) checkNrm2(im *implementation, x vec) string {
	return sc.checkReduce(oneInput(im.nrm2), oneInput(lookup(Generic).nrm2), x, x)
}

func (sc *scratch) checkIndexAbs(im *implementation, v float64, x vec) string {
	return sc.checkIndex(func(x []float64) int { return im.indexAbs(v, x) },
		func(x []float64) int { return generic.IndexAbs(v, x) }, x)
}

// checkIamax compares Iamax with BLAS's own loop, blasIamax, which shares
// no code with it.
func (sc *scratch) checkIamax(im *implementation, x vec) string {
	return sc.checkIndex(im.iamax, blasIamax, x)
}

func (sc *scratch) checkIndex(f, ref func(x []float64) int, x vec) string {
	x0 := x.copyInto(&sc.x0)
	var got int
	if p := panicOf(func() { got = f(x.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("x", x, x0, true); d != "" {
		return "input modified: " + d
	}
	if want := ref(x.s()); got != want {
		return fmt.Sprintf("index %d, want %d", got, want)
	}
	return ""
}

// blasIamax is the loop of reference BLAS IDAMAX (and gonum's Idamax):
// the first index whose |x[i]| is greater than every earlier one, so a
// NaN x[0] is never beaten and later NaNs never win.
func blasIamax(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	idx, best := 0, math.Abs(x[0])
	for i, v := range x {
		if math.Abs(v) > best {
			idx, best = i, math.Abs(v)
		}
	}
	return idx
}

// oneInput adapts a one-vector reduction to checkReduce.
func oneInput(f func([]float64) float64) func(x, _ []float64) float64 {
	return func(x, _ []float64) float64 { return f(x) }
}

func (sc *scratch) checkReduce(f, ref func(x, y []float64) float64, x, y vec) string {
	x0, y0 := x.copyInto(&sc.x0), y.copyInto(&sc.y0)
	var got float64
	if p := panicOf(func() { got = f(x.s(), y.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("x", x, x0, true); d != "" {
		return "input modified: " + d
	}
	if d := diffOut("y", y, y0, true); d != "" {
		return "input modified: " + d
	}
	var want float64
	if p := panicOf(func() { want = ref(x.s(), y.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	if !sameBits(got, want) {
		return fmt.Sprintf("result %s, want %s", fmtBits(got), fmtBits(want))
	}
	return ""
}

func (sc *scratch) checkAxpy(im *implementation, alpha float64, x, y vec) string {
	x0, want := x.copyInto(&sc.x0), y.copyInto(&sc.want)
	if p := panicOf(func() { im.axpy(alpha, x.s(), y.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("x", x, x0, true); d != "" {
		return "input modified: " + d
	}
	if p := panicOf(func() { generic.Axpy(alpha, x.s(), want.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	return diffOut("y", y, want, false)
}

func (sc *scratch) checkScal(im *implementation, alpha float64, x vec) string {
	want := x.copyInto(&sc.want)
	if p := panicOf(func() { im.scal(alpha, x.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if p := panicOf(func() { generic.Scal(alpha, want.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	return diffOut("x", x, want, false)
}

// checkGemvN runs GemvN on the matrix in a (rows lda apart, the padding of
// each row left at the guard pattern, so reading it poisons the result).
func (sc *scratch) checkGemvN(im *implementation, m, n int, a vec, lda int, x, y vec) string {
	return sc.checkGemv(im.gemvN, generic.GemvN, m, n, a, lda, x, y)
}

func (sc *scratch) checkGemvT(im *implementation, m, n int, a vec, lda int, x, y vec) string {
	return sc.checkGemv(im.gemvT, generic.GemvT, m, n, a, lda, x, y)
}

func (sc *scratch) checkGemv(f, ref func(m, n int, a []float64, lda int, x, y []float64), m, n int, a vec, lda int, x, y vec) string {
	a0, x0, want := a.copyInto(&sc.a0), x.copyInto(&sc.x0), y.copyInto(&sc.want)
	if p := panicOf(func() { f(m, n, a.s(), lda, x.s(), y.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("a", a, a0, true); d != "" {
		return "input modified: " + d
	}
	if d := diffOut("x", x, x0, true); d != "" {
		return "input modified: " + d
	}
	if p := panicOf(func() { ref(m, n, a.s(), lda, x.s(), want.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	return diffOut("y", y, want, false)
}

// matrixLen is the length of a slice holding an m×n matrix with row
// stride lda: the last row needs only n elements.
func matrixLen(m, n, lda int) int {
	if m == 0 || n == 0 {
		return 0
	}
	return (m-1)*lda + n
}

// panicOf runs f and describes the panic it raised, or returns "", so
// that one bad case reports its parameters and which side failed instead
// of crashing the whole test binary.
func panicOf(f func()) (d string) {
	defer func() {
		if e := recover(); e != nil {
			d = fmt.Sprint(e)
		}
	}()
	f()
	return ""
}
