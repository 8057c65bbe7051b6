package linreg

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// The engine. Every method starts from one pass over the rows (two when
// the first row lies far from the means), lsq.ComputeMoments: the Gram
// matrix of the shifted and scaled rows [x | 1 | y], summed in the block
// tree of package kernels, so the same bits for any number of workers,
// any window of a memory-mapped file, any CPU. From it come the
// standardisation, the curvature that sets the automatic learning rate,
// the exact solutions, and full-batch gradient descent itself, whose
// gradient is a product with the d×d moments instead of a pass over X.
// SGD and mini-batch still read rows, step by step.

// data returns x and y as the engine's training set.
func data(x Matrix, y []float64) lsq.Data {
	d := lsq.Data{X: x.Data, Rows: x.Rows, Cols: x.Cols, Stride: x.stride(), Y: y, Release: x.Release}
	if x.Release != nil {
		d.Window = x.window()
	}
	return d
}

// moments runs the moments pass over x and y, the diagonal moments if
// diagonal; what names X in messages ("X", "validation X").
func moments(ctx context.Context, plan *kernels.BlockPlan, x Matrix, y []float64, centre, diagonal bool, what string) (*lsq.Moments, error) {
	compute := lsq.ComputeMoments
	if diagonal {
		compute = lsq.ComputeDiagonalMoments
	}
	m, err := compute(ctx, plan, data(x, y), centre)
	return m, dataError(err, what)
}

// rowsOnly reports whether the fit needs only each column's mean and
// variance from the moments pass, and no product between columns: SGD,
// whose automatic rate does not depend on the curvature (see gdConfig),
// and mini-batches at a given rate or schedule. Their steps read rows;
// the Gram would cost O(n·d²) for nothing.
func (r Regressor) rowsOnly() bool {
	switch r.method() {
	case SGD:
		return true
	case MiniBatch:
		return r.Rate != 0 || r.Schedule != nil
	}
	return false
}

// dataError words an error of the engine's passes for linreg's callers.
func dataError(err error, what string) error {
	var nf *lsq.NonFiniteError
	switch {
	case err == nil || isCancellation(err):
		return err
	case errors.As(err, &nf):
		return &NonFiniteError{Matrix: what, Row: nf.Row, Col: nf.Col, Value: nf.Value}
	}
	return fmt.Errorf("linreg: %w", err)
}

// A NonFiniteError reports a NaN or an infinity in the data of a fit,
// the first in row order: in column Col of row Row of the matrix named
// Matrix ("X" or "validation X"), or in its targets when Col is −1 (rows
// and columns count from 0). A caller that knows where the rows came
// from (a file) can reword it with errors.As.
type NonFiniteError struct {
	Matrix   string
	Row, Col int
	Value    float64
}

func (e *NonFiniteError) Error() string {
	if e.Col < 0 {
		return fmt.Sprintf("linreg: %s row %d is %v", targetsOf(e.Matrix), e.Row, e.Value)
	}
	return fmt.Sprintf("linreg: %s row %d, column %d is %v", e.Matrix, e.Row, e.Col, e.Value)
}

// targetsOf names the targets that go with a matrix named what.
func targetsOf(what string) string {
	if what == "X" {
		return "y"
	}
	return "validation y"
}

// rowObjective is the objective of SGD and MiniBatch, which read rows:
// gd's least squares over x and y in place, standardised as the problem
// pr (centred on the training means with an intercept, each live column
// divided by its σ, the target scaled by the moments' power of two), so
// that one automatic rate suits every column. A constant column gets
// scale 0 and stays out. With penalties, each coefficient is weighted so
// that the penalty falls on the coefficients in data units (see
// lsq.Problem.GDPenalties). The values were checked by the moments pass.
//
// It also returns the conversion of the objective's parameters to the
// coefficients and intercept in data units.
//
// gd standardises in place by computing residuals in data units, which
// squares and multiplies the data's own magnitudes. Data whose scales lie
// beyond 2^±250 of the unit (columns or targets of magnitude beyond about
// 1e75, or below 1e-75) would overflow or underflow there, so they are
// standardised into a copy instead (rows·cols values more memory): the
// same problem, solved in the standardised units throughout.
func rowObjective(ctx context.Context, pr *lsq.Problem, x Matrix, y []float64, workers int, penalised bool) (*gd.LeastSquares, func(w []float64) ([]float64, float64), error) {
	o := rowOptions(pr, workers, penalised)
	if extremeScales(o) {
		return copiedObjective(ctx, o, x, y)
	}
	o.Stride = x.stride()
	if x.Cols == 0 {
		o.Stride = 0
	}
	if x.Release != nil {
		o.Release, o.Window = x.Release, x.window()
	}
	ls, err := gd.NewLeastSquaresWith(x.Data, x.Rows, x.Cols, y, o)
	if err != nil {
		return nil, nil, fmt.Errorf("linreg: internal error: %w", err)
	}
	toCoef := func(w []float64) ([]float64, float64) {
		coef := make([]float64, x.Cols)
		return coef, ls.DataUnits(w, coef)
	}
	return ls, toCoef, nil
}

