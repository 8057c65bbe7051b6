package generic

import "math"

// SumSqDiff returns Σ (x[i]−y[i])² over len(x) elements, in the canonical
// order: the difference is rounded, then squared and added in one FMA.
func SumSqDiff(x, y []float64) float64 {
	var acc [Lanes]float64
	n := len(x)
	y = y[:n]
	i := 0
	for ; i+Lanes <= n; i += Lanes {
		xb := (*[Lanes]float64)(x[i:])
		yb := (*[Lanes]float64)(y[i:])
		for j := range acc {
			d := xb[j] - yb[j]
			acc[j] = math.FMA(d, d, acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		d := x[i+j] - y[i+j]
		acc[j] = math.FMA(d, d, acc[j])
	}
	return fold(&acc)
}
