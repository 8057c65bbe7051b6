package gd

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate of each optimisation step. Steps count
// from 0 over the whole run (not per epoch). Implementations must be pure:
// the same step always gives the same rate, on every platform.
//
// The schedules of this package keep that promise to the bit. They use
// only operations whose results IEEE 754 fixes exactly (+, −, ×, ÷, √ and
// conversions, each rounded once, and math.Trunc, Floor, Frexp and
// Ldexp), they wrap every product in float64() so that no compiler can
// fuse it with an addition, and they never call math.Pow, Exp, Log or
// Cos, whose bits differ between platforms (assembly on some GOARCHes, an
// FMA path on amd64 chosen by the CPU at run time, and multiply-adds in
// their Go code that the compiler fuses on others). Each schedule's doc
// gives its formula and the order in which it is evaluated, and the
// golden test (TestGolden, testdata/golden) holds their rates to the
// hashes committed there on every GOARCH.
//
// Their Rate methods treat a negative step as step 0 and never panic; for
// a configuration Validate rejects, the rate is unspecified (but still
// pure).
type Schedule interface {
	Rate(step int) float64
}

// Validator is implemented by a Schedule or an Update that can be
// misconfigured: Minimize calls Validate before the first step and
// returns its error.
type Validator interface{ Validate() error }

// ScheduleFunc adapts a function to a Schedule: Rate(step) returns
// f(step), negative steps included. The function must be pure, like every
// Schedule; for its rates to be the same bits on every platform it must
// also write its float arithmetic unfused (float64(a*b) + c) and avoid
// math.Pow, Exp, Log, Cos and the like.
type ScheduleFunc func(step int) float64

// Rate returns f(step).
func (f ScheduleFunc) Rate(step int) float64 { return f(step) }

// Validate reports a nil function.
func (f ScheduleFunc) Validate() error {
	if f == nil {
		return fmt.Errorf("%w: ScheduleFunc is nil", ErrConfig)
	}
	return nil
}

// Constant is a fixed learning rate: rate(t) = c.
type Constant float64

// Rate returns c.
func (c Constant) Rate(int) float64 { return float64(c) }

// Validate reports a rate that is not > 0 and finite.
func (c Constant) Validate() error {
	if !positiveFinite(float64(c)) {
		return fmt.Errorf("%w: Constant rate must be > 0 and finite, got %v", ErrConfig, float64(c))
	}
	return nil
}

// WarmupLinear warms up linearly to Base over the first Warmup steps,
// holds Base until DecayStart, then decays linearly to Final at Total,
// and holds Final after. With W = Warmup, D = DecayStart and T = Total:
//
//	rate(t) = Base·(t+1)/W                      for t < W
//	        = Base                              for W ≤ t < D
//	        = Base + (Final−Base)·(t−D)/(T−D)   for D ≤ t < T
//	        = Final                             for t ≥ T
//
// The warm-up reaches Base at its last step, t = W−1. W = 0 means no
// warm-up, W = D no plateau, and D = T no decay: the rate jumps from Base
// to Final at T. Final may be above Base (a linear rise).
//
// Evaluation, so that every platform gets the same bits: the warm-up is
// float64(Base * (float64(t+1) / float64(W))). The decay is Base at
// t = D, and after it the same line written from its lower end,
//
//	Final + float64((Base−Final) * (float64(T−t) / float64(T−D)))  if Final ≤ Base
//	Base + float64((Final−Base) * (float64(t−D) / float64(T−D)))   if Final > Base
//
// clamped to lie between Base and Final. Both terms of the sum are ≥ 0,
// so the rate is within a few roundings of the exact line relative to
// itself, small rates included; the clamp, which can only move a
// rounding, keeps the rate monotonic.
//
// Warmup, DecayStart and Total may be anything up to math.MaxInt: the
// differences above are of counts with 0 ≤ W ≤ D ≤ T, which cannot
// overflow. A caller that computes Total as epochs × steps per epoch
// should saturate the product at math.MaxInt (a decay that never ends
// in practice) rather than let it wrap around: to a negative count,
// which Validate refuses, or to a wrong positive one, which it cannot
// tell.
type WarmupLinear struct {
	Base, Final               float64
	Warmup, DecayStart, Total int
}

// Rate returns the rate of step t; see WarmupLinear.
func (s WarmupLinear) Rate(step int) float64 {
	t := max(step, 0)
	switch {
	case t < s.Warmup:
		return warmupRate(s.Base, t, s.Warmup)
	case t >= s.Total:
		return s.Final
	case t <= s.DecayStart:
		return s.Base
	}
	n := float64(s.Total - s.DecayStart)
	var r float64
	if s.Final <= s.Base {
		r = s.Final + float64((s.Base-s.Final)*(float64(s.Total-t)/n))
	} else {
		r = s.Base + float64((s.Final-s.Base)*(float64(t-s.DecayStart)/n))
	}
	return clampBetween(r, s.Base, s.Final)
}

