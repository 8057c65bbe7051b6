package kbench

import (
	"math/rand/v2"
	"unsafe"
)

// operands are the seeded inputs of one size, shared by every
// implementation.
type operands struct {
	x, y, a []float64 // a only for gemv; then x has n and y has m elements (GemvN)
	xt, yt  []float64 // GemvT's x (m) and y (n)
	// The same values rounded to float32, for the float32 kernels.
	x32, y32, a32 []float32
}

func newOperands(s Shape) *operands {
	in := newOperands64(s)
	in.x32, in.y32, in.a32 = to32(in.x), to32(in.y), to32(in.a)
	return in
}

// to32 returns v rounded to float32, in a 64-byte-aligned slice.
func to32(v []float64) []float32 {
	buf := make([]float32, len(v)+16)
	off := 0
	for off < 16 && uintptr(unsafe.Pointer(&buf[off]))%64 != 0 {
		off++
	}
	out := buf[off : off+len(v) : off+len(v)]
	for i, f := range v {
		out[i] = float32(f)
	}
	return out
}

func newOperands64(s Shape) *operands {
	in := &operands{}
	if s.M == 0 {
		in.x, in.y = random(s.N, 1), random(s.N, 2)
	} else {
		in.a = random(s.M*s.N, 3)
		in.x, in.y = random(s.N, 1), aligned(s.M)
		in.xt, in.yt = random(s.M, 2), aligned(s.N)
	}
	return in
}

// aligned returns n zeros starting on a 64-byte boundary, as the
// benchmarks in benchmarks/ use, so no column gains from luck of alignment.
func aligned(n int) []float64 {
	buf := make([]float64, n+8)
	off := 0
	for uintptr(unsafe.Pointer(&buf[off]))%64 != 0 {
		off++
	}
	return buf[off : off+n : off+n]
}

// random returns n values uniform in [−1, 1) from a fixed seed.
func random(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x6c616e6573))
	s := aligned(n)
	for i := range s {
		s[i] = 2*r.Float64() - 1
	}
	return s
}
