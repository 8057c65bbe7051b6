package generic

import "math"

// Dot returns Σ x[i]·y[i] over len(x) elements, in the canonical order.
func Dot(x, y []float64) float64 {
	var acc [Lanes]float64
	n := len(x)
	y = y[:n]
	i := 0
	for ; i+Lanes <= n; i += Lanes {
		xb := (*[Lanes]float64)(x[i:])
		yb := (*[Lanes]float64)(y[i:])
		for j := range acc {
			acc[j] = math.FMA(xb[j], yb[j], acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] = math.FMA(x[i+j], y[i+j], acc[j])
	}
	return fold(&acc)
}
