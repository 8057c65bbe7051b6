package gd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestRowStepping: which runs Minimize hands to a RowStepper.
func TestRowStepping(t *testing.T) {
	pr := small(t)
	for _, c := range []struct {
		name string
		cfg  Config
		want bool
	}{
		{"sgd", Config{Method: SGD, Rate: 0.1}, true},
		{"sgd/plain", Config{Method: SGD, Rate: 0.1, Update: Plain{}}, true},
		{"sgd/*plain", Config{Method: SGD, Rate: 0.1, Update: &Plain{}}, true},
		{"sgd/inorder", Config{Method: SGD, Rate: 0.1, InOrder: true}, true},
		{"sgd/blocks", Config{Method: SGD, Rate: 0.1, ShuffleBlock: 4}, true},
		{"minibatch/B=1", Config{Method: MiniBatch, BatchSize: 1, Rate: 0.1}, true},
		{"minibatch/B=2", Config{Method: MiniBatch, BatchSize: 2, Rate: 0.1}, false},
		{"batch", Config{Rate: 0.1}, false},
		{"sgd/L1", Config{Method: SGD, Rate: 0.1, L1: 1e-3}, false},
		{"sgd/L2", Config{Method: SGD, Rate: 0.1, L2: 1e-3}, false},
		{"sgd/momentum", Config{Method: SGD, Rate: 0.1, Update: Momentum{}}, false},
		{"sgd/adam", Config{Method: SGD, Rate: 0.1, Update: Adam{}}, false},
		{"sgd/plain in disguise", Config{Method: SGD, Rate: 0.1, Update: plainInDisguise{}}, false},
	} {
		cfg, err := c.cfg.normalized(pr.n, pr.d())
		if err != nil {
			t.Fatal(err)
		}
		if got := newRun(pr.objective(t), make([]float64, pr.d()), cfg).rows != nil; got != c.want {
			t.Errorf("%s: RowStepper used %v, want %v", c.name, got, c.want)
		}
	}
	// An objective that only wraps one is not a RowStepper.
	cfg, _ := Config{Method: SGD, Rate: 0.1}.normalized(pr.n, pr.d())
	if newRun(&nanAfter{Objective: pr.objective(t), k: 1 << 30}, make([]float64, pr.d()), cfg).rows != nil {
		t.Error("a wrapping Objective took the RowStepper path")
	}
}

// observed is everything a run shows: its result, its error and what its
// callback saw (Elapsed aside).
type observed struct {
	res      Result
	err      error
	progress []Progress
}

// observe runs Minimize with a callback that records its Progress and
// then calls then (if not nil), whose error it returns.
func observe(t *testing.T, obj Objective, w0 []float64, cfg Config, then func(Progress) error) observed {
	t.Helper()
	var o observed
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Callback = func(p Progress) error {
		p.Elapsed = 0
		o.progress = append(o.progress, p)
		if then == nil {
			return nil
		}
		err := then(p)
		if errors.Is(err, context.Canceled) {
			cancel()
			return nil
		}
		return err
	}
	o.res, o.err = Minimize(ctx, obj, w0, cfg)
	return o
}

// sameObserved fails unless two runs showed the same bits.
func sameObserved(t *testing.T, name string, a, b observed) {
	t.Helper()
	if fmt.Sprint(a.err) != fmt.Sprint(b.err) {
		t.Errorf("%s: errors differ: %v; %v", name, a.err, b.err)
	}
	var da, db *DivergedError
	if errors.As(a.err, &da) && errors.As(b.err, &db) && (da.Step != db.Step || da.Epoch != db.Epoch || math.Float64bits(da.LastFiniteLoss) != math.Float64bits(db.LastFiniteLoss)) {
		t.Errorf("%s: divergence %+v; %+v", name, *da, *db)
	}
	if (a.res.W == nil) != (b.res.W == nil) {
		t.Errorf("%s: W %v; %v", name, a.res.W, b.res.W)
	} else if a.res.W != nil {
		compareRuns(t, name, a.res, b.res)
	}
	if len(a.progress) != len(b.progress) {
		t.Errorf("%s: %d callbacks; %d", name, len(a.progress), len(b.progress))
		return
	}
	for k, p := range a.progress {
		q := b.progress[k]
		if p.Step != q.Step || p.Epoch != q.Epoch || p.EndOfEpoch != q.EndOfEpoch || sameBits([]float64{p.Loss, p.ValLoss, p.Rate}, []float64{q.Loss, q.ValLoss, q.Rate}) >= 0 {
			t.Errorf("%s: callback %d: %+v; %+v", name, k, p, q)
			return
		}
	}
}

// rowStepCase is a configuration of the table of features checked
// through the RowStepper path; then acts on the callback's Progress.
type rowStepCase struct {
	name string
	cfg  Config
	rate float64 // the rate (of a constant schedule), unless cfg has a Schedule
	then func(Progress) error
	// arithmetic marks the cases whose outcome depends on the losses'
	// last bits (stopping on Tol, divergence): with standardisation the
	// RowStepper's arithmetic is not the general path's, so only their
	// kind of outcome is compared.
	arithmetic bool
}

// rowStepCases are the features of a run, through SGD: every order of
// rows, every stopping rule, callbacks, cancellation, bad rates and
// divergence. They run on detProblem (70 rows).
func rowStepCases(val Objective) []rowStepCase {
	stopAt := func(step int, err error) func(Progress) error {
		return func(p Progress) error {
			if p.Step == step && !p.EndOfEpoch {
				return err
			}
			return nil
		}
	}
	badAt := func(step int, v float64) Schedule {
		return ScheduleFunc(func(s int) float64 {
			if s == step {
				return v
			}
			return 0.002
		})
	}
	return []rowStepCase{
		{name: "shuffled", cfg: Config{Method: SGD, MaxEpochs: 4, Seed: 1}, rate: 0.003},
		{name: "in order", cfg: Config{Method: SGD, MaxEpochs: 3, InOrder: true}, rate: 0.003},
		{name: "blocks of 9", cfg: Config{Method: SGD, MaxEpochs: 3, ShuffleBlock: 9, Seed: 2}, rate: 0.003},
		{name: "one block", cfg: Config{Method: SGD, MaxEpochs: 2, ShuffleBlock: 1000}, rate: 0.003},
		{name: "minibatch B=1", cfg: Config{Method: MiniBatch, BatchSize: 1, MaxEpochs: 3, Seed: 3}, rate: 0.003},
		{name: "minibatch B=1 blocks", cfg: Config{Method: MiniBatch, BatchSize: 1, ShuffleBlock: 16, MaxEpochs: 3, Seed: 3}, rate: 0.003},
		{name: "schedule", cfg: Config{Method: SGD, MaxEpochs: 5, Seed: 4, Schedule: WarmupLinear{Base: 0.004, Final: 1e-4, Warmup: 30, Total: 300}}},
		{name: "max steps mid-epoch", cfg: Config{Method: SGD, MaxSteps: 150, Seed: 5}, rate: 0.003},
		{name: "max steps at an epoch's end", cfg: Config{Method: SGD, MaxSteps: 140, MaxEpochs: 9, Seed: 5}, rate: 0.003},
		{name: "max steps over rowChunk", cfg: Config{Method: SGD, MaxSteps: rowChunk + 3, InOrder: true}, rate: 0.003},
		{name: "callback every step", cfg: Config{Method: SGD, MaxEpochs: 2, CallbackEvery: 1, Seed: 6}, rate: 0.003},
		{name: "callback every 7", cfg: Config{Method: SGD, MaxEpochs: 3, CallbackEvery: 7, Seed: 6}, rate: 0.003},
		{name: "callback every 300", cfg: Config{Method: SGD, MaxEpochs: 10, CallbackEvery: 300, Seed: 6}, rate: 0.003},
		{name: "callback stops", cfg: Config{Method: SGD, MaxEpochs: 5, CallbackEvery: 10, Seed: 7}, rate: 0.003, then: stopAt(100, ErrStop)},
		{name: "callback aborts", cfg: Config{Method: SGD, MaxEpochs: 5, CallbackEvery: 3, Seed: 7}, rate: 0.003, then: stopAt(33, errors.New("enough"))},
		{name: "cancelled", cfg: Config{Method: SGD, MaxEpochs: 5, CallbackEvery: 20, Seed: 8}, rate: 0.003, then: stopAt(160, context.Canceled)},
		{name: "cancelled in the first epoch", cfg: Config{Method: SGD, MaxEpochs: 5, CallbackEvery: 20, Seed: 8}, rate: 0.003, then: stopAt(40, context.Canceled)},
		{name: "loss below", cfg: Config{Method: SGD, MaxEpochs: 100, LossBelow: 0.2, Seed: 9}, rate: 0.003},
		{name: "tol", cfg: Config{Method: SGD, MaxEpochs: 1000, Tol: 0.01, Patience: 2, Seed: 10}, rate: 0.003, arithmetic: true},
		{name: "early stopping", cfg: Config{Method: SGD, MaxEpochs: 1000, Validation: val, Patience: 3, Seed: 11}, rate: 0.02, arithmetic: true},
		{name: "bad rate", cfg: Config{Method: SGD, MaxEpochs: 3, Schedule: badAt(77, math.NaN()), Seed: 12}},
		{name: "bad first rate", cfg: Config{Method: SGD, MaxEpochs: 3, Schedule: badAt(0, -1), Seed: 12}},
		{name: "bad rate after a callback", cfg: Config{Method: SGD, MaxEpochs: 3, CallbackEvery: 7, Schedule: badAt(77, math.Inf(1)), Seed: 12}},
		{name: "loss diverges", cfg: Config{Method: SGD, MaxEpochs: 50, Seed: 13}, rate: 0.5, arithmetic: true},
		{name: "parameter overflows", cfg: Config{Method: SGD, MaxEpochs: 3, Seed: 14}, rate: 1e307, arithmetic: true},
		{name: "epoch loss grows", cfg: Config{Method: SGD, MaxEpochs: 50, DivergenceFactor: 3, Seed: 15}, rate: 0.09, arithmetic: true},
	}
}

