package generic

// Sum returns Σ x[i] in the canonical order.
func Sum(x []float64) float64 {
	var acc [Lanes]float64
	n := len(x)
	i := 0
	for ; i+Lanes <= n; i += Lanes {
		xb := (*[Lanes]float64)(x[i:])
		for j := range acc {
			acc[j] += xb[j]
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] += x[i+j]
	}
	return fold(&acc)
}
