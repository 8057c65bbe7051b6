package kernels

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels/internal/span"
)

// An output that shares memory with an input of the same call has no
// single answer: each implementation reads and writes in its own order
// (whole vector registers, rows ahead of the one it stores), so each would
// see a different mix of old and new values, and the promise of the same
// bits everywhere would break. The exported kernels therefore panic on
// such a call. The checks compare addresses only; they read nothing.

// overlap, partialOverlap and matrixSpan are the checks of package span
// for float64.
func overlap(x, y []float64) bool        { return span.Overlap(x, y) }
func partialOverlap(x, y []float64) bool { return span.PartialOverlap(x, y) }
func matrixSpan(m, n int, a []float64, lda int) []float64 {
	return span.Matrix(m, n, a, lda)
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
