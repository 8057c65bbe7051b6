package gd

import (
	"fmt"
	"math"
	"testing"
)

// lassoProblem is a noisy least-squares problem whose generating
// coefficients 1, 4 and 6 are zero, so that a moderate L1 zeroes them.
func lassoProblem(t *testing.T) *lsProblem {
	return newProblem(t, problemSpec{name: "lasso", seed: 31, n: 80, p: 8, intercept: true, noise: 0.3, zeros: []int{1, 4, 6}})
}

// checkSupport fails unless want has at least minZero exact zeros and two
// non-zero coefficients, and every zero is strictly inside the lasso's
// dead zone, |∇_j| ≤ 0.9·l1, so that the optimum's zeros are not an
// accident of rounding.
func checkSupport(t *testing.T, pr *lsProblem, want []float64, l1, l2 float64, minZero int) {
	t.Helper()
	g := pr.gradient(want)
	zeros, nonzeros := 0, 0
	for j := range pr.p {
		if want[j] != 0 {
			nonzeros++
			continue
		}
		zeros++
		if math.Abs(g[j]) > 0.9*l1 {
			t.Fatalf("l1 = %g: coefficient %d is zero with |gradient| %.3g, too close to l1", l1, j, math.Abs(g[j]))
		}
	}
	if zeros < minZero || nonzeros < 2 {
		t.Fatalf("l1 = %g, l2 = %g: the reference solution %v has %d zeros and %d non-zeros; the test needs ≥ %d and ≥ 2", l1, l2, want, zeros, nonzeros, minZero)
	}
}

// proxGD runs full-batch proximal gradient descent (Plain, rate 1/L) to a
// proximal-gradient norm of 1e-13.
func proxGD(t *testing.T, pr *lsProblem, l1, l2 float64) Result {
	t.Helper()
	return mustMinimize(t, pr.objective(t), make([]float64, pr.d()), Config{
		Method: FullBatch, Rate: 1 / (pr.lmax + l2), L1: l1, L2: l2, GradTol: 1e-13, MaxEpochs: 100000,
	})
}

// matchExactly requires got to match the reference to 1e-8 relative and
// to have exactly its zeros: == 0, not merely tiny.
func matchExactly(t *testing.T, got, want []float64) {
	t.Helper()
	if e := relErr(got, want); e > 1e-8 {
		t.Errorf("relative error %.3g > 1e-8\ngot  %v\nwant %v", e, got, want)
	}
	for j := range want {
		if (want[j] == 0) != (got[j] == 0) {
			t.Errorf("coefficient %d: got %g, reference %g; the zeros must be exact and the same", j, got[j], want[j])
		}
	}
}

// TestLassoMatchesCoordinateDescent compares full-batch proximal gradient
// descent (Plain with L1) with an independent coordinate-descent lasso
// solver on the same objective, (1/(2n))‖Xw + b − y‖² + l1·‖w‖₁ with an
// unpenalised intercept.
func TestLassoMatchesCoordinateDescent(t *testing.T) {
	pr := lassoProblem(t)
	for _, l1 := range []float64{0.02, 0.1, 0.2} {
		t.Run(fmt.Sprint("l1=", l1), func(t *testing.T) {
			want := lassoCD(t, pr, l1, 0)
			checkSupport(t, pr, want, l1, 0, 2)
			res := proxGD(t, pr, l1, 0)
			matchExactly(t, res.W, want)
			if res.Stop != StopGradTol {
				t.Errorf("stopped by %v, want %v", res.Stop, StopGradTol)
			}
			// Result.Loss includes the penalty.
			var abs float64
			for _, v := range res.W[:pr.p] {
				abs += math.Abs(v)
			}
			if f := pr.loss(res.W) + l1*abs; math.Abs(res.Loss-f) > 1e-12*f {
				t.Errorf("Result.Loss = %.17g, want loss + l1·‖w‖₁ = %.17g", res.Loss, f)
			}
		})
	}
}

// TestElasticNetMatchesCoordinateDescent does the same with L1 and L2
// together: (1/(2n))‖Xw + b − y‖² + l1·‖w‖₁ + (l2/2)·‖w‖².
func TestElasticNetMatchesCoordinateDescent(t *testing.T) {
	pr := lassoProblem(t)
	for _, c := range []struct{ l1, l2 float64 }{{0.15, 0.05}, {0.05, 0.5}, {0.15, 1}} {
		t.Run(fmt.Sprintf("l1=%g/l2=%g", c.l1, c.l2), func(t *testing.T) {
			want := lassoCD(t, pr, c.l1, c.l2)
			checkSupport(t, pr, want, c.l1, c.l2, 1)
			// The L2 term shrinks the solution: it must differ from the
			// pure lasso one, or this test would not test L2.
			if relErr(want, lassoCD(t, pr, c.l1, 0)) < 1e-3 {
				t.Fatal("the L2 term does not change the solution")
			}
			matchExactly(t, proxGD(t, pr, c.l1, c.l2).W, want)
		})
	}
}

