package linreg

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/gd"
)

// Method is how a Regressor fits.
type Method string

const (
	// GD is full-batch gradient descent (the default). Its steps need no
	// pass over the rows: the full-batch gradient of least squares is a
	// product with the d×d moments of the one pass every fit starts with.
	// Nesterov momentum (0.9, more on ill-conditioned data: (√κ−1)/(√κ+1),
	// at most 0.999) at rate 1/L, L the largest eigenvalue of the
	// standardised moments, stopping when the gradient vanishes.
	GD Method = "gd"
	// SGD is stochastic gradient descent, one row per step, with a
	// decaying rate by default.
	SGD Method = "sgd"
	// MiniBatch is mini-batch gradient descent, BatchSize rows per step.
	MiniBatch Method = "minibatch"
	// Exact solves the problem directly from the moments: ordinary least
	// squares and ridge by a Cholesky factorisation (by a QR pass over the
	// rows when the normal equations are ill-conditioned), lasso and
	// elastic net by coordinate descent on the moments.
	Exact Method = "exact"
)

// Regressor configures a fit; its zero value fits ordinary least squares
// with an intercept by full-batch gradient descent, with an automatic
// learning rate. It is the equivalent of scikit-learn's LinearRegression,
// SGDRegressor, Ridge, Lasso and ElasticNet in one type:
//
//   - the objective is (1/(2n))·Σ rᵢ² + L1·‖w‖₁ + (L2/2)·‖w‖², on the
//     coefficients in the units of the data, never the intercept;
//   - so L1 = a alone is scikit-learn's Lasso(alpha=a), L2 = a alone is
//     Ridge(alpha=a·n), and L1 = α·ρ, L2 = α·(1−ρ) is ElasticNet(alpha=α,
//     l1_ratio=ρ).
//
// Features are centred and scaled internally, so the gradient methods
// converge on unscaled data; coefficients come back in original units, and
// the penalties apply to them exactly.
type Regressor struct {
	// Method is GD (the default), SGD, MiniBatch or Exact.
	Method Method
	// Rate is the base learning rate; 0 derives it from the data. With L
	// the curvature of the standardised problem (the largest eigenvalue of
	// XᵀX/n, found by power iteration, plus L2 times the largest squared
	// penalty weight), GD takes 1/L; SGD and MiniBatch take min(B/(2d),
	// 1/L), for B rows per step and d parameters, decayed linearly to a
	// thousandth of it over the PlannedSteps. A given rate is used as is:
	// if it diverges, Fit says so.
	Rate float64
	// Schedule, if set, gives the rate of every step instead of Rate.
	Schedule gd.Schedule
	// Update is the update rule; nil means gd.Nesterov for GD (with the
	// momentum the data's conditioning asks for, see GD) and gd.Plain
	// otherwise.
	Update gd.Update
	// Epochs bounds the passes over the data; 0 means 10000 for GD and,
	// for SGD and MiniBatch, 100 or as many as make 10,000 steps
	// (PlannedEpochs and PlannedSteps give the numbers for a data size).
	Epochs int
	// BatchSize is the rows per step of MiniBatch; 0 means 32.
	BatchSize int
	// Tol stops a gradient run when the loss improves by less than Tol
	// (relatively) for 5 epochs; 0 means off. GD stops on its gradient
	// norm anyway, and SGD and MiniBatch decay their automatic rate over
	// exactly Epochs epochs, which an early stop would cut short.
	Tol float64
	// Seed seeds the shuffling of SGD and MiniBatch.
	Seed uint64
	// NoIntercept fits y = x·w without an intercept.
	NoIntercept bool
	// L1 and L2 are the penalties, see above.
	L1, L2 float64
	// Features names the columns, for the model and its JSON: one
	// distinct name per column of X, or nil.
	Features []string
	// ShuffleBlock, if > 0, makes SGD and MiniBatch shuffle blocks of that
	// many consecutive rows rather than single rows, so that every step is
	// one kernel call over contiguous rows: much faster on data larger
	// than the caches. See gd.Config.ShuffleBlock for what it does to
	// convergence.
	ShuffleBlock int
	// Workers is the number of goroutines that share a pass over
	// contiguous rows (full batch, and mini-batches over 4096 rows); 0
	// means GOMAXPROCS. The rows are cut into fixed blocks whose results
	// are added in a fixed order, so the result has the same bits for
	// every value (see kernels.LossGradPlan).
	Workers int
	// ValX and ValY, set together or not at all, are a validation set
	// with the columns of X, one target in ValY per row of ValX (one
	// without the other is an error, not a fit without validation). A
	// gradient method evaluates its loss, ½·mean squared
	// residual, after every epoch (gd.Progress.ValLoss, Model.ValHistory)
	// and stops early once it has not improved for 5 epochs, keeping the
	// coefficients of its best epoch. Every method reports the validation
	// MSE of the returned model in Summary.ValMSE.
	ValX Matrix
	ValY []float64
	// Inference, if not nil, makes Fit fill Model.Inference: standard
	// errors, t tests, confidence intervals and the overall statistics of
	// R's summary(lm()), with the classical or a sandwich covariance. It
	// is for least squares: with L1 or L2, or with SGD or MiniBatch, Fit
	// returns an error wrapping ErrNoInference instead of fitting; with GD
	// it needs a run that converged. With Exact it also changes what a
	// rank-deficient X does: instead of the error that names the
	// dependent columns, the fit goes on as R's lm does, those columns
	// aliased (coefficient 0, Term.Aliased) and the others estimated.
	Inference *InferenceOptions
	// Callback, if set, sees the progress of a gradient run after every
	// epoch and every CallbackEvery steps; returning gd.ErrStop ends it.
	Callback      func(gd.Progress) error
	CallbackEvery int
}

