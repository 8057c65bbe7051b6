// Package span holds the address checks that the exported kernels of
// package kernels and package kernels/f32 make before they call code that
// checks nothing: whether two slices share memory, and which part of a
// slice a matrix occupies. The checks compare addresses only; they read
// nothing.
package span

import (
	"fmt"
	"unsafe"
)

// Float is an element type of the kernels.
type Float interface{ ~float32 | ~float64 }

// Overlap reports whether x and y share at least one byte. Empty slices
// share nothing, wherever they point.
func Overlap[T Float](x, y []T) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	size := unsafe.Sizeof(x[0])
	px := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	py := uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	// Last bytes, not ends: the end of a slice flush against the top of
	// the address space would wrap to 0.
	return px <= py+uintptr(len(y))*size-1 && py <= px+uintptr(len(x))*size-1
}

// PartialOverlap reports whether x and y overlap without being the very
// same elements. For slices of equal length, as Axpy's, that is sharing
// memory from different starts.
func PartialOverlap[T Float](x, y []T) bool {
	return Overlap(x, y) && unsafe.SliceData(x) != unsafe.SliceData(y)
}

// Matrix returns the part of a from the first element of a checked m×n
// matrix with row stride lda to its last, the elements a kernel may read.
// The padding between rows is included: an output placed there is
// rejected too, which keeps the check to two comparisons.
func Matrix[T Float](m, n int, a []T, lda int) []T {
	if m == 0 || n == 0 {
		return nil
	}
	return a[:(m-1)*lda+n]
}

// MatrixOK reports whether m×n with row stride lda is a valid matrix
// shape (m, n ≥ 0, lda ≥ max(1, n)) that a holds, without overflowing.
func MatrixOK[T Float](m, n int, a []T, lda int) bool {
	if m < 0 || n < 0 || lda < max(1, n) {
		return false
	}
	if m == 0 || n == 0 {
		return true
	}
	// (m-1)*lda+n cannot overflow when a really holds that many elements.
	return m-1 <= (len(a)-n)/lda && len(a) >= (m-1)*lda+n
}

// MatrixProblem says what MatrixOK found wrong with a matrix of m×n, row
// stride lda, in a slice of length la, for a panic message that the
// caller prefixes with its function's name; "" if nothing is.
func MatrixProblem(m, n, la, lda int) string {
	switch {
	case m < 0 || n < 0:
		return fmt.Sprintf("negative dimension m=%d, n=%d", m, n)
	case lda < max(1, n):
		return fmt.Sprintf("lda=%d < max(1, n=%d)", lda, n)
	case m > 0 && n > 0 && (m-1 > (la-n)/lda || la < (m-1)*lda+n):
		return fmt.Sprintf("len(a)=%d < (m-1)*lda+n for m=%d, n=%d, lda=%d", la, m, n, lda)
	}
	return ""
}
