package kernels

import "fmt"

// Gram adds AᵀA to the upper triangle of g, for the row-major m×n matrix
// A stored in a with row stride lda; g is the n×n row-major matrix with
// row stride n:
//
//	g[j*n+k] = fma(a[i*lda+j], a[i*lda+k], g[j*n+k])  for every row i, k ≥ j
//
// Every element of the upper triangle takes the rows in increasing order,
// one fused multiply-add per row, starting from its value in g (see
// package generic): Gram accumulates, so calls on rows [0, p) and then on
// [p, m) give exactly the bits of one call on [0, m), and a caller who
// wants AᵀA alone zeroes g first. The lower triangle (k < j) is never read
// or written. It panics unless len(g) == n*n, lda ≥ max(1, n) and a holds
// the whole matrix, and if g overlaps the matrix (a[0] to a[(m-1)*lda+n-1]).
func Gram(m, n int, a []float64, lda int, g []float64) {
	checkGemv("Gram", m, n, a, lda)
	if n > 0 && (len(g)%n != 0 || len(g)/n != n) || n == 0 && len(g) != 0 {
		panic(fmt.Sprintf("kernels.Gram: len(g)=%d, want n*n for n=%d", len(g), n))
	}
	if overlap(matrixSpan(m, n, a, lda), g) {
		panic(overlapMessage("Gram", "a", "g", noShare))
	}
	gramKind(current().kind, m, n, a, lda, g)
}
