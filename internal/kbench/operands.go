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
}

func newOperands(s Shape) *operands {
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
