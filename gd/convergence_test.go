package gd

import (
	"fmt"
	"math"
	"testing"
)

// convergenceProblems returns the least-squares problems of the
// convergence tests, all with an intercept:
//
//   - exact: y = X·w* + b, so the minimiser is w* and every example's
//     gradient vanishes there (SGD converges even at a constant rate);
//   - noisy: y has noise, and the minimiser comes from gonum's QR;
//   - scaled: exact, columns scaled 0.1 … 10, cond(XᵀX) ≈ 8e3 (-short:
//     0.2 … 5, ≈ 5e2);
//   - correlated: noisy, columns sharing one common factor, cond(XᵀX) ≈
//     1e4 (-short: ≈ 1e3); FullBatch only.
func convergenceProblems(t *testing.T) (exact, noisy, scaled, correlated *lsProblem) {
	scales := []float64{0.1, 0.3, 1, 3, 10, 1}
	corr := 0.03
	minCond := 3e3
	if testing.Short() {
		scales = []float64{0.2, 0.5, 1, 2, 5, 1}
		corr = 0.1
		minCond = 3e2
	}
	exact = newProblem(t, problemSpec{name: "exact", seed: 11, n: 60, p: 6, intercept: true})
	noisy = newProblem(t, problemSpec{name: "noisy", seed: 12, n: 60, p: 6, intercept: true, noise: 0.5})
	scaled = newProblem(t, problemSpec{name: "scaled", seed: 13, n: 60, p: 6, intercept: true, scales: scales})
	correlated = newProblem(t, problemSpec{name: "correlated", seed: 14, n: 60, p: 6, intercept: true, corr: corr, noise: 0.2})
	// The ill-conditioned problems must really be ill-conditioned.
	for _, pr := range []*lsProblem{scaled, correlated} {
		if pr.cond() < minCond {
			t.Fatalf("%s problem: cond(XᵀX) = %.3g, want ≥ %.0e", pr.name, pr.cond(), minCond)
		}
	}
	return exact, noisy, scaled, correlated
}

// TestConvergenceFullBatch runs every update rule on every problem with
// full-batch steps and requires the minimiser to 1e-8 relative. Plain,
// momentum and Nesterov use the rate 1/L, L the largest eigenvalue of
// XᵀX/n; Adam, whose steps are in parameter units, 0.01. The run stops on
// a gradient norm ≤ 0.1·tol·λmin·‖w*‖, which on a quadratic bounds the
// error by tol/10; the error itself is measured against the independent
// minimiser.
func TestConvergenceFullBatch(t *testing.T) {
	const tol = 1e-8
	exact, noisy, scaled, correlated := convergenceProblems(t)
	for _, pr := range []*lsProblem{exact, noisy, scaled, correlated} {
		for _, u := range allUpdates() {
			t.Run(pr.name+"/"+u.name, func(t *testing.T) {
				rate := 1 / pr.lmax
				if u.name == "adam" {
					rate = 0.01
				}
				gradTol := 0.1 * tol * pr.lmin * norm(pr.want)
				res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), Config{
					Method: FullBatch, Rate: rate, Update: u.u, GradTol: gradTol, MaxEpochs: 1_000_000,
				})
				if e := relErr(res.W, pr.want); e > tol {
					t.Errorf("relative error %.3g > %g after %d epochs (stop: %v)\nW    = %v\nwant = %v", e, tol, res.Epochs, res.Stop, res.W, pr.want)
				}
				if res.Stop != StopGradTol {
					t.Errorf("stopped by %v, want %v", res.Stop, StopGradTol)
				}
				if g := norm(pr.gradient(res.W)); g > gradTol*(1+1e-6) {
					t.Errorf("gradient norm at W is %.3g > GradTol %.3g", g, gradTol)
				}
				// Result.Loss is f(W), exactly evaluated.
				// (Near 0 the loop's own rounding dominates: compare
				// against a floor well below the initial loss.)
				if l := pr.loss(res.W); math.Abs(res.Loss-l) > 1e-12*max(l, 1e-10*res.InitialLoss) {
					t.Errorf("Result.Loss = %.17g, loop gives %.17g", res.Loss, l)
				}
				// Plain gradient descent with rate ≤ 1/L never increases
				// the loss (but for a rounding at the optimum).
				if u.name == "plain" {
					for i := 1; i < len(res.History); i++ {
						if res.History[i].Loss > res.History[i-1].Loss*(1+1e-13) {
							t.Fatalf("loss rose from %.17g to %.17g at epoch %d", res.History[i-1].Loss, res.History[i].Loss, i+1)
						}
					}
				}
			})
		}
	}
}

