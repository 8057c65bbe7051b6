package gd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// small returns a noisy least-squares problem of 20 rows, 3 columns and an
// intercept (4 parameters).
func small(t *testing.T) *lsProblem {
	return newProblem(t, problemSpec{name: "small", seed: 51, n: 20, p: 3, intercept: true, noise: 0.3})
}

// TestConfigErrors: every bad configuration is an error wrapping
// ErrConfig that names the offending field, returned before the run
// starts (the callback is never called) and with a zero Result.
func TestConfigErrors(t *testing.T) {
	pr := small(t)
	obj := pr.objective(t)
	other := newProblem(t, problemSpec{seed: 52, n: 10, p: 2, intercept: true}).objective(t)
	w0 := make([]float64, 4)
	nan := math.NaN()
	cases := []struct {
		name string
		obj  Objective
		w0   []float64
		cfg  Config
		want []string // substrings of the message
	}{
		{"no rate", obj, w0, Config{}, []string{"Config.Rate"}},
		{"rate 0 with SGD", obj, w0, Config{Method: SGD}, []string{"Config.Rate"}},
		{"negative rate", obj, w0, Config{Rate: -1}, []string{"Config.Rate", "-1"}},
		{"NaN rate", obj, w0, Config{Rate: nan}, []string{"Config.Rate", "NaN"}},
		{"infinite rate", obj, w0, Config{Rate: math.Inf(1)}, []string{"Config.Rate", "+Inf"}},
		{"rate and schedule", obj, w0, Config{Rate: 0.1, Schedule: Constant(0.1)}, []string{"Config.Rate", "Config.Schedule"}},
		{"zero constant schedule", obj, w0, Config{Schedule: Constant(0)}, []string{"Constant"}},
		{"nil schedule func", obj, w0, Config{Schedule: ScheduleFunc(nil)}, []string{"ScheduleFunc"}},
		{"warm-up after decay start", obj, w0, Config{Schedule: WarmupLinear{Base: 0.1, Final: 0.01, Warmup: 20, DecayStart: 10, Total: 100}}, []string{"WarmupLinear.Warmup", "DecayStart"}},
		{"negative L1", obj, w0, Config{Rate: 0.1, L1: -0.1}, []string{"Config.L1"}},
		{"NaN L1", obj, w0, Config{Rate: 0.1, L1: nan}, []string{"Config.L1"}},
		{"negative L2", obj, w0, Config{Rate: 0.1, L2: -1}, []string{"Config.L2"}},
		{"infinite L2", obj, w0, Config{Rate: 0.1, L2: math.Inf(1)}, []string{"Config.L2"}},
		{"negative Tol", obj, w0, Config{Rate: 0.1, Tol: -1}, []string{"Config.Tol"}},
		{"negative GradTol", obj, w0, Config{Rate: 0.1, GradTol: -1}, []string{"Config.GradTol"}},
		{"NaN LossBelow", obj, w0, Config{Rate: 0.1, LossBelow: nan}, []string{"Config.LossBelow"}},
		{"unknown method", obj, w0, Config{Method: 7, Rate: 0.1}, []string{"Config.Method", "Method(7)"}},
		{"minibatch without BatchSize", obj, w0, Config{Method: MiniBatch, Rate: 0.1}, []string{"Config.BatchSize", "[1, 20]", "got 0"}},
		{"BatchSize above N", obj, w0, Config{Method: MiniBatch, BatchSize: 21, Rate: 0.1}, []string{"Config.BatchSize", "got 21"}},
		{"negative BatchSize", obj, w0, Config{Method: MiniBatch, BatchSize: -1, Rate: 0.1}, []string{"Config.BatchSize"}},
		{"BatchSize with SGD", obj, w0, Config{Method: SGD, BatchSize: 5, Rate: 0.1}, []string{"Config.BatchSize", "sgd"}},
		{"BatchSize with FullBatch", obj, w0, Config{BatchSize: 5, Rate: 0.1}, []string{"Config.BatchSize", "batch"}},
		{"GradTol with SGD", obj, w0, Config{Method: SGD, Rate: 0.1, GradTol: 1e-6}, []string{"Config.GradTol", "FullBatch"}},
		{"GradTol with MiniBatch", obj, w0, Config{Method: MiniBatch, BatchSize: 4, Rate: 0.1, GradTol: 1e-6}, []string{"Config.GradTol"}},
		{"momentum 1", obj, w0, Config{Rate: 0.1, Update: Momentum{Mu: 1}}, []string{"Momentum.Mu", "[0, 1)"}},
		{"negative momentum", obj, w0, Config{Rate: 0.1, Update: Momentum{Mu: -0.5}}, []string{"Momentum.Mu"}},
		{"Nesterov 1.2", obj, w0, Config{Rate: 0.1, Update: Nesterov{Mu: 1.2}}, []string{"Nesterov.Mu"}},
		{"Adam Beta1 1.5", obj, w0, Config{Rate: 0.1, Update: Adam{Beta1: 1.5}}, []string{"Adam.Beta1", "1.5"}},
		{"Adam Beta2 1", obj, w0, Config{Rate: 0.1, Update: Adam{Beta2: 1}}, []string{"Adam.Beta2"}},
		{"Adam negative Eps", obj, w0, Config{Rate: 0.1, Update: Adam{Eps: -1e-8}}, []string{"Adam.Eps"}},
		{"Adam NaN Eps", obj, w0, Config{Rate: 0.1, Update: Adam{Eps: nan}}, []string{"Adam.Eps"}},
		{"short w0", obj, make([]float64, 3), Config{Rate: 0.1}, []string{"len(w0) = 3", "4"}},
		{"long w0", obj, make([]float64, 5), Config{Rate: 0.1}, []string{"len(w0) = 5"}},
		{"NaN in w0", obj, []float64{0, 0, nan, 0}, Config{Rate: 0.1}, []string{"w0[2]", "NaN"}},
		{"Inf in w0", obj, []float64{0, math.Inf(-1), 0, 0}, Config{Rate: 0.1}, []string{"w0[1]", "-Inf"}},
		{"validation with other parameters", obj, w0, Config{Rate: 0.1, Validation: other}, []string{"Config.Validation", "3", "4"}},
		{"DivergenceFactor 0.5", obj, w0, Config{Rate: 0.1, DivergenceFactor: 0.5}, []string{"Config.DivergenceFactor", "0.5"}},
		{"DivergenceFactor 1", obj, w0, Config{Rate: 0.1, DivergenceFactor: 1}, []string{"Config.DivergenceFactor"}},
		{"negative DivergenceFactor", obj, w0, Config{Rate: 0.1, DivergenceFactor: -2}, []string{"Config.DivergenceFactor"}},
		{"NaN DivergenceFactor", obj, w0, Config{Rate: 0.1, DivergenceFactor: nan}, []string{"Config.DivergenceFactor"}},
		{"negative MaxEpochs", obj, w0, Config{Rate: 0.1, MaxEpochs: -1}, []string{"Config.MaxEpochs", "-1"}},
		{"negative MaxSteps", obj, w0, Config{Rate: 0.1, MaxSteps: -5}, []string{"Config.MaxSteps"}},
		{"negative Patience", obj, w0, Config{Rate: 0.1, Patience: -1}, []string{"Config.Patience"}},
		{"negative CallbackEvery", obj, w0, Config{Rate: 0.1, CallbackEvery: -1}, []string{"Config.CallbackEvery"}},
		{"no examples", newSepQuad(1, 0, []float64{1}, []float64{0}, []bool{true}), []float64{0}, Config{Rate: 0.1}, []string{"0 examples"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.Callback = func(Progress) error {
				t.Error("the callback was called: the run started")
				return nil
			}
			res, err := Minimize(context.Background(), c.obj, c.w0, cfg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want one wrapping ErrConfig", err)
			}
			if errors.Is(err, ErrDiverged) {
				t.Errorf("err = %v also wraps ErrDiverged", err)
			}
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %q, want it to mention %q", err, s)
				}
			}
			if !reflect.DeepEqual(res, Result{}) {
				t.Errorf("Result = %+v, want the zero value", res)
			}
		})
	}
}

