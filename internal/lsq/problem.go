package lsq

import (
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// Problem is the penalised least-squares problem of a Moments, in
// standardised coordinates: with v the coefficients of the live (not
// constant) columns, scaled so that the penalised curvature of each is 1,
//
//	F(v) = ½·vᵀAv − cᵀv + ½·YY + Σ_j L1w_j·|v_j| + ½·Σ_j L2w_j·v_j²
//
// where ½·vᵀAv − cᵀv + ½·YY is the mean half squared residual of the
// scaled target at its best intercept (or at intercept 0 without one),
// A's diagonal is 1 − L2w_j, and F is the data's objective
//
//	(1/(2n))·Σ r_i² + L1·Σ|β_j| + (L2/2)·Σ β_j²
//
// times YScale²: the powers of two of the moments make every conversion
// exact. Coefficients come back in data units with Coef.
type Problem struct {
	M         *Moments
	Intercept bool
	Live      []int     // the columns in the problem, increasing
	Sigma     []float64 // per live column: √(C_jj + λ2_j), the standardising scale
	A         []float64 // k×k, full, row-major, k = len(Live); nil from diagonal moments
	C         []float64 // k; nil from diagonal moments
	YY        float64
	L1w, L2w  []float64 // per live column
}

// NewProblem builds the problem of m with the data's penalties l1 and l2.
// Without an intercept the moments must have zero shifts (see
// ComputeMoments), and columns are dropped only if they are all zero;
// with one, constant columns are dropped (the intercept fits them).
// Diagonal moments give a problem without A and C (nil): its
// standardisation, penalty weights and YY, all a row-wise fit needs.
func NewProblem(m *Moments, intercept bool, l1, l2 float64) *Problem {
	pr := &Problem{M: m, Intercept: intercept}
	n := float64(m.Rows)
	cov := func(j, k int) float64 {
		if intercept {
			return m.centred(j, k) / n
		}
		return m.At(j, k) / n
	}
	for j := range m.Cols {
		if !m.Constant(j) {
			pr.Live = append(pr.Live, j)
		}
	}
	k := len(pr.Live)
	pr.Sigma = make([]float64, k)
	pr.L1w, pr.L2w = make([]float64, k), make([]float64, k)
	y := m.Cols + 1
	for a, j := range pr.Live {
		p := m.Scale[j]
		pr.Sigma[a], pr.L2w[a] = penalisedScale(cov(j, j), l2, p)
		pr.L1w[a] = float64(l1*m.YScale) * p / pr.Sigma[a]
	}
	pr.YY = cov(y, y)
	if m.Diagonal {
		return pr // no products between columns: A and C stay nil
	}
	pr.A, pr.C = make([]float64, k*k), make([]float64, k)
	for a, j := range pr.Live {
		for b, kk := range pr.Live {
			pr.A[a*k+b] = cov(j, kk) / pr.Sigma[a] / pr.Sigma[b]
		}
		pr.C[a] = cov(j, y) / pr.Sigma[a]
	}
	return pr
}

// penalisedScale returns σ = √(v + λ), the standardising scale of a
// column of variance v (scaled units) under the ridge penalty λ = l2·p²
// of a column scaled by p, and the penalty's share λ/σ² of the penalised
// curvature. A column of tiny values has a huge p: without a penalty p²
// may overflow (and 0·∞ is NaN), so it is not formed; with one, λ itself
// may overflow although σ and λ/σ² exist, and they are then computed as
// σ = p·√(l2 + v/p²) without squaring p.
func penalisedScale(v, l2, p float64) (sigma, share float64) {
	if l2 == 0 {
		return math.Sqrt(v), 0
	}
	lambda := float64(l2 * float64(p*p))
	if !math.IsInf(lambda, 0) {
		sigma = math.Sqrt(v + lambda)
		return sigma, lambda / float64(sigma*sigma)
	}
	// p > 1 here, so v/p/p cannot overflow; √l2·p/σ = 1/√(1 + v/(l2·p²)).
	r := v / p / p
	sigma = p * math.Sqrt(l2+r)
	q := math.Sqrt(l2) / math.Sqrt(l2+r)
	return sigma, float64(q * q)
}

// K returns the number of coefficients of the problem.
func (pr *Problem) K() int { return len(pr.Live) }

// Value returns F(v), the objective with its penalties.
func (pr *Problem) Value(v []float64, av []float64) float64 {
	k := pr.K()
	kernels.GemvN(k, k, pr.A, max(k, 1), v, av)
	f := 0.5*kernels.Dot(v, av) - kernels.Dot(pr.C, v) + 0.5*pr.YY
	for a := range v {
		f += float64(pr.L1w[a]*math.Abs(v[a])) + float64(0.5*float64(pr.L2w[a]*float64(v[a]*v[a])))
	}
	return f
}

// Coef returns the coefficients of every column in data units, and the
// intercept (0 without one), for standardised coefficients v.
func (pr *Problem) Coef(v []float64) (coef []float64, intercept float64) {
	m := pr.M
	coef = make([]float64, m.Cols)
	for a, j := range pr.Live {
		// β_j = u_j·p_j/p_y with u_j = v_j/σ_j.
		coef[j] = v[a] / pr.Sigma[a] * m.Scale[j] / m.YScale
	}
	if pr.Intercept {
		intercept = m.YMean()
		for a, j := range pr.Live {
			intercept = math.FMA(-coef[j], m.Mean(j), intercept)
			_ = a
		}
	}
	return coef, intercept
}

// Restrict returns the problem on the live columns keep (indices into
// Live, increasing) only: the least-squares problem without the others,
// as if they were not in X (their coefficients 0), sharing pr's moments.
func (pr *Problem) Restrict(keep []int) *Problem {
	k, kk := pr.K(), len(keep)
	out := &Problem{M: pr.M, Intercept: pr.Intercept, YY: pr.YY,
		Live: make([]int, kk), Sigma: make([]float64, kk), L1w: make([]float64, kk), L2w: make([]float64, kk)}
	for b, a := range keep {
		out.Live[b], out.Sigma[b], out.L1w[b], out.L2w[b] = pr.Live[a], pr.Sigma[a], pr.L1w[a], pr.L2w[a]
	}
	if pr.A == nil {
		return out
	}
	out.A, out.C = make([]float64, kk*kk), make([]float64, kk)
	for b, a := range keep {
		for b2, a2 := range keep {
			out.A[b*kk+b2] = pr.A[a*k+a2]
		}
		out.C[b] = pr.C[a]
	}
	return out
}
