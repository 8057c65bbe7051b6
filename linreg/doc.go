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
// # Works on real data without tuning
//
// The gradient methods centre and scale every feature internally, so
// ages, doses and incomes side by side converge as fast as unit-variance
// data; the coefficients come back in the original units, and the
// penalties are transformed exactly (weights 1/σ_j, see
// gd.PenaltyWeighter), not approximated. A constant column gets
// coefficient 0. The default learning rate of GD is 1/L, L the largest
// eigenvalue of the standardised XᵀX/n found by power iteration; SGD and
// MiniBatch decay their rate linearly over the planned epochs. A rate you
// give is used as given: if it diverges, Fit returns an error wrapping
// gd.ErrDiverged. If the automatic rate diverges (it can, on data with a
// row far out of line with the others), the error wraps
// ErrAutoRateDiverged too, so that a caller can tell that there was no
// rate of its own to lower.
//
// Exact solves ordinary least squares by QR and ridge by augmented QR
// with gonum, and lasso and elastic net by coordinate descent to tight
// optimality conditions. Perfectly collinear columns make Exact without L2
// an error that names the column; the gradient methods still converge.
//
// # Cancellation
//
// Fit watches its context throughout: between pieces of every pass over
// X, the coordinates of coordinate descent, and the columns and column
// chunks of the QR factorisation (driven panel by panel, with the bits
// of gonum's Dgeqrf), each a few milliseconds of work or less; and
// between the products of the power iteration and gd's steps, each up to
// two passes over the data. It then returns the context's error, and a
// model only if a gradient run had started (see Regressor.Fit).
//
// # Same bits everywhere
//
// A gradient fit runs on package kernels and gd, whose results are the
// same bits on every CPU and GOARCH; so are the coefficients, for the same
// data, options and seed.
package linreg