// TestRowStepperFeatures: every feature of a run through the RowStepper
// path shows what the general path shows. Without standardisation the
// two are the same bits: parameters, history, callbacks and errors.
// With standardisation the arithmetic of the steps differs, so the runs
// must agree on every step count, rate, callback and stop, and on every
// loss to 1e-9.
func TestRowStepperFeatures(t *testing.T) {
	pr := detProblem(t)
	p := newStdProblem(t, 21, 70, 6, true)
	pval := newStdProblem(t, 22, 30, 6, true)
	pval.opts = p.opts // the training set's standardisation
	pval.standardizeCopy()
	for _, std := range []bool{false, true} {
		newObj := func() Objective { return pr.objective(t) }
		val := Objective(newProblem(t, problemSpec{seed: 92, n: 30, p: 37, intercept: true, noise: 0.3}).objective(t))
		d := pr.d()
		if std {
			newObj = func() Objective { return p.objective(t) }
			val, d = pval.objective(t), p.d()
		}
		for _, c := range rowStepCases(val) {
			t.Run(fmt.Sprintf("std=%v/%s", std, c.name), func(t *testing.T) {
				cfg := c.cfg
				if cfg.Schedule == nil {
					cfg.Rate = c.rate
				}
				if std && cfg.Rate > 0.01 && cfg.Rate < 1 {
					cfg.Rate *= 5 // standardised rows are longer than detProblem's
				}
				rows := observe(t, newObj(), make([]float64, d), cfg, c.then)
				cfg.Update = plainInDisguise{}
				general := observe(t, newObj(), make([]float64, d), cfg, c.then)
				if !std {
					sameObserved(t, c.name, rows, general)
					return
				}
				similarObserved(t, c.name, rows, general, c.arithmetic)
			})
		}
	}
}