// TestConfigValidDefaults: the zero values of the optional fields are
// valid, and the documented defaults apply (MaxEpochs 1000, Patience 5,
// Plain updates).
func TestConfigValidDefaults(t *testing.T) {
	pr := small(t)
	res := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 1e-3})
	if res.Epochs != 1000 || res.Stop != StopMaxEpochs {
		t.Errorf("with MaxEpochs and MaxSteps 0: %d epochs, stop %v; want the default 1000, %v", res.Epochs, res.Stop, StopMaxEpochs)
	}
	plain := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 1e-3, Update: Plain{}})
	if i := sameBits(res.W, plain.W); i >= 0 {
		t.Errorf("Update nil and Plain{} differ at %d", i)
	}
	// Patience 0 means 5: a run whose validation loss can only rise after
	// the first epoch stops after epoch 1 + 5.
	val := newProblem(t, problemSpec{seed: 53, n: 20, p: 3, intercept: true, noise: 0.3}).objective(t)
	r2, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), Config{Rate: 0.3 / pr.lmax, Validation: &worseAfter{Objective: val, epoch: 1}, MaxEpochs: 100})
	if err != nil || r2.Stop != StopEarly || r2.Epochs != 6 || r2.BestEpoch != 1 {
		t.Errorf("default patience: err %v, stop %v after %d epochs, best %d; want early stopping after 6, best 1", err, r2.Stop, r2.Epochs, r2.BestEpoch)
	}
}

// worseAfter is a validation objective whose loss grows by 10 with every
// call after its epoch-th.
type worseAfter struct {
	Objective
	epoch, calls int
}

func (o *worseAfter) Eval(w []float64, b Batch, grad []float64) float64 {
	o.calls++
	return o.Objective.Eval(w, b, grad) + float64(10*max(o.calls-o.epoch, 0))
}

// TestDivergedRateTooLarge: a rate of 10/L makes every method diverge;
// the error names the step, the epoch and the last finite loss, and no
// parameters come back.
func TestDivergedRateTooLarge(t *testing.T) {
	pr := small(t)
	for _, m := range allMethods {
		for _, u := range allUpdates()[:3] {
			t.Run(m.String()+"/"+u.name, func(t *testing.T) {
				cfg := Config{Method: m, Rate: 10 / pr.lmax, Update: u.u, MaxEpochs: 10000, Seed: 1}
				if m == MiniBatch {
					cfg.BatchSize = 5
				}
				if m == SGD {
					cfg.Rate = 10 / pr.rowMax
				}
				var seen []Progress
				cfg.Callback = func(p Progress) error { seen = append(seen, p); return nil }
				res, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
				checkDiverged(t, res, err)
				var de *DivergedError
				errors.As(err, &de)
				if de.Step <= 0 {
					t.Errorf("DivergedError.Step = %d, want > 0", de.Step)
				}
				if !(de.LastFiniteLoss > 0) || math.IsInf(de.LastFiniteLoss, 0) {
					t.Errorf("LastFiniteLoss = %v, want finite and positive", de.LastFiniteLoss)
				}
				// The last finite loss is that of the last epoch the
				// callback saw, and the diverged epoch is the next one.
				lastLoss, lastEpoch := pr.loss(make([]float64, 4)), 0
				if len(seen) > 0 {
					lastLoss, lastEpoch = seen[len(seen)-1].Loss, seen[len(seen)-1].Epoch
				}
				if math.Float64bits(de.LastFiniteLoss) != math.Float64bits(lastLoss) && math.Abs(de.LastFiniteLoss-lastLoss) > 1e-12*lastLoss {
					t.Errorf("LastFiniteLoss = %.17g, the last epoch the callback saw had %.17g", de.LastFiniteLoss, lastLoss)
				}
				if de.Epoch != lastEpoch+1 {
					t.Errorf("DivergedError.Epoch = %d, but the callback saw epochs up to %d", de.Epoch, lastEpoch)
				}
				if !strings.Contains(err.Error(), fmt.Sprint("step ", de.Step)) || !strings.Contains(err.Error(), "lower the learning rate") {
					t.Errorf("message %q should name the step and suggest a lower rate", err)
				}
			})
		}
	}
}

