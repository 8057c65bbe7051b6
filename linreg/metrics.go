package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/lsq"
)

// The metrics are passes over the rows like every other (engine.go): the
// residuals summed per block by the kernels and across blocks in the
// block tree, so MSE, MAE and R² are the same bits in memory or window by
// window, on any number of goroutines, on every CPU, and the same from a
// Model and its rows as from the slice functions and its predictions.

// residualSums checks x and y against the model and returns the sums of
// its residuals on them; x needs at least minRows rows.
func (m *Model) residualSums(ctx context.Context, x Matrix, y []float64, minRows int) (lsq.Sums, error) {
	if x.Cols != len(m.Coef) {
		return lsq.Sums{}, fmt.Errorf("linreg: X has %d columns, but the model has %d coefficients", x.Cols, len(m.Coef))
	}
	if err := x.shape("X"); err != nil {
		return lsq.Sums{}, err
	}
	if len(y) != x.Rows {
		return lsq.Sums{}, fmt.Errorf("linreg: len(y) = %d, but X has %d rows", len(y), x.Rows)
	}
	if x.Rows < minRows {
		return lsq.Sums{}, fmt.Errorf("linreg: X has %d rows, but the metric needs at least %d", x.Rows, minRows)
	}
	s, err := lsq.Residuals(ctx, nil, data(x, y), m.Coef, m.Intercept)
	if err != nil {
		return s, err
	}
	if !isFinite(s.SqErr) {
		// Name the culprit: a NaN or Inf in X or y, or a prediction that
		// overflows.
		if err := x.checkContext(ctx, "X"); err != nil {
			return s, err
		}
		if err := checkTargetsContext(ctx, y, x); err != nil {
			return s, err
		}
		for i := range x.Rows {
			if p, _ := m.PredictRow(x.Row(i)); !isFinite(p) {
				return s, m.nonFinite(i, p)
			}
		}
	}
	return s, nil
}

// MSE returns the mean squared error of the model's predictions for x
// against the targets y, (1/n)·Σ(y_i − ŷ_i)². x needs at least one row; y
// one finite value per row. An MSE beyond float64's normal range (above
// about 1.8e308, or below 2.2e-308 with a residual not 0) is an error
// that says how large it is; the sums behind it never overflow on the way
// (see lsq.Sums).
func (m *Model) MSE(x Matrix, y []float64) (float64, error) {
	return m.mseContext(context.Background(), x, y)
}

// mseContext is MSE, which returns the context's error if it is
// cancelled first.
func (m *Model) mseContext(ctx context.Context, x Matrix, y []float64) (float64, error) {
	s, err := m.residualSums(ctx, x, y, 1)
	if err != nil {
		return math.NaN(), err
	}
	mse, ok := s.MeanSq(x.Rows)
	if !ok {
		return mse, unrepresentable("mean squared error", s.SqErr/float64(x.Rows), s.SqErrExp)
	}
	return mse, nil
}

// unrepresentable is the error of a metric m·2^exp beyond float64's
// normal range: the model exists, but its metric does not as a float64.
func unrepresentable(what string, m float64, exp int) error {
	side := "above the largest float64"
	if math.Abs(math.Ldexp(m, exp)) < 1 {
		side = "below the smallest normal float64"
	}
	return fmt.Errorf("linreg: the model's %s on y is about %s, %s: rescale y (or X) so that the residuals lie between about 1e-150 and 1e150",
		what, lsq.Magnitude(m, exp), side)
}

// RMSE returns the root mean squared error, √MSE.
func (m *Model) RMSE(x Matrix, y []float64) (float64, error) {
	mse, err := m.MSE(x, y)
	if err != nil {
		return 0, err
	}
	return math.Sqrt(mse), nil
}

