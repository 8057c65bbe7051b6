package linreg

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// fitSums are the sums of squares the finish pass measured: the residual
// sum of squares of the model, and the total one that R² compares it
// with, about the targets' mean with an intercept and about 0 without
// (R's convention for a model without an intercept).
type fitSums struct{ rss, tss float64 }

// inference computes Model.Inference of a least-squares fit from the
// problem pr (its moments' correlation matrix A), the factor ch of A
// (dependent columns aliased), the fitted model m and its sums; the
// sandwich covariances make one more pass over d.
//
// In the standardised coordinates of the engine the design is Z̃ = [1 |
// Z], Z's column a the estimated column j centred by its mean μ_j (with
// an intercept) and divided by its root mean square s_j, so that
// Z̃ᵀZ̃ = n·diag(1, A) and (Z̃ᵀZ̃)⁻¹ = diag(1, A⁻¹)/n =: Lev, the matrix of
// the leverages h_i = z̃_iᵀ·Lev·z̃_i. The covariance there is σ̂²·Lev
// (classical) or Lev·M·Lev (sandwich, M the meat), and the model's
// parameters are a linear map T of those coordinates: β_j = γ_a/s_j and
// b = γ_0 − Σ_a μ_j·γ_a/s_j, so the covariance of (b, β) is T·V·Tᵀ.
func (r Regressor) inference(ctx context.Context, plan *kernels.BlockPlan, d lsq.Data, sol *solved, m *Model, sums fitSums) (*Inference, error) {
	pr, ch := sol.pr, sol.ch
	o := *r.Inference
	inf := &Inference{Level: o.level(), Cov: CovClassical, Rows: d.Rows}
	if o.Cov != "" {
		inf.Cov, _ = ParseCov(string(o.Cov))
	}
	mom := pr.M
	n := float64(d.Rows)
	k := pr.K()

	// The estimated columns: live (not constant) and independent.
	dependent := make([]bool, k)
	for _, a := range ch.Dependent {
		dependent[a] = true
	}
	var est []int // indices into pr.Live
	for a := range k {
		if !dependent[a] {
			est = append(est, a)
		}
	}
	q := len(est)
	off := 0
	if pr.Intercept {
		off = 1
	}
	nq := q + off
	inf.Params = nq
	inf.DF = d.Rows - nq

	// A⁻¹ on the estimated columns, from the factor.
	ainv := make([]float64, q*q)
	e := make([]float64, k)
	for c, a := range est {
		clear(e)
		e[a] = 1
		ch.Solve(e)
		for c2, a2 := range est {
			ainv[c2*q+c] = e[a2]
		}
	}
	lev := make([]float64, nq*nq)
	if pr.Intercept {
		lev[0] = 1 / n
	}
	for c := range q {
		for c2 := range q {
			lev[(off+c)*nq+off+c2] = ainv[c*q+c2] / n
		}
	}

	// Per estimated column: its data column, mean (0 without an
	// intercept) and root mean square about it.
	cols := make([]int, q)
	shift, rms := make([]float64, q), make([]float64, q)
	for c, a := range est {
		j := pr.Live[a]
		cols[c] = j
		if pr.Intercept {
			shift[c] = mom.Mean(j)
		}
		// Sigma is √(the column's mean square about the shift) in the
		// moments' scaled units, the column times Scale_j.
		rms[c] = pr.Sigma[a] / mom.Scale[j]
	}

	df := float64(inf.DF)
	sigma2 := sums.rss / df
	if inf.DF <= 0 {
		sigma2 = nan()
	}
	inf.RSE = math.Sqrt(sigma2)

	// V, the covariance in standardised coordinates.
	v := make([]float64, nq*nq)
	switch inf.Cov {
	case CovClassical:
		for i := range v {
			v[i] = sigma2 * lev[i]
		}
	default:
		scale := make([]float64, q)
		for c := range q {
			scale[c] = 1 / rms[c]
		}
		s := &lsq.Sandwich{Cols: cols, Shift: shift, Scale: scale, Intercept: pr.Intercept,
			Coef: m.Coef, B: m.Intercept, Lev: lev}
		switch inf.Cov {
		case CovHC2:
			s.Power = 1
		case CovHC3:
			s.Power = 2
		}
		meat, err := s.Meat(ctx, plan, d)
		if err != nil {
			return nil, err
		}
		if inf.Cov == CovHC1 {
			f := n / df
			if inf.DF <= 0 {
				f = nan()
			}
			for i := range meat {
				meat[i] *= f
			}
		}
		v = matMul(matMul(lev, meat, nq), lev, nq)
	}

	// T maps the standardised coordinates to (b, β_estimated).
	t := make([]float64, nq*nq)
	if pr.Intercept {
		t[0] = 1
		for c := range q {
			t[off+c] = -shift[c] / rms[c]
		}
	}
	for c := range q {
		t[(off+c)*nq+off+c] = 1 / rms[c]
	}
	cov := matMul(matMul(t, v, nq), transpose(t, nq), nq)
	at := func(i, j int) float64 { return cov[i*nq+j] }

	// The estimates, in the order of cov: the intercept, then the
	// estimated columns.
	theta := make([]float64, nq)
	if pr.Intercept {
		theta[0] = m.Intercept
	}
	for c, j := range cols {
		theta[off+c] = m.Coef[j]
	}

	student := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	quant := nan()
	if inf.DF > 0 {
		quant = student.Quantile((1 + inf.Level) / 2)
	}
	term := func(name string, col int, est, se float64) Term {
		tr := Term{Name: name, Column: col, Estimate: est, StdErr: se, T: nan(), P: nan(), Lower: nan(), Upper: nan()}
		if inf.DF <= 0 || math.IsNaN(se) {
			return tr
		}
		if se > 0 {
			tr.T = est / se
			tr.P = 2 * student.Survival(math.Abs(tr.T))
		}
		tr.Lower, tr.Upper = est-float64(quant*se), est+float64(quant*se) // never fused: the same bits everywhere
		return tr
	}
	if pr.Intercept {
		inf.Terms = append(inf.Terms, term("(Intercept)", -1, theta[0], math.Sqrt(at(0, 0))))
	}
	position := map[int]int{} // column of X → index in cols
	for c, j := range cols {
		position[j] = c
	}
	aliases := sol.aliases
	for j := range mom.Cols {
		name := fmt.Sprintf("x%d", j)
		if j < len(m.Features) {
			name = m.Features[j]
		}
		c, ok := position[j]
		if !ok {
			inf.Terms = append(inf.Terms, Term{Name: name, Column: j, Aliased: true, AliasedBy: aliases[j],
				Estimate: nan(), StdErr: nan(), T: nan(), P: nan(), Lower: nan(), Upper: nan()})
			continue
		}
		inf.Terms = append(inf.Terms, term(name, j, theta[off+c], math.Sqrt(at(off+c, off+c))))
	}

	// The overall statistics, as R's summary.lm, logLik and AIC.
	rss, tss := sums.rss, sums.tss
	inf.R2, inf.AdjR2 = nan(), nan()
	if tss > 0 {
		inf.R2 = 1 - rss/tss
	}
	if inf.DF > 0 {
		inf.AdjR2 = 1 - (1-inf.R2)*(n-float64(off))/df
	}
	inf.FDF1, inf.FDF2 = q, inf.DF
	inf.F, inf.FP = nan(), nan()
	if q > 0 && inf.DF > 0 {
		if inf.Cov == CovClassical {
			inf.F = (tss - rss) / float64(q) / sigma2
		} else {
			inf.F = wald(ctx, cov, theta, off) / float64(q)
		}
		inf.FP = fSurvival(inf.F, float64(q), df)
	}
	// R's test: resvar < (mean(f)² + var(f))·1e-30, f the fitted values,
	// whose mean is ȳ with an intercept and whose spread about it is
	// TSS − RSS.
	if inf.DF > 0 {
		ybar := 0.0
		if pr.Intercept {
			ybar = mom.YMean()
		}
		spread := (tss - rss) / float64(max(d.Rows-1, 1))
		inf.PerfectFit = sigma2 < float64(float64(ybar*ybar)+spread)*1e-30
	}
	inf.LogLik = 0.5 * -n * (math.Log(2*math.Pi) + 1 - math.Log(n) + math.Log(rss))
	pars := float64(nq + 1) // σ counts
	inf.AIC = float64(-2*inf.LogLik) + float64(2*pars)
	inf.BIC = float64(-2*inf.LogLik) + float64(math.Log(n)*pars)
	inf.Cond = condition(ainv, q)
	return inf, nil
}

