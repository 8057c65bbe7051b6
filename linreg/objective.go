package linreg

import (
	"fmt"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// scaled is the least-squares objective of gd in standardised coordinates,
// evaluated on the caller's X in place: with parameters w' (one per column,
// then the intercept b'), row i predicts
//
//	Σ_j (x_ij − μ_j)/σ_j · w'_j + b' = x_i·u + c,  u_j = w'_j/σ_j, c = b' − μ·u
//
// so one GemvN gives the residuals of a contiguous block and one GemvT its
// gradient, (Xᵀr − μ·Σr)_j/σ_j, without a centred copy of X. The penalty
// weights 1/σ_j make L1 and L2 apply to the original coefficients u.
type scaled struct {
	x         Matrix
	y         []float64
	sc        scaling
	intercept bool
	u, r      []float64 // scratch: coefficients in data units; residuals
	g         []float64 // scratch gradient of a loss-only evaluation
	plan      *kernels.LossGradPlan
}

// newScaled returns the objective; workers is the number of goroutines
// of a contiguous evaluation (≤ 0: GOMAXPROCS), which never changes its
// bits.
func newScaled(x Matrix, y []float64, sc scaling, intercept bool, workers int) *scaled {
	return &scaled{x: x, y: y, sc: sc, intercept: intercept,
		u: make([]float64, x.Cols), r: make([]float64, x.Rows), g: make([]float64, x.Cols),
		plan: kernels.NewLossGradPlan(x.Cols, workers)}
}

// Dims returns the rows and the columns, plus one for an intercept.
func (s *scaled) Dims() (examples, params int) {
	if s.intercept {
		return s.x.Rows, s.x.Cols + 1
	}
	return s.x.Rows, s.x.Cols
}

// Penalized reports true for the coefficients, false for the intercept.
func (s *scaled) Penalized(j int) bool { return j < s.x.Cols }

// PenaltyWeight is 1/σ_j: the coefficient in data units is w'_j/σ_j.
func (s *scaled) PenaltyWeight(j int) float64 { return 1 / s.sc.sigma[j] }

// Eval returns ½·mean(r²) over the batch and writes the gradient with
// respect to w' into grad.
func (s *scaled) Eval(w []float64, b gd.Batch, grad []float64) float64 {
	return s.eval(w, b, grad, true)
}

// coefficients sets s.u from w' and returns the offset c.
func (s *scaled) coefficients(w []float64) float64 {
	cols := s.x.Cols
	for j := range s.u {
		s.u[j] = w[j] / s.sc.sigma[j]
	}
	if !s.intercept {
		return 0
	}
	return w[cols] - kernels.Dot(s.sc.mu, s.u)
}

// eval is Eval; withY false leaves y out, so that grad = A'ᵀA'w'/m, the
// Gram operator of the power iteration.
func (s *scaled) eval(w []float64, b gd.Batch, grad []float64, withY bool) float64 {
	cols, stride := s.x.Cols, s.x.stride()
	m := b.Len()
	if m <= 0 {
		panic(fmt.Sprintf("linreg: empty batch [%d, %d)", b.Lo, b.Hi))
	}
	c := s.coefficients(w)
	if m == 1 && withY && rowFastPath {
		return s.evalRow(w, b, grad, c)
	}
	r := s.r[:m]
	g := s.g
	if grad != nil {
		g = grad[:cols]
	}
	if b.Contiguous() && withY {
		// One pass: the fused kernel, in fixed row blocks on the plan's
		// goroutines (one block, LossGrad's own bits, up to 4096 rows).
		a := s.x.Data[b.Lo*stride:]
		if cols > 0 {
			a = a[:(m-1)*stride+cols]
		}
		ssr, sr := s.plan.LossGrad(m, a, max(stride, 1), s.u, c, s.y[b.Lo:b.Hi], g)
		inv := 1 / float64(m)
		if grad != nil {
			s.scaleGradient(grad, sr, inv)
		}
		return ssr * (0.5 * inv)
	}
	if grad == nil {
		g = nil
	}
	if b.Contiguous() {
		a := s.x.Data[b.Lo*stride:]
		if m > 0 && cols > 0 {
			a = a[:(m-1)*stride+cols]
		}
		kernels.GemvN(m, cols, a, max(stride, 1), s.u, r)
		if withY {
			for k, yk := range s.y[b.Lo:b.Hi] {
				r[k] = (r[k] + c) - yk
			}
		} else {
			for k := range r {
				r[k] += c
			}
		}
		if g != nil {
			kernels.GemvT(m, cols, a, max(stride, 1), r, g)
		}
	} else {
		for k, i := range b.Index {
			r[k] = kernels.Dot(s.x.Row(i), s.u) + c
			if withY {
				r[k] -= s.y[i]
			}
		}
		if g != nil {
			clear(g)
			for k, i := range b.Index {
				kernels.Axpy(r[k], s.x.Row(i), g)
			}
		}
	}
	inv := 1 / float64(m)
	if grad != nil {
		s.scaleGradient(grad, kernels.Sum(r), inv)
	}
	return kernels.Dot(r, r) * (0.5 * inv)
}

// scaleGradient turns grad[:cols] = Xᵀr and sr = Σr into the gradient
// with respect to w': (Xᵀr − μ·Σr)_j/σ_j, and Σr for the intercept, each
// divided by the batch size.
func (s *scaled) scaleGradient(grad []float64, sr, inv float64) {
	cols := s.x.Cols
	for j := range grad[:cols] {
		if s.sc.constant[j] {
			// Xᵀr and μ·Σr are the same sum in different orders: not
			// always the same bits. The exact gradient is 0.
			grad[j] = 0
			continue
		}
		grad[j] = ((grad[j] - float64(s.sc.mu[j]*sr)) / s.sc.sigma[j]) * inv
	}
	if s.intercept {
		grad[cols] = sr * inv
	}
}

// rowFastPath lets a test compare evalRow with the general path.
var rowFastPath = true

// evalRow is eval for one row, the SGD step, without the matrix kernels'
// set-up, and with the general path's bits: GemvN's row is the same Dot;
// GemvT with one row is fma(r, x_j, +0), which is float64(r·x_j) + 0 (the
// + 0 turns an underflowed −0 into +0, as the fma does); Sum of one
// residual is r + 0; and Dot(r, r) is r·r rounded once.
func (s *scaled) evalRow(w []float64, b gd.Batch, grad []float64, c float64) float64 {
	i := b.Lo
	if !b.Contiguous() {
		i = b.Index[0]
	}
	row := s.x.Row(i)
	r := (kernels.Dot(row, s.u) + c) - s.y[i]
	if grad != nil {
		sr := r + 0
		for j, xj := range row {
			if s.sc.constant[j] {
				grad[j] = 0
				continue
			}
			t := float64(r*xj) + 0
			grad[j] = (t - float64(s.sc.mu[j]*sr)) / s.sc.sigma[j]
		}
		if s.intercept {
			grad[s.x.Cols] = sr
		}
	}
	return float64(r*r) * 0.5
}
