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
// conversions, each rounded once, and math.Trunc, Frexp and Ldexp), they
// wrap every product in float64() so that no compiler can fuse it with an
// addition, and they never call math.Pow, Exp, Log or Cos, whose bits
// differ between platforms (assembly on some GOARCHes, an FMA path on
// amd64 chosen by the CPU at run time, and multiply-adds in their Go code
// that the compiler fuses on others). Each schedule's doc gives its
// formula and the order in which it is evaluated, and a test
// (TestScheduleGolden) holds them to one hash of their rates on every
// GOARCH.
//
// Their Rate methods treat a negative step as step 0 and never panic; for
// a configuration Validate rejects, the rate is unspecified (but still
// pure).
type Schedule interface {
	Rate(step int) float64
}

// A Schedule that can be misconfigured implements Validator; the engine
// calls Validate before the first step and returns its error.
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
// math.Sqrt(n) for Power = 0.5, powInt(n, Power) for an integer Power up
// to 64 (so Power = 1 gives Eta0/n exactly rounded), and otherwise as
// exp(Power·ln n) by this file's own unfused ports of Go's pure-Go exp
// and log (unfusedExp, unfusedLog). The rate is then within about
// (3 + 3·Power·ln n)·2⁻⁵³ of the exact value, relatively: an error in
// ln n or in the product is multiplied by Power·ln n. That is under 1e-14
// for a million steps at Power 1.5.
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
	case s.Power > 0 && s.Power <= 64 && s.Power == math.Trunc(s.Power):
		p = powInt(n, int(s.Power))
	default:
		p = unfusedExp(float64(s.Power * unfusedLog(n)))
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
// as cos²(π·f/2) by cosineWeight (Go's Cephes polynomials, unfused, and no
// math.Cos), and the rate is Min + float64((Base−Min) * weight), clamped
// to [Min, Base]. The cos² form keeps the weight accurate relative to
// itself near the end, where it is tiny.
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
// result is the same on every platform. That is the order of products
// math.Pow uses for an integral exponent, so the two agree bit for bit
// whenever no intermediate value leaves the normal range. The relative
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
// cos²(π·g) with g = f/2 (exact): cosKernel(π·g) for g ≤ 1/4 and
// sinKernel(π·(1/2−g)) (1/2−g is exact) above, then squared. The kernels'
// arguments stay in [0, π/4], where their polynomials hold; π·g is one
// rounded product.
func cosineWeight(f float64) float64 {
	g := float64(f / 2) // f·0.5, exact; the conversion keeps 0.5−g from fusing with it
	var c float64
	if g <= 0.25 {
		c = cosKernel(float64(math.Pi * g))
	} else {
		c = sinKernel(float64(math.Pi * (0.5 - g)))
	}
	return float64(c * c)
}

// Polynomial coefficients of sinKernel and cosKernel: Cephes', as in Go's
// math/sin.go.
var (
	sinCoef = [...]float64{
		1.58962301576546568060e-10, // 0x3de5d8fd1fd19ccd
		-2.50507477628578072866e-8, // 0xbe5ae5e5a9291f5d
		2.75573136213857245213e-6,  // 0x3ec71de3567d48a1
		-1.98412698295895385996e-4, // 0xbf2a01a019bfdf03
		8.33333333332211858878e-3,  // 0x3f8111111110f7d0
		-1.66666666666666307295e-1, // 0xbfc5555555555548
	}
	cosCoef = [...]float64{
		-1.13585365213876817300e-11, // 0xbda8fa49a0861a9b
		2.08757008419747316778e-9,   // 0x3e21ee9d7b4e3f05
		-2.75573141792967388112e-7,  // 0xbe927e4f7eac4bc6
		2.48015872888517045348e-5,   // 0x3efa01a019c844f5
		-1.38888888888730564116e-3,  // 0xbf56c16c16c14f91
		4.16666666666665929218e-2,   // 0x3fa555555555554b
	}
)