// checkDiverged requires a *DivergedError wrapping ErrDiverged and a zero
// Result.
func checkDiverged(t *testing.T, res Result, err error) {
	t.Helper()
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("err = %v, want ErrDiverged (Result %v after %d epochs)", err, res.W, res.Epochs)
	}
	var de *DivergedError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T) is not a *DivergedError", err, err)
	}
	if errors.Is(err, ErrConfig) {
		t.Errorf("a divergence also wraps ErrConfig: %v", err)
	}
	if res.W != nil || !reflect.DeepEqual(res, Result{}) {
		t.Errorf("a diverged run returned %+v, want the zero Result", res)
	}
}

// TestDivergedGrowthFactor: DivergenceFactor bounds the epoch loss
// relative to the initial loss; with +Inf the run goes on until a value
// is no longer finite, which is always caught.
func TestDivergedGrowthFactor(t *testing.T) {
	pr := small(t)
	cfg := Config{Rate: 3 / pr.lmax, MaxEpochs: 100000}
	_, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
	var de *DivergedError
	if !errors.As(err, &de) || !strings.Contains(de.What, "exceeds 10000 ×") {
		t.Errorf("default factor: err = %v, want the epoch loss to exceed 10000 × the initial", err)
	}
	cfg.DivergenceFactor = 10
	_, err10 := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
	var de10 *DivergedError
	if !errors.As(err10, &de10) || de10.Step >= de.Step {
		t.Errorf("factor 10: err = %v; it must stop earlier than with 1e4 (step %d)", err10, de.Step)
	}
	cfg.DivergenceFactor = math.Inf(1)
	res, errInf := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
	checkDiverged(t, res, errInf)
	var deInf *DivergedError
	errors.As(errInf, &deInf)
	if !strings.Contains(deInf.What, "Inf") && !strings.Contains(deInf.What, "NaN") {
		t.Errorf("factor +Inf: %q should name a non-finite value", deInf.What)
	}
	if deInf.Step <= de.Step || math.IsInf(deInf.LastFiniteLoss, 0) || math.IsNaN(deInf.LastFiniteLoss) {
		t.Errorf("factor +Inf: diverged at step %d (≤ %d?) with last finite loss %v", deInf.Step, de.Step, deInf.LastFiniteLoss)
	}
}

// TestDivergedNaN: an objective that turns NaN is caught at once, named,
// at the step it happened.
func TestDivergedNaN(t *testing.T) {
	pr := small(t)
	for _, m := range allMethods {
		t.Run(m.String(), func(t *testing.T) {
			obj := &nanAfter{Objective: pr.objective(t), k: 5}
			cfg := Config{Method: m, Rate: 0.01, MaxEpochs: 100}
			if m == MiniBatch {
				cfg.BatchSize = 3
			}
			res, err := Minimize(context.Background(), obj, make([]float64, 4), cfg)
			checkDiverged(t, res, err)
			var de *DivergedError
			errors.As(err, &de)
			if !strings.Contains(de.What, "NaN") || !strings.Contains(err.Error(), "NaN") {
				t.Errorf("What = %q, want it to name NaN", de.What)
			}
			if de.Step != 4 { // the fifth step, counting from 0
				t.Errorf("Step = %d, want 4", de.Step)
			}
			if math.IsNaN(de.LastFiniteLoss) {
				t.Error("LastFiniteLoss is NaN")
			}
		})
	}
	// A NaN initial loss is caught before the first step.
	res, err := Minimize(context.Background(), alwaysNaN{pr.objective(t)}, make([]float64, 4), Config{Rate: 0.01})
	checkDiverged(t, res, err)
	var de *DivergedError
	errors.As(err, &de)
	if de.Step != 0 || !strings.Contains(de.What, "initial loss is NaN") {
		t.Errorf("NaN initial loss: %+v", de)
	}
	// So is a NaN validation loss.
	res, err = Minimize(context.Background(), pr.objective(t), make([]float64, 4), Config{Rate: 0.01, Validation: alwaysNaN{pr.objective(t)}})
	checkDiverged(t, res, err)
	if !strings.Contains(err.Error(), "validation loss is NaN") {
		t.Errorf("NaN validation loss: %v", err)
	}
}

type alwaysNaN struct{ Objective }

func (o alwaysNaN) Eval(w []float64, b Batch, grad []float64) float64 {
	o.Objective.Eval(w, b, grad)
	return math.NaN()
}

// TestAdamHugeRate: whatever a huge rate does to Adam, the outcome is a
// result with finite parameters or a DivergedError, never non-finite W.
func TestAdamHugeRate(t *testing.T) {
	pr := small(t)
	for _, m := range allMethods {
		for _, rate := range []float64{1e3, 1e8, 1e200} {
			t.Run(fmt.Sprintf("%v/%g", m, rate), func(t *testing.T) {
				cfg := Config{Method: m, Rate: rate, Update: Adam{}, MaxEpochs: 50, Seed: 3}
				if m == MiniBatch {
					cfg.BatchSize = 4
				}
				res, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
				if err != nil {
					checkDiverged(t, res, err)
					return
				}
				if !allFinite(res.W) || math.IsInf(res.Loss, 0) || math.IsNaN(res.Loss) {
					t.Errorf("no error but W = %v, loss %v", res.W, res.Loss)
				}
			})
		}
	}
}

