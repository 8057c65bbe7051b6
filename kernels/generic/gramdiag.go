package generic

import "math"

// GramDiag adds to sums[j] the sum of column j of the row-major m×n
// matrix A in a (row stride lda), and to squares[j] the diagonal element
// (j, j) of AᵀA, each taking the rows i = 0 … m−1 in increasing order:
// sums[j] = sums[j] + a_ij, one rounding (the bits of fma(a_ij, 1,
// sums[j])), and squares[j] = fma(a_ij, a_ij, squares[j]). These are the
// bits Gram gives its elements (j, n) and (j, j) for [A | 1], A with a
// column of ones appended.
//
// Columns are independent, so the loop keeps four of them in registers
// while it runs down the rows: eight dependency chains, enough to hide
// the latency of scalar adds and FMAs.
func GramDiag(m, n int, a []float64, lda int, sums, squares []float64) {
	if n == 0 || m == 0 {
		return
	}
	sums, squares = sums[:n], squares[:n]
	_ = a[(m-1)*lda+n-1]
	j := 0
	for ; j+4 <= n; j += 4 {
		s0, s1, s2, s3 := sums[j], sums[j+1], sums[j+2], sums[j+3]
		q0, q1, q2, q3 := squares[j], squares[j+1], squares[j+2], squares[j+3]
		for i := range m {
			r := a[i*lda+j : i*lda+j+4 : i*lda+j+4]
			v0, v1, v2, v3 := r[0], r[1], r[2], r[3]
			s0, s1, s2, s3 = s0+v0, s1+v1, s2+v2, s3+v3
			q0 = math.FMA(v0, v0, q0)
			q1 = math.FMA(v1, v1, q1)
			q2 = math.FMA(v2, v2, q2)
			q3 = math.FMA(v3, v3, q3)
		}
		sums[j], sums[j+1], sums[j+2], sums[j+3] = s0, s1, s2, s3
		squares[j], squares[j+1], squares[j+2], squares[j+3] = q0, q1, q2, q3
	}
	for ; j < n; j++ {
		s, q := sums[j], squares[j]
		for i := range m {
			v := a[i*lda+j]
			s += v
			q = math.FMA(v, v, q)
		}
		sums[j], squares[j] = s, q
	}
}
