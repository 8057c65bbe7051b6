package generic

import "math"

// GemvN sets y[i] = Dot(a[i·lda : i·lda+n], x) for i < m: y = A·x for the
// row-major m×n matrix A with row stride lda.
func GemvN(m, n int, a []float64, lda int, x, y []float64) {
	x = x[:n]
	if n == 0 {
		// A has no elements, and a may be empty.
		clear(y[:m])
		return
	}
	for i := range y[:m] {
		y[i] = Dot(a[i*lda:i*lda+n], x)
	}
}

// GemvT sets y = Aᵀ·x for the row-major m×n matrix A with row stride lda.
// Each y[j] starts at +0 and takes the rows in increasing order.
func GemvT(m, n int, a []float64, lda int, x, y []float64) {
	y = y[:n]
	clear(y)
	if n == 0 {
		return // A has no elements, and a may be empty.
	}
	for i, xi := range x[:m] {
		row := a[i*lda : i*lda+n]
		for j, v := range row {
			y[j] = math.FMA(xi, v, y[j])
		}
	}
}
