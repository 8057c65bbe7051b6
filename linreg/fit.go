package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"time"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// Fit fits y ≈ X·w + b with the default Regressor: ordinary least squares
// with an intercept, by full-batch gradient descent at an automatic rate.
func Fit(ctx context.Context, x Matrix, y []float64) (*Model, error) {
	return Regressor{}.Fit(ctx, x, y)
}

// Fit fits y ≈ X·w + b, X used in place. Bad data returns an error naming
// the row and column, an invalid option one naming the option (ErrOption).
// A gradient run that diverges returns an error wrapping gd.ErrDiverged
// and no model; if the rate was automatic (Rate and Schedule unset), the
// error also wraps ErrAutoRateDiverged.
//
// Fit looks at ctx throughout: between pieces of its passes over X, the
// coordinates of coordinate descent, and the columns and column chunks
// of the QR factorisation, each a few milliseconds of work or less on
// ordinary hardware; and between the products of the power iteration
// and gd's steps, each up to two passes over the data (a product over a
// matrix with Release stops between windows too). A cancelled context
// returns the context's error (errors.Is(err, context.Canceled) or
// context.DeadlineExceeded) and:
//   - no model if it is cancelled before the call, while the data are
//     checked, during the set-up of a gradient method (scaling, power
//     iteration), or at any time during Exact;
//   - during a gradient run, the model of the best parameters so far,
//     whose Summary.MSE, Summary.Loss and Summary.ValMSE are NaN: they
//     would take another pass over the data, which a cancellation asks
//     not to make (Model.MSE computes them; Save refuses NaN). The same
//     holds for a gradient run cancelled while those metrics are
//     computed.
func (r Regressor) Fit(ctx context.Context, x Matrix, y []float64) (*Model, error) {
	return r.fit(ctx, x, y, fitOptions{})
}

// fitOptions are the internals of a fit that tests set; Fit runs with the
// zero value, the behaviour documented.
type fitOptions struct {
	// hook, if not nil, is called as each step of a long phase starts:
	// "qr" (a column or a trailing-update chunk of a QR factorisation),
	// "cd" (a coordinate-descent sweep), "active" (a step of its
	// active-set method), "power" (a product of the power iteration), so
	// that a test can cancel in the middle of a phase and count the steps
	// taken after.
	hook func(step string)
	// maxSweeps, if > 0, caps the sweeps of coordinate descent instead of
	// exactMaxSweeps, so that a test can provoke its failure.
	maxSweeps int
}