// fSurvival returns P(F > f) for F on d1 and d2 degrees of freedom, as
// the regularised incomplete beta function I_x(d2/2, d1/2) at x = d2/(d2 +
// d1·f) directly: 1 − CDF would lose the digits of a tiny p-value.
func fSurvival(f, d1, d2 float64) float64 {
	if math.IsNaN(f) {
		return nan()
	}
	if f <= 0 {
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+float64(d1*f)))
}

// wald returns θ_sᵀ·V_s⁻¹·θ_s over the coefficients after the first off
// (the intercept's) of the nq×nq covariance cov: the Wald statistic that
// they are all 0, NaN if V_s is singular. V_s is scaled to a unit
// diagonal for the factorisation (lsq.Factor's rank test is relative).
func wald(ctx context.Context, cov, theta []float64, off int) float64 {
	nq := len(theta)
	q := nq - off
	d := make([]float64, q)
	for i := range q {
		d[i] = math.Sqrt(cov[(off+i)*nq+off+i])
		if !(d[i] > 0) {
			return nan()
		}
	}
	h := make([]float64, q*q)
	for i := range q {
		for j := range q {
			h[i*q+j] = cov[(off+i)*nq+off+j] / d[i] / d[j]
		}
	}
	ch, err := lsq.Factor(ctx, h, q)
	if err != nil || len(ch.Dependent) > 0 {
		return nan()
	}
	z := make([]float64, q)
	for i := range q {
		z[i] = theta[off+i] / d[i]
	}
	x := append([]float64(nil), z...)
	ch.Solve(x)
	return kernels.Dot(z, x)
}