// Validate reports a Base that is not > 0 and finite, a Final that is not
// ≥ 0 and finite, a negative Warmup, Warmup > DecayStart and
// DecayStart > Total.
func (s WarmupLinear) Validate() error {
	switch {
	case !positiveFinite(s.Base):
		return fmt.Errorf("%w: WarmupLinear.Base must be > 0 and finite, got %v", ErrConfig, s.Base)
	case !nonNegativeFinite(s.Final):
		return fmt.Errorf("%w: WarmupLinear.Final must be >= 0 and finite, got %v", ErrConfig, s.Final)
	case s.Warmup < 0:
		return fmt.Errorf("%w: WarmupLinear.Warmup must be >= 0, got %d", ErrConfig, s.Warmup)
	case s.Warmup > s.DecayStart:
		return fmt.Errorf("%w: WarmupLinear.Warmup (%d) > DecayStart (%d)", ErrConfig, s.Warmup, s.DecayStart)
	case s.DecayStart > s.Total:
		return fmt.Errorf("%w: WarmupLinear.DecayStart (%d) > Total (%d)", ErrConfig, s.DecayStart, s.Total)
	}
	return nil
}

// StepDecay multiplies the rate by Factor every Every steps:
//
//	rate(t) = Base·Factor^⌊t/Every⌋
//
// evaluated as float64(Base * powInt(Factor, t/Every)), powInt being
// binary exponentiation with exact-rounded products (see powInt).
type StepDecay struct {
	Base, Factor float64
	Every        int
}

// Rate returns the rate of step t; see StepDecay.
func (s StepDecay) Rate(step int) float64 {
	t := max(step, 0)
	return float64(s.Base * powInt(s.Factor, t/max(s.Every, 1)))
}

// Validate reports a Base that is not > 0 and finite, a Factor outside
// (0, 1] and Every < 1.
func (s StepDecay) Validate() error {
	switch {
	case !positiveFinite(s.Base):
		return fmt.Errorf("%w: StepDecay.Base must be > 0 and finite, got %v", ErrConfig, s.Base)
	case !(s.Factor > 0 && s.Factor <= 1):
		return fmt.Errorf("%w: StepDecay.Factor must be in (0, 1], got %v", ErrConfig, s.Factor)
	case s.Every < 1:
		return fmt.Errorf("%w: StepDecay.Every must be >= 1, got %d", ErrConfig, s.Every)
	}
	return nil
}

// Exponential decays the rate by Decay at every step:
//
//	rate(t) = Base·Decay^t
//
// evaluated as float64(Base * powInt(Decay, t)) (see powInt).
type Exponential struct {
	Base, Decay float64
}

// Rate returns the rate of step t; see Exponential.
func (s Exponential) Rate(step int) float64 {
	return float64(s.Base * powInt(s.Decay, max(step, 0)))
}

// Validate reports a Base that is not > 0 and finite and a Decay outside
// (0, 1].
func (s Exponential) Validate() error {
	switch {
	case !positiveFinite(s.Base):
		return fmt.Errorf("%w: Exponential.Base must be > 0 and finite, got %v", ErrConfig, s.Base)
	case !(s.Decay > 0 && s.Decay <= 1):
		return fmt.Errorf("%w: Exponential.Decay must be in (0, 1], got %v", ErrConfig, s.Decay)
	}
	return nil
}

// InverseScaling is scikit-learn's "invscaling" schedule, eta0 / t^power
// with scikit-learn's t counting from 1 at the first update:
//
//	rate(step) = Eta0 / (step+1)^Power
//
// With n = float64(step)+1, n^Power is evaluated as 1 for Power = 0,
// math.Sqrt(n) for Power = 0.5, √√n for Power = 0.25 (scikit-learn's
// default), powInt(n, Power) for an integer Power up to 64 (so Power = 1
// gives Eta0/n exactly rounded), and otherwise as exp(Power·ln n) by this
// package's own series (seriesExp, seriesLog in detmath.go). The rate is
// then within about (5 + 3·Power·ln n)·2⁻⁵³ of the exact value,
// relatively: an error in ln n or in the product is multiplied by
// Power·ln n. That is under 1e-14 for a million steps at Power 1.5.
type InverseScaling struct {
	Eta0, Power float64
}

// Rate returns the rate of step t; see InverseScaling.
func (s InverseScaling) Rate(step int) float64 {
	n := float64(max(step, 0)) + 1
	var p float64
	switch {
	case s.Power == 0:
		p = 1
	case s.Power == 0.5:
		p = math.Sqrt(n)
	case s.Power == 0.25: // scikit-learn's default power_t
		p = math.Sqrt(math.Sqrt(n))
	case s.Power > 0 && s.Power <= 64 && s.Power == math.Trunc(s.Power):
		p = powInt(n, int(s.Power))
	default:
		p = seriesExp(float64(s.Power * seriesLog(n)))
	}
	return s.Eta0 / p
}

// Validate reports an Eta0 that is not > 0 and finite and a Power that is
// not ≥ 0 and finite.
func (s InverseScaling) Validate() error {
	switch {
	case !positiveFinite(s.Eta0):
		return fmt.Errorf("%w: InverseScaling.Eta0 must be > 0 and finite, got %v", ErrConfig, s.Eta0)
	case !nonNegativeFinite(s.Power):
		return fmt.Errorf("%w: InverseScaling.Power must be >= 0 and finite, got %v", ErrConfig, s.Power)
	}
	return nil
}

