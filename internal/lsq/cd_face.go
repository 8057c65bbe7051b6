package lsq

import (
	"context"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// faceDescent moves v to the minimum of the objective on the face of its
// signs (the support of v, each coefficient keeping its sign, the others
// 0), or of a smaller face, and sets q = A·v.
//
// On the face the objective is the quadratic ½·vᵀHv − bᵀv, H the
// penalised curvature of the support and b = c − λ1⊙sign(v), whose
// minimum w solves H·w = b. When w keeps the signs of v, it is the
// minimum on the face. When it does not, the objective falls along the
// segment from v to w (a convex quadratic, least at w), so v moves along
// it to the first point where a coefficient reaches 0, that coefficient
// leaves the support, and the solve is repeated on the smaller face
// (the step of the feature-sign search of Lee, Battle, Raina and Ng,
// 2007). Each round drops a coefficient, so there are at most k_s + 1.
//
// A support whose curvature is singular (columns that are combinations
// of others, without L2) has no unique minimum on its face: v is first
// moved along the null space (reduceSupport), where the fit does not
// change, until the support is independent.
//
// The objective at v does not grow.
func (pr *Problem) faceDescent(ctx context.Context, v, q []float64) error {
	k := pr.K()
	for range k + 1 {
		s, h := pr.supportCurvature(v)
		if len(s) == 0 {
			break
		}
		ch, err := Factor(ctx, h, len(s))
		if err != nil {
			return err
		}
		if len(ch.Dependent) > 0 {
			pr.reduceSupport(v)
			continue
		}
		w := make([]float64, len(s))
		for a, j := range s {
			w[a] = pr.C[j] - math.Copysign(pr.L1w[j], v[j])
		}
		ch.Solve(w)
		// The first sign change on the segment from v to w, at v + t·(w − v).
		t, first := 1.0, -1
		for a, j := range s {
			if w[a] == 0 || math.Signbit(w[a]) != math.Signbit(v[j]) {
				// v_j and w_a have opposite signs (or w_a = 0): t ∈ (0, 1].
				if at := v[j] / (v[j] - w[a]); first < 0 || at < t {
					t, first = at, a
				}
			}
		}
		if first < 0 {
			for a, j := range s {
				v[j] = w[a]
			}
			break
		}
		for a, j := range s {
			x := math.FMA(t, w[a]-v[j], v[j])
			// The first to change sign leaves; so does any other that
			// rounding has taken to 0 or beyond at the same point.
			if a == first || x == 0 || math.Signbit(x) != math.Signbit(v[j]) {
				x = 0
			}
			v[j] = x
		}
	}
	kernels.GemvN(k, k, pr.A, k, v, q)
	return nil
}

// optimal reports whether the minimum v of a face (q = A·v) is the
// problem's: the zeros' conditions |g_j| ≤ λ1_j hold exactly, and the
// others' to tol.
func (pr *Problem) optimal(v, q []float64, tol float64) bool {
	for j, vj := range v {
		if vj == 0 && math.Abs(math.FMA(pr.L2w[j], vj, q[j]-pr.C[j])) > pr.L1w[j] {
			return false
		}
	}
	return pr.violation(v, q) <= tol
}

// faceKey returns a hash of the signs of v (FNV-1a), which name its face.
func faceKey(v []float64) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range v {
		s := byte(1)
		switch {
		case x > 0:
			s = 2
		case x < 0:
			s = 0
		}
		h = (h ^ uint64(s)) * 1099511628211
	}
	return h
}
