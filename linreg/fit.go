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
	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// Fit fits y ≈ X·w + b with the default Regressor: ordinary least squares
// with an intercept, by full-batch gradient descent at an automatic rate.
func Fit(ctx context.Context, x Matrix, y []float64) (*Model, error) {
	return Regressor{}.Fit(ctx, x, y)
}

// Fit fits y ≈ X·w + b, X used in place. A NaN or infinity in the data
// returns a *NonFiniteError naming the first in row order, its row and
// column; an invalid option an error naming the option (ErrOption).
// A gradient run that diverges returns an error wrapping gd.ErrDiverged
// and no model; if the rate was automatic (Rate and Schedule unset), the
// error also wraps ErrAutoRateDiverged.
//
// Fit looks at ctx throughout: between pieces of its passes over X (and
// between their windows, for a matrix with Release), the sweeps of
// coordinate descent, the steps of the factorisations and gd's steps,
// each a few milliseconds of work or less on ordinary hardware. A
// cancelled context returns the context's error (errors.Is(err,
// context.Canceled) or context.DeadlineExceeded) and:
//   - no model if it is cancelled before the call, while the data are
//     checked, during the set-up of a gradient method (the moments, the
//     rate), or at any time during Exact;
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
	// hook, if not nil, is called as each step of a long phase of Exact
	// starts: "factor" (the Cholesky factorisation of the moments), "qr"
	// (the TSQR pass of the fallback, once, as it starts), "cd" (a
	// coordinate-descent sweep), so that a test can cancel in the middle
	// of a phase and count the steps taken after.
	hook func(step string)
	// alias makes Exact alias the dependent columns of a rank-deficient
	// least-squares problem (coefficient 0) instead of refusing it: set
	// from Regressor.Inference, as R's lm does.
	alias bool
	// features names the columns in the descriptions of aliased ones.
	features []string
	// fullMoments makes a fit that needs only diagonal moments (rowsOnly)
	// compute the full ones, so that a test can compare the two.
	fullMoments bool
	// maxSweeps, if > 0, caps the sweeps of coordinate descent instead of
	// lsq.MaxSweeps, so that a test can provoke its failure.
	maxSweeps int
}

