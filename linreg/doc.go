// Package linreg fits linear regression, y ≈ X·w + b, by any method of
// package gd or exactly, with the conveniences of scikit-learn's
// LinearRegression, SGDRegressor, Ridge, Lasso and ElasticNet in one
// Regressor.
//
// # Data
//
// X is a row-major Matrix over the caller's []float64, never copied;
// FromGonum adapts a gonum mat.Matrix (without copying a *mat.Dense). y is
// a []float64 with one target per row. NaN or Inf anywhere, or mismatched
// sizes, are errors naming the row and column. Regressor.Features, if
// set, gives each column a distinct name; a validation set needs both
// Regressor.ValX and ValY.
//
// # Objective and penalties
//
// Every method minimises
//
//	(1/(2n))·Σ (x_i·w + b − y_i)² + L1·‖w‖₁ + (L2/2)·‖w‖²
//
// over the coefficients w in the units of the data, with the intercept b
// unpenalised. That is scikit-learn's ElasticNet objective, so
//
//	Regressor{L1: a}            ≡ Lasso(alpha=a)
//	Regressor{L2: a}            ≡ Ridge(alpha=a·n)   (Ridge does not divide by n)
//	Regressor{L1: α·ρ, L2: α·(1−ρ)} ≡ ElasticNet(alpha=α, l1_ratio=ρ)
//
// # One pass, then the statistics
//
// Every fit starts with one pass over the rows (two when the first row
// lies far from the means): the Gram matrix of the centred, scaled rows
// [x | 1 | y], summed in the block tree of package kernels
// (internal/lsq). From these d×d moments come the standardisation, the
// automatic learning rate (1/L, L the largest eigenvalue of the
// standardised moments, proved by a Cholesky factorisation), full-batch
// GD itself (its gradient is a product with the moments, so an epoch
// costs microseconds), and the exact solutions: least squares and ridge
// by Cholesky, or by one TSQR pass over the rows when the normal
// equations would lose too many digits, lasso and elastic net by
// coordinate descent on the moments. SGD and MiniBatch read rows, step by
// step, through gd.LeastSquares standardised in place.
//
// # Works on real data without tuning
//
// Features are centred and scaled internally, so ages, doses and
// incomes side by side converge as fast as unit-variance data; the
// coefficients come back in the original units, and the penalties are
// transformed exactly (see gd.PenaltyWeighter), not approximated. The
// scales are powers of two and the centring survives offsets of 1e16 and
// columns from 1e-300 to 1e300. A constant column gets coefficient 0 from
// the gradient methods. SGD and MiniBatch decay their automatic rate
// linearly over the planned epochs. A rate you give is used as given: if
// it diverges, Fit returns an error wrapping gd.ErrDiverged; if the
// automatic rate diverges, the error wraps ErrAutoRateDiverged too, so
// that a caller can tell that there was no rate of its own to lower.
//
// Perfectly collinear columns (a constant column beside the intercept
// among them) make Exact without L2 an error that names the column and
// its relation to the others; the gradient methods still converge.
//
// # Inference
//
// With Regressor.Inference set, a least-squares fit (Exact, or GD that
// converged) also reports what R's summary(lm()) does (Model.Inference):
// per coefficient the standard error, t statistic, p-value and a
// confidence interval, and the residual standard error, R², adjusted
// R², the F test, log-likelihood, AIC and BIC, with the classical
// covariance or the sandwich covariances HC0–HC3 (R's sandwich::vcovHC),
// all from the moments' factor in O(d³), the sandwich in one more pass.
// Collinear columns are then aliased as R does (coefficient 0, reported
// as not defined) instead of refused. Penalised and stochastic fits get
// an error wrapping ErrNoInference: classical inference does not apply
// to them. The results are checked against R itself in the tests.
//
// # Cancellation
//
// Fit watches its context throughout: between pieces of every pass over
// X (a few milliseconds of work or less each), the sweeps of coordinate
// descent, the factorisations, and gd's steps. It then returns the
// context's error, and a model only if a gradient run had started (see
// Regressor.Fit).
//
// # Same bits everywhere
//
// Every pass is a block-tree reduction of package kernels, and every
// solver works on its results in a fixed order, so a fit gives the same
// bits on every CPU and GOARCH, for any number of workers and any window
// of a memory-mapped file: the same coefficients for the same data,
// options and seed.
package linreg
