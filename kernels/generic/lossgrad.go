package generic

import "math"

// LossGrad is the fused least-squares pass over the m×n row-major matrix
// in a (row stride lda): with r_i = (Dot(a_i, w) + c) − y_i it sets
// g[j] = Σ_i r_i·a_ij and returns ssr = Σ r_i² and sr = Σ r_i. Its bits are
// those of GemvN, the residual arithmetic, GemvT, Dot(r, r) and Sum(r) in
// turn (see the package doc); it reads each row once.
func LossGrad(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	var accS, accR [Lanes]float64
	g = g[:n]
	clear(g)
	w = w[:n]
	for i := range m {
		var row []float64 // n = 0: every row is empty, and a may be too
		if n > 0 {
			row = a[i*lda : i*lda+n]
		}
		r := (Dot(row, w) + c) - y[i]
		accS[i%Lanes] = math.FMA(r, r, accS[i%Lanes])
		accR[i%Lanes] += r
		for j, v := range row {
			g[j] = math.FMA(r, v, g[j])
		}
	}
	return fold(&accS), fold(&accR)
}
