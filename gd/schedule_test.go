package gd

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
)

var (
	_ Schedule = Constant(0)
	_ Schedule = WarmupLinear{}
	_ Schedule = StepDecay{}
	_ Schedule = Exponential{}
	_ Schedule = InverseScaling{}
	_ Schedule = Cosine{}
	_ Schedule = ScheduleFunc(nil)

	_ Validator = Constant(0)
	_ Validator = WarmupLinear{}
	_ Validator = StepDecay{}
	_ Validator = Exponential{}
	_ Validator = InverseScaling{}
	_ Validator = Cosine{}
	_ Validator = ScheduleFunc(nil)
)

// schedEps is 2⁻⁵³, the unit roundoff of float64.
const schedEps = 0x1p-53

// rateCase is one expected rate.
type rateCase struct {
	step int
	want float64
}

// checkRates requires every rate of s to be exactly the expected bits.
func checkRates(t *testing.T, name string, s Schedule, cases []rateCase) {
	t.Helper()
	for _, c := range cases {
		if got := s.Rate(c.step); math.Float64bits(got) != math.Float64bits(c.want) {
			t.Errorf("%s.Rate(%d) = %v (%#x), want %v (%#x)", name, c.step, got, math.Float64bits(got), c.want, math.Float64bits(c.want))
		}
	}
}

// schedWithin reports whether got is within rel·|want| of want (or equal).
func schedWithin(got, want, rel float64) bool {
	return got == want || math.Abs(got-want) <= rel*math.Abs(want)
}

func TestScheduleWarmupLinearBoundaries(t *testing.T) {
	// W = 4, D = 8, T = 16: every value below is exact in binary.
	s := WarmupLinear{Base: 0.5, Final: 0.25, Warmup: 4, DecayStart: 8, Total: 16}
	checkRates(t, "WarmupLinear", s, []rateCase{
		{-5, 0.125}, // a negative step is step 0
		{0, 0.125},  // Base·1/4
		{1, 0.25},
		{2, 0.375},
		{3, 0.5}, // W−1: the warm-up ends at Base
		{4, 0.5}, // W
		{5, 0.5},
		{7, 0.5},          // D−1
		{8, 0.5},          // D: the decay starts at Base
		{9, 0.46875},      // 0.5 − 0.25·1/8
		{12, 0.375},       // (D+T)/2: half way
		{15, 0.28125},     // T−1: 0.5 − 0.25·7/8
		{16, 0.25},        // T
		{17, 0.25},        // T+1
		{1_000_000, 0.25}, // far beyond
		{math.MaxInt, 0.25},
	})
}

func TestScheduleWarmupLinearEdges(t *testing.T) {
	// W = 0: no warm-up, Base from step 0.
	checkRates(t, "WarmupLinear{W=0}", WarmupLinear{Base: 0.5, Final: 0.25, Warmup: 0, DecayStart: 2, Total: 6},
		[]rateCase{{0, 0.5}, {1, 0.5}, {2, 0.5}, {4, 0.375}, {5, 0.3125}, {6, 0.25}})
	// D = T: no decay phase, a jump from Base to Final at T.
	checkRates(t, "WarmupLinear{D=T}", WarmupLinear{Base: 0.5, Final: 0.25, Warmup: 2, DecayStart: 5, Total: 5},
		[]rateCase{{0, 0.25}, {1, 0.5}, {4, 0.5}, {5, 0.25}, {6, 0.25}})
	// W = D: no plateau, the decay starts right after the warm-up.
	checkRates(t, "WarmupLinear{W=D}", WarmupLinear{Base: 0.5, Final: 0.25, Warmup: 2, DecayStart: 2, Total: 4},
		[]rateCase{{0, 0.25}, {1, 0.5}, {2, 0.5}, {3, 0.375}, {4, 0.25}})
	// W = D = T = 0: Final from the first step.
	checkRates(t, "WarmupLinear{0,0,0}", WarmupLinear{Base: 0.5, Final: 0.25},
		[]rateCase{{0, 0.25}, {1, 0.25}})
	// W = D = T: a warm-up, then Final.
	checkRates(t, "WarmupLinear{W=D=T}", WarmupLinear{Base: 0.5, Final: 0.25, Warmup: 2, DecayStart: 2, Total: 2},
		[]rateCase{{0, 0.25}, {1, 0.5}, {2, 0.25}})
	// Final = 0.
	checkRates(t, "WarmupLinear{Final=0}", WarmupLinear{Base: 0.5, Warmup: 0, DecayStart: 0, Total: 4},
		[]rateCase{{0, 0.5}, {1, 0.375}, {2, 0.25}, {3, 0.125}, {4, 0}})
	// Final > Base: a linear rise.
	checkRates(t, "WarmupLinear{Final>Base}", WarmupLinear{Base: 0.25, Final: 0.5, Warmup: 0, DecayStart: 0, Total: 4},
		[]rateCase{{0, 0.25}, {1, 0.3125}, {2, 0.375}, {3, 0.4375}, {4, 0.5}})
	// Final = Base: constant after the warm-up, to the bit.
	s := WarmupLinear{Base: 0.1, Final: 0.1, Warmup: 3, DecayStart: 5, Total: 97}
	for step := 2; step < 200; step++ {
		if got := s.Rate(step); got != 0.1 {
			t.Fatalf("%+v.Rate(%d) = %v, want 0.1", s, step, got)
		}
	}
}

