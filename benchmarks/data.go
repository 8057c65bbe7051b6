package benchmarks

import (
	"math/rand/v2"
	"unsafe"
)

// align is the byte alignment of every vector and matrix the benchmarks
// use: one cache line, which is also the width of an AVX-512 register.
// Fixing it keeps runs comparable, since the Go allocator guarantees only
// 8 or 16 bytes for small slices.
const align = 64

// alignedSlice returns a zeroed slice of n float64s whose first element is
// aligned to align bytes.
func alignedSlice(n int) []float64 {
	buf := make([]float64, n+align/8)
	off := 0
	for uintptrOf(buf[off:])%align != 0 {
		off++
	}
	return buf[off : off+n : off+n]
}

// randomSlice returns n values uniform in [-1, 1), the same for the same
// seed on every run and platform, in an aligned slice.
func randomSlice(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x6c616e6573)) // "lanes"
	s := alignedSlice(n)
	for i := range s {
		s[i] = 2*r.Float64() - 1
	}
	return s
}

// uintptrOf returns the address of s[0], for alignment checks.
func uintptrOf(s []float64) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }
