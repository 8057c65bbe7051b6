package kernels

import (
	"fmt"
	"math"
	"testing"
)

// This file holds what every test of the implementations shares: running
// a check once per implementation, comparing bits, and the sizes a sweep
// covers.

// forEachImpl runs f as a subtest for every implementation this CPU runs,
// with that implementation active. Every implementation built into the
// binary is in the registry, so every test picks up a new one without
// change.
func forEachImpl(t *testing.T, f func(t *testing.T, im *implementation)) {
	t.Helper()
	for _, im := range supported() {
		t.Run(im.name, func(t *testing.T) {
			restore, err := Use(im.name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t, im)
		})
	}
}

// failer is the part of testing.TB the sweeps use. The self-check test
// passes a recorder instead, to prove that each sweep catches a broken
// implementation.
type failer interface {
	Helper()
	Fatalf(format string, args ...any)
}

// sameBits reports whether a and b are the same float64, bit for bit. The
// specification lets only the payload of a NaN differ.
func sameBits(a, b float64) bool {
	if math.IsNaN(a) && math.IsNaN(b) {
		return true
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// fmtBits prints a float64 with its bits, so that -0 and +0, or two NaNs,
// are told apart in a failure message.
func fmtBits(v float64) string {
	return fmt.Sprintf("%v (%#016x)", v, math.Float64bits(v))
}

// maxLen is the longest vector of the bitwise sweeps: 34 blocks of 32
// lanes plus every tail length, so that each implementation's main loop
// runs many times and leaves every remainder.
func maxLen() int {
	if testing.Short() {
		// Still more than 9 blocks and every tail length mod 32 and mod
		// every vector width; for slow emulators (qemu) and quick runs.
		return 300
	}
	return 1100
}

// offsets returns the start offsets, in elements, from a 64-byte aligned
// address. 0…7 covers every alignment of a float64 within a cache line
// and a ZMM register.
func offsets() []int {
	if testing.Short() {
		return []int{0, 1, 7}
	}
	return []int{0, 1, 2, 3, 4, 5, 6, 7}
}

// otherOffset picks the offset of a second operand from the first, so
// that x and y meet in many relative alignments, not only equal ones.
func otherOffset(off, n int) int { return (off*5 + n) % 8 }
