package lsq

import (
	"context"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// CDTol is the tolerance of Lasso's optimality conditions, relative to
// l1_max = max_j |c_j|: the smallest L1 weight for which every
// coefficient is 0 (scikit-learn's alpha_max, in these units).
const CDTol = 1e-12

// MaxSweeps caps Lasso's sweeps of coordinate descent; far more than any
// problem here needs (each sweep is k² multiply-adds on the Gram).
const MaxSweeps = 100000

// Lasso minimises the problem with its L1 (and L2) penalties by cyclic
// coordinate descent on the Gram matrix (scikit-learn's precompute=True):
// a sweep updates each coefficient in turn to the minimum along it, soft
// thresholded, keeping q = A·v current with one kernels.Axpy per change
// (and recomputing it after the sweep, so that rounding does not build
// up). Once the signs of the coefficients have held for a few sweeps it
// tries to finish: the coefficients that are not 0 solve their optimality
// conditions with those signs exactly (a Cholesky factorisation of their
// part of the curvature), which is the answer if the signs hold and the
// conditions of the others too (to CDTol·l1_max); otherwise the sweeps go
// on. The zeros are exact. It looks at ctx between sweeps, and calls
// sweep, if not nil, as each starts (tests count them).
func (pr *Problem) Lasso(ctx context.Context, maxSweeps int, sweep func()) ([]float64, error) {
	k := pr.K()
	v := make([]float64, k)
	if k == 0 {
		return v, nil
	}
	l1max := math.Abs(pr.C[kernels.Iamax(pr.C)])
	tol := CDTol * l1max
	if tol == 0 {
		return v, nil // c = 0: every coefficient is 0
	}
	q := make([]float64, k) // A·v
	signs, stable := make([]int8, k), 0
	for sweeps := 0; ; sweeps++ {
		if sweep != nil {
			sweep()
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if sweeps == maxSweeps {
			return nil, fmt.Errorf("lsq: coordinate descent did not converge in %d sweeps (the optimality (KKT) conditions still fail by %.3g, tolerance %.3g)", maxSweeps, pr.violation(v, q), tol)
		}
		for j := range k {
			ajj := pr.A[j*k+j]
			old := v[j]
			// The minimum along j: the gradient without j's own term.
			z := pr.C[j] - q[j] + float64(ajj*old)
			next := softThreshold(z, pr.L1w[j]) / (ajj + pr.L2w[j])
			if next != old {
				kernels.Axpy(next-old, pr.A[j*k:(j+1)*k], q)
				v[j] = next
			}
		}
		kernels.GemvN(k, k, pr.A, k, v, q)
		if pr.violation(v, q) <= tol {
			break
		}
		if changed := updateSigns(signs, v); changed {
			stable = 0
		} else if stable++; stable == 3 && pr.polish(v, q, tol) {
			break
		}
	}
	pr.polish(v, q, tol)
	return v, nil
}

// updateSigns records the signs of v and reports whether any changed.
func updateSigns(signs []int8, v []float64) bool {
	changed := false
	for j, x := range v {
		s := int8(0)
		switch {
		case x > 0:
			s = 1
		case x < 0:
			s = -1
		}
		if s != signs[j] {
			signs[j], changed = s, true
		}
	}
	return changed
}

// softThreshold returns sign(z)·max(|z| − t, 0).
func softThreshold(z, t float64) float64 {
	switch {
	case z > t:
		return z - t
	case z < -t:
		return z + t
	}
	return 0
}

// violation returns the largest failure of the optimality conditions at
// v (q = A·v): for v_j ≠ 0, |g_j + λ1_j·sign(v_j)|; for v_j = 0, how far
// |g_j| exceeds λ1_j; g = A·v − c + λ2⊙v.
func (pr *Problem) violation(v, q []float64) float64 {
	worst := 0.0
	for j, vj := range v {
		g := math.FMA(pr.L2w[j], vj, q[j]-pr.C[j])
		var e float64
		switch {
		case vj > 0:
			e = math.Abs(g + pr.L1w[j])
		case vj < 0:
			e = math.Abs(g - pr.L1w[j])
		default:
			e = max(math.Abs(g)-pr.L1w[j], 0)
		}
		worst = max(worst, e)
	}
	return worst
}

// polish replaces the support of v by the exact solution of its
// optimality conditions with its signs, when that solution keeps them
// and the conditions hold (to tol) everywhere, and reports whether it did;
// otherwise v is kept.
func (pr *Problem) polish(v, q []float64, tol float64) bool {
	k := pr.K()
	var s []int
	for j, vj := range v {
		if vj != 0 {
			s = append(s, j)
		}
	}
	if len(s) == 0 {
		return false
	}
	ks := len(s)
	h := make([]float64, ks*ks)
	b := make([]float64, ks)
	for a, j := range s {
		for c, jj := range s {
			h[a*ks+c] = pr.A[j*k+jj]
		}
		h[a*ks+a] += pr.L2w[j]
		b[a] = pr.C[j] - math.Copysign(pr.L1w[j], v[j])
	}
	ch, err := Factor(context.Background(), h, ks) // one k_s³/3 solve, as long as a few sweeps
	if err != nil || len(ch.Dependent) > 0 {
		return false
	}
	ch.Solve(b)
	w := make([]float64, k)
	for a, j := range s {
		if math.Signbit(b[a]) != math.Signbit(v[j]) || b[a] == 0 {
			return false
		}
		w[j] = b[a]
	}
	qw := make([]float64, k)
	kernels.GemvN(k, k, pr.A, k, w, qw)
	if pr.violation(w, qw) > tol {
		return false
	}
	copy(v, w)
	copy(q, qw)
	return true
}
