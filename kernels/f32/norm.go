package f32

import (
	"fmt"
	"math"
)

// nrm2Tiny is the smallest Dot(x, x) whose square root Nrm2 takes
// directly: each float32 FMA that underflows loses at most 2⁻¹⁵⁰, so above
// 2⁻¹⁰⁰ what underflowed adds a relative error below n·2⁻⁵⁰.
const nrm2Tiny = 0x1p-100

// sqrt32 is the correctly rounded float32 square root: the float64 root
// rounded to float32 is, as 53 ≥ 2·24 + 2.
func sqrt32(s float32) float32 { return float32(math.Sqrt(float64(s))) }

// Nrm2 returns the Euclidean norm √(Σ x[i]²) without overflow or
// underflow in between: one pass, √Dot(x, x), unless that sum overflows
// or comes near the bottom of the float32 range; then a pass for the
// largest |x[i]| and one summing the squares scaled by a power of two that
// brings the largest near 1. It is NaN if any element is NaN, and
// otherwise +Inf if any is infinite.
func Nrm2(x []float32) float32 { return nrm2Kind(current(), x) }

func nrm2Kind(k kind, x []float32) float32 {
	s := dotKind(k, x, x)
	if s >= nrm2Tiny && s <= math.MaxFloat32 {
		return sqrt32(s)
	}
	if s != s {
		return s
	}
	m := amaxKind(k, x)
	if m == 0 || m > math.MaxFloat32 {
		return m
	}
	// m = f·2ᵉ with 1 ≤ f < 2 (a subnormal m reads as e = −127, which the
	// clamp turns into the largest safe scale).
	e := int(math.Float32bits(m)>>23) - 127
	sc := min(max(-e, -126), 126)
	up := math.Float32frombits(uint32(127+sc) << 23)   // 2^sc, exact
	down := math.Float32frombits(uint32(127-sc) << 23) // 2^−sc, exact
	return sqrt32(scaledSumSqKind(k, up, x)) * down
}

// Normalize scales x in place to unit Euclidean norm and returns the norm
// it had, Nrm2(x). Each element is divided by the norm with one rounding.
// A zero vector is left as it is and 0 returned; a vector with a NaN or
// infinite element is left as it is and its NaN or +Inf norm returned.
func Normalize(x []float32) float32 {
	nrm := Nrm2(x)
	if nrm == 0 || nrm != nrm || nrm > math.MaxFloat32 {
		return nrm
	}
	d := float64(nrm)
	for i, v := range x {
		// The float64 quotient of two float32 values rounded to float32 is
		// the correctly rounded float32 quotient (53 ≥ 2·24 + 2).
		x[i] = float32(float64(v) / d)
	}
	return nrm
}

// Cosine returns the cosine similarity x·y / (‖x‖·‖y‖) of two vectors.
// The three reductions x·y, x·x and y·y have the bits of Dot each and are
// computed in one pass over x and y; the cosine is formed
// from them in float64 (cosineOf), so it is the same on every CPU, and it
// is clamped to [−1, 1]. It is 0 when x or y is all zeros, NaN when an
// element is NaN or infinite or when a squared norm overflows float32
// (‖x‖ above about 1.8·10¹⁹). It panics if len(x) != len(y).
func Cosine(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("f32.Cosine: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return cosineOf(dotNormsKind(current(), x, y))
}

// cosineOf is the cosine from the reductions xy = x·y, xx = x·x and
// yy = y·y. xx·yy is exact in float64, so the denominator is one correctly
// rounded square root and the quotient one more rounding before float32.
func cosineOf(xy, xx, yy float32) float32 {
	if xx > math.MaxFloat32 || yy > math.MaxFloat32 || xy != xy || xx != xx || yy != yy {
		return float32(math.NaN())
	}
	if xx == 0 || yy == 0 {
		return 0
	}
	c := float64(xy) / math.Sqrt(float64(xx)*float64(yy))
	return float32(min(max(c, -1), 1))
}
