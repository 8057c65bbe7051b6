package kernels

import (
	"math"
	"math/rand/v2"
)

// The data classes every bitwise test runs. Each aims at a different way
// an implementation can round, order or special-case differently from
// package generic.
type class int

const (
	// classRandom: mixed signs, magnitudes 2^-30…2^30. Every addition
	// rounds, so any change of order shows in the last bits.
	classRandom class = iota
	// classCancel: pairs that nearly cancel, within a lane (32 apart) and
	// across lanes (adjacent, meeting in the fold), huge values beside
	// tiny ones, and y ≈ x so that x−y cancels. Results are dominated by
	// rounding errors, which only the exact order reproduces.
	classCancel
	// classSpecial: random values with ±0, ±Inf, NaN, subnormals and
	// ±MaxFloat64 mixed in at densities from none to one in three.
	classSpecial
	// classTiny: runs of -0 only, signed zeros with subnormals, products
	// that underflow into the subnormal range, and negative products that
	// underflow to -0, so that every lane of Dot holds -0. A reduction
	// never returns -0 (the fold ends with + 0), however a kernel pads or
	// skips its lanes.
	classTiny
	// classHuge: magnitudes near MaxFloat64, so sums and products
	// overflow to ±Inf and Inf−Inf gives NaN part of the way through.
	classHuge
)

var classes = []class{classRandom, classCancel, classSpecial, classTiny, classHuge}

func (c class) String() string {
	return [...]string{"random", "cancel", "special", "tiny", "huge"}[c]
}

// poolLen is the length of the value pools a test slices its vectors
// from: longer than any vector, so windows at different starts differ.
const poolLen = 4096

// pool holds poolLen values of x and of y for one class. Taking windows
// of a pool is much cheaper than drawing every vector afresh, which keeps
// the full sweep (every length, offset and class) fast.
type pool struct {
	class class
	x, y  []float64
}

// newPool draws the pools of class c from a fixed seed.
func newPool(c class) pool {
	r := rand.New(rand.NewPCG(uint64(c)+1, 0x1a9e5))
	p := pool{class: c, x: make([]float64, poolLen), y: make([]float64, poolLen)}
	switch c {
	case classRandom:
		for i := range p.x {
			p.x[i], p.y[i] = randMixed(r), randMixed(r)
		}
	case classCancel:
		fillCancel(r, p.x, p.y)
	case classSpecial:
		for i := range p.x {
			// Four regions: no specials, then 1/256, 1/16 and 1/3 of them.
			density := [...]int{0, 256, 16, 3}[(i/512)%4]
			p.x[i], p.y[i] = randMixed(r), randMixed(r)
			if density > 0 && r.IntN(density) == 0 {
				p.x[i] = specials[r.IntN(len(specials))]
			}
			if density > 0 && r.IntN(density) == 0 {
				p.y[i] = specials[r.IntN(len(specials))]
			}
		}
	case classTiny:
		for i := range p.x {
			switch i / (poolLen / 4) {
			case 0: // only -0
				p.x[i], p.y[i] = math.Copysign(0, -1), math.Copysign(0, -1)
			case 1: // signed zeros and subnormals
				p.x[i], p.y[i] = randTiny(r), randTiny(r)
			case 2: // products near and below the subnormal threshold
				p.x[i] = randSign(r) * math.Ldexp(1+r.Float64(), -540+r.IntN(40))
				p.y[i] = randSign(r) * math.Ldexp(1+r.Float64(), -540+r.IntN(40))
			case 3: // negative products that underflow: fma(x, y, +0) = -0,
				// so every lane of Dot holds -0, and the result must be +0.
				p.x[i] = -math.Ldexp(1+r.Float64(), -600+r.IntN(40))
				p.y[i] = math.Ldexp(1+r.Float64(), -600+r.IntN(40))
			}
		}
	case classHuge:
		for i := range p.x {
			p.x[i] = randSign(r) * math.Ldexp(1+r.Float64(), 1000+r.IntN(24))
			if r.IntN(16) == 0 {
				p.x[i] = randSign(r) * math.MaxFloat64
			}
			p.y[i] = randSign(r) * math.Ldexp(1+r.Float64(), r.IntN(4)-1)
			if r.IntN(4) == 0 {
				p.y[i] = -p.x[i] // x−y overflows in SumSqDiff
			}
		}
	}
	return p
}