// exactWarmupLinear is the WarmupLinear formula in exact rational
// arithmetic on the float64 parameters, rounded once to float64.
func exactWarmupLinear(s WarmupLinear, step int) float64 {
	base, final := new(big.Rat).SetFloat64(s.Base), new(big.Rat).SetFloat64(s.Final)
	var r *big.Rat
	switch {
	case step < s.Warmup:
		r = new(big.Rat).Mul(base, big.NewRat(int64(step+1), int64(s.Warmup)))
	case step < s.DecayStart:
		r = base
	case step < s.Total:
		// Base + (Final−Base)·(t−D)/(T−D), as the spec writes it.
		d := new(big.Rat).Sub(final, base)
		d.Mul(d, big.NewRat(int64(step-s.DecayStart), int64(s.Total-s.DecayStart)))
		r = d.Add(d, base)
	default:
		r = final
	}
	f, _ := r.Float64()
	return f
}

func TestScheduleWarmupLinearInexact(t *testing.T) {
	// Nothing here is exact in binary: 0.1 and 0.001 are not, and the
	// fractions have denominators 3 and 97. Each rate must be within a few
	// roundings (4·2⁻⁵³ relatively) of the exact value of the formula.
	s := WarmupLinear{Base: 0.1, Final: 0.001, Warmup: 3, DecayStart: 10, Total: 107}
	for step := 0; step <= 120; step++ {
		got, want := s.Rate(step), exactWarmupLinear(s, step)
		if !schedWithin(got, want, 4*schedEps) {
			t.Errorf("%+v.Rate(%d) = %v, exact %v (%.3g ulp off)", s, step, got, want, (got-want)/(math.Nextafter(want, 2)-want))
		}
	}
	// The ends of each phase are exact anyway.
	checkRates(t, "WarmupLinear(inexact)", s, []rateCase{{2, 0.1}, {3, 0.1}, {10, 0.1}, {107, 0.001}, {math.MaxInt, 0.001}})
	// A rise, and a long decay, the same way.
	for _, s := range []WarmupLinear{
		{Base: 0.003, Final: 0.7, Warmup: 0, DecayStart: 1, Total: 30},
		{Base: 0.3, Final: 1e-5, Warmup: 1000, DecayStart: 1000, Total: 1_000_003},
	} {
		for step := 0; step <= s.Total+1; step += 1 + step/100 {
			got, want := s.Rate(step), exactWarmupLinear(s, step)
			if !schedWithin(got, want, 4*schedEps) {
				t.Errorf("%+v.Rate(%d) = %v, exact %v", s, step, got, want)
			}
		}
	}
}

