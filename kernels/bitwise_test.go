package kernels

import (
	"math"
	"testing"
)

// The bitwise tests prove the central promise of the package: every
// implementation returns exactly the bits of package generic, for every
// length (each tail size and many whole blocks), every alignment of x and
// y, and every class of data (see data_test.go). Outputs are compared
// element by element with the guards around them, and inputs must come
// back unchanged.

func TestDotBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepDot(t, im) })
}

func TestSumBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepSum(t, im) })
}

func TestSumSqDiffBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepSumSqDiff(t, im) })
}

func TestAxpyBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepAxpy(t, im) })
}

func TestScalBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepScal(t, im) })
}

func TestAsumBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepAsum(t, im) })
}

func TestAmaxBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepAmax(t, im) })
}

func TestIndexAbsBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepIndexAbs(t, im) })
}

func TestScaledSumSqBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepScaledSumSq(t, im) })
}

func TestNrm2Bitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepNrm2(t, im) })
}

func TestIamaxBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepIamax(t, im) })
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

func sweepDot(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Dot", im, func(sc *scratch, _ pool, _ int, x, y vec) string { return sc.checkDot(im, x, y) })
}

func sweepSum(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Sum", im, func(sc *scratch, _ pool, _ int, x, _ vec) string { return sc.checkSum(im, x) })
}

func sweepSumSqDiff(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "SumSqDiff", im, func(sc *scratch, _ pool, _ int, x, y vec) string { return sc.checkSumSqDiff(im, x, y) })
}

func sweepAxpy(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Axpy", im, func(sc *scratch, p pool, key int, x, y vec) string {
		alpha := p.alpha(key)
		if d := sc.checkAxpy(im, alpha, x, y); d != "" {
			return "alpha=" + fmtBits(alpha) + ": " + d
		}
		return ""
	})
}

func sweepScal(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Scal", im, func(sc *scratch, p pool, key int, x, _ vec) string {
		alpha := p.alpha(key)
		if d := sc.checkScal(im, alpha, x); d != "" {
			return "alpha=" + fmtBits(alpha) + ": " + d
		}
		return ""
	})
}

func sweepAsum(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Asum", im, func(sc *scratch, _ pool, _ int, x, _ vec) string { return sc.checkAsum(im, x) })
}

func sweepAmax(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Amax", im, func(sc *scratch, _ pool, _ int, x, _ vec) string { return sc.checkAmax(im, x) })
}

func sweepScaledSumSq(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "ScaledSumSq", im, func(sc *scratch, p pool, key int, x, _ vec) string {
		alpha := p.alpha(key)
		if d := sc.checkScaledSumSq(im, alpha, x); d != "" {
			return "alpha=" + fmtBits(alpha) + ": " + d
		}
		return ""
	})
}

func sweepNrm2(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Nrm2", im, func(sc *scratch, _ pool, _ int, x, _ vec) string { return sc.checkNrm2(im, x) })
}

func sweepIamax(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "Iamax", im, func(sc *scratch, _ pool, _ int, x, _ vec) string { return sc.checkIamax(im, x) })
}

// sweepIndexAbs searches every vector for the absolute values of its last,
// middle and first elements, and for values that are usually absent: 0
// (which a kernel padding its tail with zeros would wrongly find), +Inf,
// NaN (never found) and 1.5.
func sweepIndexAbs(tb failer, im *implementation) {
	tb.Helper()
	sweepVectors(tb, "IndexAbs", im, func(sc *scratch, _ pool, _ int, x, _ vec) string {
		for _, v := range indexAbsTargets(x.s()) {
			if d := sc.checkIndexAbs(im, v, x); d != "" {
				return "v=" + fmtBits(v) + ": " + d
			}
		}
		return ""
	})
}

func indexAbsTargets(x []float64) []float64 {
	vs := []float64{0, math.Inf(1), math.NaN(), 1.5}
	if n := len(x); n > 0 {
		vs = append(vs, math.Abs(x[n-1]), math.Abs(x[n/2]), math.Abs(x[0]))
	}
	return vs
}