// TestConvergenceStochastic runs SGD and mini-batch (B = 10, dividing
// N = 60) with every update rule.
//
// On the exact problems every example's gradient vanishes at w*, so a
// small constant rate converges to w* itself (1e-10 relative when well
// conditioned, 1e-4 on the scaled one); the runs stop once the epoch loss
// is far below what that error allows. Adam's normalised steps need a
// decaying rate even there. On the noisy problem the rate decays linearly
// to 1/1000 of its start (WarmupLinear), and the tolerance is 1e-3.
func TestConvergenceStochastic(t *testing.T) {
	exact, noisy, scaled, _ := convergenceProblems(t)
	for _, m := range []Method{SGD, MiniBatch} {
		for _, pr := range []*lsProblem{exact, scaled, noisy} {
			for _, u := range allUpdates() {
				t.Run(fmt.Sprintf("%v/%s/%s", m, pr.name, u.name), func(t *testing.T) {
					cfg, tol := stochasticConfig(m, pr, u)
					res := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
					if e := relErr(res.W, pr.want); e > tol {
						t.Errorf("relative error %.3g > %g after %d epochs (stop: %v)\nW    = %v\nwant = %v", e, tol, res.Epochs, res.Stop, res.W, pr.want)
					}
				})
			}
		}
	}
}

// stochasticConfig returns the configuration and tolerance of one case
// of TestConvergenceStochastic.
func stochasticConfig(m Method, pr *lsProblem, u namedUpdate) (Config, float64) {
	cfg := Config{Method: m, Update: u.u, Seed: 5}
	steps := pr.n // per epoch
	curv := pr.rowMax
	if m == MiniBatch {
		cfg.BatchSize = 10
		steps = pr.n / 10
		curv = pr.lmax
	}
	momentum := u.name == "momentum" || u.name == "nesterov"
	decay := func(base float64, epochs int) Schedule {
		cfg.MaxEpochs = epochs
		return WarmupLinear{Base: base, Final: base / 1000, DecayStart: steps * epochs / 4, Total: steps * epochs}
	}
	adamBase := 0.01
	if m == MiniBatch {
		adamBase = 0.03
	}
	if pr.name == "noisy" {
		base := 0.3 / curv
		if momentum {
			base /= 10 // momentum 0.9 multiplies the step by 10
		}
		if u.name == "adam" {
			base = adamBase
		}
		cfg.Schedule = decay(base, 300)
		return cfg, 1e-3
	}
	tol := 1e-10
	if pr.name == "scaled" {
		tol = 1e-4
	}
	// Stop once ½·λmin·‖w − w*‖² ≤ loss is far below the tolerance.
	cfg.LossBelow = 0.5 * pr.lmin * math.Pow(0.01*tol*norm(pr.want), 2)
	switch {
	case u.name == "adam":
		epochs := 300
		if pr.name == "scaled" {
			epochs = 1000
		}
		cfg.Schedule = decay(adamBase, epochs)
		tol = max(tol, 1e-6)
	case momentum:
		cfg.Rate = 0.1 / curv
		cfg.MaxEpochs = 30000
	default:
		cfg.Rate = 1 / curv
		cfg.MaxEpochs = 30000
	}
	return cfg, tol
}

