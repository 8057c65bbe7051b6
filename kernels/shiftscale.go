package kernels

import "fmt"

// ShiftScale writes (a[i][j] − shift[j])·scale[j] for the row-major m×n
// matrix A in a (row stride lda) into the row-major z (row stride ldz):
//
//	z[i*ldz+j] = (a[i*lda+j] - shift[j]) * scale[j]
//
// the difference rounded, then the product rounded: two roundings, never
// fused. It centres and scales rows into a scratch matrix, for Gram to
// read; the elements of z outside the m×n part are untouched. It panics
// unless len(shift) == len(scale) == n, lda ≥ max(1, n), ldz ≥ max(1, n)
// and a and z hold the whole matrices, and if z (z[0] to
// z[(m-1)*ldz+n-1]) overlaps the matrix in a, shift or scale.
func ShiftScale(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
	checkGemv("ShiftScale", m, n, a, lda)
	if len(shift) != n || len(scale) != n {
		panic(fmt.Sprintf("kernels.ShiftScale: len(shift)=%d, len(scale)=%d, want n=%d", len(shift), len(scale), n))
	}
	if ldz < max(1, n) {
		panic(fmt.Sprintf("kernels.ShiftScale: ldz=%d < max(1, n=%d)", ldz, n))
	}
	if m > 0 && n > 0 {
		// (m-1)*ldz+n cannot overflow when z really holds that many elements.
		if need := (m-1)*ldz + n; m-1 > (len(z)-n)/ldz || len(z) < need {
			panic(fmt.Sprintf("kernels.ShiftScale: len(z)=%d < (m-1)*ldz+n for m=%d, n=%d, ldz=%d", len(z), m, n, ldz))
		}
	}
	out := matrixSpan(m, n, z, ldz)
	if overlap(matrixSpan(m, n, a, lda), out) {
		panic(overlapMessage("ShiftScale", "a", "z", noShare))
	}
	if overlap(shift, out) {
		panic(overlapMessage("ShiftScale", "shift", "z", noShare))
	}
	if overlap(scale, out) {
		panic(overlapMessage("ShiftScale", "scale", "z", noShare))
	}
	shiftScaleKind(current().kind, m, n, a, lda, shift, scale, z, ldz)
}