// ErrOption is wrapped by every error about an invalid option; the
// message names the option.
var ErrOption = fmt.Errorf("linreg: invalid option")

func optionErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrOption}, args...)...)
}

// check reports the first invalid option.
func (r Regressor) check(cols int) error {
	switch r.Method {
	case "", GD, SGD, MiniBatch, Exact:
	default:
		return optionErr("Method %q is not gd, sgd, minibatch or exact", r.Method)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Rate", r.Rate}, {"L1", r.L1}, {"L2", r.L2}, {"Tol", r.Tol}} {
		if !(f.v >= 0) || math.IsInf(f.v, 1) {
			return optionErr("%s must be ≥ 0 and finite, got %v", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"Epochs", r.Epochs}, {"BatchSize", r.BatchSize}, {"CallbackEvery", r.CallbackEvery}, {"Workers", r.Workers}, {"ShuffleBlock", r.ShuffleBlock}} {
		if f.v < 0 {
			return optionErr("%s must be ≥ 0, got %d", f.name, f.v)
		}
	}
	if r.Rate != 0 && r.Schedule != nil {
		return optionErr("Rate (%v) and Schedule are both set; the schedule gives the rate", r.Rate)
	}
	if r.ShuffleBlock != 0 && r.method() != SGD && r.method() != MiniBatch {
		return optionErr("ShuffleBlock is for the sgd and minibatch methods, not %s", r.method())
	}
	if r.BatchSize != 0 && r.method() != MiniBatch {
		return optionErr("BatchSize is for the minibatch method, not %s", r.method())
	}
	if o := r.Inference; o != nil {
		if err := o.check(); err != nil {
			return err
		}
		switch {
		case r.L1 > 0 || r.L2 > 0:
			return fmt.Errorf("%w to a penalised fit (L1 %v, L2 %v): the penalty shrinks the estimates toward 0, so a standard error would measure their spread about a biased value; fit without L1 and L2 for inference", ErrNoInference, r.L1, r.L2)
		case r.method() == SGD || r.method() == MiniBatch:
			return fmt.Errorf("%w to a %s fit: stochastic steps stop near the least-squares estimates, not at them; use the exact method (or gd) for inference", ErrNoInference, r.method())
		}
	}
	if r.method() == Exact && (r.Rate != 0 || r.Schedule != nil || r.Update != nil || r.Epochs != 0 || r.Tol != 0 || r.Callback != nil) {
		return optionErr("Rate, Schedule, Update, Epochs, Tol and Callback are for the gradient methods, not exact")
	}
	valX := r.ValX.Data != nil || r.ValX.Rows != 0 || r.ValX.Cols != 0 || r.ValX.Stride != 0 || r.ValX.Release != nil
	switch {
	case valX && r.ValY == nil:
		return optionErr("ValX is set but ValY is nil: a validation set needs both")
	case r.ValY != nil && !valX:
		return optionErr("ValY is set but ValX is not: a validation set needs both")
	case r.ValY != nil && r.ValX.Cols != cols:
		return optionErr("ValX has %d columns, X has %d", r.ValX.Cols, cols)
	case r.ValY != nil && r.ValX.Rows == 0:
		return optionErr("ValX has no rows")
	case r.ValY != nil && len(r.ValY) != r.ValX.Rows:
		return optionErr("validation set: len(ValY) = %d, but ValX has %d rows", len(r.ValY), r.ValX.Rows)
	}
	if r.Features != nil {
		if len(r.Features) != cols {
			return optionErr("Features has %d names for %d columns", len(r.Features), cols)
		}
		if i, j := duplicateName(r.Features); j >= 0 {
			return optionErr("Features[%d] and Features[%d] are both %q: the names of the columns must differ", i, j, r.Features[j])
		}
	}
	return nil
}

// duplicateName returns the positions i < j of the first name (by j) that
// repeats an earlier one, or −1, −1. A model's features name its columns
// in its JSON and in messages, where two equal names would be ambiguous.
func duplicateName(names []string) (i, j int) {
	seen := make(map[string]int, len(names))
	for j, s := range names {
		if i, ok := seen[s]; ok {
			return i, j
		}
		seen[s] = j
	}
	return -1, -1
}

// method returns the method, GD for the zero value.
func (r Regressor) method() Method {
	if r.Method == "" {
		return GD
	}
	return r.Method
}
