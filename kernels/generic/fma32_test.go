package generic

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// fma32Big is FMA32 computed with math/big: the exact a·b + c, rounded
// once to float32 (nearest, ties to even), with IEEE overflow to ±Inf.
func fma32Big(a, b, c float32) float32 {
	if isInfOrNaN32(a) || isInfOrNaN32(b) || isInfOrNaN32(c) {
		return float32(float64(a)*float64(b) + float64(c)) // exact rules of Inf and NaN
	}
	x := new(big.Float).SetPrec(0).SetFloat64(float64(a))
	y := new(big.Float).SetPrec(0).SetFloat64(float64(b))
	z := new(big.Float).SetPrec(0).SetFloat64(float64(c))
	exact := new(big.Float).SetPrec(2000).Mul(x, y)
	exact.Add(exact, z)
	if exact.Sign() == 0 {
		// The sign of an exact zero follows IEEE: +0 unless both a·b and c are −0.
		return float32(float64(a)*float64(b) + float64(c))
	}
	f, _ := exact.Float32() // nearest even; ±Inf beyond the range, subnormals rounded correctly
	return f
}

func isInfOrNaN32(v float32) bool { return v != v || math.IsInf(float64(v), 0) }

func sameBits32(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

func TestFMA32AgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(a, b, c float32) {
		t.Helper()
		if got, want := FMA32(a, b, c), fma32Big(a, b, c); !sameBits32(got, want) {
			t.Fatalf("FMA32(%g, %g, %g) = %g (%#08x), want %g (%#08x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	// The double-rounding case float32(math.FMA(…)) gets wrong: a·b is
	// exactly halfway between 1 and the next float32, and c tips it up.
	a := float32(1 + 0x1p-12)
	check(a, a, 0x1p-60)   // a² = 1 + 2⁻¹¹ + 2⁻²⁴
	check(a, a, -0x1p-60)  // tips it down
	check(-a, a, 0x1p-60)  // negative products
	check(a, -a, -0x1p-60) // …
	if got, naive := FMA32(a, a, 0x1p-60), float32(math.FMA(float64(a), float64(a), 0x1p-60)); got == naive {
		t.Fatalf("the double-rounding case is not one: both give %g", got)
	}
	// Overflow at the threshold 2¹²⁸ − 2¹⁰³ and subnormal results.
	check(math.MaxFloat32, 1, 0x1p103)
	check(math.MaxFloat32, 1, 0x1p103*(1-0x1p-23))
	check(0x1p-75, 0x1p-75, 0x1p-149)
	check(0x1p-75, 0x1p-74, -0x1p-149)
	check(0x1.8p-75, 0x1p-75, 0)
	check(0, -1, 0)
	negZero := float32(math.Copysign(0, -1))
	check(negZero, 1, negZero)
	check(negZero, 1, 0)
	iters := 2_000_000
	if testing.Short() {
		iters = 20_000
	}
	for range iters {
		a, b, c := rand32(r), rand32(r), rand32(r)
		check(a, b, c)
		// Near-cancellation and halfway products, where the error matters.
		check(a, b, -float32(float64(a)*float64(b)))
		h := float32(1 + float64(r.IntN(1<<11))*0x1p-12)
		check(h, h*float32(1+r.IntN(4)), float32(r.NormFloat64())*0x1p-40)
	}
}

// rand32 returns a float32 with random bits, mostly finite, often close to
// the edges of the exponent range.
func rand32(r *rand.Rand) float32 {
	switch r.IntN(4) {
	case 0:
		return math.Float32frombits(r.Uint32())
	case 1:
		return float32(r.NormFloat64()) * float32(math.Ldexp(1, r.IntN(60)-30))
	default:
		return float32(r.NormFloat64())
	}
}