// cosineRef is the Cosine formula written with math.Cos, for comparison
// with a tolerance.
func cosineRef(s Cosine, step int) float64 {
	switch {
	case step < s.Warmup:
		return s.Base * float64(step+1) / float64(s.Warmup)
	case step >= s.Total:
		return s.Min
	}
	f := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	return s.Min + (s.Base-s.Min)*(1+math.Cos(math.Pi*f))/2
}

func TestScheduleCosineBoundaries(t *testing.T) {
	// With a warm-up: W = 4, T = 16, half way at t = 10.
	s := Cosine{Base: 0.5, Min: 0.25, Total: 16, Warmup: 4}
	checkRates(t, "Cosine", s, []rateCase{
		{-1, 0.125}, {0, 0.125}, {1, 0.25}, {3, 0.5}, // warm-up
		{4, 0.5},                                    // W: Base
		{16, 0.25}, {17, 0.25}, {math.MaxInt, 0.25}, // T and beyond: Min
	})
	if got := s.Rate(10); !schedWithin(got, 0.375, 2*schedEps) {
		t.Errorf("Cosine.Rate(10) = %v, want 0.375 to within 2⁻⁵²", got)
	}
	// Without a warm-up.
	s0 := Cosine{Base: 0.5, Min: 0, Total: 8}
	checkRates(t, "Cosine{W=0}", s0, []rateCase{{0, 0.5}, {8, 0}, {9, 0}})
	if got := s0.Rate(4); !schedWithin(got, 0.25, 2*schedEps) {
		t.Errorf("Cosine{W=0}.Rate(4) = %v, want 0.25 to within 2⁻⁵²", got)
	}
	// Min = Base: constant after the warm-up.
	checkRates(t, "Cosine{Min=Base}", Cosine{Base: 0.1, Min: 0.1, Total: 5, Warmup: 1},
		[]rateCase{{1, 0.1}, {2, 0.1}, {3, 0.1}, {4, 0.1}, {5, 0.1}})
	// Warmup = Total: the warm-up, then Min.
	checkRates(t, "Cosine{W=T}", Cosine{Base: 0.5, Min: 0.25, Total: 2, Warmup: 2},
		[]rateCase{{0, 0.25}, {1, 0.5}, {2, 0.25}})
	// Total = 1: Base at step 0, then Min.
	checkRates(t, "Cosine{T=1}", Cosine{Base: 0.5, Min: 0.25, Total: 1},
		[]rateCase{{0, 0.5}, {1, 0.25}})

	// Every step, against math.Cos. The absolute error is a few roundings
	// of Base.
	for _, s := range []Cosine{s, s0, {Base: 0.1, Min: 0.0003, Total: 1001, Warmup: 17}, {Base: 3, Min: 0, Total: 7}} {
		for step := 0; step <= s.Total+1; step++ {
			got, want := s.Rate(step), cosineRef(s, step)
			if math.Abs(got-want) > 4*schedEps*s.Base {
				t.Errorf("%+v.Rate(%d) = %v, math.Cos gives %v", s, step, got, want)
			}
		}
	}
}

func TestScheduleCosineWeight(t *testing.T) {
	// cosineWeight(f) = cos²(π·f/2), relatively accurate everywhere,
	// including near f = 1 where it is tiny. The references: math.Cos
	// below f = 1/2 and math.Sin of the complement above, where each is
	// accurate.
	for i := 0; i <= 100_000; i++ {
		f := float64(i) / 100_000
		var ref float64
		if f <= 0.5 {
			ref = math.Cos(math.Pi * f / 2)
		} else {
			ref = math.Sin(math.Pi * (1 - f) / 2)
		}
		ref *= ref
		if got := cosineWeight(f); !schedWithin(got, ref, 8*schedEps) {
			t.Fatalf("cosineWeight(%v) = %v, reference %v", f, got, ref)
		}
	}
	if got := cosineWeight(0); got != 1 {
		t.Errorf("cosineWeight(0) = %v, want 1", got)
	}
	if got := cosineWeight(1); got != 0 {
		t.Errorf("cosineWeight(1) = %v, want 0", got)
	}
}

