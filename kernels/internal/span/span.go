// Package span holds the address checks that the exported kernels of
// package kernels and package kernels/f32 make before they call code that
// checks nothing: whether two slices share memory, and which part of a
// slice a matrix occupies. The checks compare addresses only; they read
// nothing.
package span

import "unsafe"

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

// MatrixFits reports whether a holds the m×n matrix with row stride lda,
// for m, n ≥ 0 and lda ≥ max(1, n), without overflowing.
func MatrixFits[T Float](m, n int, a []T, lda int) bool {
	if m == 0 || n == 0 {
		return true
	}
	// (m-1)*lda+n cannot overflow when a really holds that many elements.
	return m-1 <= (len(a)-n)/lda && len(a) >= (m-1)*lda+n
}
