package kernels

import (
	"fmt"
	"math"
	"testing"
)

// The bitwise tests prove the central promise of the package: every
// implementation returns exactly the bits of package generic, for every
// length (each tail size and many whole blocks), every alignment of x and
// y, and every class of data (see data_test.go). Outputs are compared
// element by element with the guards around them, and inputs must come
// back unchanged.

// TestBitwise runs the bitwise sweep of every kernel of kernelTests on
// every implementation this CPU runs: TestBitwise/Dot/avx2 is Dot on AVX2.
func TestBitwise(t *testing.T) {
	for _, k := range kernelTests {
		t.Run(k.name, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T, im *implementation) { k.sweep(t, k.name, im) })
		})
	}
}

// sweepVectors calls check for every class, length 0…maxLen() and offset,
// with x and y placed at their offsets and filled from the class's pool,
// and fails at the first difference it reports.
func sweepVectors(tb failer, kernel string, im *implementation, check func(sc *scratch, p pool, key int, x, y vec) string) {
	tb.Helper()
	sc := new(scratch)
	for _, p := range pools {
		for n := 0; n <= maxLen(); n++ {
			for _, off := range offsets() {
				offY := otherOffset(off, n)
				key := n*8 + off
				xs, ys := p.window(n, key)
				x, y := sc.x.place(n, off).set(xs), sc.y.place(n, offY).set(ys)
				if d := check(sc, p, key, x, y); d != "" {
					tb.Fatalf("%s[%s] n=%d offset x=%d y=%d class=%s: %s", kernel, im.name, n, off, offY, p.class, d)
				}
			}
		}
	}
}

// sweepMatrices is the bitwise sweep of the matrix families (Gram,
// GramDiag, ShiftScale): try places and checks a problem of each m×n
// shape in each of its gemvLayouts, the data class changing from one to
// the next, and returns the problem (for the message) and its first
// difference from generic, "" for none.
func sweepMatrices(tb failer, name string, im *implementation, shapes [][2]int,
	try func(p pool, key, m, n int, l gemvLayout) (problem fmt.Stringer, diff string)) {
	tb.Helper()
	for s, shape := range shapes {
		m, n := shape[0], shape[1]
		for v, l := range gemvLayouts(n, s) {
			p := pools[(s+v)%len(pools)]
			if pr, d := try(p, s*3+v, m, n, l); d != "" {
				tb.Fatalf("%s[%s] %v class=%s: %s", name, im.name, pr, p.class, d)
			}
		}
	}
}

// sweep is the bitwise sweep of a vector kernel: each placed x and y with
// the class's alpha, or, for IndexAbs, with each value of
// indexAbsTargets(x).
func (v *vecTest) sweep(tb failer, name string, im *implementation) {
	tb.Helper()
	sweepVectors(tb, name, im, func(sc *scratch, p pool, key int, x, y vec) string {
		return sc.checkScalars(v, im, v.scalars(p, key, x.s()), x, y)
	})
}

// checkScalars runs checkVec with each scalar in turn and describes the
// first difference with its scalar.
func (sc *scratch) checkScalars(v *vecTest, im *implementation, ss []float64, x, y vec) string {
	for _, s := range ss {
		if d := sc.checkVec(v, im, s, x, y); d != "" {
			return v.scalarNote(s, d)
		}
	}
	return ""
}

// sweep is the bitwise sweep of GemvN or GemvT.
func (g *gemvTest) sweep(tb failer, name string, im *implementation) {
	tb.Helper()
	sweepGemv(tb, name, g, im)
}

// sweep is the bitwise sweep of LossGrad.
func (l *lossGradTest) sweep(tb failer, _ string, im *implementation) {
	tb.Helper()
	sweepLossGrad(tb, l, im)
}

// indexAbsTargets are the values IndexAbs searches every vector for: the
// absolute values of its last, middle and first elements, and values that
// are usually absent: 0 (which a kernel padding its tail with zeros would
// wrongly find), +Inf, NaN (never found) and 1.5.
func indexAbsTargets(x []float64) []float64 {
	vs := []float64{0, math.Inf(1), math.NaN(), 1.5}
	if n := len(x); n > 0 {
		vs = append(vs, math.Abs(x[n-1]), math.Abs(x[n/2]), math.Abs(x[0]))
	}
	return vs
}
