package kernels

import (
	"fmt"
	"math"
)

// scratch is the reusable storage of a sweep: vecs under test are placed
// in x, y and a, and the checks keep their copies in the others.
type scratch struct{ x, y, a, x0, y0, a0, want vecBuf }

// The check methods run one kernel of im and its reference on the same
// placed data and describe the first difference, or return "". They
// compare results bit for bit (NaN payloads aside), every element of an
// output including the guards around it, and every bit of the inputs,
// which no kernel may write. The bitwise sweeps and the fuzz targets use
// them.

// checkVec runs vector kernel v with scalar s on x and y.
func (sc *scratch) checkVec(v *vecTest, im *implementation, s float64, x, y vec) string {
	x0, y0 := x.copyInto(&sc.x0), y.copyInto(&sc.y0)
	var got []float64
	if p := panicOf(func() { got = v.run(im, s, x.s(), y.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	for _, in := range []struct {
		name     string
		got, was vec
	}{{"x", x, x0}, {"y", y, y0}} {
		if in.name == v.out {
			continue
		}
		if d := diffOut(in.name, in.got, in.was, true); d != "" {
			return "input modified: " + d
		}
	}
	// The reference runs on the copies, and writes its output into its
	// copy of out, guards and all.
	var want []float64
	if p := panicOf(func() { want = v.ref(s, x0.s(), y0.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	switch v.out {
	case "x":
		return diffOut("x", x, x0, false)
	case "y":
		return diffOut("y", y, y0, false)
	}
	return v.diffResults(got, want)
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

// checkGemv runs GemvN or GemvT on the matrix in a (rows lda apart, the
// padding of each row left at the guard pattern, so reading it poisons
// the result).
func (sc *scratch) checkGemv(g *gemvTest, im *implementation, m, n int, a vec, lda int, x, y vec) string {
	a0, x0, want := a.copyInto(&sc.a0), x.copyInto(&sc.x0), y.copyInto(&sc.want)
	if p := panicOf(func() { g.run(im, m, n, a.s(), lda, x.s(), y.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("a", a, a0, true); d != "" {
		return "input modified: " + d
	}
	if d := diffOut("x", x, x0, true); d != "" {
		return "input modified: " + d
	}
	if p := panicOf(func() { g.ref(m, n, a.s(), lda, x.s(), want.s()) }); p != "" {
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