// matMul returns the product of the n×n row-major a and b, each element
// one kernels.Dot: the same bits on every CPU.
func matMul(a, b []float64, n int) []float64 {
	bt := transpose(b, n)
	c := make([]float64, n*n)
	for i := range n {
		for j := range n {
			c[i*n+j] = kernels.Dot(a[i*n:(i+1)*n], bt[j*n:(j+1)*n])
		}
	}
	return c
}

func transpose(a []float64, n int) []float64 {
	t := make([]float64, n*n)
	for i := range n {
		for j := range n {
			t[j*n+i] = a[i*n+j]
		}
	}
	return t
}

// condition returns √(λ_max/λ_min) of the q×q correlation matrix whose
// inverse is ainv: the same ratio, from the inverse's eigenvalues.
func condition(ainv []float64, q int) float64 {
	if q == 0 {
		return 1
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(q, append([]float64(nil), ainv...)), false) {
		return nan()
	}
	vals := eig.Values(nil)
	lo, hi := vals[0], vals[len(vals)-1]
	if !(lo > 0) {
		return math.Inf(1)
	}
	return math.Sqrt(hi / lo)
}

// aliasDescriptions says, per column of X that is not estimated, how it
// depends on the others, in the names of features (x0, x1, … without):
// "constant: the intercept fits it", or its relation, "c ≈ a + 2·b".
func aliasDescriptions(pr *lsq.Problem, ch *lsq.Cholesky, features []string) map[int]string {
	name := func(j int) string {
		if j < len(features) {
			return features[j]
		}
		return fmt.Sprintf("x%d", j)
	}
	out := map[int]string{}
	for _, dep := range dependencies(pr, ch) {
		switch {
		case dep.zero && pr.Intercept:
			out[dep.col] = "constant: the intercept fits it"
		case dep.zero:
			out[dep.col] = "all zeros"
		case len(dep.on) == 0:
			out[dep.col] = "numerically dependent on the other columns"
		default:
			out[dep.col] = relation(dep, name)
		}
	}
	return out
}

// gdInference is inference for a GD fit: only one that converged (the
// gradient tolerance) stands at the least-squares estimates the standard
// errors describe, and only a full-rank X has them. The factor is the
// exact solver's: of the moments, or of the rows when the moments are
// too ill-conditioned to trust (exactQRPivot).
func (r Regressor) gdInference(ctx context.Context, plan *kernels.BlockPlan, d lsq.Data, pr *lsq.Problem, m *Model, stop gd.StopReason, sums fitSums) (*Inference, error) {
	if stop != gd.StopGradTol {
		return nil, fmt.Errorf("%w: gradient descent stopped (%s) before it converged, so its coefficients are not the least-squares estimates the standard errors describe; allow more epochs, or use the exact method", ErrNoInference, stop)
	}
	k := pr.K()
	ch, err := lsq.Factor(ctx, pr.A, k)
	if err != nil {
		return nil, err
	}
	if ch.MinPivot() < exactQRPivot || len(ch.Dependent) > 0 {
		if ch, _, err = pr.FactorRows(ctx, plan, d); err != nil {
			return nil, err
		}
	}
	if len(ch.Dependent) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrNoInference, rankError(pr, ch))
	}
	// Constant columns (coefficient 0, as GD leaves them) are aliased.
	return r.inference(ctx, plan, d, &solved{pr: pr, ch: ch, aliases: aliasDescriptions(pr, ch, m.Features)}, m, sums)
}
