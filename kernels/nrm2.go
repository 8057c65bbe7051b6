package kernels

import "math"

// nrm2Tiny is the smallest Dot(x, x) whose square root Nrm2 takes
// directly. Below it, squares that underflowed could matter: each FMA
// loses at most 2⁻¹⁰⁷⁵ absolutely, so above 2⁻⁹⁶⁰ the relative error they
// add stays below n·2⁻¹¹⁵.
const nrm2Tiny = 0x1p-960

// Nrm2 returns the Euclidean norm √(Σ x[i]²), without overflow or
// underflow in between: a result that is representable is returned,
// however large or small the elements. It is NaN if any element is NaN,
// and otherwise +Inf if any is infinite.
//
// The common case is one pass, √Dot(x, x). When that sum overflows or
// comes near the bottom of the exponent range, a second pass finds the
// largest |x[i]| and a third sums the squares scaled by a power of two
// that brings the largest near 1. The steps are specified in package
// generic, so the result has the same bits everywhere.
func Nrm2(x []float64) float64 { return nrm2Kind(current().kind, x) }

func nrm2Kind(k kind, x []float64) float64 {
	s := dotKind(k, x, x)
	if s >= nrm2Tiny && s <= math.MaxFloat64 {
		return math.Sqrt(s)
	}
	if s != s {
		return s // a NaN element; the squares of the others cannot make NaN
	}
	m := amaxKind(k, x)
	if m == 0 || m > math.MaxFloat64 {
		return m // all zero, or an infinite element
	}
	// m = f·2ᵉ with 1 ≤ f < 2 (a subnormal m reads as e = −1023, which
	// the clamp turns into the largest safe scale).
	e := int(math.Float64bits(m)>>52) - 1023
	sc := min(max(-e, -1022), 1022)
	up := math.Float64frombits(uint64(1023+sc) << 52)   // 2^sc, exact
	down := math.Float64frombits(uint64(1023-sc) << 52) // 2^−sc, exact
	return math.Sqrt(scaledSumSqKind(k, up, x)) * down
}