// TestConvergenceInverseScaling: plain SGD with scikit-learn's
// inverse-scaling rate (Power 0.5) reaches the noisy minimiser.
func TestConvergenceInverseScaling(t *testing.T) {
	_, noisy, _, _ := convergenceProblems(t)
	res := mustMinimize(t, noisy.objective(t), make([]float64, noisy.d()), Config{
		Method: SGD, Schedule: InverseScaling{Eta0: 1 / noisy.rowMax, Power: 0.5}, MaxEpochs: 1000, Seed: 5,
	})
	if e := relErr(res.W, noisy.want); e > 1e-3 {
		t.Errorf("relative error %.3g > 1e-3\nW    = %v\nwant = %v", e, res.W, noisy.want)
	}
}

// TestConvergenceCustomObjective minimises a separable quadratic that is
// not least squares, and whose penalised parameters are not a prefix,
// with L2 alone for every method and update, and with elastic net (L1 and
// L2) for plain steps: gd must honour Objective.Penalized and reach the
// closed-form minimiser, with exact zeros where L1 puts them. The
// unpenalised parameters' optimum is the plain mean of their centres; had
// gd penalised them, they would shrink towards 0 and miss it.
func TestConvergenceCustomObjective(t *testing.T) {
	a := []float64{1, 2, 0.5, 4, 1, 3, 0.7}
	pen := []bool{true, false, true, true, false, true, true}
	// Centres: with L1 = 0.3 or 0.5, parameters 2 and 5 are zero at the
	// optimum (|a·c̄| ≤ 0.2), 0, 3 and 6 are not.
	centre := []float64{-0.8, 1.2, 0.1, -0.5, 0.7, 0, 1}
	q := newSepQuad(21, 40, a, centre, pen)
	type penalty struct{ l1, l2 float64 }
	for _, pn := range []penalty{{0, 0.2}, {0.3, 0.2}, {0.5, 0}} {
		want := q.minimizer(pn.l1, pn.l2)
		zeros, nonzeros := 0, 0
		for j, v := range want {
			switch {
			case v == 0:
				zeros++
			case pn.l1 > 0 && !pen[j]:
			default:
				nonzeros++
			}
		}
		if pn.l1 > 0 && (zeros < 2 || nonzeros < 2) {
			t.Fatalf("L1 = %g: the minimiser %v should have at least two zeros and two penalised non-zeros", pn.l1, want)
		}
		for _, m := range allMethods {
			for _, u := range allUpdates() {
				if pn.l1 > 0 && u.name != "plain" {
					continue // see TestL1WithMomentumAndAdam
				}
				t.Run(fmt.Sprintf("L1=%g/L2=%g/%v/%s", pn.l1, pn.l2, m, u.name), func(t *testing.T) {
					cfg := Config{Method: m, Update: u.u, L1: pn.l1, L2: pn.l2, Seed: 9}
					curv := 4 + pn.l2
					tol := 1e-10
					switch {
					case m == FullBatch && u.name == "adam":
						cfg.Rate, cfg.MaxEpochs = 0.01, 20000
						cfg.GradTol = 1e-12
					case m == FullBatch:
						cfg.Rate, cfg.MaxEpochs = 1/curv, 20000
						cfg.GradTol = 1e-12
					default:
						// Examples disagree at the optimum: decay the rate.
						if m == MiniBatch {
							cfg.BatchSize = 8
						}
						steps := 40 / max(cfg.BatchSize, 1)
						base := 0.5 / curv
						if u.name == "momentum" || u.name == "nesterov" {
							base /= 10
						}
						if u.name == "adam" {
							base = 0.01
						}
						cfg.MaxEpochs = 400
						cfg.Schedule = WarmupLinear{Base: base, Final: base / 1000, DecayStart: steps * 100, Total: steps * 400}
						tol = 1e-3
					}
					res := mustMinimize(t, q, make([]float64, len(a)), cfg)
					if e := relErr(res.W, want); e > tol {
						t.Errorf("relative error %.3g > %g (stop %v after %d epochs)\nW    = %v\nwant = %v", e, tol, res.Stop, res.Epochs, res.W, want)
					}
					if m == FullBatch {
						for j := range want {
							if (want[j] == 0) != (res.W[j] == 0) {
								t.Errorf("W[%d] = %g, want %g: zeros must be exact", j, res.W[j], want[j])
							}
						}
					}
				})
			}
		}
	}
}
