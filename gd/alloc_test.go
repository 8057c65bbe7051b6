package gd

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestStepAllocatesNothing drives the engine's step directly: after a
// warm-up step, a step allocates nothing, for every method's kind of batch
// and every update rule, with L1 and L2 on and a per-step callback.
func TestStepAllocatesNothing(t *testing.T) {
	pr := newProblem(t, problemSpec{seed: 81, n: 48, p: 7, intercept: true, noise: 0.2})
	perm := make([]int, pr.n)
	for i := range perm {
		perm[i] = (i * 17) % pr.n // a permutation: 17 is prime to 48
	}
	batches := []struct {
		name   string
		method Method
		bs     int
		batch  func(k int) Batch
	}{
		{"batch/all", FullBatch, 0, func(int) Batch { return All(pr.n) }},
		{"sgd/range", SGD, 0, func(k int) Batch { i := k % pr.n; return Range(i, i+1) }},
		{"sgd/listed", SGD, 0, func(k int) Batch { i := k % pr.n; return Rows(perm[i : i+1]) }},
		{"minibatch/rows", MiniBatch, 8, func(k int) Batch { lo := 8 * (k % 6); return Rows(perm[lo : lo+8]) }},
		{"minibatch/range", MiniBatch, 8, func(k int) Batch { lo := 8 * (k % 6); return Range(lo, lo+8) }},
		{"minibatch/short last batch", MiniBatch, 10, func(int) Batch { return Rows(perm[40:48]) }},
	}
	for _, b := range batches {
		for _, u := range allUpdates() {
			for _, callback := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/callback=%v", b.name, u.name, callback), func(t *testing.T) {
					cfg := Config{Method: b.method, BatchSize: b.bs, Rate: 1e-3, Update: u.u, L1: 1e-3, L2: 1e-2, MaxEpochs: 10}
					if b.method == FullBatch {
						cfg.GradTol = 1e-300 // the gradient-norm check runs but never stops
					}
					calls := 0
					if callback {
						cfg.CallbackEvery = 1
						cfg.Callback = func(p Progress) error { calls++; return nil }
					}
					c, err := cfg.normalized(pr.n, pr.d())
					if err != nil {
						t.Fatal(err)
					}
					r := newRun(pr.objective(t), make([]float64, pr.d()), c)
					r.ctx, r.done = context.Background(), context.Background().Done()
					k := 0
					step := func() {
						if err := r.takeStep(b.batch(k)); err != nil || r.stop != 0 {
							t.Fatalf("step %d: %v, stop %v", k, err, r.stop)
						}
						k++
					}
					step() // warm-up
					if n := testing.AllocsPerRun(100, step); n != 0 {
						t.Errorf("a step allocates %v times", n)
					}
					if r.step != k {
						t.Errorf("%d steps counted, %d taken", r.step, k)
					}
					if callback && calls != k {
						t.Errorf("%d callbacks for %d steps", calls, k)
					}
				})
			}
		}
	}
}

// TestEvalAllocatesNothing: LeastSquares.Eval allocates nothing, for
// every kind of batch, with and without a gradient.
func TestEvalAllocatesNothing(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		pr, ls := lsCase(t, intercept)
		w := make([]float64, pr.d())
		g := make([]float64, pr.d())
		for name, b := range lsBatches() {
			if n := testing.AllocsPerRun(50, func() { ls.Eval(w, b, g); ls.Eval(w, b, nil) }); n != 0 {
				t.Errorf("intercept %v, %s: Eval allocates %v times", intercept, name, n)
			}
		}
	}
}

