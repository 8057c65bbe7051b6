package kernels

import (
	"math"
	"math/big"
	"testing"
)

// The accuracy tests check each implementation against exact arithmetic
// (math/big), independently of package generic: the bitwise tests would
// pass if generic itself dropped a term or rounded twice, these would
// not.
//
// Error bound of the reductions. Let u = 2^-53 and γ_k = k·u/(1−k·u).
// Element i of n feeds lane i mod 32, so each lane takes at most
// k = ⌈n/32⌉ elements. A lane update s ← fl(s + t) is one fused operation
// rounded once: (s + t)(1+δ) with |δ| ≤ u, barring underflow and overflow,
// which the data here avoids. The term t added at a lane's j-th update is
// therefore multiplied by at most k factors (1+δ) by the end of the lane;
// the fold 32→16→8→4→2→1 adds every lane into the result through exactly
// 5 more rounded additions, so each term carries at most k+5 factors. By
// Higham's Lemma 3.1, |Π(1+δ_r) − 1| ≤ γ_{k+5}, hence
//
//	|computed − Σ t_i| ≤ γ_{k+5} · Σ |t_i|
//
// with t_i = x_i·y_i (exact) for Dot and t_i = x_i for Sum (whose first
// addition to +0 is exact, so this is one factor loose). SumSqDiff rounds
// d_i = fl(x_i − y_i) = (x_i − y_i)(1+ε) before the fused square-add, so
// d_i² = (x_i − y_i)²(1+ε)² brings two more factors:
//
//	|computed − Σ (x_i−y_i)²| ≤ γ_{k+7} · Σ (x_i−y_i)².

// exactPrec makes every big.Float operation here exact: products and sums
// of float64 values span at most 2^-2148…2^2049, some 4200 bits.
const exactPrec = 4400

func exact(v float64) *big.Float { return new(big.Float).SetPrec(exactPrec).SetFloat64(v) }

func newExact() *big.Float { return new(big.Float).SetPrec(exactPrec) }

// gamma returns γ_k = k·u/(1−k·u) for u = 2^-53.
func gamma(k int) *big.Float {
	ku := new(big.Float).SetPrec(200).SetMantExp(big.NewFloat(float64(k)), -53)
	den := new(big.Float).SetPrec(200).Sub(big.NewFloat(1), ku)
	return ku.Quo(ku, den)
}

// accuracyLengths are the lengths the accuracy tests try: each short
// length, then longer ones where k = ⌈n/32⌉ grows.
func accuracyLengths() []int {
	var ns []int
	last := 200
	long := []int{256, 333, 512, 777, 1024, 1100, 4096}
	if testing.Short() {
		last, long = 70, []int{100, 300, 1000}
	}
	for n := 1; n <= last; n++ {
		ns = append(ns, n)
	}
	return append(ns, long...)
}

// checkBound fails unless |computed − exact| ≤ γ_k·sumAbs, and returns
// the error as a fraction of the bound.
func checkBound(tb failer, what string, n, k int, computed float64, exactSum, sumAbs *big.Float) float64 {
	tb.Helper()
	if math.IsNaN(computed) || math.IsInf(computed, 0) {
		tb.Fatalf("%s n=%d: computed %v from finite data", what, n, computed)
	}
	err := newExact().Sub(exact(computed), exactSum)
	err.Abs(err)
	bound := new(big.Float).SetPrec(200).Mul(gamma(k), sumAbs)
	if err.Cmp(bound) > 0 {
		tb.Fatalf("%s n=%d: computed %s, exact %s: error %.3g exceeds the bound γ_%d·Σ|t| = %.3g",
			what, n, fmtBits(computed), exactSum.Text('g', 20), err, k, bound)
	}
	if bound.Sign() == 0 {
		return 0
	}
	r, _ := new(big.Float).Quo(err, bound).Float64()
	return r
}

// accuracyData yields x and y from the finite classes of data.
func accuracyData(f func(c class, x, y []float64)) {
	for _, c := range []class{classRandom, classCancel} {
		p := pools[c]
		for _, n := range accuracyLengths() {
			x, y := p.window(n, n)
			f(c, x, y)
		}
	}
}

func TestDotAccuracy(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { accuracyDot(t, im) })
}

func accuracyDot(tb failer, im *implementation) {
	tb.Helper()
	worst := 0.0
	accuracyData(func(c class, x, y []float64) {
		sum, abs, t := newExact(), newExact(), newExact()
		for i := range x {
			t.Mul(exact(x[i]), exact(y[i]))
			sum.Add(sum, t)
			abs.Add(abs, t.Abs(t))
		}
		n := len(x)
		worst = max(worst, checkBound(tb, "Dot["+im.name+"] class="+c.String(), n, (n+31)/32+5, im.dot(x, y), sum, abs))
	})
	logf(tb, "Dot[%s]: worst error %.3f of the bound", im.name, worst)
}

