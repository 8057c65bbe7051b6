package generic

import "math"

// Axpy sets y[i] = fma(alpha, x[i], y[i]) for i < len(x).
func Axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = math.FMA(alpha, v, y[i])
	}
}

// Scal sets x[i] = alpha·x[i].
func Scal(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}