func TestScheduleSeriesSinCos(t *testing.T) {
	// The kernels are math.sin's and math.cos's first octant: within an
	// ulp of math.Sin and math.Cos on [0, π/4) on any platform, and the
	// same bits on 386 (TestScheduleSameBitsAsMath386).
	for i := 0; i < 100_000; i++ {
		z := math.Pi / 4 * float64(i) / 100_000
		if got, want := seriesSin(z), math.Sin(z); !schedWithin(got, want, 2*schedEps) {
			t.Fatalf("seriesSin(%v) = %v, math.Sin %v", z, got, want)
		}
		if got, want := seriesCos(z), math.Cos(z); !schedWithin(got, want, 2*schedEps) {
			t.Fatalf("seriesCos(%v) = %v, math.Cos %v", z, got, want)
		}
	}
}

func TestScheduleStepDecay(t *testing.T) {
	s := StepDecay{Base: 0.5, Factor: 0.5, Every: 3}
	checkRates(t, "StepDecay", s, []rateCase{
		{-1, 0.5}, {0, 0.5}, {2, 0.5}, // Every−1
		{3, 0.25}, {5, 0.25}, // Every, 2·Every−1
		{6, 0.125}, {30, 0x1p-11},
		{3 * 1075, 0}, {math.MaxInt, 0}, // underflow
	})
	checkRates(t, "StepDecay{Factor=1}", StepDecay{Base: 0.1, Factor: 1, Every: 1},
		[]rateCase{{0, 0.1}, {1, 0.1}, {math.MaxInt, 0.1}})
	// Inexact: the same bits as Base·math.Pow(Factor, k), which uses the
	// same binary exponentiation for an integral exponent.
	s = StepDecay{Base: 0.1, Factor: 0.9, Every: 10}
	for step := 0; step < 20_000; step += 7 {
		want := s.Base * math.Pow(s.Factor, float64(step/s.Every))
		checkRates(t, "StepDecay", s, []rateCase{{step, want}})
	}
}

func TestScheduleExponential(t *testing.T) {
	s := Exponential{Base: 0.5, Decay: 0.5}
	checkRates(t, "Exponential", s, []rateCase{
		{-3, 0.5}, {0, 0.5}, {1, 0.25}, {2, 0.125}, {10, 0x1p-11}, {1100, 0}, {math.MaxInt, 0},
	})
	checkRates(t, "Exponential{Decay=1}", Exponential{Base: 0.3, Decay: 1},
		[]rateCase{{0, 0.3}, {math.MaxInt, 0.3}})
	s = Exponential{Base: 0.05, Decay: 0.9993}
	for step := 0; step < 100_000; step += 13 {
		want := s.Base * math.Pow(s.Decay, float64(step))
		checkRates(t, "Exponential", s, []rateCase{{step, want}})
	}
}

func TestSchedulePowInt(t *testing.T) {
	// powInt agrees with math.Pow for integral exponents while the result
	// stays normal (x ≤ 1, so no intermediate is smaller than the result).
	for _, x := range []float64{1, 0.5, 0.9, 0.99, 0.999999, 0.1, 1 / 3.0, 0.7071067811865476, math.Nextafter(1, 0)} {
		for k := 0; k <= 5000; k++ {
			want := math.Pow(x, float64(k))
			if want < 1e-300 {
				break
			}
			if got := powInt(x, k); got != want {
				t.Fatalf("powInt(%v, %d) = %v, math.Pow %v", x, k, got, want)
			}
		}
	}
	if got := powInt(3, 0); got != 1 {
		t.Errorf("powInt(3, 0) = %v, want 1", got)
	}
	if got := powInt(3, 5); got != 243 {
		t.Errorf("powInt(3, 5) = %v, want 243", got)
	}
}

