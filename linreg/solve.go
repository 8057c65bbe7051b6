package linreg

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// The exact solvers, on the moments (engine.go) in the standardised
// coordinates of lsq.Problem:
//
//   - least squares and ridge: the Cholesky factorisation of the
//     penalised curvature (unit diagonal) and two triangular solves. A
//     column whose part outside the span of the columns before it is
//     below lsq.RankTol makes least squares an error naming the column and
//     its relation to the others (ridge has no such column). When the
//     factorisation shows a pivot below exactQRPivot, the normal
//     equations would lose too many digits, and a TSQR pass over the
//     rows (QR of each block, then of the stacked factors up the block
//     tree, lsq.Problem.FactorRows) solves the problem without squaring
//     its condition number, and decides the rank instead;
//   - lasso and elastic net: coordinate descent on the moments, polished
//     to exact zeros and the exact solution on their support
//     (lsq.Problem.Lasso).
//
// Every one of them costs one or two passes over the rows, then work on
// the d×d moments only, and looks at the context throughout.

// exactQRPivot is the smallest Cholesky pivot (lsq.Cholesky.MinPivot,
// 1 − R_j² of a column j with those before it, in the unit-diagonal
// curvature H) that the exact solver trusts. The solution of the normal
// equations carries a relative error of about κ(H)·u (u = 2⁻⁵³ ≈ 1.1e-16,
// times a modest factor of the size), and κ(H) ≥ 1/MinPivot, often a few
// times more: below a pivot of 1e-6, κ(H) passes 1e6 and that error
// 1e-10 times the factor, so the normal equations would lose the 1e-8
// that a least-squares answer should keep; a TSQR pass over the rows
// instead loses κ(A)·u = √κ(H)·u, about 1e-13 there. (κ(H) = κ(A)², A
// the standardised data: the fallback starts at κ(A) ≈ 1e3, correlations
// beyond about 0.9999995, and is never taken on ordinary data.)
const exactQRPivot = 1e-6

// exactSolveRows solves the problem pr (whose data penalties are l1 and
// l2) and returns the coefficients and intercept in data units. d are
// the rows of pr's moments, read (on plan's goroutines) only when least
// squares or ridge is too ill-conditioned for the normal equations (see
// exactQRPivot); d without rows never falls back.
func exactSolveRows(ctx context.Context, plan *kernels.BlockPlan, d lsq.Data, pr *lsq.Problem, l1, l2 float64, opts fitOptions) (coef []float64, b float64, err error) {
	coef, b, _, err = exactSolve(ctx, plan, d, pr, l1, l2, opts)
	return coef, b, err
}

// solved is what inference reads of an exact least-squares solution:
// the problem solved (pr without its aliased columns, when opts.alias
// dropped them), its factor, and how each column left out of it depends
// on the others.
type solved struct {
	pr      *lsq.Problem
	ch      *lsq.Cholesky
	aliases map[int]string
}

// exactSolve is exactSolveRows, also returning what inference reads (nil
// for lasso). With opts.alias, a rank-deficient least-squares problem is
// solved without its dependent columns, as R's lm does: the problem
// restricted to the others is factored and solved afresh (a factor that
// kept a dependent column, as the QR fallback's does, has its noise in
// the later columns), until no column is dependent.
func exactSolve(ctx context.Context, plan *kernels.BlockPlan, d lsq.Data, pr *lsq.Problem, l1, l2 float64, opts fitOptions) (coef []float64, b float64, sol *solved, err error) {
	m := pr.M
	var v []float64
	var ch *lsq.Cholesky
	switch {
	case l1 > 0:
		sweeps := lsq.MaxSweeps
		if opts.maxSweeps > 0 {
			sweeps = opts.maxSweeps
		}
		c := newCanceller(ctx, opts.hook)
		v, err = pr.Lasso(ctx, sweeps, func() { c.step("cd") })
		if err != nil {
			if isCancellation(err) {
				return nil, 0, nil, err
			}
			return nil, 0, nil, fmt.Errorf("linreg: exact: %w", err)
		}
	default:
		if params := m.Cols + exactBtoi(pr.Intercept); l2 == 0 && m.Rows < params {
			what := fmt.Sprintf("%d coefficients", m.Cols)
			if pr.Intercept {
				what = fmt.Sprintf("%d coefficients and an intercept", m.Cols)
			}
			return nil, 0, nil, fmt.Errorf("linreg: exact: underdetermined: X has %d rows, fewer than the %d parameters (%s); use l2 > 0 or a gradient method", m.Rows, params, what)
		}
		if v, ch, err = exactLeastSquares(ctx, plan, d, pr, l2, opts); err != nil {
			return nil, 0, nil, err
		}
		sol = &solved{pr: pr, ch: ch}
		for opts.alias && l2 == 0 {
			if sol.aliases == nil {
				sol.aliases = map[int]string{}
			}
			for j, s := range aliasDescriptions(pr, ch, opts.features) {
				if _, ok := sol.aliases[j]; !ok { // columns dropped before read as constant now
					sol.aliases[j] = s
				}
			}
			if len(ch.Dependent) == 0 {
				break // nothing more to drop
			}
			dep := map[int]bool{}
			for _, a := range ch.Dependent {
				dep[a] = true
			}
			var keep []int
			for a := range pr.K() {
				if !dep[a] {
					keep = append(keep, a)
				}
			}
			pr = pr.Restrict(keep)
			if v, ch, err = exactLeastSquares(ctx, plan, d, pr, l2, opts); err != nil {
				return nil, 0, nil, err
			}
			sol.pr, sol.ch = pr, ch
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	coef, b = pr.Coef(v)
	for j, w := range coef {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, 0, nil, fmt.Errorf("linreg: exact: coefficient %d is %v: the data are too large for float64 arithmetic; rescale X or y", j, w)
		}
	}
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return nil, 0, nil, fmt.Errorf("linreg: exact: the intercept is %v: the data are too large for float64 arithmetic; rescale X or y", b)
	}
	return coef, b, sol, nil
}

