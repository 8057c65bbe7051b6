package generic

import "math"

// ScaledSumSq returns Σ (alpha·x[i])² in the canonical order: the product
// alpha·x[i] is rounded, then squared and added in one FMA. Nrm2 calls it
// with a power-of-two alpha, which makes the product exact unless it
// underflows.
func ScaledSumSq(alpha float64, x []float64) float64 {
	var acc [Lanes]float64
	n := len(x)
	i := 0
	for ; i+Lanes <= n; i += Lanes {
		xb := (*[Lanes]float64)(x[i:])
		for j := range acc {
			t := alpha * xb[j]
			acc[j] = math.FMA(t, t, acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		t := alpha * x[i+j]
		acc[j] = math.FMA(t, t, acc[j])
	}
	return fold(&acc)
}