func TestScheduleInverseScaling(t *testing.T) {
	for _, p := range []float64{0, 0.25, 0.5, 0.7, 1, 1.5, 2, 3} {
		s := InverseScaling{Eta0: 0.01, Power: p}
		checkRates(t, fmt.Sprintf("InverseScaling{Power=%v}", p), s, []rateCase{{0, 0.01}, {-7, 0.01}})
	}
	checkRates(t, "InverseScaling{Power=0}", InverseScaling{Eta0: 0.01}, []rateCase{{math.MaxInt, 0.01}})
	checkRates(t, "InverseScaling{Power=0.5}", InverseScaling{Eta0: 0.01, Power: 0.5},
		[]rateCase{{3, 0.005}, {99, 0.001}, {8, 0.01 / 3}})
	checkRates(t, "InverseScaling{Power=1}", InverseScaling{Eta0: 0.01, Power: 1},
		[]rateCase{{1, 0.005}, {9, 0.01 / 10}, {2, 0.01 / 3}})
	checkRates(t, "InverseScaling{Power=2}", InverseScaling{Eta0: 0.01, Power: 2},
		[]rateCase{{2, 0.01 / 9}, {999, 0.01 / 1e6}})
	checkRates(t, "InverseScaling{Power=0.25}", InverseScaling{Eta0: 1, Power: 0.25},
		[]rateCase{{15, 0.5}, {255, 0.25}})

	// Against math.Pow: within (3 + 3·Power·ln n)·2⁻⁵³ of the exact value,
	// relatively, and math.Pow is within 2⁻⁵² of it.
	for _, p := range []float64{0.1, 0.25, 0.3, 0.7, 0.75, 1.5, 2.5, 7.3} {
		s := InverseScaling{Eta0: 0.1, Power: p}
		for step := 0; step < 10_000_000; step += 1 + step/64 {
			n := float64(step) + 1
			got, want := s.Rate(step), s.Eta0/math.Pow(n, p)
			if !schedWithin(got, want, (5+3*p*math.Log(n))*schedEps) {
				t.Fatalf("%+v.Rate(%d) = %v, math.Pow gives %v", s, step, got, want)
			}
		}
	}
}

