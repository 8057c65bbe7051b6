package linreg

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/lanes-go/lanes/kernels"
)

// Model is a fitted linear model: ŷ = x·Coef + Intercept, in the units of the training data.
type Model struct {
	Coef      []float64
	Intercept float64
	// Features names the columns, if the caller gave names; nil otherwise.
	Features []string
	// Options records how the model was fitted.
	Options ModelOptions
	// Summary describes the training run.
	Summary Summary
	// History is the loss after each epoch of a gradient method (not serialised).
	History []float64
	// ValHistory is the validation loss after each epoch, when the
	// Regressor had a validation set (not serialised).
	ValHistory []float64
	// Inference holds the standard errors, tests and intervals of the
	// fit, when the Regressor asked for them (Regressor.Inference); nil
	// otherwise.
	Inference *Inference
}

// ModelOptions are the options of a fit, in a serialisable form.
type ModelOptions struct {
	Method       string  // "gd", "sgd", "minibatch" or "exact"
	Rate         float64 // the base learning rate used (automatic or given); 0 for exact
	AutoRate     bool    // whether Rate was derived from the data
	Schedule     string  // e.g. "constant" or a description of the gd schedule
	Update       string  // "plain", "momentum", "nesterov", "adam"
	Epochs       int
	BatchSize    int
	Tol          float64
	Seed         uint64
	L1, L2       float64
	FitIntercept bool
}

// Summary describes a training run.
type Summary struct {
	Method string
	Epochs int // epochs run (0 for exact)
	Steps  int
	// Loss is the final value of the regularised objective
	// (1/(2n))·Σr² + L1·‖w‖₁ + (L2/2)·‖w‖².
	Loss float64
	MSE  float64 // training mean squared error at the returned coefficients
	// R2 is the training R² at the returned coefficients, 1 − Σr²/Σ(y−ȳ)²
	// as Score computes it, the target's spread taken from the fit's
	// moments (NaN where MSE is; 0 in models saved before it was
	// recorded).
	R2 float64
	// ValMSE is the validation mean squared error at the returned
	// coefficients, nil without a validation set. Loss, MSE and ValMSE
	// are NaN in the model of a cancelled gradient fit (see
	// Regressor.Fit).
	ValMSE  *float64
	Stop    string // why training stopped (gd.StopReason.String()), "" for exact
	Kernels string // kernels.Impl() during training: "avx512", "avx2", "neon", "generic"
	Version string // module version of github.com/lanes-go/lanes that trained it, "(devel)" if unknown
	// Engine numbers the arithmetic that trained it (the constant Engine
	// when Fit did; 0 for a model of the first engine, read from JSON
	// without the member): the same data and options give the same bits
	// wherever the engines are equal.
	Engine  int
	Seconds float64 // wall-clock time of the training run, in seconds
}

// Predict writes one prediction per row of x into out, which must have
// x.Rows elements: out[i] = x.Row(i)·Coef + Intercept. Each dot product is
// one kernels.Dot (through kernels.GemvN), so the predictions are the same
// bits on every CPU and GOARCH, and equal PredictRow's bit for bit.
//
// Predict allocates nothing. It returns an error if x does not have
// len(Coef) columns, if len(out) != x.Rows, if x is malformed (its stride
// or data too short), or if x holds a NaN or Inf (naming the row and
// column); and, for finite x, if a prediction is not finite (an overflow,
// or a model with a non-finite coefficient). After an error the contents
// of out are unspecified.
func (m *Model) Predict(x Matrix, out []float64) error {
	if x.Cols != len(m.Coef) {
		return fmt.Errorf("linreg: X has %d columns, but the model has %d coefficients", x.Cols, len(m.Coef))
	}
	if len(out) != x.Rows {
		return fmt.Errorf("linreg: len(out) = %d, but X has %d rows", len(out), x.Rows)
	}
	if x.Cols == 0 {
		// An intercept-only model: there is nothing to read in x.
		for i := range out {
			out[i] = m.Intercept
		}
		return m.checkPredictions(x, out)
	}
	s := x.stride()
	if err := shapeErr(x, s); err != nil {
		return err
	}
	if x.Release != nil {
		// Window by window, releasing each: the same bits (GemvN is row
		// by row).
		w := x.window()
		for lo := 0; lo < x.Rows; lo += w {
			hi := min(lo+w, x.Rows)
			if err := m.predictRows(x, lo, hi, out[lo:hi]); err != nil {
				return err
			}
			x.release(lo, hi)
		}
		return nil
	}
	// One pass over x: the predictions of a row with a NaN or Inf are not
	// finite, so x is scanned for the culprit only when a prediction is.
	kernels.GemvN(x.Rows, x.Cols, x.Data, s, m.Coef, out)
	for i := range out {
		out[i] += m.Intercept
	}
	return m.checkPredictions(x, out)
}

// predictRows is Predict for rows [lo, hi) of x, whose shape is checked,
// into out (hi−lo values); its errors name rows of x.
func (m *Model) predictRows(x Matrix, lo, hi int, out []float64) error {
	if x.Cols == 0 {
		for i := range out {
			out[i] = m.Intercept
		}
	} else {
		s := x.stride()
		kernels.GemvN(hi-lo, x.Cols, x.Data[lo*s:(hi-1)*s+x.Cols], s, m.Coef, out)
		for i := range out {
			out[i] += m.Intercept
		}
	}
	for i, v := range out {
		if !isFinite(v) {
			if x.Cols > 0 {
				if err := x.check("X"); err != nil {
					return err
				}
			}
			return m.nonFinite(lo+i, v)
		}
	}
	return nil
}

