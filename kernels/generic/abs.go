package generic

import "math"

// Asum returns Σ |x[i]| in the canonical order.
func Asum(x []float64) float64 {
	var acc [Lanes]float64
	n := len(x)
	i := 0
	for ; i+Lanes <= n; i += Lanes {
		xb := (*[Lanes]float64)(x[i:])
		for j := range acc {
			acc[j] += math.Abs(xb[j])
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] += math.Abs(x[i+j])
	}
	return fold(&acc)
}

// Amax returns the largest |x[i]|, skipping NaN elements; it returns +0 if
// x is empty or all NaN. A maximum does not depend on the order it is taken
// in, so vector code may compare lanes in any order.
func Amax(x []float64) float64 {
	var m float64
	for _, v := range x {
		if a := math.Abs(v); a > m {
			m = a
		}
	}
	return m
}

// IndexAbs returns the first i with |x[i]| == v, or −1 if there is none
// (always so when v is NaN).
func IndexAbs(v float64, x []float64) int {
	for i, e := range x {
		if math.Abs(e) == v {
			return i
		}
	}
	return -1
}
