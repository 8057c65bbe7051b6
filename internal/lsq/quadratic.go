package lsq

import (
	"fmt"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// Quadratic is a Problem as a gd.Objective: full-batch gradient descent
// on the moments instead of on the rows. Its loss at v is
//
//	½·vᵀAv − cᵀv + ½·YY
//
// (the penalties are gd's, through PenaltyWeight), and its gradient
// A·v − c: an evaluation costs k² multiply-adds, whatever the number of
// rows, and gives the bits of nothing but the moments. It has one
// "example", the whole set: only gd.FullBatch makes sense.
//
// Its penalty weights are p_j/σ_j, so that gd's L1·Σ w_j|v_j| and
// (L2/2)·Σ (w_j v_j)² are the Problem's penalties when gd's L1 is the
// data's L1 times YScale and gd's L2 is the data's L2: see GDPenalties.
type Quadratic struct {
	a, c  []float64
	yy    float64
	k     int
	w, av []float64 // penalty weights; scratch A·v
}

// Quadratic returns the problem's objective for gd.
func (pr *Problem) Quadratic() *Quadratic {
	k := pr.K()
	q := &Quadratic{a: pr.A, c: pr.C, yy: pr.YY, k: k, w: make([]float64, k), av: make([]float64, k)}
	for a, j := range pr.Live {
		q.w[a] = pr.M.Scale[j] / pr.Sigma[a]
	}
	return q
}

// GDPenalties returns the L1 and L2 of a gd.Config that make gd's
// penalties, with the Quadratic's weights, the problem's own; the same
// holds for a gd.LeastSquares standardised like the problem (loss
// YScale² times the data's) with penalty weights p_j/σ_j.
func (pr *Problem) GDPenalties(l1, l2 float64) (gl1, gl2 float64) {
	return l1 * pr.M.YScale, l2
}

// Dims returns one example and the problem's coefficients.
func (q *Quadratic) Dims() (examples, params int) { return 1, q.k }

// Penalized reports true: every coefficient is penalised (the intercept
// is not a parameter: it follows from the moments).
func (q *Quadratic) Penalized(int) bool { return true }

// PenaltyWeight returns p_j/σ_j.
func (q *Quadratic) PenaltyWeight(j int) float64 { return q.w[j] }

// Eval returns the loss at v and, if grad is not nil, its gradient.
func (q *Quadratic) Eval(v []float64, b gd.Batch, grad []float64) float64 {
	if b.Len() != 1 {
		panic(fmt.Sprintf("lsq: Quadratic.Eval: a batch of %d examples; the objective has one, the whole set", b.Len()))
	}
	kernels.GemvN(q.k, q.k, q.a, max(q.k, 1), v, q.av)
	h := float64(0.5 * kernels.Dot(v, q.av))
	loss := h - kernels.Dot(q.c, v) + float64(0.5*q.yy)
	if grad != nil {
		copy(grad, q.av)
		kernels.Axpy(-1, q.c, grad)
	}
	return loss
}

// Validation returns the objective of the validation set whose moments
// mv were taken in the training problem's coordinates (ComputeMomentsAt
// with the training means, or zeros without an intercept, and scales):
// the mean half squared residual of the training model's predictions, at
// the training intercept, as a function of the training problem's v. It
// has the training problem's live columns.
func (pr *Problem) Validation(mv *Moments) *Quadratic {
	k := pr.K()
	n := float64(mv.Rows)
	y := mv.Cols + 1
	q := &Quadratic{a: make([]float64, k*k), c: make([]float64, k), k: k, w: make([]float64, k), av: make([]float64, k)}
	for a, j := range pr.Live {
		for b, jj := range pr.Live {
			q.a[a*k+b] = mv.At(j, jj) / n / pr.Sigma[a] / pr.Sigma[b]
		}
		q.c[a] = mv.At(j, y) / n / pr.Sigma[a]
		q.w[a] = pr.M.Scale[j] / pr.Sigma[a]
	}
	q.yy = mv.At(y, y) / n
	return q
}
