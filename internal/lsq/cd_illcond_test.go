package lsq

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// illCondSweeps bounds Lasso's sweeps on the ill-conditioned problems of
// TestLassoIllConditioned: they take 16 at most. Coordinate descent alone
// (with a finish only once its signs first settled) did not converge in
// 100,000 on most of them, and took about 4,200 on the far 13065×7 set.
const illCondSweeps = 30

// TestLassoIllConditioned: on nearly rank-one Grams (no intercept on
// columns with large offsets, a first row far from the others) Lasso
// ends within illCondSweeps sweeps, at the exact minimum: its support and
// signs pass lassoCertificate's 256-bit optimality check, and its
// coefficients are within the rounding the conditioning allows of the
// 256-bit minimum on that support. The problems are the golden table's
// (engineGoldenSets) on which coordinate descent failed, columns
// 1000·(j+1) + N(0,1) without intercept, and 300×64 rows with one 10⁴
// times the others, along a path of L1 weights, lasso and elastic net.
func TestLassoIllConditioned(t *testing.T) {
	type problem struct {
		name string
		pr   *Problem
	}
	var problems []problem
	moments := func(d Data, intercept bool) *Moments {
		m, err := ComputeMoments(context.Background(), nil, d, intercept)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, s := range []engineGoldenSet{
		{100, 7, "offset"}, {2*kernels.BlockRows + 5, 7, "offset"},
		{3*kernels.BlockRows + 777, 7, "far"}, {300, 64, "far"},
	} {
		for _, intercept := range []bool{true, false} {
			m := moments(s.data(false), intercept)
			for _, pen := range engineGoldenPenalties {
				if pen[0] > 0 {
					problems = append(problems, problem{fmt.Sprintf("golden %s intercept=%v %s", s.desc(), intercept, penaltyDesc(pen[0], pen[1])),
						NewProblem(m, intercept, pen[0], pen[1])})
				}
			}
		}
	}
	path := func(name string, m *Moments, intercept bool) {
		for _, l2 := range []float64{0, 0.1} {
			l1max := dataL1Max(NewProblem(m, intercept, 1, l2))
			for _, f := range []float64{1e-2, 1e-3, 1e-6, 1e-9} {
				problems = append(problems, problem{fmt.Sprintf("%s intercept=%v l1=%g·l1max l2=%g", name, intercept, f, l2),
					NewProblem(m, intercept, f*l1max, l2)})
			}
		}
	}
	for _, n := range []int{100, 2*kernels.BlockRows + 5} {
		path(fmt.Sprintf("%dx7 offsets 1000·(j+1)", n), moments(illCondData(n, 7, 1000, 1, 5), false), false)
	}
	far := illCondData(300, 64, 0, 1e4, 9)
	for _, intercept := range []bool{true, false} {
		path("300x64 far row", moments(far, intercept), intercept)
	}

	for _, p := range problems {
		t.Run(p.name, func(t *testing.T) {
			sweeps := 0
			v, err := p.pr.Lasso(context.Background(), 1000, func() { sweeps++ })
			if err != nil {
				t.Fatal(err)
			}
			ref, err := lassoCertificate(p.pr, v)
			if err != nil {
				t.Fatalf("after %d sweeps, not the minimum: %v\nv = %v", sweeps, err, v)
			}
			kappa, ks := supportCondition(t, p.pr, ref)
			e := relErr(v, ref)
			// A backward stable solve on the support: an error of κ·u
			// times a modest multiple of its size.
			bound := float64(16*ks) * kappa * 0x1p-53
			t.Logf("%d sweeps, %d coefficients not 0, κ %.3g, error %.3g (bound %.3g)", sweeps, ks, kappa, e, bound)
			if sweeps > illCondSweeps || !(e <= bound) {
				t.Errorf("%d sweeps (want ≤ %d), error %.3g of the largest coefficient from the 256-bit minimum (want ≤ %.3g)", sweeps, illCondSweeps, e, bound)
			}
		})
	}
}

// illCondData returns n rows of p columns offset·(j+1) + N(0,1), and
// y = x·β + N(0,1) with every third β_j zero; then the first row's
// features are multiplied by far (1: none), leaving its target.
func illCondData(n, p int, offset, far float64, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	beta := make([]float64, p)
	for j := range beta {
		if j%3 != 2 {
			beta[j] = rng.NormFloat64()
		}
	}
	x, y := make([]float64, n*p), make([]float64, n)
	for i := range n {
		for j := range p {
			x[i*p+j] = math.FMA(offset, float64(j+1), rng.NormFloat64())
			y[i] = math.FMA(beta[j], x[i*p+j], y[i])
		}
		y[i] += rng.NormFloat64()
	}
	for j := range p {
		x[j] *= far
	}
	return Data{X: x, Rows: n, Cols: p, Stride: p, Y: y}
}

// dataL1Max returns the data's l1_max of pr, which must have the data
// L1 1: the smallest L1 at which every coefficient is 0, max_j |c_j|/L1w_j.
func dataL1Max(pr *Problem) float64 {
	var l float64
	for j, c := range pr.C {
		l = max(l, math.Abs(c)/pr.L1w[j])
	}
	return l
}

// relErr returns max_j |v_j − ref_j| / max_j |ref_j|.
func relErr(v, ref []float64) float64 {
	var scale, e float64
	for j := range ref {
		scale = max(scale, math.Abs(ref[j]))
		e = max(e, math.Abs(v[j]-ref[j]))
	}
	if scale == 0 {
		return e
	}
	return e / scale
}

// supportCondition returns the condition number of the penalised
// curvature on the support of v (MaxEigen over MinEigen; 1 for an empty
// support) and the support's size.
func supportCondition(t *testing.T, pr *Problem, v []float64) (float64, int) {
	s, h := pr.supportCurvature(v)
	if len(s) == 0 {
		return 1, 0
	}
	hi, err := MaxEigen(context.Background(), h, len(s))
	if err != nil {
		t.Fatal(err)
	}
	lo, err := MinEigen(context.Background(), h, len(s))
	if err != nil || !(lo > 0) {
		t.Fatalf("the curvature of the support is not positive definite (λ_min %v, %v)", lo, err)
	}
	return hi / lo, len(s)
}