// TestCancelBeforeRun: a context cancelled before the run returns
// context.Canceled with the starting parameters and no step taken.
func TestCancelBeforeRun(t *testing.T) {
	pr := small(t)
	for _, m := range allMethods {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w0 := []float64{0.5, -0.25, 1, 2}
		cfg := Config{Method: m, Rate: 0.01}
		if m == MiniBatch {
			cfg.BatchSize = 4
		}
		res, err := Minimize(ctx, pr.objective(t), w0, cfg)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v: err = %v, want context.Canceled", m, err)
		}
		if res.Stop != StopCancelled || res.Steps != 0 || res.Epochs != 0 || sameBits(res.W, w0) >= 0 {
			t.Errorf("%v: stop %v after %d steps, %d epochs, W %v; want cancelled, 0, 0, w0", m, res.Stop, res.Steps, res.Epochs, res.W)
		}
		if l := pr.loss(w0); math.Abs(res.Loss-l) > 1e-12*l || res.InitialLoss != res.Loss {
			t.Errorf("%v: Loss %v, InitialLoss %v, want f(w0) = %v", m, res.Loss, res.InitialLoss, l)
		}
	}
}

// TestCancelFromCallback: cancelling from the callback ends the run with
// context.Canceled and the best parameters at the end of an epoch:
// exactly those of a run stopped at BestEpoch.
func TestCancelFromCallback(t *testing.T) {
	pr := small(t)
	for _, c := range []struct {
		name  string
		cfg   Config
		after func(Progress) bool // cancel when true
	}{
		{"batch/epoch end", Config{Rate: 1 / pr.lmax}, func(p Progress) bool { return p.Epoch == 3 }},
		{"sgd/epoch end", Config{Method: SGD, Rate: 0.3 / pr.rowMax, Seed: 4}, func(p Progress) bool { return p.EndOfEpoch && p.Epoch == 4 }},
		// Mid-epoch: the partial epoch's parameters are not an epoch's
		// end and must not be returned.
		{"sgd/mid-epoch", Config{Method: SGD, Rate: 0.3 / pr.rowMax, Seed: 4, CallbackEvery: 7}, func(p Progress) bool { return p.Step == 91 }},
		{"minibatch/mid-epoch", Config{Method: MiniBatch, BatchSize: 3, Rate: 0.3 / pr.lmax, Seed: 4, CallbackEvery: 1}, func(p Progress) bool { return p.Step == 33 }},
		{"minibatch/adam/mid-epoch", Config{Method: MiniBatch, BatchSize: 3, Rate: 0.01, Update: Adam{}, Seed: 4, CallbackEvery: 2}, func(p Progress) bool { return p.Step == 40 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := c.cfg
			cfg.MaxEpochs = 1000
			cfg.Callback = func(p Progress) error {
				if c.after(p) {
					cancel()
				}
				return nil
			}
			res, err := Minimize(ctx, pr.objective(t), make([]float64, 4), cfg)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			checkCancelled(t, pr, res, cfg)
		})
	}
}

// checkCancelled checks a cancelled run's result: finite W from the end
// of epoch BestEpoch, bit for bit what a run stopped there returns, and
// no loss (no pass over the data after the cancellation).
func checkCancelled(t *testing.T, pr *lsProblem, res Result, cfg Config) {
	t.Helper()
	if res.Stop != StopCancelled {
		t.Errorf("Stop = %v, want %v", res.Stop, StopCancelled)
	}
	if len(res.W) != pr.d() || !allFinite(res.W) {
		t.Fatalf("W = %v, want %d finite parameters", res.W, pr.d())
	}
	if res.BestEpoch < 1 {
		t.Fatalf("BestEpoch = %d after %d epochs", res.BestEpoch, res.Epochs)
	}
	// The best epoch has the lowest epoch loss of the history (but for
	// its last entry, which may be a partial epoch).
	for _, h := range res.History[:len(res.History)-1] {
		if h.Loss < res.History[res.BestEpoch-1].Loss {
			t.Errorf("epoch %d had loss %v < the best epoch %d's %v", h.Epoch, h.Loss, res.BestEpoch, res.History[res.BestEpoch-1].Loss)
		}
	}
	again := cfg
	again.Callback, again.CallbackEvery, again.MaxEpochs = nil, 0, res.BestEpoch
	ref := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), again)
	if i := sameBits(res.W, ref.W); i >= 0 {
		t.Errorf("W differs at %d from the parameters at the end of epoch %d:\n%v\n%v", i, res.BestEpoch, res.W, ref.W)
	}
	if !math.IsNaN(res.Loss) || !math.IsNaN(res.ValLoss) {
		t.Errorf("Loss = %v, ValLoss = %v after a cancellation, want NaN (no pass after it)", res.Loss, res.ValLoss)
	}
}

// TestCancelDeadline: a deadline stops a long run with
// context.DeadlineExceeded and the best parameters at an epoch's end.
func TestCancelDeadline(t *testing.T) {
	pr := small(t)
	for _, m := range allMethods {
		t.Run(m.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			cfg := Config{Method: m, Rate: 0.1 / pr.rowMax, MaxEpochs: math.MaxInt32, Seed: 8}
			if m == MiniBatch {
				cfg.BatchSize = 3
			}
			start := time.Now()
			res, err := Minimize(ctx, pr.objective(t), make([]float64, 4), cfg)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the run took %v to notice a 30 ms deadline", d)
			}
			if res.BestEpoch == 0 {
				// Too slow a machine to finish one epoch: W is w0.
				if sameBits(res.W, make([]float64, 4)) >= 0 || res.Stop != StopCancelled {
					t.Errorf("no epoch ended but W = %v, stop %v", res.W, res.Stop)
				}
				return
			}
			checkCancelled(t, pr, res, cfg)
		})
	}
}