// fit is Fit with the internals of opts.
func (r Regressor) fit(ctx context.Context, x Matrix, y []float64, opts fitOptions) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := x.checkContext(ctx, "X"); err != nil {
		return nil, err
	}
	if x.Rows == 0 {
		return nil, errors.New("linreg: X has no rows")
	}
	if x.Cols == 0 && r.NoIntercept {
		return nil, errors.New("linreg: X has no columns and NoIntercept is set: nothing to fit")
	}
	if err := checkTargetsContext(ctx, y, x); err != nil {
		return nil, err
	}
	if err := r.check(x.Cols); err != nil {
		return nil, err
	}
	if r.ValY != nil {
		if err := r.ValX.checkContext(ctx, "validation X"); err != nil {
			return nil, err
		}
		if err := checkTargetsContext(ctx, r.ValY, r.ValX); err != nil {
			if isCancellation(err) {
				return nil, err
			}
			return nil, fmt.Errorf("%w (validation set)", err)
		}
	}
	start := time.Now()
	intercept := !r.NoIntercept
	m := &Model{
		Features: append([]string(nil), r.Features...),
		Options: ModelOptions{
			Method: string(r.method()), Seed: r.Seed, L1: r.L1, L2: r.L2, FitIntercept: intercept,
		},
	}
	if r.Features == nil {
		m.Features = nil
	}
	if r.method() == Exact {
		coef, b, err := exactFit(ctx, x, y, intercept, r.L1, r.L2, opts)
		if err != nil {
			return nil, err
		}
		m.Coef, m.Intercept = coef, b
		m.Summary = Summary{Method: string(Exact)}
		if err := m.finish(ctx, x, y, r, start); err != nil {
			return nil, err
		}
		return m, nil
	}

	sc, err := standardize(ctx, x, intercept, r.L2)
	if err != nil {
		return nil, err
	}
	obj := newScaled(x, y, sc, intercept, r.Workers)
	defer obj.plan.Close()
	defer obj.releaseCurrent()
	cfg, err := r.gdConfig(newCanceller(ctx, opts.hook), obj, m)
	if err != nil {
		return nil, err
	}
	if r.ValY != nil {
		// The validation rows go through the training set's scaling, so
		// both losses are of the same coefficients.
		val := newScaled(r.ValX, r.ValY, sc, intercept, r.Workers)
		defer val.plan.Close()
		defer val.releaseCurrent()
		cfg.Validation = val
	}
	_, d := obj.Dims()
	res, err := gd.Minimize(ctx, obj, make([]float64, d), cfg)
	if res.W == nil {
		var de *gd.DivergedError
		if m.Options.AutoRate && errors.As(err, &de) {
			// The caller gave no rate, so "lower the learning rate" is
			// advice it cannot follow as is: say the rate was derived,
			// and which it was.
			return nil, fmt.Errorf("%w %g (Regressor.Rate was 0): set Regressor.Rate to a smaller rate: %w", ErrAutoRateDiverged, m.Options.Rate, err)
		}
		return nil, fmt.Errorf("linreg: %w", err)
	}
	// Back to data units: u_j = w'_j/σ_j and b = b' − μ·u.
	m.Coef = make([]float64, x.Cols)
	for j := range m.Coef {
		m.Coef[j] = res.W[j] / sc.sigma[j]
	}
	if intercept {
		m.Intercept = res.W[x.Cols] - kernels.Dot(sc.mu, m.Coef)
	}
	m.Summary = Summary{Method: string(r.method()), Epochs: res.Epochs, Steps: res.Steps, Stop: res.Stop.String()}
	m.History = make([]float64, len(res.History))
	for i, h := range res.History {
		m.History[i] = h.Loss
	}
	if r.ValY != nil {
		m.ValHistory = make([]float64, len(res.History))
		for i, h := range res.History {
			m.ValHistory[i] = h.ValLoss
		}
	}
	if ferr := m.finish(ctx, x, y, r, start); ferr != nil {
		if !isCancellation(ferr) {
			return nil, ferr
		}
		if err == nil {
			err = ferr
		}
	}
	return m, err // err is the context's, if it was cancelled
}

// ErrAutoRateDiverged is wrapped, with gd.ErrDiverged and the
// *gd.DivergedError, by the error of a gradient fit that diverged at a
// learning rate Fit derived from the data (Regressor.Rate 0 and no
// Schedule): the caller gave no rate to lower, and can tell this case by
// errors.Is(err, ErrAutoRateDiverged). The message names the derived
// rate; an explicit Regressor.Rate below it is the way out.
var ErrAutoRateDiverged = errors.New("linreg: training diverged at the automatic learning rate")