// rowOptions returns the standardisation and penalty weights of the
// problem pr as gd's options (no data yet).
func rowOptions(pr *lsq.Problem, workers int, penalised bool) gd.LeastSquaresOptions {
	m := pr.M
	o := gd.LeastSquaresOptions{
		Intercept: pr.Intercept, Workers: workers, Unchecked: true,
		Shift: make([]float64, m.Cols), Scale: make([]float64, m.Cols), YScale: m.YScale,
	}
	if pr.Intercept {
		for j := range o.Shift {
			o.Shift[j] = m.Mean(j)
		}
		o.YShift = m.YMean()
	}
	for a, j := range pr.Live {
		o.Scale[j] = m.Scale[j] / pr.Sigma[a]
	}
	if penalised {
		o.PenaltyWeights = make([]float64, m.Cols)
		for j, s := range o.Scale {
			o.PenaltyWeights[j] = s
			if s == 0 {
				o.PenaltyWeights[j] = 1 // a column out of the problem: its parameter stays 0
			}
		}
	}
	return o
}

// extremeScales reports whether a scale of o lies beyond 2^±250, where
// gd's arithmetic in data units could overflow or underflow (see
// rowObjective).
func extremeScales(o gd.LeastSquaresOptions) bool {
	extreme := func(s float64) bool { return s != 0 && (s < 0x1p-250 || s > 0x1p250) }
	if extreme(o.YScale) {
		return true
	}
	for _, s := range o.Scale {
		if extreme(s) {
			return true
		}
	}
	return false
}

// copiedObjective is rowObjective's objective over a standardised copy
// of x and y: z = (x − Shift)·Scale and t = (y − YShift)·YScale, made in
// one pass window by window (each released after), and gd's plain least
// squares over them, whose parameters are those of the standardised
// problem.
func copiedObjective(ctx context.Context, o gd.LeastSquaresOptions, x Matrix, y []float64) (*gd.LeastSquares, func(w []float64) ([]float64, float64), error) {
	rows, cols := x.Rows, x.Cols
	z, t := make([]float64, rows*cols), make([]float64, rows)
	err := x.pieces(ctx, func(lo, hi int) error {
		if cols > 0 {
			kernels.ShiftScale(hi-lo, cols, x.Data[lo*x.stride():], x.stride(), o.Shift, o.Scale, z[lo*cols:], cols)
		}
		for i := lo; i < hi; i++ {
			t[i] = float64(y[i]-o.YShift) * o.YScale
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for j, s := range o.Scale {
		if s == 0 {
			for i := range rows {
				z[i*cols+j] = 0 // out of the problem, whatever x − Shift was
			}
		}
	}
	ls, err := gd.NewLeastSquaresWith(z, rows, cols, t, gd.LeastSquaresOptions{
		Intercept: o.Intercept, Workers: o.Workers, PenaltyWeights: o.PenaltyWeights, Unchecked: true,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("linreg: internal error: %w", err)
	}
	toCoef := func(w []float64) ([]float64, float64) {
		// u_j = v_j·Scale_j/YScale, the product first: v is of order one,
		// so it cannot overflow where the ratio of the scales might.
		coef := make([]float64, cols)
		for j, s := range o.Scale {
			coef[j] = float64(w[j]*s) / o.YScale
		}
		if !o.Intercept {
			return coef, 0
		}
		c := w[cols]/o.YScale + o.YShift
		return coef, c - kernels.Dot(o.Shift, coef)
	}
	return ls, toCoef, nil
}