// TestStopMaxEpochsAndSteps: MaxEpochs and MaxSteps end the run exactly
// there, MaxSteps in the middle of an epoch too.
func TestStopMaxEpochsAndSteps(t *testing.T) {
	pr := small(t) // 20 examples
	for _, c := range []struct {
		name           string
		cfg            Config
		epochs, steps  int
		stop           StopReason
		lastEpochSteps int // steps in the last history entry's epoch
	}{
		{"batch/epochs", Config{MaxEpochs: 7}, 7, 7, StopMaxEpochs, 1},
		{"batch/steps", Config{MaxSteps: 9}, 9, 9, StopMaxSteps, 1},
		{"batch/steps before epochs", Config{MaxSteps: 4, MaxEpochs: 6}, 4, 4, StopMaxSteps, 1},
		{"batch/epochs before steps", Config{MaxSteps: 40, MaxEpochs: 6}, 6, 6, StopMaxEpochs, 1},
		{"sgd/epochs", Config{Method: SGD, MaxEpochs: 3}, 3, 60, StopMaxEpochs, 20},
		{"sgd/steps mid-epoch", Config{Method: SGD, MaxSteps: 47}, 3, 47, StopMaxSteps, 7},
		{"sgd/steps at epoch end", Config{Method: SGD, MaxSteps: 40}, 2, 40, StopMaxSteps, 20},
		{"minibatch/epochs", Config{Method: MiniBatch, BatchSize: 6, MaxEpochs: 2}, 2, 8, StopMaxEpochs, 4},
		{"minibatch/steps mid-epoch", Config{Method: MiniBatch, BatchSize: 6, MaxSteps: 10}, 3, 10, StopMaxSteps, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.Rate, cfg.Seed = 0.05, 1
			res := mustMinimize(t, pr.objective(t), make([]float64, 4), cfg)
			if res.Epochs != c.epochs || res.Steps != c.steps || res.Stop != c.stop {
				t.Errorf("%d epochs, %d steps, stop %v; want %d, %d, %v", res.Epochs, res.Steps, res.Stop, c.epochs, c.steps, c.stop)
			}
			if len(res.History) != res.Epochs {
				t.Fatalf("%d history entries for %d epochs", len(res.History), res.Epochs)
			}
			last := res.History[len(res.History)-1]
			if last.Step != res.Steps {
				t.Errorf("the last history entry ends at step %d, the run at %d", last.Step, res.Steps)
			}
			prev := 0
			if len(res.History) > 1 {
				prev = res.History[len(res.History)-2].Step
			}
			if last.Step-prev != c.lastEpochSteps {
				t.Errorf("the last epoch took %d steps, want %d", last.Step-prev, c.lastEpochSteps)
			}
		})
	}
}

// TestStopLossBelow: the run ends at the first epoch whose loss is at or
// below the threshold.
func TestStopLossBelow(t *testing.T) {
	exact := newProblem(t, problemSpec{seed: 54, n: 20, p: 3, intercept: true})
	const threshold = 1e-6
	res := mustMinimize(t, exact.objective(t), make([]float64, 4), Config{Rate: 1 / exact.lmax, LossBelow: threshold})
	if res.Stop != StopLossBelow {
		t.Fatalf("stop %v, want %v", res.Stop, StopLossBelow)
	}
	h := res.History
	if h[len(h)-1].Loss > threshold {
		t.Errorf("the last epoch's loss %g is above %g", h[len(h)-1].Loss, threshold)
	}
	for _, e := range h[:len(h)-1] {
		if e.Loss <= threshold {
			t.Errorf("epoch %d already had loss %g ≤ %g", e.Epoch, e.Loss, threshold)
		}
	}
}

// TestStopGradTol: a FullBatch run stops when the gradient norm is at most
// GradTol, and the norm at the returned W, computed independently, really
// is. With L1 the measure is the proximal-gradient step.
func TestStopGradTol(t *testing.T) {
	pr := small(t)
	for _, tol := range []float64{1e-3, 1e-7, 1e-11} {
		res := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 1 / pr.lmax, GradTol: tol, MaxEpochs: 100000})
		g := norm(pr.gradient(res.W))
		if res.Stop != StopGradTol || g > tol {
			t.Errorf("GradTol %g: stop %v, gradient norm at W %g", tol, res.Stop, g)
		}
		// It stops at the first such point: one step earlier the norm was
		// above the tolerance.
		if res.Steps >= 2 {
			prev := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 1 / pr.lmax, MaxSteps: res.Steps - 1})
			if gp := norm(pr.gradient(prev.W)); gp <= tol {
				t.Errorf("GradTol %g: the gradient norm was already %g one step before", tol, gp)
			}
		}
	}
	// L1 and L2: the norm of (w − prox(w − rate·∇))/rate, with ∇ including
	// L2·w.
	const l1, l2, tol = 0.05, 0.1, 1e-9
	rate := 1 / (pr.lmax + l2)
	res := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: rate, L1: l1, L2: l2, GradTol: tol, MaxEpochs: 100000})
	g := pr.gradient(res.W)
	var sq float64
	for j := range g {
		step := g[j]
		if j < pr.p {
			g[j] += l2 * res.W[j]
			step = (res.W[j] - softThreshold(res.W[j]-rate*g[j], rate*l1)) / rate
		}
		sq += step * step
	}
	if res.Stop != StopGradTol || math.Sqrt(sq) > tol*(1+1e-6) {
		t.Errorf("L1 and L2: stop %v, proximal gradient norm %g > %g", res.Stop, math.Sqrt(sq), tol)
	}
	if e := relErr(res.W, lassoCD(t, pr, l1, l2)); e > 1e-7 {
		t.Errorf("L1 and L2: relative error %g from the coordinate-descent solution", e)
	}
}

// TestStopTol: with Tol and Patience the run ends at the first epoch that
// completes Patience epochs in a row without improving on the best loss by
// more than Tol·|best|, judged independently from the history.
func TestStopTol(t *testing.T) {
	pr := small(t)
	for _, c := range []struct {
		tol      float64
		patience int
		cfg      Config
	}{
		{1e-6, 3, Config{Rate: 0.5 / pr.lmax}},
		{1e-3, 1, Config{Rate: 0.5 / pr.lmax}},
		{1e-4, 5, Config{Method: SGD, Rate: 0.1 / pr.rowMax, Seed: 2}},
		{1e-4, 2, Config{Method: MiniBatch, BatchSize: 5, Rate: 0.3 / pr.lmax, Seed: 2}},
	} {
		t.Run(fmt.Sprintf("%v/tol=%g/patience=%d", c.cfg.Method, c.tol, c.patience), func(t *testing.T) {
			cfg := c.cfg
			cfg.Tol, cfg.Patience, cfg.MaxEpochs = c.tol, c.patience, 100000
			res := mustMinimize(t, pr.objective(t), make([]float64, 4), cfg)
			if res.Stop != StopTol {
				t.Fatalf("stop %v after %d epochs, want %v", res.Stop, res.Epochs, StopTol)
			}
			want := tolStopEpoch(res.History, c.tol, c.patience)
			if res.Epochs != want {
				t.Errorf("stopped after epoch %d, but the rule first holds at epoch %d", res.Epochs, want)
			}
			if res.Epochs <= c.patience+1 {
				t.Errorf("stopped after %d epochs: the loss was still falling fast", res.Epochs)
			}
		})
	}
}