// Cosine is cosine annealing from Base to Min over Total steps, after an
// optional linear warm-up of Warmup steps like WarmupLinear's. With
// W = Warmup and T = Total:
//
//	rate(t) = Base·(t+1)/W                                for t < W
//	        = Min + (Base−Min)·(1 + cos(π·(t−W)/(T−W)))/2  for W ≤ t < T
//	        = Min                                         for t ≥ T
//
// so the rate is Base at t = W and reaches Min at t = T. Min = Base is a
// constant rate after the warm-up.
//
// Evaluation, so that every platform gets the same bits: the warm-up is
// WarmupLinear's; the rate is Base at t = W; after it, with
// f = float64(t−W)/float64(T−W), the weight (1 + cos(π·f))/2 is computed
// as cos²(π·f/2) by cosineWeight (this package's own series, and no
// math.Cos), and the rate is Min + float64((Base−Min) * weight), clamped
// to [Min, Base]. The cos² form keeps the weight accurate relative to
// itself near the end, where it is tiny.
//
// Total and Warmup may be anything up to math.MaxInt, as WarmupLinear's
// counts may.
type Cosine struct {
	Base, Min     float64
	Total, Warmup int
}

// Rate returns the rate of step t; see Cosine.
func (s Cosine) Rate(step int) float64 {
	t := max(step, 0)
	switch {
	case t < s.Warmup:
		return warmupRate(s.Base, t, s.Warmup)
	case t >= s.Total:
		return s.Min
	case t == s.Warmup:
		return s.Base
	}
	f := float64(t-s.Warmup) / float64(s.Total-s.Warmup)
	r := s.Min + float64((s.Base-s.Min)*cosineWeight(f))
	return clampBetween(r, s.Base, s.Min)
}

// Validate reports a Base that is not > 0 and finite, a Min that is not
// finite and in [0, Base], Total < 1 and a Warmup outside [0, Total].
func (s Cosine) Validate() error {
	switch {
	case !positiveFinite(s.Base):
		return fmt.Errorf("%w: Cosine.Base must be > 0 and finite, got %v", ErrConfig, s.Base)
	case !nonNegativeFinite(s.Min):
		return fmt.Errorf("%w: Cosine.Min must be >= 0 and finite, got %v", ErrConfig, s.Min)
	case s.Min > s.Base:
		return fmt.Errorf("%w: Cosine.Min (%v) > Base (%v)", ErrConfig, s.Min, s.Base)
	case s.Total < 1:
		return fmt.Errorf("%w: Cosine.Total must be >= 1, got %d", ErrConfig, s.Total)
	case s.Warmup < 0:
		return fmt.Errorf("%w: Cosine.Warmup must be >= 0, got %d", ErrConfig, s.Warmup)
	case s.Warmup > s.Total:
		return fmt.Errorf("%w: Cosine.Warmup (%d) > Total (%d)", ErrConfig, s.Warmup, s.Total)
	}
	return nil
}

// positiveFinite reports whether v is > 0 and finite.
func positiveFinite(v float64) bool { return v > 0 && !math.IsInf(v, 1) }

// nonNegativeFinite reports whether v is ≥ 0 and finite.
func nonNegativeFinite(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// warmupRate returns the warm-up rate of step t < w: base·((t+1)/w), which is
// base itself at t = w−1 and rises monotonically before it.
func warmupRate(base float64, t, w int) float64 {
	return float64(base * (float64(t+1) / float64(w)))
}

// clampBetween returns r limited to the closed interval between a and b.
func clampBetween(r, a, b float64) float64 {
	lo, hi := min(a, b), max(a, b)
	return min(max(r, lo), hi)
}

// powInt returns x^k for k ≥ 0 (1 for k ≤ 0) by binary exponentiation
// from the lowest bit of k up: r starts at 1; for each bit, r *= x if the
// bit is set, then x *= x if bits remain. Every product is rounded once,
// and with no addition there is nothing a compiler could fuse, so the
// result is the same on every platform. The relative
// error is below about k·2⁻⁵³: each squaring doubles the error before it.
func powInt(x float64, k int) float64 {
	r := 1.0
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			r *= x
		}
		if k > 1 {
			x *= x
		}
	}
	return r
}

// cosineWeight returns (1 + cos(π·f))/2 for f in [0, 1], computed as
// cos²(π·g) with g = f/2 (exact): seriesCos(π·g) for g ≤ 1/4 and
// seriesSin(π·(1/2−g)) (1/2−g is exact) above, then squared. The
// arguments stay in [0, π/4], where the series are accurate; π·g is one
// rounded product.
func cosineWeight(f float64) float64 {
	g := float64(f / 2) // f·0.5, exact; the conversion keeps 0.5−g from fusing with it
	var c float64
	if g <= 0.25 {
		c = seriesCos(float64(math.Pi * g))
	} else {
		c = seriesSin(float64(math.Pi * (0.5 - g)))
	}
	return float64(c * c)
}
