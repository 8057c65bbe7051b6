package generic

import "math"

// Gram adds AᵀA to the upper triangle of g, the row-major n×n matrix with
// row stride n, for the row-major m×n matrix A in a with row stride lda:
// g[j·n+k] = fma(a_ij, a_ik, g[j·n+k]) for k ≥ j, each element taking the
// rows i = 0 … m−1 in increasing order. The lower triangle (k < j) is
// never read or written.
func Gram(m, n int, a []float64, lda int, g []float64) {
	if n == 0 {
		return // A has no elements, and a may be empty.
	}
	g = g[:n*n]
	for i := range m {
		row := a[i*lda : i*lda+n]
		for j, aj := range row {
			gj := g[j*n+j : j*n+n]
			for k, v := range row[j:] {
				gj[k] = math.FMA(aj, v, gj[k])
			}
		}
	}
}