// sinKernel returns sin(z) for z in [0, π/4]: Go's math.sin polynomial
// for its first octant, z + z·z²·P(z²), with every product rounded before
// it is added. On 386, where math.Sin is that Go code and nothing is
// fused, the two return the same bits for z in [0, π/4).
func sinKernel(z float64) float64 {
	zz := float64(z * z)
	q := sinCoef[0]
	for _, c := range sinCoef[1:] {
		q = float64(q*zz) + c
	}
	return z + float64(float64(z*zz)*q)
}

// cosKernel returns cos(z) for z in [0, π/4]: Go's math.cos polynomial
// for its first octant, 1 − z²/2 + z⁴·Q(z²), with every product rounded
// before it is added. On 386, where math.Cos is that Go code and nothing
// is fused, the two return the same bits for z in [0, π/4).
func cosKernel(z float64) float64 {
	zz := float64(z * z)
	q := cosCoef[0]
	for _, c := range cosCoef[1:] {
		q = float64(q*zz) + c
	}
	return (1.0 - float64(0.5*zz)) + float64(float64(zz*zz)*q)
}

// unfusedExp returns e^x: Go's pure-Go math.exp (FreeBSD's e_exp.c,
// argument reduction x = k·ln2 + r and a rational approximation of e^r,
// under 1 ulp of error), with every product rounded before it is added.
//
// This file carries its own exp, log, sin and cos kernels because the
// math package's differ between platforms (as of Go 1.26; checked in its
// sources, with objdump and by running them under qemu): math.Exp has
// assembly on amd64, arm64, loong64 and s390x, and on amd64 it takes an
// FMA path or not depending on the CPU at run time (GODEBUG=cpu.fma=off
// changes its bits); math.Log has assembly on amd64 and s390x; math.Cos
// and math.Sin on s390x; and where they are Go code, the compiler fuses
// their polynomials' multiply-adds on arm64, loong64, ppc64le, riscv64
// and s390x, and Cos's also on amd64 with GOAMD64=v3. math.Pow has no
// assembly on any GOARCH (s390x has pow_s390x.s, but haveArchPow is false
// there), yet it calls Exp and Log for a fractional exponent. Written
// unfused, these ports give on every GOARCH, for the arguments this file
// passes them, the bits that math's Go code gives on 386, where nothing
// is fused (TestScheduleSameBitsAsMath386).
func unfusedExp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00

		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28) // 2⁻²⁸

		p1 = 1.66666666666666657415e-01  // 0x3FC55555; 0x55555555
		p2 = -2.77777777770155933842e-03 // 0xBF66C16C; 0x16BEBD93
		p3 = 6.61375632143793436117e-05  // 0x3F11566A; 0xAF25DE2C
		p4 = -1.65339022054652515390e-06 // 0xBEBBBD41; 0xC5D26BF1
		p5 = 4.13813679705723846039e-08  // 0x3E663769; 0x72BEA4D0
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(float64(log2e*x) - 0.5)
	case x > 0:
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// unfusedLog returns ln x for finite x ≥ 1: Go's pure-Go math.log
// (FreeBSD's e_log.c, under 1 ulp of error), with every product rounded
// before it is added.
func unfusedLog(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // 3fe62e42 fee00000
		ln2Lo = 1.90821492927058770002e-10 // 3dea39ef 35793c76
		l1    = 6.666666666666735130e-01   // 3FE55555 55555593
		l2    = 3.999999999940941908e-01   // 3FD99999 9997FA04
		l3    = 2.857142874366239149e-01   // 3FD24924 94229359
		l4    = 2.222219843214978396e-01   // 3FCC71C5 1D8E78AF
		l5    = 1.818357216161805012e-01   // 3FC74664 96CB03DE
		l6    = 1.531383769920937332e-01   // 3FC39A09 D078C69F
		l7    = 1.479819860511658591e-01   // 3FC2F112 DF3E5244
	)
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}
