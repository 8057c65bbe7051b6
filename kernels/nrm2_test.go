package kernels

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactNrm2 returns √(Σ x[i]²) rounded to float64 from exact arithmetic:
// +Inf if it exceeds MaxFloat64.
func exactNrm2(x []float64) float64 {
	s := newExact()
	for _, v := range x {
		sq := exact(v)
		s.Add(s, sq.Mul(sq, exact(v)))
	}
	r, _ := new(big.Float).SetPrec(exactPrec).Sqrt(s).Float64()
	return r
}

// TestNrm2Accurate checks Nrm2 against exact arithmetic across the whole
// exponent range, where the one-pass sum of squares would overflow or
// underflow: a representable norm must come back within the bound of the
// reduction (γ_{k+5} on the sum of squares, halved by the square root,
// plus the root's own rounding), however large or small the elements.
func TestNrm2Accurate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	scales := []struct {
		name string
		exp  func() int // exponent of each element
	}{
		{"ordinary", func() int { return r.IntN(41) - 20 }},
		{"huge", func() int { return 1000 + r.IntN(23) }},       // squares overflow
		{"tiny", func() int { return -1000 - r.IntN(22) }},      // squares underflow
		{"subnormal", func() int { return -1074 + r.IntN(50) }}, // Ldexp gives subnormals
		{"near-threshold", func() int { return -485 + r.IntN(8) - 4 }},
		{"wide", func() int { return r.IntN(2000) - 1000 }}, // huge beside tiny
	}
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, sc := range scales {
			for _, n := range []int{1, 2, 3, 31, 32, 33, 100, 1000} {
				x := make([]float64, n)
				for i := range x {
					x[i] = randSign(r) * math.Ldexp(1+r.Float64(), sc.exp())
				}
				got, want := im.nrm2(x), exactNrm2(x)
				k := (n + 31) / 32
				// (γ_{k+5})/2 for the root of a relatively perturbed sum, one
				// u for the root's rounding, one for the final scaling (exact
				// unless the result is subnormal, where the absolute error is
				// at most half the smallest subnormal).
				tol := (float64(k+5)/2 + 2) * 0x1p-53 * want
				tol = math.Max(tol, math.SmallestNonzeroFloat64)
				if math.IsInf(want, 1) {
					if !math.IsInf(got, 1) {
						t.Fatalf("%s n=%d: Nrm2 = %v, want +Inf", sc.name, n, got)
					}
					continue
				}
				if !(math.Abs(got-want) <= tol) {
					t.Fatalf("%s n=%d: Nrm2 = %v, exact %v: error %.3g ulps exceeds the bound %.3g",
						sc.name, n, got, want, math.Abs(got-want)/ulp(want), tol/ulp(want))
				}
			}
		}
	})
}

func ulp(v float64) float64 { return math.Nextafter(v, math.Inf(1)) - v }

// TestNrm2Specials pins the cases the scaling must get right.
func TestNrm2Specials(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	big := math.MaxFloat64
	cases := []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0, math.Copysign(0, -1)}, 0},
		{[]float64{-3, 4}, 5},
		{[]float64{0x3p1000, -0x4p1000}, 0x5p1000},   // squares overflow
		{[]float64{0x3p-1000, 0x4p-1000}, 0x5p-1000}, // squares underflow
		{[]float64{big, big}, inf},                   // the norm itself overflows
		{[]float64{big, 0}, big},                     // but MaxFloat64 alone does not
		{[]float64{math.SmallestNonzeroFloat64}, math.SmallestNonzeroFloat64},
		{[]float64{1, inf, -2}, inf},
		{[]float64{-inf, nan}, nan}, // NaN wins over Inf, as in gonum
		{[]float64{nan, 1e300, 1e300}, nan},
		{[]float64{1e-320, 1e-320, 1e-320, 1e-320}, 2e-320},
	}
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, c := range cases {
			if got := im.nrm2(c.x); !sameBits(got, c.want) {
				t.Errorf("Nrm2(%v) = %v, want %v", c.x, got, c.want)
			}
		}
	})
}

// TestIamaxSemantics pins Iamax to BLAS IDAMAX on hand-picked vectors.
func TestIamaxSemantics(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		x    []float64
		want int
	}{
		{nil, -1},
		{[]float64{0}, 0},
		{[]float64{1, -3, 3, 2}, 1}, // first of equal magnitudes
		{[]float64{nan, 5, 9}, 0},   // a leading NaN is never beaten
		{[]float64{1, nan, -9, nan}, 2},
		{[]float64{0, nan, nan}, 0},
		{[]float64{math.Copysign(0, -1), 0, -inf, inf}, 2},
	}
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, c := range cases {
			if got := im.iamax(c.x); got != c.want {
				t.Errorf("Iamax(%v) = %d, want %d", c.x, got, c.want)
			}
		}
	})
}

func ExampleNrm2() {
	// The squares of these elements overflow, their norm does not.
	fmt.Printf("%.6g\n", Nrm2([]float64{3e200, 4e200}))
	// Output: 5e+200
}
