// Package choice holds the implementation that the kernels of package
// kernels and of package kernels/f32 run, so that both follow one choice:
// LANES_KERNELS, GODEBUG, -tags purego or noasm, and kernels.Use switch
// float32 and float64 kernels together. Package kernels makes the choice
// and records it here; package kernels/f32 only reads it.
package choice

import "sync/atomic"

// Kind identifies an implementation.
type Kind uint8

// The implementations, in the order of package kernels' registry.
const (
	Generic Kind = iota
	AVX2
	AVX512
	NEON
)

// current is the Kind in use plus one; 0 means none was chosen yet.
var current atomic.Uint32

// chooseFirst makes the first choice; package kernels registers it.
var chooseFirst func()

// Register sets the function that makes the first choice, which Current
// calls if nothing was chosen yet. Package kernels calls it at init.
func Register(choose func()) { chooseFirst = choose }

// Set records k as the implementation in use.
func Set(k Kind) { current.Store(uint32(k) + 1) }

// Current returns the implementation in use, choosing it first if need
// be. It inlines to one load and a branch.
func Current() Kind {
	if v := current.Load(); v != 0 {
		return Kind(v - 1)
	}
	return first()
}

func first() Kind {
	chooseFirst()
	return Kind(current.Load() - 1)
}
