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

// moments runs the moments pass over x and y; what names X in messages
// ("X", "validation X").
func moments(ctx context.Context, plan *kernels.BlockPlan, x Matrix, y []float64, centre bool, what string) (*lsq.Moments, error) {
	m, err := lsq.ComputeMoments(ctx, plan, data(x, y), centre)
	return m, dataError(err, what)
}

// dataError words an error of the engine's passes for linreg's callers.
func dataError(err error, what string) error {
	var nf *lsq.NonFiniteError
	switch {
	case err == nil || isCancellation(err):
		return err
	case errors.As(err, &nf) && nf.Col < 0:
		return fmt.Errorf("linreg: %s row %d is %v", targetsOf(what), nf.Row, nf.Value)
	case errors.As(err, &nf):
		return fmt.Errorf("linreg: %s row %d, column %d is %v", what, nf.Row, nf.Col, nf.Value)
	}
	return fmt.Errorf("linreg: %w", err)
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
func rowObjective(pr *lsq.Problem, x Matrix, y []float64, workers int, penalised bool) (*gd.LeastSquares, error) {
	m := pr.M
	o := gd.LeastSquaresOptions{
		Stride: x.stride(), Intercept: pr.Intercept, Workers: workers, Unchecked: true,
		Shift: make([]float64, m.Cols), Scale: make([]float64, m.Cols), YScale: m.YScale,
	}
	if x.Cols == 0 {
		o.Stride = 0
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
	if x.Release != nil {
		o.Release, o.Window = x.Release, x.window()
	}
	ls, err := gd.NewLeastSquaresWith(x.Data, x.Rows, x.Cols, y, o)
	if err != nil {
		return nil, fmt.Errorf("linreg: internal error: %w", err)
	}
	return ls, nil
}
