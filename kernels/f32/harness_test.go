package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// This file holds what the tests of the implementations share: running a
// check once per implementation, the classes of data, placing vectors at
// every alignment with guard values around them, and comparing bits.

// forEachImpl runs f as a subtest for every implementation this CPU runs,
// switched in through kernels.Use: the one choice package kernels makes
// is the one this package follows.
func forEachImpl(t *testing.T, f func(t *testing.T, impl string)) {
	t.Helper()
	for _, name := range kernels.Available() {
		t.Run(name, func(t *testing.T) {
			restore, err := kernels.Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			if got := Impl(); got != name {
				t.Fatalf("kernels.Use(%q) left f32 on %q", name, got)
			}
			f(t, name)
		})
	}
}

// sameBits reports whether a and b are the same float32, bit for bit; any
// two NaNs count as the same (only the payload of a NaN may differ).
func sameBits(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

func show(v float32) string { return fmt.Sprintf("%g (%#08x)", v, math.Float32bits(v)) }

// class is a kind of data the sweeps fill vectors with.
type class struct {
	name string
	gen  func(r *rand.Rand) float32
}

var classes = []class{
	{"normal", func(r *rand.Rand) float32 { return float32(r.NormFloat64()) }},
	// Magnitudes over the whole range, so that sums round in every way.
	{"mixed", func(r *rand.Rand) float32 {
		return float32(r.NormFloat64() * math.Ldexp(1, r.IntN(40)-20))
	}},
	// Subnormal products and squares that underflow.
	{"tiny", func(r *rand.Rand) float32 {
		return float32(r.NormFloat64() * math.Ldexp(1, -60-r.IntN(70)))
	}},
	// Large values whose squares and sums overflow.
	{"huge", func(r *rand.Rand) float32 {
		return float32(r.NormFloat64() * math.Ldexp(1, 50+r.IntN(78)))
	}},
	// Signed zeros and a few exact values, where the sign of a zero result
	// and ties matter.
	{"zeros", func(r *rand.Rand) float32 {
		return []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 3}[r.IntN(6)]
	}},
	// NaN and ±Inf now and then among ordinary values.
	{"specials", func(r *rand.Rand) float32 {
		switch r.IntN(40) {
		case 0:
			return float32(math.NaN())
		case 1:
			return float32(math.Inf(1))
		case 2:
			return float32(math.Inf(-1))
		}
		return float32(r.NormFloat64())
	}},
}

// fill returns n values of class c from a generator seeded by key.
func (c class) fill(n int, key uint64) []float32 {
	r := rand.New(rand.NewPCG(key, uint64(len(c.name))))
	out := make([]float32, n)
	for i := range out {
		out[i] = c.gen(r)
	}
	return out
}

// guard is the value written around every placed vector; a kernel that
// writes outside its slice changes one.
var guard = float32(math.Float32frombits(0x7fc0dead))

// placed is a vector at a given element offset inside a buffer that has
// guards before and after it.
type placed struct {
	buf  []float32
	off  int
	n    int
	keep []float32 // the whole buffer as placed, to prove inputs unchanged
}

const pad = 24

// place puts vals at offset off (0 ≤ off < 16 elements: every alignment
// within 64 bytes) with guards around it.
func place(vals []float32, off int) *placed {
	buf := make([]float32, pad+off+len(vals)+pad)
	for i := range buf {
		buf[i] = guard
	}
	copy(buf[pad+off:], vals)
	p := &placed{buf: buf, off: pad + off, n: len(vals)}
	p.keep = append([]float32(nil), buf...)
	return p
}

func (p *placed) s() []float32 { return p.buf[p.off : p.off+p.n : p.off+p.n] }

// guardsIntact returns "" if nothing outside the vector changed.
func (p *placed) guardsIntact() string {
	for i, v := range p.buf {
		if (i < p.off || i >= p.off+p.n) && math.Float32bits(v) != math.Float32bits(guard) {
			return fmt.Sprintf("element %d outside the vector was written: %s", i-p.off, show(v))
		}
	}
	return ""
}

// unchanged returns "" if the whole buffer, vector included, is as placed.
func (p *placed) unchanged(what string) string {
	for i, v := range p.buf {
		if math.Float32bits(v) != math.Float32bits(p.keep[i]) {
			return fmt.Sprintf("input %s changed at element %d: %s, was %s", what, i-p.off, show(v), show(p.keep[i]))
		}
	}
	return ""
}

// lengths are the vector lengths the sweeps cover: every length up to
// four accumulator blocks (each tail size, short calls) and some long ones.
func lengths() []int {
	var out []int
	for n := 0; n <= 4*64+1; n++ {
		out = append(out, n)
	}
	out = append(out, 383, 384, 385, 511, 767, 768, 1000, 1536, 3072, 4099)
	if testing.Short() {
		return out[:140]
	}
	return out
}

// offsets are the element offsets of x; y takes another one, so that the
// two are misaligned against each other too.
func offsets() []int {
	if testing.Short() {
		return []int{0, 1, 3, 8}
	}
	return []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15}
}