// shapeErr reports a stride below x.Cols > 0 or data too short for x,
// in the words of Matrix.check, without overflowing int on absurd sizes.
func shapeErr(x Matrix, s int) error {
	if s < x.Cols {
		return fmt.Errorf("linreg: X has stride %d < %d columns", s, x.Cols)
	}
	if x.Rows == 0 || (len(x.Data) >= x.Cols && x.Rows-1 <= (len(x.Data)-x.Cols)/s) {
		return nil
	}
	if x.Rows-1 > (math.MaxInt-x.Cols)/s {
		return fmt.Errorf("linreg: X is %d×%d with stride %d, which needs more values than a slice can hold", x.Rows, x.Cols, s)
	}
	return fmt.Errorf("linreg: X is %d×%d with stride %d, which needs %d values, but has %d",
		x.Rows, x.Cols, s, (x.Rows-1)*s+x.Cols, len(x.Data))
}

// checkPredictions explains the first non-finite prediction in out, if any.
func (m *Model) checkPredictions(x Matrix, out []float64) error {
	for i, v := range out {
		if !isFinite(v) {
			if x.Cols > 0 {
				if err := x.check("X"); err != nil {
					return err
				}
			}
			return m.nonFinite(i, v)
		}
	}
	return nil
}

// nonFinite explains a non-finite prediction v for row i of finite data
// (i < 0 for PredictRow).
func (m *Model) nonFinite(i int, v float64) error {
	for j, c := range m.Coef {
		if !isFinite(c) {
			return fmt.Errorf("linreg: the model's coefficient %d is %v", j, c)
		}
	}
	if !isFinite(m.Intercept) {
		return fmt.Errorf("linreg: the model's intercept is %v", m.Intercept)
	}
	if i < 0 {
		return fmt.Errorf("linreg: the prediction for the row is %v: it overflows float64", v)
	}
	return fmt.Errorf("linreg: the prediction for X row %d is %v: it overflows float64", i, v)
}

// PredictRow returns the prediction for one row, row·Coef + Intercept,
// the same bits as Predict gives for that row. It returns an error if
// len(row) != len(Coef), or if row holds a NaN or Inf (naming the column),
// or if the prediction is not finite.
func (m *Model) PredictRow(row []float64) (float64, error) {
	if len(row) != len(m.Coef) {
		return 0, fmt.Errorf("linreg: the row has %d values, but the model has %d coefficients", len(row), len(m.Coef))
	}
	for j, v := range row {
		if !isFinite(v) {
			return 0, fmt.Errorf("linreg: row column %d%s is %v", j, m.featureSuffix(j), v)
		}
	}
	p := kernels.Dot(row, m.Coef) + m.Intercept
	if !isFinite(p) {
		return 0, m.nonFinite(-1, p)
	}
	return p, nil
}

// featureSuffix returns " (name)" for a named column j, "" otherwise.
func (m *Model) featureSuffix(j int) string {
	if len(m.Features) == len(m.Coef) && j < len(m.Features) {
		return " (" + m.Features[j] + ")"
	}
	return ""
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// stringTerms is how many terms of the equation String shows.
const stringTerms = 8

// String returns a one-line summary of the model, such as
//
//	linreg.Model{y = 2.0012·age − 2.9998·dose + 0.5003; method gd, 127 epochs, MSE 9.7e-05}
//
// with the feature names if the model has them (x0, x1, … otherwise),
// numbers to five significant digits, at most eight terms of the equation,
// and the method, epochs and training MSE (three digits) when the model
// was fitted.
func (m Model) String() string {
	var b strings.Builder
	b.WriteString("linreg.Model{y = ")
	term := func(first bool, v float64) {
		neg := v < 0
		switch {
		case first && neg:
			b.WriteString("−")
		case !first && neg:
			b.WriteString(" − ")
		case !first:
			b.WriteString(" + ")
		}
		b.WriteString(strconv.FormatFloat(math.Abs(v), 'g', 5, 64))
	}
	for j, c := range m.Coef {
		if j == stringTerms {
			fmt.Fprintf(&b, " + … (%d more terms)", len(m.Coef)-stringTerms)
			break
		}
		term(j == 0, c)
		b.WriteString("·")
		if len(m.Features) == len(m.Coef) {
			b.WriteString(m.Features[j])
		} else {
			fmt.Fprintf(&b, "x%d", j)
		}
	}
	if len(m.Coef) == 0 || m.Intercept != 0 {
		term(len(m.Coef) == 0, m.Intercept)
	}
	method := m.Summary.Method
	if method == "" {
		method = m.Options.Method
	}
	if method != "" {
		fmt.Fprintf(&b, "; method %s", method)
		if m.Summary.Epochs > 0 {
			fmt.Fprintf(&b, ", %d epoch", m.Summary.Epochs)
			if m.Summary.Epochs != 1 {
				b.WriteString("s")
			}
		}
		fmt.Fprintf(&b, ", MSE %s", strconv.FormatFloat(m.Summary.MSE, 'g', 3, 64))
	}
	b.WriteString("}")
	return b.String()
}
