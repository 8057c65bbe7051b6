package kernels

import "fmt"

// GramDiag adds to sums[j] the sum of column j of the row-major m×n
// matrix A stored in a with row stride lda, and to squares[j] the
// diagonal element (j, j) of AᵀA:
//
//	sums[j] = sums[j] + a[i*lda+j]                        for every row i
//	squares[j] = fma(a[i*lda+j], a[i*lda+j], squares[j])  for every row i
//
// Each takes the rows in increasing order, one rounding per row, starting
// from its value: GramDiag accumulates as Gram does, and its results are
// exactly the bits Gram gives the elements (j, n) and (j, j) of [A | 1],
// A with a column of ones appended. It is for passes that need each
// column's mean and variance but no product between two columns, at a
// cost of O(m·n) instead of O(m·n²).
//
// It has AVX2+FMA, AVX-512 and NEON implementations, generated like the
// other kernels: columns are independent, so they hold a block of them in
// registers and run down a chunk of rows, one add and one fused
// multiply-add per element and row, in row order, as the plain loop
// does, and give its bits.
//
// It panics unless len(sums) == len(squares) == n, lda ≥ max(1, n) and a
// holds the whole matrix, and if sums or squares overlap the matrix or
// each other.
func GramDiag(m, n int, a []float64, lda int, sums, squares []float64) {
	checkGemv("GramDiag", m, n, a, lda)
	if len(sums) != n || len(squares) != n {
		panic(fmt.Sprintf("kernels.GramDiag: len(sums)=%d, len(squares)=%d, want n=%d", len(sums), len(squares), n))
	}
	span := matrixSpan(m, n, a, lda)
	if overlap(span, sums) {
		panic(overlapMessage("GramDiag", "a", "sums", noShare))
	}
	if overlap(span, squares) {
		panic(overlapMessage("GramDiag", "a", "squares", noShare))
	}
	if overlap(sums, squares) {
		panic(overlapMessage("GramDiag", "sums", "squares", noShare))
	}
	gramDiagKind(current().kind, m, n, a, lda, sums, squares)
}