// tolStopEpoch applies the Tol rule to a history: the first epoch that
// ends Patience epochs in a row with loss ≥ best − Tol·|best|, best the
// lowest loss before them. It returns 0 if the rule never holds.
func tolStopEpoch(h []Epoch, tol float64, patience int) int {
	best, bad := math.Inf(1), 0
	for _, e := range h {
		if math.IsInf(best, 1) || e.Loss < best-float64(tol*math.Abs(best)) {
			best, bad = e.Loss, 0
			continue
		}
		bad++
		if bad >= patience {
			return e.Epoch
		}
	}
	return 0
}

// overfitProblem returns a training set of 16 noisy rows with 12 features
// and an intercept, which gradient descent overfits, and a validation set
// of 200 noise-free rows from the same model.
func overfitProblem(t *testing.T) (train, val *lsProblem) {
	w := []float64{1, -1, 0.5, 2, -0.5, 0.3, -2, 1, 0.2, -0.7, 1.5, -1.2}
	train = newProblem(t, problemSpec{name: "train", seed: 42, n: 16, p: 12, intercept: true, noise: 1.5, wstar: w})
	val = newProblem(t, problemSpec{name: "val", seed: 142, n: 200, p: 12, intercept: true, wstar: w})
	return train, val
}

// TestEarlyStopping: with a validation objective the run stops Patience
// epochs after the best validation loss and returns the parameters of
// that epoch, bit for bit those of a run stopped there.
func TestEarlyStopping(t *testing.T) {
	train, val := overfitProblem(t)
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"batch", Config{Rate: 1 / train.lmax, Patience: 20}},
		{"sgd", Config{Method: SGD, Rate: 0.3 / train.rowMax, Patience: 10, Seed: 6}},
		{"minibatch/momentum", Config{Method: MiniBatch, BatchSize: 4, Rate: 0.03 / train.lmax, Update: Momentum{}, Patience: 10, Seed: 6}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.MaxEpochs = 100000
			cfg.Validation = val.objective(t)
			res := mustMinimize(t, train.objective(t), make([]float64, 13), cfg)
			if res.Stop != StopEarly {
				t.Fatalf("stop %v after %d epochs, want %v", res.Stop, res.Epochs, StopEarly)
			}
			if res.BestEpoch < 2 || res.Epochs != res.BestEpoch+cfg.Patience {
				t.Errorf("best epoch %d, stopped after %d, patience %d", res.BestEpoch, res.Epochs, cfg.Patience)
			}
			// The best epoch has the lowest validation loss of the
			// history, and the result's validation loss is its.
			best := res.History[res.BestEpoch-1]
			for _, h := range res.History {
				if math.IsNaN(h.ValLoss) || h.ValLoss < best.ValLoss {
					t.Errorf("epoch %d: validation loss %v, the best epoch %d's %v", h.Epoch, h.ValLoss, res.BestEpoch, best.ValLoss)
				}
			}
			if math.Float64bits(res.ValLoss) != math.Float64bits(best.ValLoss) {
				t.Errorf("Result.ValLoss %v, the best epoch's %v", res.ValLoss, best.ValLoss)
			}
			// Overfitting really happened: the last epoch was worse on
			// validation data and better on training data.
			last := res.History[len(res.History)-1]
			if !(last.ValLoss > best.ValLoss && last.Loss < best.Loss) {
				t.Errorf("no overfitting: best epoch (loss %v, val %v), last (loss %v, val %v)", best.Loss, best.ValLoss, last.Loss, last.ValLoss)
			}
			again := cfg
			again.MaxEpochs = res.BestEpoch
			ref := mustMinimize(t, train.objective(t), make([]float64, 13), again)
			if i := sameBits(res.W, ref.W); i >= 0 {
				t.Errorf("W differs at %d from the parameters after epoch %d", i, res.BestEpoch)
			}
			if math.Float64bits(res.Loss) != math.Float64bits(ref.Loss) {
				t.Errorf("Loss %v, want f at the best epoch %v", res.Loss, ref.Loss)
			}
		})
	}
}

// TestCallbackStop: ErrStop from the callback ends the run normally; any
// other error aborts it and is returned, wrapped.
func TestCallbackStop(t *testing.T) {
	pr := small(t)
	res := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 0.05, Callback: func(p Progress) error {
		if p.Epoch == 4 {
			return ErrStop
		}
		return nil
	}})
	if res.Stop != StopCallback || res.Epochs != 4 {
		t.Errorf("ErrStop: stop %v after %d epochs, want %v after 4", res.Stop, res.Epochs, StopCallback)
	}
	// Wrapped ErrStop counts too, and mid-epoch too.
	res = mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Method: SGD, Rate: 0.05, CallbackEvery: 5, Callback: func(p Progress) error {
		if p.Step == 35 {
			return fmt.Errorf("enough: %w", ErrStop)
		}
		return nil
	}})
	if res.Stop != StopCallback || res.Steps != 35 {
		t.Errorf("wrapped ErrStop at step 35: stop %v after %d steps", res.Stop, res.Steps)
	}

	boom := errors.New("boom")
	for _, every := range []int{0, 3} {
		res, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), Config{Method: SGD, Rate: 0.05, CallbackEvery: every, Callback: func(p Progress) error {
			if p.Step >= 30 {
				return boom
			}
			return nil
		}})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "callback") {
			t.Errorf("every %d: err = %v, want boom wrapped by a message naming the callback", every, err)
		}
		if errors.Is(err, ErrConfig) || errors.Is(err, ErrDiverged) {
			t.Errorf("every %d: err = %v wraps a gd sentinel", every, err)
		}
		if res.Stop != StopAborted || len(res.W) != 4 || !allFinite(res.W) {
			t.Errorf("every %d: stop %v, W %v; want %v and finite parameters", every, res.Stop, res.W, StopAborted)
		}
	}
}

