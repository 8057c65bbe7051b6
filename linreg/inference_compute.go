package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

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

	// Every live column is estimated: exactSolve dropped the dependent
	// ones (they are in sol.aliases), and gdInference refuses them.
	if len(ch.Dependent) > 0 {
		return nil, errors.New("linreg: internal error: inference on a factor with dependent columns")
	}
	q := k
	off := 0
	if pr.Intercept {
		off = 1
	}
	nq := q + off
	inf.Params = nq
	inf.DF = d.Rows - nq

	// Per estimated column: its data column, mean (0 without an
	// intercept), root mean square about it, and u = mean/rms, the
	// intercept's share of it (b = γ_0 − Σ u_a·γ_a).
	cols := make([]int, q)
	shift, rms, u := make([]float64, q), make([]float64, q), make([]float64, q)
	for a, j := range pr.Live {
		cols[a] = j
		if pr.Intercept {
			shift[a] = mom.Mean(j)
		}
		// Sigma is √(the column's mean square about the shift) in the
		// moments' scaled units, the column times Scale_j.
		rms[a] = pr.Sigma[a] / mom.Scale[j]
		u[a] = shift[a] / rms[a]
	}

	df := float64(inf.DF)
	sigma2 := sums.rss / df
	if inf.DF <= 0 {
		sigma2 = nan()
	}
	inf.RSE = math.Sqrt(sigma2)

	// A⁻¹ = L⁻ᵀ·L⁻¹ from the factor A = L·Lᵀ: row a of linvT is column a
	// of L⁻¹. Then the standard errors of the intercept, seB, and of each
	// coefficient, seBeta, and with a sandwich the covariance of γ, the
	// coefficients in standardised units (γ_a = β_a·rms_a), which its
	// Wald test reads: the test is the same in any units, and these
	// neither overflow nor underflow for columns of 1e±300, whose
	// coefficients' variances would. Each standard error is a square root
	// taken before the division by rms for the same reason.
	linvT := lowerInverseT(ch)
	row := func(a int) []float64 { return linvT[a*q : (a+1)*q] }
	seB, seBeta := nan(), make([]float64, q)
	var std []float64 // q×q: the covariance of γ
	switch inf.Cov {
	case CovClassical:
		// σ̂²·Lev: var(γ_a) = σ̂²/n·(A⁻¹)_aa, var(b) = σ̂²/n·(1 + ‖L⁻¹u‖²).
		s2n := sigma2 / n
		for a := range q {
			seBeta[a] = math.Sqrt(s2n*kernels.Dot(row(a), row(a))) / rms[a]
		}
		if pr.Intercept {
			w := make([]float64, q) // L⁻¹u
			for a := range q {
				kernels.Axpy(u[a], row(a), w)
			}
			seB = math.Sqrt(s2n) * math.Hypot(1, kernels.Nrm2(w))
		}
	default:
		lev := make([]float64, nq*nq)
		if pr.Intercept {
			lev[0] = 1 / n
		}
		for a := range q {
			for b := a; b < q; b++ {
				v := kernels.Dot(row(a), row(b)) / n
				lev[(off+a)*nq+off+b], lev[(off+b)*nq+off+a] = v, v
			}
		}
		scale := make([]float64, q)
		for a := range q {
			scale[a] = 1 / rms[a]
		}
		sw := &lsq.Sandwich{Cols: cols, Shift: shift, Scale: scale, Intercept: pr.Intercept,
			Coef: m.Coef, B: m.Intercept, Lev: lev}
		switch inf.Cov {
		case CovHC2:
			sw.Power = 1
		case CovHC3:
			sw.Power = 2
		}
		meat, err := sw.Meat(ctx, plan, d)
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
		v := matMul(matMul(lev, meat, nq), lev, nq) // in standardised coordinates
		std = make([]float64, q*q)
		for a := range q {
			copy(std[a*q:(a+1)*q], v[(off+a)*nq+off:(off+a)*nq+nq])
			seBeta[a] = math.Sqrt(std[a*q+a]) / rms[a]
		}
		if pr.Intercept {
			// var(b) = V_00 − 2·uᵀV_0s + uᵀV_ss·u, with u scaled down by
			// its largest element s > 1 first, so that nothing overflows.
			sc := max(1, math.Abs(u[kernels.Iamax(u)]))
			us := make([]float64, q)
			for a := range q {
				us[a] = u[a] / sc
			}
			vu := make([]float64, q) // V_ss·u/s
			kernels.GemvN(q, q, v[off*nq+off:], nq, us, vu)
			varS := v[0]/sc/sc - float64(2*kernels.Dot(us, v[off:nq]))/sc + kernels.Dot(us, vu)
			seB = sc * math.Sqrt(varS)
		}
	}

	// The estimates: the intercept, then the estimated columns.
	theta := make([]float64, nq)
	if pr.Intercept {
		theta[0] = m.Intercept
	}
	for a, j := range cols {
		theta[off+a] = m.Coef[j]
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
		inf.Terms = append(inf.Terms, term("(Intercept)", -1, theta[0], seB))
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
		inf.Terms = append(inf.Terms, term(name, j, theta[off+c], seBeta[c]))
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
			gamma := make([]float64, q)
			for a := range q {
				gamma[a] = theta[off+a] * rms[a]
			}
			inf.F = wald(ctx, std, gamma) / float64(q)
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
	inf.Cond = condition(pr.A, linvT, q)
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

// wald returns θᵀ·V⁻¹·θ for the q×q covariance v of θ: the Wald
// statistic that every θ is 0, NaN if V is singular. V is scaled to a
// unit diagonal for the factorisation (lsq.Factor's rank test is
// relative).
func wald(ctx context.Context, v, theta []float64) float64 {
	q := len(theta)
	d := make([]float64, q)
	for i := range q {
		d[i] = math.Sqrt(v[i*q+i])
		if !(d[i] > 0) {
			return nan()
		}
	}
	h := make([]float64, q*q)
	for i := range q {
		for j := range q {
			h[i*q+j] = v[i*q+j] / d[i] / d[j]
		}
	}
	ch, err := lsq.Factor(ctx, h, q)
	if err != nil || len(ch.Dependent) > 0 {
		return nan()
	}
	z := make([]float64, q)
	for i := range q {
		z[i] = theta[i] / d[i]
	}
	x := append([]float64(nil), z...)
	ch.Solve(x)
	return kernels.Dot(z, x)
}

// lowerInverseT returns the transpose of L⁻¹ for the factor's lower
// triangular L (no dependent column), row-major: row j is column j of
// L⁻¹, found by forward substitution, each element one kernels.Dot of a
// row of L, in q³/6 multiply-adds.
func lowerInverseT(ch *lsq.Cholesky) []float64 {
	q, l := ch.K, ch.L
	out := make([]float64, q*q)
	for j := range q {
		x := out[j*q : (j+1)*q]
		x[j] = 1 / l[j*q+j]
		for i := j + 1; i < q; i++ {
			x[i] = -kernels.Dot(l[i*q+j:i*q+i], x[j:i]) / l[i*q+i]
		}
	}
	return out
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

// condExact is the most estimated columns whose condition number comes
// from a full eigendecomposition (O(q³): 0.06 s at 500 columns, 0.6 s at
// 1000); beyond, from power iterations (conditionIterated).
const condExact = 500

// condition returns √(λ_max/λ_min) of the q×q correlation matrix A (a,
// row-major), whose inverse is L⁻ᵀ·L⁻¹ (linvT: L⁻ᵀ, row-major): up to
// condExact columns from all of A⁻¹'s eigenvalues, by gonum's symmetric
// eigensolver.
func condition(a, linvT []float64, q int) float64 {
	if q == 0 {
		return 1
	}
	if q > condExact {
		return conditionIterated(a, linvT, q)
	}
	ainv := mat.NewSymDense(q, nil)
	for i := range q {
		for j := i; j < q; j++ {
			ainv.SetSym(i, j, kernels.Dot(linvT[i*q:(i+1)*q], linvT[j*q:(j+1)*q]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(ainv, false) {
		return nan()
	}
	vals := eig.Values(nil)
	lo, hi := vals[0], vals[len(vals)-1]
	if !(lo > 0) {
		return math.Inf(1)
	}
	return math.Sqrt(hi / lo)
}

// conditionIterated estimates the same ratio from the largest eigenvalues
// of A and of A⁻¹ = L⁻ᵀL⁻¹, each the Rayleigh quotient after up to 300
// steps of power iteration from a fixed pseudo-random start (never
// orthogonal to the top eigenvector, as a start of ones can be), O(q²)
// a step. A Rayleigh quotient converges twice as fast as its vector, but
// from below, so the estimate never exceeds the true ratio; its bits are
// the same on every CPU (math/rand/v2's PCG, lanes kernels).
func conditionIterated(a, linvT []float64, q int) float64 {
	rng := rand.New(rand.NewPCG(0x1a9e5, uint64(q)))
	start := make([]float64, q)
	for i := range start {
		start[i] = rng.Float64() - 0.5
	}
	w, t := make([]float64, q), make([]float64, q)
	top := func(apply func(v, out []float64)) float64 {
		v := append([]float64(nil), start...)
		rq := 0.0
		for range 300 {
			kernels.Scal(1/kernels.Nrm2(v), v)
			apply(v, w)
			next := kernels.Dot(v, w)
			v, w = w, v
			if math.Abs(next-rq) <= 1e-13*next {
				return next
			}
			rq = next
		}
		return rq
	}
	hi := top(func(v, out []float64) { kernels.GemvN(q, q, a, q, v, out) })
	// A⁻¹v = L⁻ᵀ(L⁻¹v): t = L⁻¹v, then out = L⁻ᵀt.
	inv := top(func(v, out []float64) {
		kernels.GemvT(q, q, linvT, q, v, t)
		kernels.GemvN(q, q, linvT, q, t, out)
	})
	return math.Sqrt(hi * inv)
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
		return nil, fmt.Errorf("%w: %s, so its coefficients are not identified; the exact method fits it as R's lm does, the dependent columns aliased", ErrNoInference, rankDeficiency(pr, ch, m.Features))
	}
	// Constant columns (coefficient 0, as GD leaves them) are aliased.
	return r.inference(ctx, plan, d, &solved{pr: pr, ch: ch, aliases: aliasDescriptions(pr, ch, m.Features)}, m, sums)
}