// similarObserved fails unless two runs of different arithmetic showed
// the same steps, rates, callbacks and stops, and losses within 1e-9; for
// an arithmetic case only the kind of outcome.
func similarObserved(t *testing.T, name string, a, b observed, arithmetic bool) {
	t.Helper()
	var da, db *DivergedError
	switch {
	case errors.As(a.err, &da) != errors.As(b.err, &db):
		t.Fatalf("%s: errors %v; %v", name, a.err, b.err)
	case da != nil:
		if !arithmetic && (da.Step != db.Step || da.What != db.What) {
			t.Errorf("%s: divergence %+v; %+v", name, *da, *db)
		}
		return
	case fmt.Sprint(a.err) != fmt.Sprint(b.err):
		t.Fatalf("%s: errors %v; %v", name, a.err, b.err)
	}
	ra, rb := a.res, b.res
	if ra.Stop != rb.Stop || (a.err == nil) != (b.err == nil) {
		t.Fatalf("%s: stop %v, %v; %v, %v", name, ra.Stop, a.err, rb.Stop, b.err)
	}
	if arithmetic {
		return
	}
	close := func(x, y float64) bool {
		return math.Abs(x-y) <= 1e-9*(math.Abs(x)+math.Abs(y)) || (math.IsNaN(x) && math.IsNaN(y))
	}
	if ra.Steps != rb.Steps || ra.Epochs != rb.Epochs || ra.BestEpoch != rb.BestEpoch || len(ra.History) != len(rb.History) ||
		!close(ra.Loss, rb.Loss) || !close(ra.ValLoss, rb.ValLoss) || relErr(ra.W, rb.W) > 1e-9 {
		t.Fatalf("%s: results %+v; %+v", name, ra, rb)
	}
	for k, h := range ra.History {
		g := rb.History[k]
		if h.Epoch != g.Epoch || h.Step != g.Step || h.Rate != g.Rate || !close(h.Loss, g.Loss) || !close(h.ValLoss, g.ValLoss) {
			t.Errorf("%s: epoch %d: %+v; %+v", name, k+1, h, g)
		}
	}
	if len(a.progress) != len(b.progress) {
		t.Fatalf("%s: %d callbacks; %d", name, len(a.progress), len(b.progress))
	}
	for k, p := range a.progress {
		q := b.progress[k]
		if p.Step != q.Step || p.Epoch != q.Epoch || p.EndOfEpoch != q.EndOfEpoch || p.Rate != q.Rate || !close(p.Loss, q.Loss) {
			t.Errorf("%s: callback %d: %+v; %+v", name, k, p, q)
		}
	}
}

// TestRowStepperConverges: with standardisation, SGD through the
// RowStepper and through the general path reach the least-squares
// optimum: each model's mean squared error is within 1e-6 of the
// optimum's, relatively.
func TestRowStepperConverges(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 31, 200, 4, intercept)
		// The optimum, from the plain objective of the standardised copy
		// by full-batch descent to a tiny gradient (the copy's features
		// are standardised, so it converges fast).
		opt := mustMinimize(t, p.copyObjective(t), make([]float64, p.d()), Config{Rate: 0.5, GradTol: 1e-13, MaxEpochs: 1e6})
		ref := p.objective(t)
		best := ref.Eval(opt.W, All(p.rows), nil)
		epochs := 1500
		cfg := Config{Method: SGD, Seed: 1, MaxEpochs: epochs, Schedule: WarmupLinear{Base: 0.05, Final: 1e-8, Total: epochs * p.rows}}
		for _, u := range []Update{Plain{}, plainInDisguise{}} {
			c := cfg
			c.Update = u
			res := mustMinimize(t, p.objective(t), make([]float64, p.d()), c)
			if e := (res.Loss - best) / best; !(e >= 0 && e < 1e-6) {
				t.Errorf("intercept %v, %T: loss %.12g, optimum %.12g: %.3g above", intercept, u, res.Loss, best, e)
			}
		}
	}
}

// TestRowStepperBitsIndependent: the RowStepper path's bits depend on the
// data and the configuration only: not on CallbackEvery (which cuts the
// steps into other chunks), the kernels' implementation or the number of
// workers.
func TestRowStepperBitsIndependent(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 41, 3*rowChunk+17, 5, intercept)
		cfg := Config{Method: SGD, Rate: 0.01, MaxEpochs: 3, Seed: 2, MaxSteps: 2*(3*rowChunk+17) + 100}
		var want *Result
		for _, impl := range kernels.Available() {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			for _, every := range []int{0, 1, 5, rowChunk - 1, rowChunk, 1000} {
				for _, workers := range []int{1, 3} {
					o := p.opts
					o.Workers = workers
					ls, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
					if err != nil {
						t.Fatal(err)
					}
					c := cfg
					c.CallbackEvery = every
					if every > 0 {
						c.Callback = func(Progress) error { return nil }
					}
					res := mustMinimize(t, ls, make([]float64, p.d()), c)
					if want == nil {
						want = &res
						continue
					}
					compareRuns(t, fmt.Sprintf("intercept %v, %s, CallbackEvery %d, %d workers", intercept, impl, every, workers), *want, res)
				}
			}
			restore()
		}
	}
}