// TestCallbackAndHistory: the callback runs after every epoch with
// increasing Step and Epoch, and with CallbackEvery every k steps too;
// the history has one entry per epoch with the losses the callback saw.
func TestCallbackAndHistory(t *testing.T) {
	pr := small(t) // 20 examples
	for _, c := range []struct {
		name  string
		cfg   Config
		calls []Progress // Step, Epoch and EndOfEpoch of every expected call
	}{
		{"batch", Config{MaxEpochs: 4}, []Progress{{Step: 1, Epoch: 1, EndOfEpoch: true}, {Step: 2, Epoch: 2, EndOfEpoch: true}, {Step: 3, Epoch: 3, EndOfEpoch: true}, {Step: 4, Epoch: 4, EndOfEpoch: true}}},
		{"batch/every 2", Config{MaxEpochs: 3, CallbackEvery: 2}, []Progress{{Step: 1, Epoch: 1, EndOfEpoch: true}, {Step: 2, Epoch: 1}, {Step: 2, Epoch: 2, EndOfEpoch: true}, {Step: 3, Epoch: 3, EndOfEpoch: true}}},
		{"sgd/every 8", Config{Method: SGD, MaxEpochs: 2, CallbackEvery: 8}, []Progress{{Step: 8}, {Step: 16}, {Step: 20, Epoch: 1, EndOfEpoch: true}, {Step: 24, Epoch: 1}, {Step: 32, Epoch: 1}, {Step: 40, Epoch: 1}, {Step: 40, Epoch: 2, EndOfEpoch: true}}},
		{"minibatch/every 1", Config{Method: MiniBatch, BatchSize: 8, MaxEpochs: 2, CallbackEvery: 1}, []Progress{{Step: 1}, {Step: 2}, {Step: 3}, {Step: 3, Epoch: 1, EndOfEpoch: true}, {Step: 4, Epoch: 1}, {Step: 5, Epoch: 1}, {Step: 6, Epoch: 1}, {Step: 6, Epoch: 2, EndOfEpoch: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []Progress
			cfg := c.cfg
			cfg.Rate, cfg.Seed = 0.05, 3
			cfg.Callback = func(p Progress) error { got = append(got, p); return nil }
			res := mustMinimize(t, pr.objective(t), make([]float64, 4), cfg)
			if len(got) != len(c.calls) {
				t.Fatalf("%d calls, want %d: %+v", len(got), len(c.calls), got)
			}
			var ends []Progress
			for i, p := range got {
				w := c.calls[i]
				if p.Step != w.Step || p.Epoch != w.Epoch || p.EndOfEpoch != w.EndOfEpoch {
					t.Errorf("call %d: step %d, epoch %d, end %v; want %d, %d, %v", i, p.Step, p.Epoch, p.EndOfEpoch, w.Step, w.Epoch, w.EndOfEpoch)
				}
				if math.IsNaN(p.Loss) || p.Loss <= 0 || p.Rate != 0.05 || !math.IsNaN(p.ValLoss) {
					t.Errorf("call %d: loss %v, rate %v, val loss %v", i, p.Loss, p.Rate, p.ValLoss)
				}
				if i > 0 && p.Elapsed < got[i-1].Elapsed {
					t.Errorf("call %d: Elapsed went back from %v to %v", i, got[i-1].Elapsed, p.Elapsed)
				}
				if p.EndOfEpoch {
					ends = append(ends, p)
				}
			}
			if len(res.History) != len(ends) || res.Epochs != len(ends) {
				t.Fatalf("%d history entries and %d epochs for %d epoch-end calls", len(res.History), res.Epochs, len(ends))
			}
			for i, h := range res.History {
				p := ends[i]
				if h.Epoch != i+1 || h.Step != p.Step || math.Float64bits(h.Loss) != math.Float64bits(p.Loss) || h.Rate != p.Rate || !math.IsNaN(h.ValLoss) {
					t.Errorf("history %d: %+v; the callback saw %+v", i, h, p)
				}
			}
		})
	}
}

// TestHistoryLosses: an epoch's loss is the mean of its steps' objective
// values (each at the parameters the step started from): for FullBatch
// f(w) before the epoch's step, so the first is the initial loss.
func TestHistoryLosses(t *testing.T) {
	pr := small(t)
	const l1, l2 = 0.01, 0.02
	penalised := func(w []float64) float64 {
		var abs float64
		for _, v := range w[:pr.p] {
			abs += math.Abs(v)
		}
		return pr.loss(w) + l1*abs + 0.5*l2*dot(w[:pr.p], w[:pr.p])
	}
	w0 := []float64{0.3, -0.2, 0.1, 0.5}
	// FullBatch: epoch k's loss is f(w_{k−1}), W after k epochs is w_k.
	res := mustMinimize(t, pr.objective(t), w0, Config{Rate: 0.1, L1: l1, L2: l2, MaxEpochs: 6})
	if f := penalised(w0); math.Abs(res.InitialLoss-f) > 1e-12*f || math.Abs(res.History[0].Loss-f) > 1e-12*f {
		t.Errorf("initial loss %.17g, first epoch %.17g; f(w0) = %.17g", res.InitialLoss, res.History[0].Loss, f)
	}
	for k := 2; k <= 6; k++ {
		wk := mustMinimize(t, pr.objective(t), w0, Config{Rate: 0.1, L1: l1, L2: l2, MaxEpochs: k - 1}).W
		if f := penalised(wk); math.Abs(res.History[k-1].Loss-f) > 1e-12*f {
			t.Errorf("epoch %d: loss %.17g, f(w_%d) = %.17g", k, res.History[k-1].Loss, k-1, f)
		}
	}
	if f := penalised(res.W); math.Abs(res.Loss-f) > 1e-12*f {
		t.Errorf("Result.Loss %.17g, f(W) = %.17g", res.Loss, f)
	}
	// SGD: the mean of the step losses the callback sees with
	// CallbackEvery 1.
	var steps []float64
	sgd := mustMinimize(t, pr.objective(t), w0, Config{Method: SGD, Rate: 0.05, L1: l1, L2: l2, MaxEpochs: 3, CallbackEvery: 1, Callback: func(p Progress) error {
		if !p.EndOfEpoch {
			steps = append(steps, p.Loss)
		}
		return nil
	}})
	for e, h := range sgd.History {
		var sum float64
		for _, v := range steps[e*pr.n : (e+1)*pr.n] {
			sum += v
		}
		if mean := sum / float64(pr.n); math.Abs(h.Loss-mean) > 1e-12*mean {
			t.Errorf("SGD epoch %d: loss %.17g, mean of its steps %.17g", e+1, h.Loss, mean)
		}
	}
}

// TestScheduleRates: the schedule is evaluated at steps 0, 1, 2, … over
// the whole run, and its rates show in Progress.Rate and History.Rate at
// the right steps.
func TestScheduleRates(t *testing.T) {
	pr := small(t) // 20 examples
	sched := WarmupLinear{Base: 0.1, Final: 0.01, Warmup: 5, DecayStart: 12, Total: 50}
	for _, c := range []struct {
		name    string
		cfg     Config
		perStep int // steps per epoch
	}{
		{"batch", Config{MaxEpochs: 60}, 1},
		{"sgd", Config{Method: SGD, MaxEpochs: 3}, 20},
		{"minibatch", Config{Method: MiniBatch, BatchSize: 3, MaxEpochs: 8}, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			var asked []int
			cfg := c.cfg
			cfg.Seed = 1
			cfg.Schedule = ScheduleFunc(func(step int) float64 {
				asked = append(asked, step)
				return sched.Rate(step)
			})
			var progress []Progress
			cfg.CallbackEvery = 1
			cfg.Callback = func(p Progress) error { progress = append(progress, p); return nil }
			res := mustMinimize(t, pr.objective(t), make([]float64, 4), cfg)
			for i, s := range asked {
				if s != i {
					t.Fatalf("the schedule was asked for steps %v, want 0, 1, 2, …", asked)
				}
			}
			if len(asked) != res.Steps {
				t.Errorf("the schedule was asked %d times for %d steps", len(asked), res.Steps)
			}
			for _, p := range progress {
				if want := sched.Rate(p.Step - 1); math.Float64bits(p.Rate) != math.Float64bits(want) {
					t.Errorf("Progress at step %d (end %v): rate %v, want the rate of step %d, %v", p.Step, p.EndOfEpoch, p.Rate, p.Step-1, want)
				}
			}
			for i, h := range res.History {
				last := (i+1)*c.perStep - 1
				if want := sched.Rate(last); h.Step != last+1 || math.Float64bits(h.Rate) != math.Float64bits(want) {
					t.Errorf("epoch %d: step %d, rate %v; want step %d, rate %v", h.Epoch, h.Step, h.Rate, last+1, want)
				}
			}
		})
	}
}

