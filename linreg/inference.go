package linreg

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Cov names the covariance of the estimates behind an Inference's
// standard errors.
type Cov string

const (
	// CovClassical is σ̂²·(XᵀX)⁻¹, which assumes errors of one variance:
	// the standard errors of R's summary(lm()) and statsmodels' default.
	CovClassical Cov = "classical"
	// CovHC0 … CovHC3 are White's heteroskedasticity-consistent
	// ("sandwich") covariances (XᵀX)⁻¹·(Σ ω_i e_i² x_i x_iᵀ)·(XᵀX)⁻¹, with
	// e_i the residuals, h_i the leverages and p the parameters: HC0
	// ω_i = 1, HC1 n/(n−p), HC2 1/(1−h_i), HC3 1/(1−h_i)², as R's
	// sandwich::vcovHC and statsmodels' cov_type give them.
	CovHC0 Cov = "hc0"
	CovHC1 Cov = "hc1"
	CovHC2 Cov = "hc2"
	CovHC3 Cov = "hc3"
)

// ParseCov returns the Cov a name stands for: "classical" (or ""), "hc0",
// "hc1", "hc2" or "hc3", in any case.
func ParseCov(s string) (Cov, error) {
	switch c := Cov(strings.ToLower(s)); c {
	case "":
		return CovClassical, nil
	case CovClassical, CovHC0, CovHC1, CovHC2, CovHC3:
		return c, nil
	}
	return "", fmt.Errorf("linreg: unknown covariance %q (want classical, hc0, hc1, hc2 or hc3)", s)
}

// InferenceOptions asks Regressor.Fit for Model.Inference.
type InferenceOptions struct {
	// Level is the confidence level of the intervals, in (0, 1); 0 means
	// 0.95.
	Level float64
	// Cov is the covariance of the standard errors; "" means
	// CovClassical.
	Cov Cov
}

// level returns the confidence level, 0.95 for 0.
func (o InferenceOptions) level() float64 {
	if o.Level == 0 {
		return 0.95
	}
	return o.Level
}

func (o InferenceOptions) check() error {
	if l := o.Level; l != 0 && !(l > 0 && l < 1) {
		return fmt.Errorf("linreg: Inference.Level must be in (0, 1), got %v", l)
	}
	if _, err := ParseCov(string(o.Cov)); err != nil {
		return err
	}
	return nil
}

// ErrNoInference is wrapped by the error of a Fit whose Inference cannot
// be computed because classical inference does not apply to the fit: a
// penalised fit (L1 or L2), whose estimates are shrunk and biased, so
// that a standard error would describe the spread around the wrong
// value; a stochastic one (SGD, mini-batch), which stops near the
// least-squares estimates, not at them; or gradient descent that stopped
// before it converged.
var ErrNoInference = errors.New("linreg: classical inference does not apply")

// Inference is what R's summary(lm()) says of a least-squares fit, from
// the statistics of the fit's one pass over the rows (the Gram matrix,
// or the R factor of its QR fallback), in O(d³), and one more pass for
// the sandwich covariances HC0–HC3: per coefficient the estimate, its
// standard error, t statistic, two-sided p-value and confidence
// interval, and the fit's overall statistics.
//
// The estimates, standard errors, t statistics and F, and the
// covariance behind them, come from lanes' kernels and unfused
// arithmetic: the same bits on every CPU and GOARCH, as the fit's. The
// p-values, the t quantiles of the intervals, LogLik, AIC, BIC and Cond
// come from the transcendental functions of packages math and
// gonum.org/v1/gonum (stat/distuv, mathext, mat's eigensolver), whose
// last bits may differ between GOARCHes.
//
// Values that do not exist are NaN: t and p of a perfect fit (standard
// error 0), everything that divides by the residual degrees of freedom
// when there are none, and the F test of a model with no coefficient but
// the intercept. In JSON they are null.
type Inference struct {
	Level float64 // the confidence level of the intervals
	Cov   Cov     // the covariance of the standard errors
	// Terms are the intercept, named "(Intercept)", if the model has one,
	// then every column in order, aliased ones included.
	Terms []Term
	// Rows is n, Params p (the intercept and the coefficients estimated,
	// aliased columns left out: the rank of the design), DF = n − p the
	// residual degrees of freedom.
	Rows, Params, DF int
	// RSE is the residual standard error √(Σe²/DF).
	RSE float64
	// R2 and AdjR2 are R² and the adjusted R², as R computes them: about
	// the mean with an intercept, about 0 without.
	R2, AdjR2 float64
	// F is the F statistic of the hypothesis that every coefficient but
	// the intercept is 0, on FDF1 = p − (1 with an intercept) and FDF2 =
	// DF degrees of freedom, and FP its p-value. With CovClassical it is
	// R's; with the sandwich covariances it is the Wald statistic that
	// uses them (statsmodels'), divided by FDF1.
	F          float64
	FDF1, FDF2 int
	FP         float64
	// LogLik is the Gaussian log-likelihood at the estimates with σ² =
	// Σe²/n, AIC = −2·LogLik + 2(p+1) and BIC = −2·LogLik + ln(n)·(p+1),
	// counting σ as a parameter, as R's logLik, AIC and BIC do.
	LogLik, AIC, BIC float64
	// PerfectFit reports what R warns of as an "essentially perfect fit:
	// summary may be unreliable": a residual variance below 1e-30 times
	// the mean square of the fitted values, so small that the standard
	// errors, t and p measure rounding errors, not the data.
	PerfectFit bool
	// Cond is the 2-norm condition number of the standardised design
	// (every estimated column centred, with an intercept, and scaled to
	// unit mean square): √(λ_max/λ_min) of its correlation matrix, 1 for
	// orthogonal columns. Unlike the condition number of the raw design
	// (statsmodels'), it does not change with the units of the columns;
	// beyond about 1e7 the estimates lose more digits than float64 keeps
	// of the data. Up to 500 estimated columns it comes from all the
	// eigenvalues (O(d³)); beyond, from 300 steps of power iteration on
	// the matrix and its inverse, an estimate from below that is
	// usually good to many digits but not guaranteed.
	Cond float64
}

// Term is one row of the coefficient table.
type Term struct {
	Name   string // the feature's name, "x<j>" without names, or "(Intercept)"
	Column int    // the column of X, −1 for the intercept
	// Aliased reports a column that is a combination of the intercept
	// and the columns before it: its coefficient is not defined (R's NA,
	// "not defined because of singularities"), the model uses 0, and
	// every number below is NaN. AliasedBy says how, in the features'
	// names: "c ≈ a + 2·b", "constant: the intercept fits it".
	Aliased   bool
	AliasedBy string
	Estimate  float64
	StdErr    float64
	T         float64 // Estimate/StdErr
	P         float64 // Pr(>|t|) on DF degrees of freedom
	Lower     float64 // the confidence interval at Level
	Upper     float64
}

// Stars returns R's significance code of a p-value: "***" up to 0.001,
// "**" up to 0.01, "*" up to 0.05, "." up to 0.1 (each bound included, as
// R's symnum cuts), and " " above or for NaN.
func Stars(p float64) string {
	switch {
	case p <= 0.001:
		return "***"
	case p <= 0.01:
		return "**"
	case p <= 0.05:
		return "*"
	case p <= 0.1:
		return "."
	}
	return " "
}

func nan() float64 { return math.NaN() }