// TestRowStepperDivergenceStep: a run that diverges through the
// RowStepper names the step where it did, with standardisation too: the
// run limited to that many steps finishes, and the run with one more
// diverges at it.
func TestRowStepperDivergenceStep(t *testing.T) {
	p := newStdProblem(t, 51, 70, 6, true)
	for _, c := range []struct {
		name string
		rate float64
		what string
	}{{"loss", 1.5, "the loss is"}, {"parameter", 1e308, "parameter"}} {
		cfg := Config{Method: SGD, Rate: c.rate, MaxEpochs: 100, Seed: 1, DivergenceFactor: math.Inf(1)}
		_, err := Minimize(context.Background(), p.objective(t), make([]float64, p.d()), cfg)
		var de *DivergedError
		if !errors.As(err, &de) || !strings.Contains(de.What, c.what) {
			t.Fatalf("%s: err = %v, want a divergence of the %s", c.name, err, c.name)
		}
		cfg.MaxSteps = de.Step
		if de.Step > 0 {
			if _, err := Minimize(context.Background(), p.objective(t), make([]float64, p.d()), cfg); err != nil {
				t.Errorf("%s: diverged at step %d, but %d steps give %v", c.name, de.Step, de.Step, err)
			}
		}
		cfg.MaxSteps = de.Step + 1
		_, err = Minimize(context.Background(), p.objective(t), make([]float64, p.d()), cfg)
		var de2 *DivergedError
		if !errors.As(err, &de2) || de2.Step != de.Step || de2.What != de.What {
			t.Errorf("%s: diverged at step %d (%s), but %d steps give %v", c.name, de.Step, de.What, de.Step+1, err)
		}
		t.Logf("%s: %v", c.name, err)
	}
}

// TestRowStepperRoundTrip: EndSteps after BeginSteps gives the
// parameters back (exactly without standardisation, to rounding with
// it), and leaves the state alone: steps after it continue as if it had
// not been called.
func TestRowStepperRoundTrip(t *testing.T) {
	p := newStdProblem(t, 61, 30, 4, true)
	for _, std := range []bool{false, true} {
		o := p.opts
		if !std {
			o = LeastSquaresOptions{Intercept: true}
		}
		a, _ := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
		b, _ := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
		w := someW(p.d())
		a.BeginSteps(w)
		got := make([]float64, p.d())
		a.EndSteps(got)
		if e := relErr(got, w); (std && e > 1e-14) || (!std && sameBits(got, w) >= 0) {
			t.Errorf("std %v: round trip %v, want %v", std, got, w)
		}
		b.BeginSteps(w)
		rates := []float64{0.01, 0.02, 0.03, 0.01, 0.01}
		var sa, sb float64
		for k := range 6 {
			rows := Range(k*5, k*5+5)
			ra := a.StepRows(rows, rates, sa)
			a.EndSteps(got) // only a is looked at in between
			rb := b.StepRows(rows, rates, sb)
			sa, sb = ra.Sum, rb.Sum
			if ra != rb {
				t.Fatalf("std %v: steps after EndSteps %+v, without %+v", std, ra, rb)
			}
		}
		wa, wb := make([]float64, p.d()), make([]float64, p.d())
		a.EndSteps(wa)
		b.EndSteps(wb)
		if sameBits(wa, wb) >= 0 {
			t.Errorf("std %v: parameters %v and %v", std, wa, wb)
		}
	}
	ls, _ := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, p.opts)
	if msg := panicMessage(func() { ls.StepRows(Range(0, 3), []float64{1}, 0) }); msg == "" {
		t.Error("StepRows with fewer rates than rows did not panic")
	}
}
