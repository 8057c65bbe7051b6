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
// coordinate descent on the Gram matrix (scikit-learn's precompute=True)
// to find the support, and exact steps on the support (faceDescent) to
// solve on it.
//
// A sweep updates each coefficient in turn to the minimum along it, soft
// thresholded, keeping q = A·v current with one kernels.Axpy per change
// (and recomputing it after the sweep, so that rounding does not build
// up). Alone, it converges linearly at a rate set by the conditioning: on
// a nearly rank-one Gram (no intercept on columns with large offsets, one
// far row among few) it needs millions of sweeps, though its signs settle
// within a few. So once the signs have held for faceStable sweeps, at
// least every faceEvery sweeps, and when the optimality (KKT) conditions
// hold to CDTol·l1_max, a face step moves to the exact minimum on the
// support with its signs, dropping the coefficients that would change
// sign. That is the answer, with exact zeros, if every zero coefficient's
// condition |g_j| ≤ λ1_j holds with no tolerance (on an ill-conditioned
// Gram, a gradient of CDTol·l1_max can still move the coefficients by
// 10⁻⁶) and the others' to CDTol·l1_max (the solve's rounding); g is the
// gradient of the smooth part. Otherwise the objective has not grown, and
// the sweeps go on from there to bring in the coefficients that must
// leave 0.
//
// A face step that ends on a face (support and signs) it has ended on
// before also ends the descent: it is the same solve, so the same bits,
// and the same sweeps and steps would follow for ever. As neither raises
// the objective, in exact arithmetic that happens only at the minimum; in
// floating point, where the conditions fail by no more than the rounding
// of A·v − c, about u·(|c| + Σ|v_j|), which CDTol·l1_max does not cover
// when l1_max is small (a far row).
//
// It looks at ctx between sweeps and in the factorisations, and calls
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
	w, qw := make([]float64, k), make([]float64, k)
	signs, stable, sinceFace := make([]int8, k), 0, 0
	faces := map[uint64]bool{} // the faces (signs) of the face steps' minima so far
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
		pr.sweep(v, q)
		kernels.GemvN(k, k, pr.A, k, v, q)
		converged := pr.violation(v, q) <= tol
		if updateSigns(signs, v) {
			stable = 0
		} else {
			stable++
		}
		if sinceFace++; !converged && stable < faceStable && sinceFace < faceEvery {
			continue
		}
		copy(w, v)
		if err := pr.faceDescent(ctx, w, qw); err != nil {
			return nil, err
		}
		face := faceKey(w)
		if pr.optimal(w, qw, tol) || faces[face] {
			return w, nil
		}
		faces[face] = true
		copy(v, w)
		copy(q, qw)
		updateSigns(signs, v)
		stable, sinceFace = 0, 0
	}
}

// Face steps: after faceStable sweeps without a change of sign, and at
// least every faceEvery sweeps. A face step costs a factorisation of the
// support's curvature, k_s³/3 multiply-adds, as much as k_s/3 sweeps.
const (
	faceStable = 2
	faceEvery  = 8
)

// sweep updates each coefficient of v in turn to the minimum of the
// objective along it, keeping q = A·v current.
func (pr *Problem) sweep(v, q []float64) {
	k := pr.K()
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

// supportCurvature returns the coefficients of v that are not 0 and the
// penalised curvature on them, A + diag(L2w) (unit diagonal), row-major.
func (pr *Problem) supportCurvature(v []float64) (s []int, h []float64) {
	k := pr.K()
	for j, vj := range v {
		if vj != 0 {
			s = append(s, j)
		}
	}
	ks := len(s)
	h = make([]float64, ks*ks)
	for a, j := range s {
		for c, jj := range s {
			h[a*ks+c] = pr.A[j*k+jj]
		}
		h[a*ks+a] += pr.L2w[j]
	}
	return s, h
}

// reduceSupport moves v, while the curvature on its support has a
// dependent column, along that column's relation n (H·n ≈ 0: the fit
// does not change) in the direction where the L1 penalty does not grow,
// until a coefficient reaches 0, which leaves the support; each round
// takes one coefficient out. The lasso's objective does not grow, and
// the support that remains has a unique solution with its signs.
func (pr *Problem) reduceSupport(v []float64) {
	for range len(v) {
		s, h := pr.supportCurvature(v)
		ch, err := Factor(context.Background(), h, len(s))
		if err != nil || len(ch.Dependent) == 0 {
			return
		}
		a := ch.Dependent[0]
		n := make([]float64, len(s)) // on the support: column a − Σ c_t·column t ≈ 0
		for t, c := range ch.Relation(a) {
			n[t] = -c
		}
		n[a] = 1
		var slope float64 // of the L1 penalty along +n
		for t, j := range s {
			slope += math.Copysign(pr.L1w[j], v[j]) * n[t]
		}
		step := func(dir float64) (float64, int) {
			best, at := math.Inf(1), -1
			for t, j := range s {
				if d := dir * n[t]; d != 0 && math.Signbit(d) != math.Signbit(v[j]) {
					if tau := -v[j] / d; tau < best {
						best, at = tau, t
					}
				}
			}
			return best, at
		}
		dir := 1.0
		if slope > 0 {
			dir = -1
		}
		tau, at := step(dir)
		if at < 0 {
			dir = -dir // slope 0: either way; n_a = 1 with v_a ≠ 0 stops one of them
			tau, at = step(dir)
		}
		for t, j := range s {
			v[j] = math.FMA(float64(tau*dir), n[t], v[j])
		}
		v[s[at]] = 0
	}
}
