package linreg

import (
	"math"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// largestEigenvalue returns L, the largest eigenvalue of the standardised
// A'ᵀA'/n (A' the standardised X, plus a column of ones with an
// intercept): the curvature of the least-squares loss, so that 1/L is the
// classic safe step. Power iteration from the all-ones vector, which the
// top eigenvector of correlated features leans towards, stops when the
// Rayleigh quotient changes by less than 1e-6 relatively, or after 200
// products; each product is two passes over X. It reads X only; the
// order of operations is fixed, so L is the same bits everywhere.
func largestEigenvalue(s *scaled) float64 {
	n, d := s.Dims()
	v := make([]float64, d)
	gv := make([]float64, d)
	for j := range v {
		v[j] = 1 / math.Sqrt(float64(d))
	}
	all := gd.All(n)
	var lambda float64
	for it := 0; it < 200; it++ {
		s.eval(v, all, gv, false)
		// eval returns the gradient of ½·mean(r²) with y = 0, which is
		// A'ᵀA'v/n.
		next := kernels.Dot(v, gv) // v has unit norm: the Rayleigh quotient
		norm := math.Sqrt(kernels.Dot(gv, gv))
		if !(norm > 0) {
			return next
		}
		for j := range v {
			v[j] = gv[j] / norm
		}
		if it > 0 && math.Abs(next-lambda) <= 1e-6*next {
			return next
		}
		lambda = next
	}
	return lambda
}
