package generic

// ShiftScale sets z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j] for the
// row-major m×n matrices A in a (row stride lda) and Z in z (row stride
// ldz): the difference is rounded, then the product. The elements of z
// between its rows are left as they are.
func ShiftScale(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
	if n == 0 {
		return // A and Z have no elements, and a and z may be empty.
	}
	shift, scale = shift[:n], scale[:n]
	for i := range m {
		row, out := a[i*lda:i*lda+n], z[i*ldz:i*ldz+n]
		for j, v := range row {
			d := v - shift[j]
			out[j] = d * scale[j]
		}
	}
}
