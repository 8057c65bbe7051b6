package linreg

import (
	"math"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// largestEigenvalue returns the largest eigenvalue of the Gram operator
// of s, A'ᵀA'/n, by power iteration, or the context's error if it is
// cancelled first: it looks at it before every product, and between the
// windows of a product over a matrix with Release. Up to 200 products of
// two passes each can take long on large data.
func largestEigenvalue(c *canceller, s *scaled) (float64, error) {
	n, d := s.Dims()
	v := make([]float64, d)
	gv := make([]float64, d)
	for j := range v {
		v[j] = 1 / math.Sqrt(float64(d))
	}
	all := gd.All(n)
	var lambda float64
	for it := 0; it < 200; it++ {
		c.step("power")
		if err := c.now(); err != nil {
			return 0, err
		}
		s.evalDone(c.ctx.Done(), v, all, gv, false)
		if err := c.now(); err != nil {
			return 0, err // the product may have stopped half-way
		}
		// Without y, the gradient of ½·mean(r²) is A'ᵀA'v/n.
		next := kernels.Dot(v, gv) // v has unit norm: the Rayleigh quotient
		norm := math.Sqrt(kernels.Dot(gv, gv))
		if !(norm > 0) {
			return next, nil
		}
		for j := range v {
			v[j] = gv[j] / norm
		}
		if it > 0 && math.Abs(next-lambda) <= 1e-6*next {
			return next, nil
		}
		lambda = next
	}
	return lambda, nil
}
