package linreg

import (
	"context"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// predictFor checks y against x and returns the model's predictions for
// x, in a new slice. x must have at least minRows rows.
func (m *Model) predictFor(x Matrix, y []float64, minRows int) ([]float64, error) {
	if x.Cols != len(m.Coef) {
		return nil, fmt.Errorf("linreg: X has %d columns, but the model has %d coefficients", x.Cols, len(m.Coef))
	}
	if err := checkTargets(y, x.Rows); err != nil {
		return nil, err
	}
	if x.Rows < minRows {
		return nil, fmt.Errorf("linreg: X has %d rows, but the metric needs at least %d", x.Rows, minRows)
	}
	pred := make([]float64, x.Rows)
	if err := m.Predict(x, pred); err != nil {
		return nil, err
	}
	return pred, nil
}

// predictWindows checks x and y as predictFor does, then, for a matrix
// with a Release function, calls fn with the targets and the predictions
// of each window of rows in order, releasing the window after; it
// allocates one window of predictions, not one per row. It returns
// false, nil for a matrix without Release: the caller predicts in one
// piece. It returns the context's error if it is cancelled before a
// window.
func (m *Model) predictWindows(ctx context.Context, x Matrix, y []float64, minRows int, fn func(y, pred []float64)) (bool, error) {
	if x.Release == nil {
		return false, nil
	}
	if x.Cols != len(m.Coef) {
		return true, fmt.Errorf("linreg: X has %d columns, but the model has %d coefficients", x.Cols, len(m.Coef))
	}
	if err := checkTargetsContext(ctx, y, x); err != nil {
		return true, err
	}
	if x.Rows < minRows {
		return true, fmt.Errorf("linreg: X has %d rows, but the metric needs at least %d", x.Rows, minRows)
	}
	if x.Cols > 0 {
		if err := shapeErr(x, x.stride()); err != nil {
			return true, err
		}
	}
	w := x.window()
	buf := make([]float64, min(w, x.Rows))
	for lo := 0; lo < x.Rows; lo += w {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		hi := min(lo+w, x.Rows)
		pred := buf[:hi-lo]
		if err := m.predictRows(x, lo, hi, pred); err != nil {
			return true, err
		}
		fn(y[lo:hi], pred)
		x.release(lo, hi)
	}
	return true, nil
}

// MSE returns the mean squared error of the model's predictions for x
// against the targets y, (1/n)·Σ(y_i − ŷ_i)². x needs at least one row; y
// one finite value per row. It allocates one buffer of predictions (of a
// window's rows for a matrix with Release; the result is the same bits).
func (m *Model) MSE(x Matrix, y []float64) (float64, error) {
	return m.mseContext(context.Background(), x, y)
}

// mseContext is MSE, which returns the context's error if it is
// cancelled first: it predicts in pieces of rows (windows, with Release)
// and looks at the context between them. The predictions of a row do not
// depend on the pieces (GemvN is row by row), so neither does the MSE.
func (m *Model) mseContext(ctx context.Context, x Matrix, y []float64) (float64, error) {
	var sq laneSq
	if ok, err := m.predictWindows(ctx, x, y, 1, func(y, pred []float64) { sq.add(y, pred) }); ok {
		return sq.value() / float64(len(y)), err
	}
	if x.Cols != len(m.Coef) {
		return 0, fmt.Errorf("linreg: X has %d columns, but the model has %d coefficients", x.Cols, len(m.Coef))
	}
	if err := checkTargets(y, x.Rows); err != nil {
		return 0, err
	}
	if x.Rows < 1 {
		return 0, fmt.Errorf("linreg: X has %d rows, but the metric needs at least %d", x.Rows, 1)
	}
	pred := make([]float64, x.Rows)
	if x.Cols > 0 {
		if err := shapeErr(x, x.stride()); err != nil {
			return 0, err
		}
	}
	err := x.pieces(ctx, func(lo, hi int) error { return m.predictRows(x, lo, hi, pred[lo:hi]) })
	if err != nil {
		return 0, err
	}
	return MeanSquaredError(y, pred), nil
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
	var s float64
	if ok, err := m.predictWindows(context.Background(), x, y, 1, func(y, pred []float64) {
		for i, v := range y {
			s += math.Abs(v - pred[i])
		}
	}); ok {
		return s / float64(len(y)), err
	}
	pred, err := m.predictFor(x, y, 1)
	if err != nil {
		return 0, err
	}
	return MeanAbsoluteError(y, pred), nil
}

// Score returns the coefficient of determination R² of the model's
// predictions for x against y, as R2 computes it (scikit-learn's r2_score
// and LinearRegression.score). x needs at least two rows: with fewer, R²
// is not defined (scikit-learn returns NaN with a warning; Score returns
// an error).
func (m *Model) Score(x Matrix, y []float64) (float64, error) {
	var sq laneSq
	if ok, err := m.predictWindows(context.Background(), x, y, 2, func(y, pred []float64) { sq.add(y, pred) }); ok {
		if err != nil {
			return 0, err
		}
		return r2Of(sq.value(), func() float64 { return totalSumSquaresOf(y, x) }), nil
	}
	pred, err := m.predictFor(x, y, 2)
	if err != nil {
		return 0, err
	}
	return R2(y, pred), nil
}

// checkLens panics if y and pred differ in length, as package kernels does.
func checkLens(fn string, y, pred []float64) {
	if len(y) != len(pred) {
		panic(fmt.Sprintf("linreg.%s: len(y)=%d != len(pred)=%d", fn, len(y), len(pred)))
	}
}

// MeanSquaredError returns (1/n)·Σ(y_i − pred_i)², with the sum from
// kernels.SumSqDiff (the same bits on every CPU). It returns NaN for empty
// slices and panics if their lengths differ.
func MeanSquaredError(y, pred []float64) float64 {
	checkLens("MeanSquaredError", y, pred)
	if len(y) == 0 {
		return math.NaN()
	}
	return kernels.SumSqDiff(y, pred) / float64(len(y))
}

// MeanAbsoluteError returns (1/n)·Σ|y_i − pred_i|, summed in index order.
// It returns NaN for empty slices and panics if their lengths differ.
func MeanAbsoluteError(y, pred []float64) float64 {
	checkLens("MeanAbsoluteError", y, pred)
	if len(y) == 0 {
		return math.NaN()
	}
	var s float64
	for i, v := range y {
		s += math.Abs(v - pred[i])
	}
	return s / float64(len(y))
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
// SS_res comes from kernels.SumSqDiff and ȳ from kernels.Sum; SS_tot is
// summed with fused multiply-adds in index order, so R2 gives the same bits
// on every CPU. A NaN in y or pred gives NaN. R2 panics if the lengths
// differ.
func R2(y, pred []float64) float64 {
	checkLens("R2", y, pred)
	if len(y) < 2 {
		return math.NaN()
	}
	return r2Of(kernels.SumSqDiff(y, pred), func() float64 { return totalSumSquares(y) })
}

// r2Of is R² from SS_res and SS_tot, computed only when needed.
func r2Of(ssRes float64, ssTot func() float64) float64 {
	if math.IsNaN(ssRes) {
		return math.NaN()
	}
	tot := ssTot()
	switch {
	case ssRes == 0:
		return 1
	case tot == 0:
		return 0
	}
	return 1 - ssRes/tot
}

// totalSumSquaresOf is totalSumSquares of the targets of x's rows, in
// windows released after each pass if x has a Release function: the
// same bits (the mean is kernels.Sum carried in its lanes).
func totalSumSquaresOf(y []float64, x Matrix) float64 {
	if x.Release == nil {
		return totalSumSquares(y)
	}
	w := x.window()
	constant := true
	for lo := 0; lo < len(y) && constant; lo += w {
		hi := min(lo+w, len(y))
		for _, v := range y[lo:hi] {
			if v != y[0] {
				constant = false
				break
			}
		}
		x.release(lo, hi)
	}
	if constant {
		return 0
	}
	var sum laneSum
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		sum.add(y[lo:hi])
		x.release(lo, hi)
	}
	mean := sum.value() / float64(len(y))
	var s float64
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		for _, v := range y[lo:hi] {
			d := v - mean
			s = math.FMA(d, d, s)
		}
		x.release(lo, hi)
	}
	return s
}

// totalSumSquares returns Σ(y_i − ȳ)², exactly 0 for a constant y.
func totalSumSquares(y []float64) float64 {
	constant := true
	for _, v := range y[1:] {
		if v != y[0] {
			constant = false
			break
		}
	}
	if constant {
		return 0
	}
	mean := kernels.Sum(y) / float64(len(y))
	var s float64
	for _, v := range y {
		d := v - mean
		s = math.FMA(d, d, s)
	}
	return s
}