// fit is Fit with the internals of opts.
func (r Regressor) fit(ctx context.Context, x Matrix, y []float64, opts fitOptions) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := x.shape("X"); err != nil {
		return nil, err
	}
	if x.Rows == 0 {
		return nil, errors.New("linreg: X has no rows")
	}
	if x.Cols == 0 && r.NoIntercept {
		return nil, errors.New("linreg: X has no columns and NoIntercept is set: nothing to fit")
	}
	if len(y) != x.Rows {
		return nil, fmt.Errorf("linreg: len(y) = %d, but X has %d rows", len(y), x.Rows)
	}
	if err := r.check(x.Cols); err != nil {
		return nil, err
	}
	if r.ValY != nil {
		if err := r.ValX.shape("validation X"); err != nil {
			return nil, err
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
	plan := kernels.NewBlockPlan(r.Workers)
	defer plan.Close()
	mom, err := moments(ctx, plan, x, y, intercept, r.rowsOnly() && !opts.fullMoments, "X")
	if err != nil {
		return nil, err
	}
	pr := lsq.NewProblem(mom, intercept, r.L1, r.L2)
	var val *lsq.Moments
	if r.ValY != nil {
		// The validation rows in the training set's coordinates: shifted
		// by its means (nothing without an intercept), scaled alike.
		shift, yshift := make([]float64, mom.Cols), 0.0
		if intercept {
			for j := range shift {
				shift[j] = mom.Mean(j)
			}
			yshift = mom.YMean()
		}
		// A row-wise fit reads no validation Gram: this pass checks the
		// values, and diagonal moments do that in O(n·d).
		val, err = lsq.ComputeMomentsAt(ctx, plan, data(r.ValX, r.ValY), shift, mom.Scale, yshift, mom.YScale, mom.Diagonal)
		if err != nil {
			return nil, dataError(err, "validation X")
		}
	}
	if r.method() == Exact {
		opts.alias, opts.features = r.Inference != nil, r.Features
		coef, b, sol, err := exactSolve(ctx, plan, data(x, y), pr, r.L1, r.L2, opts)
		if err != nil {
			return nil, err
		}
		m.Coef, m.Intercept = coef, b
		m.Summary = Summary{Method: string(Exact)}
		sums, err := m.finish(ctx, x, y, r, mom, start)
		if err != nil {
			return nil, err
		}
		if r.Inference != nil {
			if m.Inference, err = r.inference(ctx, plan, data(x, y), sol, m, sums); err != nil {
				return nil, err
			}
			m.Summary.Seconds = time.Since(start).Seconds() // the inference's pass included
		}
		return m, nil
	}

	var (
		obj    gd.Objective
		w0     []float64
		toCoef func(w []float64) ([]float64, float64)
	)
	// The objectives' losses are the data's times YScale² (a power of
	// two): divided twice, they come back exactly, even where YScale²
	// itself would overflow.
	ys := mom.YScale
	unscale := func(l float64) float64 { return l / ys / ys }
	switch r.method() {
	case GD:
		q := pr.Quadratic()
		obj, w0 = q, make([]float64, pr.K())
		toCoef = pr.Coef
	default:
		ls, conv, err := rowObjective(ctx, pr, x, y, r.Workers, r.L1 > 0 || r.L2 > 0)
		if err != nil {
			return nil, err
		}
		defer ls.Close()
		_, d := ls.Dims()
		obj, w0, toCoef = ls, make([]float64, d), conv
	}
	cfg, err := r.gdConfig(ctx, pr, obj, m)
	if err != nil {
		return nil, err
	}
	if cb := cfg.Callback; cb != nil {
		// The callback sees the data's losses, not the problem's.
		cfg.Callback = func(p gd.Progress) error {
			p.Loss, p.ValLoss = unscale(p.Loss), unscale(p.ValLoss)
			return cb(p)
		}
	}
	if val != nil {
		if r.method() == GD {
			cfg.Validation = pr.Validation(val)
		} else {
			vs, _, err := rowObjective(ctx, pr, r.ValX, r.ValY, r.Workers, false)
			if err != nil {
				return nil, err
			}
			defer vs.Close()
			cfg.Validation = vs
		}
	}
	res, err := gd.Minimize(ctx, obj, w0, cfg)
	if res.W == nil {
		var de *gd.DivergedError
		if errors.As(err, &de) && de.Step == 0 && !isFinite(de.LastFiniteLoss) {
			// The loss at the start is not finite, before any step: the
			// data are finite (the moments pass checked them) and the
			// standardised loss at 0 is about ½, so the objective's own
			// arithmetic overflowed. No rate is to blame.
			return nil, fmt.Errorf("linreg: internal error: the %s objective's loss at the start is %v on finite data: %w", r.method(), de.LastFiniteLoss, err)
		}
		if m.Options.AutoRate && errors.As(err, &de) {
			// The caller gave no rate, so "lower the learning rate" is
			// advice it cannot follow as is: say the rate was derived,
			// and which it was.
			return nil, fmt.Errorf("%w %g (Regressor.Rate was 0): set Regressor.Rate to a smaller rate: %w", ErrAutoRateDiverged, m.Options.Rate, err)
		}
		if errors.Is(err, gd.ErrConfig) {
			// linreg checked every option it passed on: a configuration
			// gd refuses is linreg's own failure, not the caller's.
			return nil, fmt.Errorf("linreg: internal error: %w", err)
		}
		return nil, fmt.Errorf("linreg: %w", err)
	}
	m.Coef, m.Intercept = toCoef(res.W)
	m.Summary = Summary{Method: string(r.method()), Epochs: res.Epochs, Steps: res.Steps, Stop: res.Stop.String()}
	m.History = make([]float64, len(res.History))
	for i, h := range res.History {
		m.History[i] = unscale(h.Loss)
	}
	if r.ValY != nil {
		m.ValHistory = make([]float64, len(res.History))
		for i, h := range res.History {
			m.ValHistory[i] = unscale(h.ValLoss)
		}
	}
	sums, ferr := m.finish(ctx, x, y, r, mom, start)
	if ferr != nil {
		if !isCancellation(ferr) {
			return nil, ferr
		}
		if err == nil {
			err = ferr
		}
	}
	if r.Inference != nil && err == nil {
		if m.Inference, err = r.gdInference(ctx, plan, data(x, y), pr, m, res.Stop, sums); err != nil {
			return nil, err
		}
		m.Summary.Seconds = time.Since(start).Seconds()
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

// gdConfig builds the gd configuration of a gradient fit of obj, on the
// problem pr, and records the rate, schedule and update it chose in
// m.Options. The automatic rate comes from the curvature of the moments:
// L ≥ λ_max of the standardised problem, proved (lsq.MaxEigen).
func (r Regressor) gdConfig(ctx context.Context, pr *lsq.Problem, obj gd.Objective, m *Model) (gd.Config, error) {
	n, d := obj.Dims()
	rows := pr.M.Rows
	method := r.method()
	cfg := gd.Config{
		Seed: r.Seed, L1: r.L1, L2: r.L2, Update: r.Update,
		Callback: r.Callback, CallbackEvery: r.CallbackEvery,
		MaxEpochs: r.PlannedEpochs(rows), Tol: r.Tol, ShuffleBlock: r.ShuffleBlock,
		// finish scores the model in data units, in its own pass.
		SkipFinalLoss: true,
	}
	// h is the penalised curvature A + diag(L2w), which only the full
	// moments give (A is nil after diagonal ones: see rowsOnly).
	k := pr.K()
	h := append([]float64(nil), pr.A...)
	for j := 0; j < k && pr.A != nil; j++ {
		h[j*k+j] += pr.L2w[j]
	}
	curvature := func() (float64, error) {
		if pr.A == nil {
			return 0, errors.New("linreg: internal error: the curvature needs the products between columns, which the moments of a row-wise fit leave out")
		}
		return lsq.MaxEigen(ctx, h, k)
	}
	base := r.Rate
	m.Options.AutoRate = base == 0 && r.Schedule == nil
	switch method {
	case GD:
		cfg.Method = gd.FullBatch
		cfg.L1, cfg.L2 = pr.GDPenalties(r.L1, r.L2)
		if m.Options.AutoRate {
			l, err := curvature()
			if err != nil {
				return cfg, err
			}
			if !(l > 0) {
				l = 1 // no live column: any rate
			}
			base = 1 / l
			if cfg.Update == nil {
				mu, err := momentum(ctx, h, k, l)
				if err != nil {
					return cfg, err
				}
				cfg.Update = gd.Nesterov{Mu: mu}
			}
		}
		if cfg.Update == nil {
			cfg.Update = gd.Nesterov{Mu: 0.9}
		}
		// (A given rate means what it meant on the rows: the problem's
		// loss is YScale² times the data's, and its coefficients YScale
		// times theirs, so the steps are the same.)
		// Stop when the gradient has fallen 1e-11 below its start, far
		// enough for coefficients within 1e-6 of the optimum unless the
		// standardised problem has a condition number beyond 1e5.
		cfg.GradTol = 1e-11 * kernels.Nrm2(pr.C)
	case SGD, MiniBatch:
		cfg.Method, cfg.BatchSize = gd.SGD, 0
		// rowObjective's penalty weights are the Quadratic's, p_j/σ_j, on
		// a loss YScale² times the data's: L1 scales by YScale as there.
		cfg.L1, cfg.L2 = pr.GDPenalties(r.L1, r.L2)
		batch := 1
		if method == MiniBatch {
			batch = r.batchRows(n)
			cfg.Method, cfg.BatchSize = gd.MiniBatch, batch
		}
		if m.Options.AutoRate {
			// A standardised row has squared norm d on average, so a step of
			// 1/d moves one row's prediction about all the way; a batch of B
			// averages B rows, and no step may exceed 1/L.
			base = float64(batch) / float64(2*d)
			if batch > 1 {
				l, err := curvature()
				if err != nil {
					return cfg, err
				}
				base = min(base, 1/l)
			}
			// One row at a time (batch 1), 1/L never binds: the penalised
			// curvature has a unit diagonal, so every element is at most
			// 1 in size (Cauchy–Schwarz), λ_max ≤ L ≤ k ≤ d (MaxEigen is
			// capped by the largest row sum), and 1/L ≥ 1/d > 1/(2d). So
			// SGD needs neither the Gram nor L (see rowsOnly).

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

// momentum returns the Nesterov momentum of a default GD fit at rate 1/l
// on the curvature h (k×k): 0.9, unless the condition number κ = l/λ_min
// makes the optimal (√κ − 1)/(√κ + 1) larger. A constant 0.9 needs about
// 10·κ steps per digit once κ passes a few hundred (strongly correlated
// columns, ridge on collinear ones), where the optimum needs √κ; a
// singular h (λ_min 0) keeps 0.9, as does the estimate's failure to see
// one. The bound maxMomentum keeps a step's memory finite.
func momentum(ctx context.Context, h []float64, k int, l float64) (float64, error) {
	const mu, maxMomentum = 0.9, 0.999
	lmin, err := lsq.MinEigen(ctx, h, k)
	if err != nil || !(lmin > 0) {
		return mu, err
	}
	q := math.Sqrt(l / lmin)
	return min(max(mu, (q-1)/(q+1)), maxMomentum), nil
}

// finish fills the summary fields every method shares. Its metrics are
// a pass over X (and one over ValX): the residuals give the MSE, and
// with the target's spread from the moments mom of the fit's first pass,
// R². If the context is cancelled first, it returns the context's error
// and leaves them NaN.
func (m *Model) finish(ctx context.Context, x Matrix, y []float64, r Regressor, mom *lsq.Moments, start time.Time) (fitSums, error) {
	m.Summary.Kernels = kernels.Impl()
	m.Summary.Version = moduleVersion()
	m.Summary.Engine = Engine
	defer func() { m.Summary.Seconds = time.Since(start).Seconds() }()
	nan := math.NaN()
	m.Summary.MSE, m.Summary.Loss, m.Summary.R2 = nan, nan, nan
	if r.ValY != nil {
		m.Summary.ValMSE = &nan
	}
	s, err := m.residualSums(ctx, x, y, 1)
	var mse float64
	if err == nil {
		var ok bool
		if mse, ok = s.MeanSq(x.Rows); !ok {
			err = unrepresentable("mean squared error", s.SqErr/float64(x.Rows), s.SqErrExp)
		}
	}
	var tot float64
	var totExp int
	if err == nil {
		var ok bool
		if tot, totExp, ok = mom.TargetSpread(); !ok {
			tot, totExp, err = lsq.TargetSpreadExp(ctx, nil, data(x, y))
		}
	}
	val := nan
	if err == nil && r.ValY != nil {
		val, err = m.mseContext(ctx, r.ValX, r.ValY)
	}
	if err != nil {
		return fitSums{}, err
	}
	var abs, sq float64
	for _, c := range m.Coef {
		abs += math.Abs(c)
		sq = math.FMA(c, c, sq)
	}
	m.Summary.MSE = mse
	m.Summary.R2 = lsq.R2Exp(s.SqErr, s.SqErrExp, tot, totExp)
	if r.ValY != nil {
		m.Summary.ValMSE = &val
	}
	m.Summary.Loss = float64(0.5*mse) + float64(r.L1*abs) + float64(0.5*float64(r.L2*sq))
	sums := fitSums{rss: math.Ldexp(s.SqErr, s.SqErrExp), tss: math.Ldexp(tot, totExp)}
	if r.NoIntercept {
		// R's R² without an intercept compares with Σy², not the spread
		// about the mean: the moments of a fit without an intercept are
		// about 0.
		t := mom.Cols + 1
		sums.tss = mom.At(t, t) / mom.YScale / mom.YScale
	}
	return sums, nil
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

// Engine numbers the arithmetic of Fit, recorded in Summary.Engine and
// the model JSON's "engine": it changes whenever the same data and
// options would give other bits. Engine 1 (no "engine" member) trained
// on the rows, its set-up by power iteration over X; engine 2 starts
// every fit from the moments of one block-tree pass (internal/lsq).
const Engine = 2

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