func TestScheduleSeriesExpLog(t *testing.T) {
	// Within a few ulps of math.Exp and math.Log, which are within an ulp
	// of the exact values on any platform.
	for i := 0; i < 200_000; i++ {
		x := 1 + float64(i)*float64(i)*0.37
		if got, want := seriesLog(x), math.Log(x); !schedWithin(got, want, 4*schedEps) {
			t.Fatalf("seriesLog(%v) = %v, math.Log %v", x, got, want)
		}
		y := -708 + float64(i)*(1417.0/200_000) // normal results
		if got, want := seriesExp(y), math.Exp(y); !schedWithin(got, want, 4*schedEps) {
			t.Fatalf("seriesExp(%v) = %v, math.Exp %v", y, got, want)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {1e-20, 1}, {710.5, math.Inf(1)}, {-746.5, 0}, {math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0},
	} {
		if got := seriesExp(c.x); got != c.want {
			t.Errorf("seriesExp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := seriesExp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("seriesExp(NaN) = %v, want NaN", got)
	}
	if got := seriesLog(1); got != 0 {
		t.Errorf("seriesLog(1) = %v, want 0", got)
	}
}

func TestScheduleConstant(t *testing.T) {
	checkRates(t, "Constant", Constant(0.1), []rateCase{{-1, 0.1}, {0, 0.1}, {1, 0.1}, {math.MaxInt, 0.1}})
}

// checkMonotonic fails the test unless s.Rate is non-increasing on [from, to),
// or non-decreasing if up.
func checkMonotonic(t *testing.T, s Schedule, from, to int, up bool) {
	t.Helper()
	const edge = 20_000
	if testing.Short() && to-from > 2*edge {
		// Under emulation: the two ends, where the rounding is closest to
		// breaking the order, and not the long middle.
		checkMonotonic(t, s, from, from+edge, up)
		checkMonotonic(t, s, to-edge, to, up)
		return
	}
	prev := s.Rate(from)
	for step := from + 1; step < to; step++ {
		r := s.Rate(step)
		if (up && r < prev) || (!up && r > prev) {
			t.Fatalf("%+v: Rate(%d) = %v after Rate(%d) = %v", s, step, r, step-1, prev)
		}
		prev = r
	}
}

func TestScheduleMonotonic(t *testing.T) {
	for _, s := range []WarmupLinear{
		{Base: 0.5, Final: 0.25, Warmup: 4, DecayStart: 8, Total: 16},
		{Base: 0.1, Final: 0.001, Warmup: 3, DecayStart: 10, Total: 107},
		{Base: 0.2, Final: 0, Warmup: 1000, DecayStart: 1000, Total: 999_983},
		{Base: 0.7, Final: 0.69999999, Warmup: 7, DecayStart: 77, Total: 100_077},
		{Base: 1e-3, Final: 1e-300, Warmup: 0, DecayStart: 0, Total: 3_000_017},
	} {
		checkMonotonic(t, s, 0, s.Warmup, true)
		checkMonotonic(t, s, s.Warmup, s.Total+10, false)
	}
	rise := WarmupLinear{Base: 0.01, Final: 0.3, Warmup: 50, DecayStart: 60, Total: 10_061}
	checkMonotonic(t, rise, 0, rise.Total+10, true)

	for _, s := range []Cosine{
		{Base: 0.5, Min: 0.25, Total: 16, Warmup: 4},
		{Base: 0.1, Min: 0.0003, Total: 1001, Warmup: 17},
		{Base: 0.3, Min: 0, Total: 1_000_003, Warmup: 1000},
		{Base: 1, Min: 0.99999999, Total: 2_000_001},
		{Base: 1, Min: 0, Total: 4_000_000},
	} {
		checkMonotonic(t, s, 0, s.Warmup, true)
		checkMonotonic(t, s, s.Warmup, s.Total+10, false)
	}
	checkMonotonic(t, StepDecay{Base: 0.1, Factor: 0.9, Every: 10}, 0, 100_000, false)
	checkMonotonic(t, Exponential{Base: 0.1, Decay: 0.99999}, 0, 1_000_000, false)
	for _, p := range []float64{0.1, 0.25, 0.3, 0.5, 0.7, 1, 1.5, 2, 2.5} {
		checkMonotonic(t, InverseScaling{Eta0: 0.1, Power: p}, 0, 1_000_000, false)
	}
}

func TestScheduleValidate(t *testing.T) {
	good := []Schedule{
		Constant(0.1),
		WarmupLinear{Base: 0.1, Final: 0, Warmup: 0, DecayStart: 0, Total: 0},
		WarmupLinear{Base: 0.1, Final: 0.2, Warmup: 1, DecayStart: 2, Total: 3},
		StepDecay{Base: 0.1, Factor: 1, Every: 1},
		Exponential{Base: 0.1, Decay: 1},
		InverseScaling{Eta0: 0.1, Power: 0},
		Cosine{Base: 0.1, Min: 0, Total: 1},
		Cosine{Base: 0.1, Min: 0.1, Total: 5, Warmup: 5},
		ScheduleFunc(func(int) float64 { return 1 }),
	}
	for _, s := range good {
		if err := s.(Validator).Validate(); err != nil {
			t.Errorf("%#v.Validate() = %v, want nil", s, err)
		}
	}

	nan, inf := math.NaN(), math.Inf(1)
	wl := WarmupLinear{Base: 0.1, Final: 0.01, Warmup: 10, DecayStart: 20, Total: 30}
	cos := Cosine{Base: 0.1, Min: 0.01, Total: 30, Warmup: 10}
	with := func(f func(*WarmupLinear)) WarmupLinear { s := wl; f(&s); return s }
	withCos := func(f func(*Cosine)) Cosine { s := cos; f(&s); return s }
	bad := []struct {
		s     Schedule
		field string // must appear in the message
	}{
		{Constant(0), "Constant"},
		{Constant(-1), "Constant"},
		{Constant(nan), "Constant"},
		{Constant(inf), "Constant"},

		{with(func(s *WarmupLinear) { s.Base = 0 }), "WarmupLinear.Base"},
		{with(func(s *WarmupLinear) { s.Base = -0.1 }), "WarmupLinear.Base"},
		{with(func(s *WarmupLinear) { s.Base = nan }), "WarmupLinear.Base"},
		{with(func(s *WarmupLinear) { s.Base = inf }), "WarmupLinear.Base"},
		{with(func(s *WarmupLinear) { s.Final = -1e-9 }), "WarmupLinear.Final"},
		{with(func(s *WarmupLinear) { s.Final = nan }), "WarmupLinear.Final"},
		{with(func(s *WarmupLinear) { s.Final = inf }), "WarmupLinear.Final"},
		{with(func(s *WarmupLinear) { s.Warmup = -1 }), "WarmupLinear.Warmup"},
		{with(func(s *WarmupLinear) { s.Warmup = 21 }), "WarmupLinear.Warmup (21) > DecayStart (20)"},
		{with(func(s *WarmupLinear) { s.DecayStart = 31 }), "WarmupLinear.DecayStart (31) > Total (30)"},
		{with(func(s *WarmupLinear) { s.Total = 19 }), "WarmupLinear.DecayStart (20) > Total (19)"},

		{StepDecay{Base: 0, Factor: 0.5, Every: 1}, "StepDecay.Base"},
		{StepDecay{Base: nan, Factor: 0.5, Every: 1}, "StepDecay.Base"},
		{StepDecay{Base: 0.1, Factor: 0, Every: 1}, "StepDecay.Factor"},
		{StepDecay{Base: 0.1, Factor: 1.5, Every: 1}, "StepDecay.Factor"},
		{StepDecay{Base: 0.1, Factor: nan, Every: 1}, "StepDecay.Factor"},
		{StepDecay{Base: 0.1, Factor: 0.5, Every: 0}, "StepDecay.Every"},
		{StepDecay{Base: 0.1, Factor: 0.5, Every: -2}, "StepDecay.Every"},

		{Exponential{Base: -1, Decay: 0.5}, "Exponential.Base"},
		{Exponential{Base: inf, Decay: 0.5}, "Exponential.Base"},
		{Exponential{Base: 0.1, Decay: 0}, "Exponential.Decay"},
		{Exponential{Base: 0.1, Decay: 1.0000001}, "Exponential.Decay"},
		{Exponential{Base: 0.1, Decay: nan}, "Exponential.Decay"},

		{InverseScaling{Eta0: 0, Power: 0.5}, "InverseScaling.Eta0"},
		{InverseScaling{Eta0: nan, Power: 0.5}, "InverseScaling.Eta0"},
		{InverseScaling{Eta0: 0.1, Power: -0.5}, "InverseScaling.Power"},
		{InverseScaling{Eta0: 0.1, Power: nan}, "InverseScaling.Power"},
		{InverseScaling{Eta0: 0.1, Power: inf}, "InverseScaling.Power"},

		{withCos(func(s *Cosine) { s.Base = 0 }), "Cosine.Base"},
		{withCos(func(s *Cosine) { s.Base = inf }), "Cosine.Base"},
		{withCos(func(s *Cosine) { s.Min = -0.01 }), "Cosine.Min"},
		{withCos(func(s *Cosine) { s.Min = nan }), "Cosine.Min"},
		{withCos(func(s *Cosine) { s.Min = 0.2 }), "Cosine.Min (0.2) > Base (0.1)"},
		{withCos(func(s *Cosine) { s.Total, s.Warmup = 0, 0 }), "Cosine.Total"},
		{withCos(func(s *Cosine) { s.Warmup = -1 }), "Cosine.Warmup"},
		{withCos(func(s *Cosine) { s.Warmup = 31 }), "Cosine.Warmup (31) > Total (30)"},

		{ScheduleFunc(nil), "ScheduleFunc"},
	}
	for _, c := range bad {
		err := c.s.(Validator).Validate()
		switch {
		case err == nil:
			t.Errorf("%#v.Validate() = nil, want an error naming %s", c.s, c.field)
		case !errors.Is(err, ErrConfig):
			t.Errorf("%#v.Validate() = %v, which does not wrap ErrConfig", c.s, err)
		case !strings.Contains(err.Error(), c.field):
			t.Errorf("%#v.Validate() = %q, which does not name %q", c.s, err, c.field)
		}
	}

	// The message reads as the documentation promises.
	err := with(func(s *WarmupLinear) { s.Warmup, s.DecayStart, s.Total = 200, 100, 300 }).Validate()
	if want := "gd: invalid configuration: WarmupLinear.Warmup (200) > DecayStart (100)"; err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want %q", err, want)
	}
}

// everyOther is a user-defined schedule: a func type outside this
// package's list with its own Rate method.
type everyOther func(step int) float64

func (f everyOther) Rate(step int) float64 { return f(step) }

func TestScheduleUserDefined(t *testing.T) {
	// Anything with a Rate method is a Schedule; it need not validate.
	var s Schedule = everyOther(func(step int) float64 {
		if step%2 == 0 {
			return 0.1
		}
		return 0.05
	})
	if _, ok := s.(Validator); ok {
		t.Error("everyOther implements Validator, want it optional")
	}
	checkRates(t, "everyOther", s, []rateCase{{0, 0.1}, {1, 0.05}, {2, 0.1}})

	// ScheduleFunc adapts a plain function, here a triangle wave written
	// unfused (float64(a*b) + c) like the schedules of this package.
	var tri Schedule = ScheduleFunc(func(step int) float64 {
		phase := float64(step%20) / 10 // 0 … 1.9
		return float64(0.5*math.Abs(phase-1)) + 0.25
	})
	checkRates(t, "ScheduleFunc", tri, []rateCase{{0, 0.75}, {5, 0.5}, {10, 0.25}, {20, 0.75}})
}

// scheduleGoldens are the schedules of TestGolden (golden_test.go), which
// hashes their rates at scheduleGoldenSteps. Their parameters are not
// exact in binary, so every rounding shows in the bits.
var scheduleGoldens = []struct {
	name string
	s    Schedule
}{
	{"WarmupLinear", WarmupLinear{Base: 0.1, Final: 0.001, Warmup: 37, DecayStart: 500, Total: 4777}},
	{"WarmupLinear/rise", WarmupLinear{Base: 0.003, Final: 0.7, Warmup: 0, DecayStart: 11, Total: 3001}},
	{"Cosine", Cosine{Base: 0.3, Min: 0.0007, Total: 4500, Warmup: 111}},
	{"Cosine/nowarmup", Cosine{Base: 0.3, Min: 0, Total: 3333}},
	{"StepDecay", StepDecay{Base: 0.1, Factor: 0.9, Every: 7}},
	{"Exponential", Exponential{Base: 0.05, Decay: 0.9993}},
	{"InverseScaling/0.25", InverseScaling{Eta0: 0.01, Power: 0.25}},
	{"InverseScaling/0.5", InverseScaling{Eta0: 0.01, Power: 0.5}},
	{"InverseScaling/0.7", InverseScaling{Eta0: 0.01, Power: 0.7}},
	{"InverseScaling/1", InverseScaling{Eta0: 0.01, Power: 1}},
	{"InverseScaling/1.3", InverseScaling{Eta0: 0.01, Power: 1.3}},
	{"InverseScaling/2", InverseScaling{Eta0: 0.01, Power: 2}},
}

// scheduleGoldenSteps are the steps hashed: every step to 5000, then a sparse
// sweep to the largest int32, the same list where int has 32 bits.
func scheduleGoldenSteps() []int {
	var steps []int
	for step := 0; step < 5000; step++ {
		steps = append(steps, step)
	}
	for step := 5000; step < math.MaxInt32/3; step = step*3 + 1 {
		steps = append(steps, step)
	}
	return append(steps, math.MaxInt32)
}