// gdConfig builds the gd configuration of a gradient fit and records the
// rate, schedule and update it chose in m.Options. It returns the
// context's error if it is cancelled first: the power iteration and the
// initial gradient are passes over the data.
func (r Regressor) gdConfig(c *canceller, obj *scaled, m *Model) (gd.Config, error) {
	n, d := obj.Dims()
	method := r.method()
	cfg := gd.Config{
		Seed: r.Seed, L1: r.L1, L2: r.L2, Update: r.Update,
		Callback: r.Callback, CallbackEvery: r.CallbackEvery,
		MaxEpochs: r.PlannedEpochs(n), Tol: r.Tol, ShuffleBlock: r.ShuffleBlock,
	}
	// The curvature of the penalised problem: the loss's, plus L2 times the
	// largest squared penalty weight.
	curvature := func() (float64, error) {
		l, err := largestEigenvalue(c, obj)
		if err != nil {
			return 0, err
		}
		if r.L2 > 0 {
			var c2 float64
			for j := 0; j < obj.x.Cols; j++ {
				c2 = max(c2, float64(obj.PenaltyWeight(j)*obj.PenaltyWeight(j)))
			}
			l += float64(r.L2 * c2)
		}
		return l, nil
	}
	base := r.Rate
	m.Options.AutoRate = base == 0 && r.Schedule == nil
	switch method {
	case GD:
		cfg.Method = gd.FullBatch
		if cfg.Update == nil {
			cfg.Update = gd.Nesterov{Mu: 0.9}
		}
		if m.Options.AutoRate {
			l, err := curvature()
			if err != nil {
				return cfg, err
			}
			base = 1 / l
		}
		// Stop when the gradient has fallen 1e-11 below its start, far
		// enough for coefficients within 1e-6 of the optimum unless the
		// standardised problem has a condition number beyond 1e5.
		g := make([]float64, d)
		obj.evalDone(c.ctx.Done(), make([]float64, d), gd.All(n), g, true)
		if err := c.now(); err != nil {
			return cfg, err // the pass may have stopped half-way
		}
		cfg.GradTol = 1e-11 * math.Sqrt(kernels.Dot(g, g))
	case SGD, MiniBatch:
		cfg.Method, cfg.BatchSize = gd.SGD, 0
		batch := 1
		if method == MiniBatch {
			batch = r.batchRows(n)
			cfg.Method, cfg.BatchSize = gd.MiniBatch, batch
		}
		if m.Options.AutoRate {
			// A standardised row has squared norm d on average, so a step of
			// 1/d moves one row's prediction about all the way; a batch of B
			// averages B rows, and no step may exceed 1/L.
			l, err := curvature()
			if err != nil {
				return cfg, err
			}
			base = min(float64(batch)/float64(2*d), 1/l)
			// Decay linearly to a thousandth over the planned steps, so
			// that the noise of the last epochs is small. (Epochs may be
			// up to math.MaxInt: PlannedSteps saturates, a decay over more
			// steps than any run takes, instead of wrapping to a negative
			// Total.)
			r.Schedule = gd.WarmupLinear{Base: base, Final: base / 1000, Total: r.PlannedSteps(n)}
		}
	}
	if r.Schedule != nil {
		cfg.Schedule = r.Schedule
		m.Options.Schedule = describe(r.Schedule)
	} else {
		cfg.Rate = base
		m.Options.Schedule = "constant"
	}
	if cfg.Update == nil {
		cfg.Update = gd.Plain{}
	}
	m.Options.Rate = base
	m.Options.Update = updateName(cfg.Update)
	m.Options.Epochs, m.Options.BatchSize, m.Options.Tol = cfg.MaxEpochs, cfg.BatchSize, cfg.Tol
	return cfg, nil
}

// finish fills the summary fields every method shares. Its metrics are
// passes over X (and ValX); if the context is cancelled first, it
// returns the context's error and leaves them NaN.
func (m *Model) finish(ctx context.Context, x Matrix, y []float64, r Regressor, start time.Time) error {
	m.Summary.Kernels = kernels.Impl()
	m.Summary.Version = moduleVersion()
	defer func() { m.Summary.Seconds = time.Since(start).Seconds() }()
	mse, err := m.mseContext(ctx, x, y)
	val := math.NaN()
	if err == nil && r.ValY != nil {
		val, err = m.mseContext(ctx, r.ValX, r.ValY)
	}
	if err != nil {
		if isCancellation(err) {
			nan := math.NaN()
			m.Summary.MSE, m.Summary.Loss = nan, nan
			if r.ValY != nil {
				m.Summary.ValMSE = &nan
			}
		}
		return err
	}
	var abs, sq float64
	for _, c := range m.Coef {
		abs += math.Abs(c)
		sq = math.FMA(c, c, sq)
	}
	m.Summary.MSE = mse
	if r.ValY != nil {
		m.Summary.ValMSE = &val
	}
	m.Summary.Loss = float64(0.5*mse) + float64(r.L1*abs) + float64(0.5*float64(r.L2*sq))
	return nil
}

// describe names a schedule for the model's record.
func describe(s gd.Schedule) string {
	return strings.TrimPrefix(fmt.Sprintf("%T%+v", s, s), "gd.")
}

// updateName names an update rule for the model's record.
func updateName(u gd.Update) string {
	switch u.(type) {
	case gd.Plain, *gd.Plain:
		return "plain"
	case gd.Momentum, *gd.Momentum:
		return "momentum"
	case gd.Nesterov, *gd.Nesterov:
		return "nesterov"
	case gd.Adam, *gd.Adam:
		return "adam"
	}
	return fmt.Sprintf("%T", u)
}

// moduleVersion returns the version of this module in the running binary,
// "(devel)" when built from a work tree.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	const path = "github.com/lanes-go/lanes"
	if bi.Main.Path == path {
		return bi.Main.Version
	}
	for _, dep := range bi.Deps {
		if dep.Path == path {
			return dep.Version
		}
	}
	return "(devel)" // a test binary of this module
}
