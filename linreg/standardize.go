package linreg

import (
	"context"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// scaling is the internal preconditioning of the gradient methods: column
// j is used as (x_j − mu[j])/sigma[j].
//
// With an intercept mu is the column mean; without one it is 0, since
// centring would change the model. sigma is √(var_j + L2), var_j the mean
// square of the (centred) column: the square root of the diagonal of the
// penalised Hessian, so that in the scaled coordinates every diagonal
// entry is 1, data and ridge penalty together. (Scaling by the standard
// deviation alone leaves a small-scale feature with a ridge curvature of
// L2/σ², which would stall gradient descent.)
//
// A column that is constant when there is an intercept is redundant with
// it: its mean is its value exactly, it is zero once centred, and constant
// marks it so that its gradient is exactly 0 and its coefficient stays 0.
// Any other column whose sigma would be 0 (all zeros, without L2) keeps
// sigma 1.
type scaling struct {
	mu, sigma []float64
	constant  []bool
}

// standardize returns the scaling of x's columns, or the context's error
// if it is cancelled first. Its passes go row by row, so the pieces in
// which they look at the context (x.pieces) do not change the bits.
func standardize(ctx context.Context, x Matrix, intercept bool, l2 float64) (scaling, error) {
	n, d := x.Rows, x.Cols
	s := scaling{mu: make([]float64, d), sigma: make([]float64, d), constant: make([]bool, d)}
	if intercept {
		err := x.pieces(ctx, func(lo, hi int) error {
			for i := lo; i < hi; i++ {
				kernels.Axpy(1, x.Row(i), s.mu) // mu += row, one rounding each
			}
			return nil
		})
		if err != nil {
			return scaling{}, err
		}
		for j := range s.mu {
			s.mu[j] /= float64(n)
		}
		first := append([]float64(nil), x.Row(0)...)
		for j := range s.constant {
			s.constant[j] = true
		}
		err = x.pieces(ctx, func(lo, hi int) error {
			for i := max(lo, 1); i < hi; i++ {
				for j, v := range x.Row(i) {
					if v != first[j] {
						s.constant[j] = false
					}
				}
			}
			return nil
		})
		if err != nil {
			return scaling{}, err
		}
		for j, c := range s.constant {
			if c {
				s.mu[j] = first[j]
			}
		}
	}
	err := x.pieces(ctx, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			for j, v := range x.Row(i) {
				dv := v - s.mu[j]
				s.sigma[j] = math.FMA(dv, dv, s.sigma[j])
			}
		}
		return nil
	})
	if err != nil {
		return scaling{}, err
	}
	for j, ss := range s.sigma {
		sd := math.Sqrt(ss/float64(n) + l2)
		if !(sd > 0) || math.IsInf(1/sd, 0) {
			sd = 1
		}
		s.sigma[j] = sd
	}
	return s, nil
}