// MAE returns the mean absolute error of the model's predictions for x
// against y, (1/n)·Σ|y_i − ŷ_i|.
func (m *Model) MAE(x Matrix, y []float64) (float64, error) {
	s, err := m.residualSums(context.Background(), x, y, 1)
	if err != nil {
		return math.NaN(), err
	}
	mae := s.AbsErr / float64(x.Rows)
	if !isFinite(mae) {
		return mae, errors.New("linreg: the model's mean absolute error on y is above the largest float64: rescale y (or X)")
	}
	return mae, nil
}

// Score returns the coefficient of determination R² of the model's
// predictions for x against y, as R2 computes it (scikit-learn's r2_score
// and LinearRegression.score). x needs at least two rows: with fewer, R²
// is not defined (scikit-learn returns NaN with a warning; Score returns
// an error).
func (m *Model) Score(x Matrix, y []float64) (float64, error) {
	s, err := m.residualSums(context.Background(), x, y, 2)
	if err != nil {
		return 0, err
	}
	tot, exp, err := lsq.TargetSpreadExp(context.Background(), nil, data(x, y))
	if err != nil {
		return 0, err
	}
	return lsq.R2Exp(s.SqErr, s.SqErrExp, tot, exp), nil
}

// checkLens panics if y and pred differ in length, as package kernels does.
func checkLens(fn string, y, pred []float64) {
	if len(y) != len(pred) {
		panic(fmt.Sprintf("linreg.%s: len(y)=%d != len(pred)=%d", fn, len(y), len(pred)))
	}
}

// MeanSquaredError returns (1/n)·Σ(y_i − pred_i)², summed per block of
// kernels.BlockRows by kernels.SumSqDiff and across blocks in the block
// tree: the bits of Model.MSE for the same predictions. It returns NaN
// for empty slices and panics if their lengths differ; an MSE beyond
// float64's range comes back as float64 rounds it (+Inf, 0 or
// subnormal), where Model.MSE returns an error.
func MeanSquaredError(y, pred []float64) float64 {
	checkLens("MeanSquaredError", y, pred)
	if len(y) == 0 {
		return math.NaN()
	}
	mse, _ := lsq.PredictionSums(y, pred).MeanSq(len(y))
	return mse
}

// MeanAbsoluteError returns (1/n)·Σ|y_i − pred_i|, summed like
// MeanSquaredError: the bits of Model.MAE. It returns NaN for empty
// slices and panics if their lengths differ.
func MeanAbsoluteError(y, pred []float64) float64 {
	checkLens("MeanAbsoluteError", y, pred)
	if len(y) == 0 {
		return math.NaN()
	}
	return lsq.PredictionSums(y, pred).AbsErr / float64(len(y))
}

// R2 returns the coefficient of determination of pred against y,
//
//	R² = 1 − SS_res/SS_tot,  SS_res = Σ(y_i − pred_i)²,  SS_tot = Σ(y_i − ȳ)²,
//
// with scikit-learn's conventions (r2_score with force_finite=True, the
// default): perfect predictions (SS_res = 0) score 1; otherwise a constant
// y (SS_tot = 0), for which R² would be −Inf, scores 0; and fewer than two
// values give NaN. A y is constant when all its values are equal: its SS_tot
// is then exactly 0, even where the rounded mean differs from the value
// (the mean of three 0.1s is not 0.1 in floating point, which makes
// scikit-learn's SS_tot tiny but positive and its R² hugely negative).
//
// The sums go by blocks in the block tree, as MeanSquaredError's, so R2
// gives the bits of Model.Score on every CPU. A NaN in y or pred gives
// NaN. R2 panics if the lengths differ.
func R2(y, pred []float64) float64 {
	checkLens("R2", y, pred)
	if len(y) < 2 {
		return math.NaN()
	}
	tot, exp, _ := lsq.TargetSpreadExp(context.Background(), nil, lsq.Data{Rows: len(y), Y: y, Stride: 1})
	s := lsq.PredictionSums(y, pred)
	return lsq.R2Exp(s.SqErr, s.SqErrExp, tot, exp)
}