// TestScheduleBadRate: a schedule that returns a negative, NaN or
// infinite rate mid-run ends it with an ErrConfig error naming the step.
func TestScheduleBadRate(t *testing.T) {
	pr := small(t)
	for _, bad := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		s := ScheduleFunc(func(step int) float64 {
			if step == 7 {
				return bad
			}
			return 0.01
		})
		_, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), Config{Method: SGD, Schedule: s, MaxEpochs: 2})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "step 7") || !strings.Contains(err.Error(), "Config.Schedule") {
			t.Errorf("rate %v at step 7: err = %v", bad, err)
		}
	}
}

// TestMinimizeDoesNotModifyInputs: w0 and the data are left alone.
func TestMinimizeDoesNotModifyInputs(t *testing.T) {
	pr := small(t)
	x, y := append([]float64(nil), pr.x...), append([]float64(nil), pr.y...)
	w0 := []float64{1, 2, 3, 4}
	for _, m := range allMethods {
		cfg := Config{Method: m, Rate: 0.01, MaxEpochs: 3, L1: 0.01}
		if m == MiniBatch {
			cfg.BatchSize = 7
		}
		res := mustMinimize(t, pr.objective(t), w0, cfg)
		if sameBits(w0, []float64{1, 2, 3, 4}) >= 0 || sameBits(x, pr.x) >= 0 || sameBits(y, pr.y) >= 0 {
			t.Fatalf("%v modified its inputs", m)
		}
		res.W[0] = 99 // W is the caller's own copy
		if res2 := mustMinimize(t, pr.objective(t), w0, cfg); res2.W[0] == 99 {
			t.Fatal("W aliases internal state")
		}
	}
}

// TestStringers: method and stop-reason names.
func TestStringers(t *testing.T) {
	for m, want := range map[Method]string{FullBatch: "batch", SGD: "sgd", MiniBatch: "minibatch", 9: "Method(9)"} {
		if m.String() != want {
			t.Errorf("Method(%d).String() = %q, want %q", int(m), m.String(), want)
		}
	}
	seen := map[string]bool{}
	for s := StopMaxEpochs; s <= StopAborted; s++ {
		name := s.String()
		if name == "" || strings.HasPrefix(name, "StopReason") || seen[name] {
			t.Errorf("StopReason %d has name %q", int(s), name)
		}
		seen[name] = true
	}
	if StopReason(0).String() != "StopReason(?)" || (StopAborted+1).String() != "StopReason(?)" {
		t.Error("out-of-range stop reasons should print as StopReason(?)")
	}
}