// TestRidgeClosedForm compares L2 alone with the closed form
// (XᵀX/n + L2·D)·w = Xᵀy/n, D the identity with a 0 for the intercept,
// for every update rule (L2 enters the gradient, so all of them must
// reach it).
func TestRidgeClosedForm(t *testing.T) {
	pr := lassoProblem(t)
	for _, l2 := range []float64{0.1, 2} {
		want := ridgeSolution(t, pr, l2)
		// The intercept is unpenalised: penalising it too would give a
		// different solution.
		if relErr(want, lassoCD(t, pr, 0, 0)) < 1e-3 {
			t.Fatalf("l2 = %g barely changes the solution", l2)
		}
		for _, u := range allUpdates() {
			t.Run(fmt.Sprintf("l2=%g/%s", l2, u.name), func(t *testing.T) {
				rate := 1 / (pr.lmax + l2)
				if u.name == "adam" {
					rate = 0.01
				}
				res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), Config{
					Rate: rate, Update: u.u, L2: l2, GradTol: 1e-12, MaxEpochs: 100000,
				})
				if e := relErr(res.W, want); e > 1e-9 {
					t.Errorf("relative error %.3g > 1e-9\ngot  %v\nwant %v", e, res.W, want)
				}
				if f := pr.loss(res.W) + 0.5*l2*dot(res.W[:pr.p], res.W[:pr.p]); math.Abs(res.Loss-f) > 1e-12*f {
					t.Errorf("Result.Loss = %.17g, want loss + (l2/2)·‖w‖² = %.17g", res.Loss, f)
				}
			})
		}
	}
}

// TestInterceptUnpenalised: an L1 so large that every coefficient is zero
// leaves the intercept at the mean of y, and a large L2 shrinks the
// coefficients towards 0 but not the intercept.
func TestInterceptUnpenalised(t *testing.T) {
	pr := lassoProblem(t)
	var ybar float64
	for _, v := range pr.y {
		ybar += v
	}
	ybar /= float64(pr.n)
	for _, c := range []struct{ l1, l2 float64 }{{100, 0}, {0, 100}} {
		res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), Config{
			Rate: 1 / (pr.lmax + c.l2), L1: c.l1, L2: c.l2, GradTol: 1e-13, MaxEpochs: 100000,
		})
		for j := range pr.p {
			if c.l1 > 0 && res.W[j] != 0 || math.Abs(res.W[j]) > 0.02 {
				t.Errorf("L1 = %g, L2 = %g: coefficient %d = %g, want (nearly) 0", c.l1, c.l2, j, res.W[j])
			}
		}
		if b := res.W[pr.p]; math.Abs(b-ybar) > 0.03*math.Abs(ybar) {
			t.Errorf("L1 = %g, L2 = %g: intercept %.10g, want mean(y) = %.10g", c.l1, c.l2, b, ybar)
		}
	}
}

// TestLassoStochasticZeros: proximal SGD and mini-batch steps with a
// decaying rate get close to the lasso solution, and mini-batches of 16
// hold coefficients at exactly zero. (Single examples do not: an example's
// gradient often exceeds L1 where the mean gradient does not, so proximal
// SGD's zero coefficients jitter around 0 until the rate has decayed.)
func TestLassoStochasticZeros(t *testing.T) {
	pr := lassoProblem(t)
	const l1 = 0.2
	want := lassoCD(t, pr, l1, 0)
	checkSupport(t, pr, want, l1, 0, 2)
	for _, m := range []Method{SGD, MiniBatch} {
		t.Run(m.String(), func(t *testing.T) {
			cfg := Config{Method: m, L1: l1, MaxEpochs: 300, Seed: 2}
			steps := pr.n
			base := 0.3 / pr.rowMax
			if m == MiniBatch {
				cfg.BatchSize = 16
				steps = pr.n / 16
				base = 0.3 / pr.lmax
			}
			cfg.Schedule = WarmupLinear{Base: base, Final: base / 1000, DecayStart: steps * 75, Total: steps * 300}
			res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
			t.Logf("%v after %d steps", res.Stop, res.Steps)
			if e := relErr(res.W, want); e > 1e-2 {
				t.Errorf("relative error %.3g > 1e-2\ngot  %v\nwant %v", e, res.W, want)
			}
			zeros := 0
			for j := range pr.p {
				if res.W[j] == 0 {
					zeros++
				}
			}
			if m == MiniBatch && zeros == 0 {
				t.Errorf("no coefficient is exactly zero: %v", res.W)
			}
		})
	}
}

// TestL1WithMomentumAndAdam requires the L1 solution from every update
// rule, not only Plain. With Momentum or Nesterov the velocity at a fixed
// point is ∇/(1−Mu), and Adam's step is rate·m̂/(√v̂+ε); without the
// threshold scaled to match (ProxScaler) the first two converge to the
// lasso solution for (1−Mu)·L1 and Adam to neither.
func TestL1WithMomentumAndAdam(t *testing.T) {
	pr := lassoProblem(t)
	const l1 = 0.1
	want := lassoCD(t, pr, l1, 0)
	for _, u := range allUpdates()[1:] {
		t.Run(u.name, func(t *testing.T) {
			cfg := Config{Rate: 1 / pr.lmax, Update: u.u, L1: l1, MaxEpochs: 20000, GradTol: 1e-11}
			if u.name == "adam" {
				// At a constant rate Adam keeps hovering: its step is
				// about rate·sign(g) wherever v̂ has decayed with g.
				cfg.Rate, cfg.Schedule = 0, Exponential{Base: 0.01, Decay: 0.9995}
			}
			res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
			t.Logf("%v after %d steps", res.Stop, res.Steps)
			matchExactly(t, res.W, want)
		})
	}
}