// TestMinimizeAllocsDoNotGrow: a whole run's allocations do not grow with
// its length. With the history's capacity known up front (MaxEpochs
// set), 1000 steps (300 with -short) allocate as much as 10; with
// MaxSteps alone the history grows by appending, which costs at most one
// allocation per doubling of the number of epochs. (Two allocations of
// slack: a garbage collection during the longer run may allocate.)
func TestMinimizeAllocsDoNotGrow(t *testing.T) {
	pr := small(t) // 20 examples
	runs, steps := 5, 1000
	if testing.Short() {
		runs, steps = 2, 300
	}
	allocs := func(cfg Config) float64 {
		return testing.AllocsPerRun(runs, func() {
			if _, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, m := range allMethods {
		for _, u := range allUpdates() {
			base := Config{Method: m, Rate: 1e-3, Update: u.u, L1: 1e-4, L2: 1e-3, Seed: 1}
			if m == MiniBatch {
				base.BatchSize = 4
			}
			perEpoch := map[Method]int{FullBatch: 1, SGD: 20, MiniBatch: 5}[m]
			short, long := base, base
			short.MaxSteps, short.MaxEpochs = 10, 1000
			long.MaxSteps, long.MaxEpochs = steps, 1000
			if a, b := allocs(short), allocs(long); b > a+2 {
				t.Errorf("%v/%s, history preallocated: %v allocations for 10 steps, %v for %d", m, u.name, a, b, steps)
			}
			short.MaxEpochs, long.MaxEpochs = 0, 0
			a, b := allocs(short), allocs(long)
			epochs := steps / perEpoch
			if limit := float64(bits.Len(uint(epochs)) + 3); b-a > limit {
				t.Errorf("%v/%s, MaxSteps only: %v allocations for 10 steps, %v for %d (%d epochs); want at most %v more", m, u.name, a, b, steps, epochs, limit)
			}
		}
	}
}

// TestEpochAllocatesNothing: a whole epoch allocates nothing, on data
// large enough for the fused kernel's plan to share each pass among
// goroutines, for every method, shuffled rows and shuffled blocks, and
// for the RowStepper path of SGD in every order, with and without
// standardisation and with a callback.
func TestEpochAllocatesNothing(t *testing.T) {
	pr := newProblem(t, problemSpec{seed: 91, n: 9000, p: 5, intercept: true, noise: 0.1})
	std := newStdProblem(t, 92, 9000, 5, true)
	every := func(cfg Config) Config {
		cfg.CallbackEvery, cfg.Callback = 10, func(Progress) error { return nil }
		return cfg
	}
	for _, c := range []struct {
		name    string
		cfg     Config
		std     bool
		windows bool // Release with windows of 4096 rows
	}{
		{"batch", Config{Method: FullBatch, Rate: 1e-3}, false, false},
		{"minibatch/rows", Config{Method: MiniBatch, BatchSize: 64, Rate: 1e-3}, false, false},
		{"minibatch/blocks", Config{Method: MiniBatch, BatchSize: 5000, ShuffleBlock: 5000, Rate: 1e-3}, false, false},
		{"minibatch/std", Config{Method: MiniBatch, BatchSize: 64, Rate: 1e-3}, true, false},
		{"sgd/blocks/general", Config{Method: SGD, ShuffleBlock: 256, Rate: 1e-4, Update: plainInDisguise{}}, false, false},
		{"sgd/rows", Config{Method: SGD, Rate: 1e-4}, false, false},
		{"sgd/rows/inorder", Config{Method: SGD, Rate: 1e-4, InOrder: true}, false, false},
		{"sgd/rows/blocks", Config{Method: SGD, ShuffleBlock: 256, Rate: 1e-4}, false, false},
		{"sgd/rows/callback", every(Config{Method: SGD, Rate: 1e-4}), false, false},
		{"sgd/rows/std", Config{Method: SGD, Rate: 1e-4}, true, false},
		{"sgd/rows/std/blocks", Config{Method: SGD, ShuffleBlock: 256, Rate: 1e-4}, true, false},
		{"sgd/rows/std/callback", every(Config{Method: SGD, Rate: 1e-4, InOrder: true}), true, false},
		{"batch/std/windows", Config{Method: FullBatch, Rate: 1e-3}, true, true},
		{"sgd/rows/std/windows", Config{Method: SGD, Rate: 1e-4, InOrder: true}, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			obj := pr.objective(t)
			if c.std {
				o := std.opts
				if c.windows {
					o.Window, o.Release = kernels.BlockRows, func(lo, hi int) {}
				}
				var err error
				if obj, err = NewLeastSquaresWith(std.x, std.rows, std.cols, std.y, o); err != nil {
					t.Fatal(err)
				}
			}
			obj.SetWorkers(2)
			cfg := c.cfg
			cfg.MaxEpochs = 1000
			cfg, err := cfg.normalized(pr.n, pr.d())
			if err != nil {
				t.Fatal(err)
			}
			r := newRun(obj, make([]float64, pr.d()), cfg)
			if want := strings.HasPrefix(c.name, "sgd/rows"); (r.rows != nil) != want {
				t.Fatalf("RowStepper path %v, want %v", r.rows != nil, want)
			}
			r.ctx, r.done = context.Background(), context.Background().Done()
			r.initial = 1e300 // no divergence check trips
			if err := r.runEpoch(); err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(5, func() {
				if err := r.runEpoch(); err != nil {
					t.Fatal(err)
				}
			}); n != 0 {
				t.Errorf("an epoch allocates %v times", n)
			}
		})
	}
}
