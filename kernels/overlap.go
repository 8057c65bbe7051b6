package kernels

import (
	"fmt"
	"unsafe"
)

// An output that shares memory with an input of the same call has no
// single answer: each implementation reads and writes in its own order
// (whole vector registers, rows ahead of the one it stores), so each would
// see a different mix of old and new values, and the promise of the same
// bits everywhere would break. The exported kernels therefore panic on
// such a call. The checks compare addresses only; they read nothing.

// overlap reports whether x and y share at least one byte. Empty slices
// share nothing, wherever they point.
func overlap(x, y []float64) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	px := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	py := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	// Last bytes, not ends: the end of a slice flush against the top of
	// the address space would wrap to 0.
	return px <= py+uintptr(len(y))*8-1 && py <= px+uintptr(len(x))*8-1
}

// partialOverlap reports whether x and y overlap without being the very
// same elements. For slices of equal length, as Axpy's, that is sharing
// memory from different starts.
func partialOverlap(x, y []float64) bool {
	return overlap(x, y) && unsafe.SliceData(x) != unsafe.SliceData(y)
}

// matrixSpan returns the part of a from the first element of a checked
// m×n matrix with row stride lda to its last, the elements a kernel may
// read. The padding between rows is included: an output placed there is
// rejected too, which keeps the check to two comparisons.
func matrixSpan(m, n int, a []float64, lda int) []float64 {
	if m == 0 || n == 0 {
		return nil
	}
	return a[:(m-1)*lda+n]
}

// overlapMessage is the panic message of an overlap. It is kept out of
// line so that the checks cost the callers a few comparisons, not the
// formatting; the callers call panic themselves, so that the compiler
// knows nothing comes after it and keeps no argument for the way back.
//
//go:noinline
func overlapMessage(fn, in, out, why string) string {
	return fmt.Sprintf("kernels.%s: %s and %s overlap (%s)", fn, in, out, why)
}

// noShare is overlapMessage's reason for every kernel but Axpy.
const noShare = "an output must not share memory with an input"