func TestSumAccuracy(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { accuracySum(t, im) })
}

func accuracySum(tb failer, im *implementation) {
	tb.Helper()
	worst := 0.0
	accuracyData(func(c class, x, _ []float64) {
		sum, abs := newExact(), newExact()
		for _, v := range x {
			sum.Add(sum, exact(v))
			abs.Add(abs, exact(math.Abs(v)))
		}
		n := len(x)
		worst = max(worst, checkBound(tb, "Sum["+im.name+"] class="+c.String(), n, (n+31)/32+5, im.sum(x), sum, abs))
	})
	logf(tb, "Sum[%s]: worst error %.3f of the bound", im.name, worst)
}

func TestSumSqDiffAccuracy(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { accuracySumSqDiff(t, im) })
}

func accuracySumSqDiff(tb failer, im *implementation) {
	tb.Helper()
	worst := 0.0
	accuracyData(func(c class, x, y []float64) {
		sum, d := newExact(), newExact()
		for i := range x {
			d.Sub(exact(x[i]), exact(y[i]))
			sum.Add(sum, d.Mul(d, d))
		}
		n := len(x)
		// Every term is ≥ 0, so Σ|t_i| is the exact sum itself.
		worst = max(worst, checkBound(tb, "SumSqDiff["+im.name+"] class="+c.String(), n, (n+31)/32+7, im.sumSqDiff(x, y), sum, sum))
	})
	logf(tb, "SumSqDiff[%s]: worst error %.3f of the bound", im.name, worst)
}

// TestAxpyCorrectlyRounded proves Axpy rounds once per element: y[i] must
// be alpha·x[i] + y[i] computed exactly and rounded to nearest even, over
// every finite value of every class, subnormal and overflowing results
// included. A multiply followed by an add would round twice.
func TestAxpyCorrectlyRounded(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { roundingAxpy(t, im) })
}

func roundingAxpy(tb failer, im *implementation) {
	tb.Helper()
	for _, p := range pools {
		for k := range 6 {
			alpha := p.alpha(k)
			n := poolLen - k // lengths with different tails
			if testing.Short() {
				n = 300 - k
			}
			x, y := p.window(n, k)
			got := append([]float64(nil), y...)
			im.axpy(alpha, x, got)
			for i := range x {
				if !finite(alpha, x[i], y[i]) {
					continue
				}
				e := newExact().Mul(exact(alpha), exact(x[i]))
				e.Add(e, exact(y[i]))
				want, _ := e.Float64()
				if e.Sign() == 0 {
					want = zeroSum(math.Signbit(alpha) != math.Signbit(x[i]), math.Signbit(y[i]))
				}
				if !sameBits(got[i], want) {
					tb.Fatalf("Axpy[%s] class=%s n=%d: y[%d] = fma(%v, %v, %v) = %s, want the correctly rounded %s",
						im.name, p.class, n, i, alpha, x[i], y[i], fmtBits(got[i]), fmtBits(want))
				}
			}
		}
	}
}

// TestScalCorrectlyRounded proves Scal rounds alpha·x[i] once, to nearest
// even, subnormals and overflow included.
func TestScalCorrectlyRounded(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { roundingScal(t, im) })
}

func roundingScal(tb failer, im *implementation) {
	tb.Helper()
	for _, p := range pools {
		for k := range 6 {
			alpha := p.alpha(k)
			n := poolLen - k
			if testing.Short() {
				n = 300 - k
			}
			x, _ := p.window(n, k)
			got := append([]float64(nil), x...)
			im.scal(alpha, got)
			for i := range x {
				if !finite(alpha, x[i]) {
					continue
				}
				want, _ := newExact().Mul(exact(alpha), exact(x[i])).Float64()
				if !sameBits(got[i], want) {
					tb.Fatalf("Scal[%s] class=%s: x[%d] = %v·%v = %s, want the correctly rounded %s",
						im.name, p.class, i, alpha, x[i], fmtBits(got[i]), fmtBits(want))
				}
			}
		}
	}
}

// zeroSum is the IEEE 754 sign of an exactly zero sum p + y under
// round-to-nearest: -0 only when both addends are -0. (big.Float has no
// use for the sign of an exact zero.)
func zeroSum(pNeg, yNeg bool) float64 {
	if pNeg && yNeg {
		return math.Copysign(0, -1)
	}
	return 0
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// logf logs when tb is a *testing.T (the self-check's recorder has no log).
func logf(tb failer, format string, args ...any) {
	tb.Helper()
	if t, ok := tb.(interface{ Logf(string, ...any) }); ok {
		t.Logf(format, args...)
	}
}
