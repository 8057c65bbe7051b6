package kernels

import "fmt"

// LossGrad is the fused pass of least squares over the row-major m×n
// matrix A in a (row stride lda). With the residuals
//
//	r_i = a_i·w + c − y_i
//
// it sets g = Aᵀr and returns ssr = Σ r_i² and sr = Σ r_i, reading every
// row once and keeping no residual vector. Its bits are exactly those of
// GemvN, the residual arithmetic, GemvT, Dot(r, r) and Sum(r) run one
// after the other (see package generic), so a caller can switch between
// the fused and the two-pass forms without changing a result. g's
// previous contents are ignored.
//
// It panics unless len(w) == n, len(y) == m, len(g) == n, lda ≥ max(1, n)
// and a holds the whole matrix, and if g overlaps w, y or the matrix (a[0]
// to a[(m-1)*lda+n-1]).
func LossGrad(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	checkLossGrad("LossGrad", m, n, a, lda, w, y, g)
	return lossGradKind(current().kind, m, n, a, lda, w, c, y, g)
}

func checkLossGrad(fn string, m, n int, a []float64, lda int, w, y, g []float64) {
	checkGemv(fn, m, n, a, lda)
	if len(w) != n || len(g) != n || len(y) != m {
		panic(fmt.Sprintf("kernels.%s: len(w)=%d, len(g)=%d, want n=%d; len(y)=%d, want m=%d", fn, len(w), len(g), n, len(y), m))
	}
	// Even g == w is refused: g is accumulated while later rows still
	// read w.
	if overlap(matrixSpan(m, n, a, lda), g) {
		panic(overlapMessage(fn, "a", "g", noShare))
	}
	if overlap(w, g) {
		panic(overlapMessage(fn, "w", "g", noShare))
	}
	if overlap(y, g) {
		panic(overlapMessage(fn, "y", "g", noShare))
	}
}