// exactLeastSquares returns the standardised solution of least squares
// (l2 = 0) or ridge: by the Cholesky factorisation of the curvature, or,
// when its pivots show it too ill-conditioned (exactQRPivot, or a column
// dependent to the Cholesky's coarser test) and d has the rows, by a TSQR
// pass over them, whose rank test and relations then name the dependent
// columns.
func exactLeastSquares(ctx context.Context, plan *kernels.BlockPlan, d lsq.Data, pr *lsq.Problem, l2 float64, opts fitOptions) ([]float64, *lsq.Cholesky, error) {
	k := pr.K()
	h := append([]float64(nil), pr.A...)
	for j := range k {
		h[j*k+j] += pr.L2w[j]
	}
	c := newCanceller(ctx, opts.hook)
	c.step("factor")
	ch, err := lsq.Factor(ctx, h, k)
	if err != nil {
		return nil, nil, err
	}
	v := append([]float64(nil), pr.C...)
	solve := ch.Solve
	if d.Rows > 0 && (len(ch.Dependent) > 0 || ch.MinPivot() < exactQRPivot) {
		c.step("qr")
		var z []float64
		ch, z, err = pr.FactorRows(ctx, plan, d)
		if err != nil {
			if isCancellation(err) {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("linreg: internal error: exact: %w", err)
		}
		v, solve = z, ch.SolveUpper
	}
	if l2 == 0 && (len(ch.Dependent) > 0 || k < pr.M.Cols) && !opts.alias {
		return nil, nil, rankError(pr, ch, opts.features)
	}
	solve(v) // dependent columns held at 0: aliased, as R's lm does
	return v, ch, nil
}

func exactBtoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rankError returns the rank-deficiency error of least squares, naming
// every dependent column: those the moments show constant (or all zero,
// without an intercept), and those the factorisation ch finds to be
// combinations of the columns before them, with the combination in the
// units of the data.
func rankError(pr *lsq.Problem, ch *lsq.Cholesky, names []string) error {
	return fmt.Errorf("linreg: exact: %s; use l2 > 0 or a gradient method", rankDeficiency(pr, ch, names))
}

// rankDeficiency says which columns make least squares rank-deficient
// and how (up to five), the columns named by names if not nil.
func rankDeficiency(pr *lsq.Problem, ch *lsq.Cholesky, names []string) string {
	m := pr.M
	deps := dependencies(pr, ch)
	var msgs []string
	for i, dep := range deps {
		if i == 4 && len(deps) > 5 {
			msgs = append(msgs, fmt.Sprintf("and %d more dependent columns", len(deps)-4))
			break
		}
		msgs = append(msgs, describeDependency(dep, pr.Intercept, names))
	}
	return fmt.Sprintf("X is rank-deficient (rank %d of %d columns): %s", m.Cols-len(deps), m.Cols, strings.Join(msgs, "; "))
}

// dependencies returns the dependent columns of least squares, in
// order: those the moments show constant (or all zero, without an
// intercept), and those the factorisation ch finds to be combinations of
// the columns before them, with the combination in the units of the
// data.
func dependencies(pr *lsq.Problem, ch *lsq.Cholesky) []exactDep {
	m := pr.M
	var deps []exactDep
	live := map[int]int{} // column → index in the problem
	for a, j := range pr.Live {
		live[j] = a
	}
	dependent := map[int]bool{}
	for _, a := range ch.Dependent {
		dependent[a] = true
	}
	for j := range m.Cols {
		a, ok := live[j]
		if !ok {
			deps = append(deps, exactDep{col: j, zero: true})
			continue
		}
		if !dependent[a] {
			continue
		}
		c := ch.Relation(a)
		var big float64
		for _, v := range c {
			big = max(big, math.Abs(v))
		}
		out := exactDep{col: j}
		var konst, terms float64
		if pr.Intercept {
			konst = m.Mean(j)
		}
		for t, v := range c {
			if math.Abs(v) <= 1e-7*big {
				continue
			}
			kt := pr.Live[t]
			// x_j − μ_j ≈ Σ c_t·(x_t − μ_t)·(p_t/σ_t)·(σ_j/p_j).
			coef := v * (m.Scale[kt] / pr.Sigma[t]) * (pr.Sigma[a] / m.Scale[j])
			out.on = append(out.on, kt)
			out.coef = append(out.coef, coef)
			if pr.Intercept {
				konst = math.FMA(-coef, m.Mean(kt), konst)
				terms += math.Abs(float64(coef * m.Mean(kt)))
			}
		}
		if pr.Intercept && math.Abs(konst) > 1e-9*(terms+math.Abs(m.Mean(j))) {
			out.konst = konst
		}
		deps = append(deps, out)
	}
	return deps
}

// exactDep describes a column that depends on others.
type exactDep struct {
	col  int
	zero bool      // constant (intercept) or all zeros
	on   []int     // the columns it combines, ascending
	coef []float64 // x_col ≈ Σ coef·x_on (+ konst)
	// konst is the constant term with an intercept, 0 if negligible.
	konst float64
}

// describeDependency says how a dependent column depends on the others:
// "column 3 is constant, …", "column 5 is a linear combination of
// columns 0 and 3 (x5 ≈ 2·x0 − x3)"; with names, a column is also named,
// column 3 ("price"), and the relation is in the names.
func describeDependency(dep exactDep, intercept bool, names []string) string {
	j := dep.col
	col := func(j int) string {
		if j < len(names) {
			return fmt.Sprintf("column %d (%q)", j, names[j])
		}
		return fmt.Sprintf("column %d", j)
	}
	switch {
	case dep.zero && intercept:
		return col(j) + " is constant, which the intercept already fits"
	case dep.zero:
		return col(j) + " is all zeros"
	case len(dep.on) == 0:
		// Dependent, but no term of its relation stands out: it is lost
		// in rounding against the others rather than a clean combination.
		return col(j) + " is numerically dependent on the others"
	}
	rel := relation(dep, func(j int) string {
		if j < len(names) {
			return names[j]
		}
		return fmt.Sprintf("x%d", j)
	})
	if len(dep.on) == 1 && dep.konst == 0 && math.Abs(dep.coef[0]-1) <= 1e-12 {
		return fmt.Sprintf("%s duplicates %s (%s)", col(j), col(dep.on[0]), rel)
	}
	var on string
	switch k := len(dep.on); k {
	case 1:
		on = col(dep.on[0])
	default:
		s := make([]string, k)
		for t, c := range dep.on {
			s[t] = fmt.Sprint(c)
			if c < len(names) {
				s[t] += fmt.Sprintf(" (%q)", names[c])
			}
		}
		on = "columns " + strings.Join(s[:k-1], ", ") + " and " + s[k-1]
	}
	if dep.konst != 0 {
		on += " and the intercept"
	}
	return fmt.Sprintf("%s is a linear combination of %s (%s)", col(j), on, rel)
}

// relation writes a dependent column's relation to the others, the
// columns named by name: "x3 ≈ x1 + 2·x2 − 0.5".
func relation(dep exactDep, name func(int) string) string {
	var rel strings.Builder
	fmt.Fprintf(&rel, "%s ≈", name(dep.col))
	for t, c := range dep.coef {
		sign := "+"
		if c < 0 {
			sign, c = "−", -c
		}
		switch {
		case t == 0 && sign == "+":
			rel.WriteString(" ")
		case t == 0:
			rel.WriteString(" −")
		default:
			rel.WriteString(" " + sign + " ")
		}
		if math.Abs(c-1) > 1e-12 {
			fmt.Fprintf(&rel, "%.6g·", c)
		}
		rel.WriteString(name(dep.on[t]))
	}
	if dep.konst > 0 {
		fmt.Fprintf(&rel, " + %.6g", dep.konst)
	} else if dep.konst < 0 {
		fmt.Fprintf(&rel, " − %.6g", -dep.konst)
	}
	return rel.String()
}