// window returns n values of x and of y starting at a position chosen by
// key, so that different lengths and offsets see different data.
func (p pool) window(n, key int) (x, y []float64) {
	start := (key * 7919) % (poolLen - n + 1)
	return p.x[start : start+n], p.y[start : start+n]
}

// at returns the pool values at an index taken modulo poolLen, for
// matrices larger than a pool.
func (p pool) at(i int) (x, y float64) { return p.x[i%poolLen], p.y[i%poolLen] }

// alpha returns the scalar of Axpy and Scal for key. Special and tiny
// classes include alpha = ±0 (which must not clear NaN or Inf in x) and
// alpha = NaN or ±Inf.
func (p pool) alpha(key int) float64 {
	var list []float64
	switch p.class {
	case classRandom:
		list = []float64{0.7390851332151607, -1.4142135623730951, 3.0e-7, -2.5e6}
	case classCancel:
		list = []float64{-1, 1 + 0x1p-52, -(1 - 0x1p-53), 0x1p40}
	case classSpecial:
		list = append([]float64{0.1, -3.7}, specials...)
	case classTiny:
		list = []float64{0x1p-500, -0x1p-1000, 0.5, math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0}
	case classHuge:
		list = []float64{0x1p600, -2, 0.5, math.MaxFloat64}
	}
	return list[key%len(list)]
}

// specials are the IEEE 754 values an implementation may mishandle.
var specials = []float64{
	0, math.Copysign(0, -1),
	math.Inf(1), math.Inf(-1),
	math.NaN(), math.Float64frombits(0xfff8_0000_0000_0001), // -NaN with payload
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	math.Float64frombits(0x000f_ffff_ffff_ffff), // largest subnormal
	-0x1p-1030,
	0x1p-1022, // smallest normal
	math.MaxFloat64, -math.MaxFloat64,
	1, -1,
}

func randSign(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return -1
	}
	return 1
}

// randMixed returns a value of random sign with magnitude in 2^-30…2^30.
func randMixed(r *rand.Rand) float64 {
	return randSign(r) * math.Ldexp(1+r.Float64(), r.IntN(61)-30)
}

// randTiny returns a signed zero, a subnormal or a value just above the
// smallest normal.
func randTiny(r *rand.Rand) float64 {
	switch r.IntN(4) {
	case 0:
		return math.Copysign(0, randSign(r))
	case 1:
		return randSign(r) * math.Float64frombits(1+r.Uint64N(1<<52-1)) // subnormal
	case 2:
		return randSign(r) * float64(1+r.IntN(8)) * math.SmallestNonzeroFloat64
	}
	return randSign(r) * math.Ldexp(1+r.Float64(), -1022+r.IntN(4))
}

// fillCancel fills x and y with near-cancelling data (see classCancel).
func fillCancel(r *rand.Rand, x, y []float64) {
	nudge := func() float64 { return 1 + float64(r.IntN(5)-2)*0x1p-52 }
	for i := range x {
		switch k := r.IntN(8); {
		case k < 2 && i >= 1: // cancels its neighbour, in another lane
			x[i], y[i] = -x[i-1]*nudge(), y[i-1]
		case k < 4 && i >= 32: // cancels the element 32 back, same lane
			x[i], y[i] = -x[i-32]*nudge(), y[i-32]
		case k == 4: // huge
			x[i], y[i] = randSign(r)*math.Ldexp(1+r.Float64(), 40+r.IntN(20)), 1+r.Float64()
		case k == 5: // tiny, next to the huge ones
			x[i], y[i] = randSign(r)*math.Ldexp(1+r.Float64(), -30-r.IntN(20)), 1+r.Float64()
		case k == 6: // y ≈ x: x−y cancels
			x[i] = randMixed(r)
			y[i] = x[i] * nudge()
		default:
			x[i], y[i] = randMixed(r), randMixed(r)
		}
	}
}

// pools holds one pool per class, drawn once per test binary.
var pools = func() []pool {
	ps := make([]pool, len(classes))
	for i, c := range classes {
		ps[i] = newPool(c)
	}
	return ps
}()
