package gd

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// LeastSquares is the objective of linear regression:
//
//	ℓ_i(w) = ½·(x_i·w[:cols] + b − y_i)²,  loss = mean of ℓ_i over a batch,
//
// with X row-major (rows × cols, used in place, never copied) and, when it
// fits an intercept, b = w[cols] as the last parameter, never penalised.
//
// A contiguous batch is one pass of the fused kernel (kernels.LossGrad),
// whatever its size, shared by several goroutines beyond 4096 rows (see
// SetWorkers); a batch of listed rows costs one Dot and one Axpy per row.
// Each evaluation computes in the canonical order of package kernels, so
// it gives the same bits on every CPU and for any number of workers.
type LeastSquares struct {
	x, y       []float64
	rows, cols int
	intercept  bool
	r          []float64 // residuals of the current batch
	g          []float64 // gradient scratch of a loss-only evaluation
	plan       *kernels.LossGradPlan
}

// NewLeastSquares returns the least-squares objective of the rows × cols
// matrix x (row-major) against the targets y, with rows = len(y). It
// checks the sizes and that every value is finite, and names the first
// row and column that is not.
func NewLeastSquares(x []float64, cols int, y []float64, intercept bool) (*LeastSquares, error) {
	rows := len(y)
	switch {
	case cols < 0:
		return nil, fmt.Errorf("gd: NewLeastSquares: cols = %d, want ≥ 0", cols)
	case rows == 0:
		return nil, fmt.Errorf("gd: NewLeastSquares: no examples (len(y) = 0)")
	case cols == 0 && !intercept:
		return nil, fmt.Errorf("gd: NewLeastSquares: no parameters (cols = 0 and no intercept)")
	case cols > 0 && rows > math.MaxInt/cols:
		// rows·cols would overflow int, and could wrap around to len(x).
		return nil, fmt.Errorf("gd: NewLeastSquares: len(x) = %d, want rows·cols = %d·%d, which overflows int", len(x), rows, cols)
	case len(x) != rows*cols:
		return nil, fmt.Errorf("gd: NewLeastSquares: len(x) = %d, want rows·cols = %d·%d = %d", len(x), rows, cols, rows*cols)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gd: NewLeastSquares: y[%d] (row %d) is %v", i, i, v)
		}
	}
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("gd: NewLeastSquares: x row %d, column %d is %v", k/cols, k%cols, v)
		}
	}
	return &LeastSquares{x: x, y: y, rows: rows, cols: cols, intercept: intercept,
		r: make([]float64, rows), g: make([]float64, cols), plan: kernels.NewLossGradPlan(cols, 0)}, nil
}

// SetWorkers sets the number of goroutines that share an evaluation of
// more than 4096 contiguous rows; n ≤ 0 means GOMAXPROCS, the default.
// It never changes a result: the rows are cut into fixed blocks whose
// sums are added in a fixed order (kernels.LossGradPlan).
func (ls *LeastSquares) SetWorkers(n int) {
	ls.plan.Close()
	ls.plan = kernels.NewLossGradPlan(ls.cols, n)
}

// Dims returns the number of rows and cols, plus one for an intercept.
func (ls *LeastSquares) Dims() (examples, params int) {
	if ls.intercept {
		return ls.rows, ls.cols + 1
	}
	return ls.rows, ls.cols
}

// Penalized reports true for every coefficient and false for the
// intercept.
func (ls *LeastSquares) Penalized(j int) bool { return j < ls.cols }

// Eval returns ½·mean(r_i²) over the batch, with r_i = x_i·w + b − y_i,
// and writes its gradient, mean(r_i·x_i) and mean(r_i) for the intercept,
// into grad if grad is not nil. It panics if w, grad or the batch do not
// fit the problem.
func (ls *LeastSquares) Eval(w []float64, b Batch, grad []float64) float64 {
	_, d := ls.Dims()
	if len(w) != d || (grad != nil && len(grad) != d) {
		panic(fmt.Sprintf("gd: LeastSquares.Eval: len(w) = %d, len(grad) = %d, want %d", len(w), len(grad), d))
	}
	m := b.Len()
	if m <= 0 || m > ls.rows || (b.Contiguous() && (b.Lo < 0 || b.Hi > ls.rows)) {
		panic(fmt.Sprintf("gd: LeastSquares.Eval: batch [%d, %d) of %d rows, %d listed, out of range for %d rows", b.Lo, b.Hi, m, len(b.Index), ls.rows))
	}
	coef := w[:ls.cols]
	if m == 1 {
		return ls.evalRow(w, b, grad)
	}
	if b.Contiguous() {
		xb := ls.x[b.Lo*ls.cols : b.Hi*ls.cols]
		g := ls.g
		if grad != nil {
			g = grad[:ls.cols]
		}
		var c float64
		if ls.intercept {
			c = w[ls.cols]
		}
		ssr, sr := ls.plan.LossGrad(m, xb, max(ls.cols, 1), coef, c, ls.y[b.Lo:b.Hi], g)
		inv := 1 / float64(m)
		if grad != nil {
			kernels.Scal(inv, g)
			if ls.intercept {
				grad[ls.cols] = sr * inv
			}
		}
		return ssr * (0.5 * inv)
	}
	// Listed rows: a Dot per row for the residuals, an Axpy per row for
	// the gradient.
	r := ls.r[:m]
	for k, i := range b.Index {
		r[k] = kernels.Dot(ls.x[i*ls.cols:(i+1)*ls.cols], coef)
	}
	for k, i := range b.Index {
		r[k] = ls.residual(w, r[k], ls.y[i])
	}
	if grad != nil {
		g := grad[:ls.cols]
		clear(g)
		for k, i := range b.Index {
			kernels.Axpy(r[k], ls.x[i*ls.cols:(i+1)*ls.cols], g)
		}
	}
	inv := 1 / float64(m)
	if grad != nil {
		kernels.Scal(inv, grad[:ls.cols])
		if ls.intercept {
			grad[ls.cols] = kernels.Sum(r) * inv
		}
	}
	return kernels.Dot(r, r) * (0.5 * inv)
}

// residual returns (xw + b) − y, or xw − y without an intercept: two
// roundings, in that order, on every platform.
func (ls *LeastSquares) residual(w []float64, xw, y float64) float64 {
	if ls.intercept {
		xw += w[ls.cols]
	}
	return xw - y
}

// evalRow is Eval for a batch of one row, the SGD step, without the
// batch paths' set-up. It gives their bits: the listed-rows path computes
// the same Dot and Axpy onto zeros, fma(r, x, +0), and LossGrad over one
// row does the same (its bits are GemvN's, then GemvT's, Dot's and
// Sum's); the scaling by 1/1 changes nothing, the one-element Sum is
// r + 0, and Dot(r, r) is r·r rounded once.
func (ls *LeastSquares) evalRow(w []float64, b Batch, grad []float64) float64 {
	i := b.Lo
	if !b.Contiguous() {
		i = b.Index[0]
	}
	row := ls.x[i*ls.cols : (i+1)*ls.cols]
	r := ls.residual(w, kernels.Dot(row, w[:ls.cols]), ls.y[i])
	if grad != nil {
		g := grad[:ls.cols]
		clear(g)
		kernels.Axpy(r, row, g) // fma(r, x, +0), as GemvT: never −0 where r·x is
		if ls.intercept {
			grad[ls.cols] = r + 0 // as Sum: never −0
		}
	}
	return float64(r*r) * 0.5
}
