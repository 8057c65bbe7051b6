package gd

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// detProblem is a least-squares problem of 70 rows and 37 columns (more
// than one block of the kernels' 32 lanes, with a tail) and an
// intercept.
func detProblem(t *testing.T) *lsProblem {
	return newProblem(t, problemSpec{name: "det", seed: 91, n: 70, p: 37, intercept: true, noise: 0.3})
}

// detConfigs are the runs of the determinism tests: every method and
// update rule, with L1 and L2, a schedule and a validation set where
// that adds a code path. Their rates are literals, not computed from the
// problem, so that the golden test depends on nothing but gd and the
// data.
func detConfigs(val Objective) map[string]Config {
	out := map[string]Config{}
	for _, m := range allMethods {
		for _, u := range allUpdates() {
			cfg := Config{Method: m, Update: u.u, Seed: 17, L1: 1e-3, L2: 1e-2, MaxEpochs: 4}
			switch m {
			case FullBatch:
				cfg.Rate, cfg.MaxEpochs = 0.02, 30
			case SGD:
				cfg.Schedule = WarmupLinear{Base: 0.002, Final: 1e-4, Warmup: 10, DecayStart: 50, Total: 250}
			case MiniBatch:
				cfg.BatchSize = 16
				cfg.Schedule = Cosine{Base: 0.01, Min: 1e-4, Total: 15, Warmup: 2}
			}
			if u.name == "adam" {
				cfg.Schedule, cfg.Rate = InverseScaling{Eta0: 0.01, Power: 0.7}, 0
			}
			out[fmt.Sprintf("%v/%s", m, u.name)] = cfg
		}
	}
	out["minibatch/inorder/B=7/exponential"] = Config{Method: MiniBatch, BatchSize: 7, InOrder: true, Schedule: Exponential{Base: 0.01, Decay: 0.999}, MaxEpochs: 5}
	out["sgd/stepdecay/validation"] = Config{Method: SGD, Schedule: StepDecay{Base: 0.003, Factor: 0.7, Every: 33}, MaxEpochs: 3, Validation: val, Seed: 3}
	out["batch/nesterov/validation/tol"] = Config{Rate: 0.02, Update: Nesterov{Mu: 0.8}, Validation: val, Tol: 1e-4, MaxEpochs: 200}
	return out
}

// TestSameSeedSameBits: two runs with the same seed give the same bits:
// parameters, losses and history.
func TestSameSeedSameBits(t *testing.T) {
	pr := detProblem(t)
	val := newProblem(t, problemSpec{seed: 92, n: 30, p: 37, intercept: true, noise: 0.3}).objective(t)
	for name, cfg := range detConfigs(val) {
		a := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
		b := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
		compareRuns(t, name, a, b)
	}
}

// compareRuns fails unless two results are the same bits.
func compareRuns(t *testing.T, name string, a, b Result) {
	t.Helper()
	if i := sameBits(a.W, b.W); i >= 0 {
		t.Errorf("%s: W differs at %d: %v vs %v", name, i, a.W, b.W)
	}
	if ok, where := sameHistory(a.History, b.History); !ok {
		t.Errorf("%s: history differs: %s", name, where)
	}
	if math.Float64bits(a.Loss) != math.Float64bits(b.Loss) || math.Float64bits(a.InitialLoss) != math.Float64bits(b.InitialLoss) ||
		a.Steps != b.Steps || a.Epochs != b.Epochs || a.Stop != b.Stop || a.BestEpoch != b.BestEpoch {
		t.Errorf("%s: results differ: loss %v/%v, initial %v/%v, steps %d/%d, epochs %d/%d, stop %v/%v, best %d/%d", name,
			a.Loss, b.Loss, a.InitialLoss, b.InitialLoss, a.Steps, b.Steps, a.Epochs, b.Epochs, a.Stop, b.Stop, a.BestEpoch, b.BestEpoch)
	}
}

// TestSeedChangesPath: another seed gives SGD and mini-batch another
// order, so other parameters and losses; FullBatch and InOrder runs
// ignore the seed.
func TestSeedChangesPath(t *testing.T) {
	pr := detProblem(t)
	for _, c := range []struct {
		name    string
		cfg     Config
		differs bool
	}{
		{"sgd", Config{Method: SGD, Rate: 1e-3}, true},
		{"minibatch", Config{Method: MiniBatch, BatchSize: 10, Rate: 0.01}, true},
		{"minibatch/adam", Config{Method: MiniBatch, BatchSize: 10, Rate: 0.01, Update: Adam{}}, true},
		{"batch", Config{Rate: 0.01}, false},
		{"sgd/inorder", Config{Method: SGD, Rate: 1e-3, InOrder: true}, false},
		{"minibatch/inorder", Config{Method: MiniBatch, BatchSize: 10, Rate: 0.01, InOrder: true}, false},
	} {
		a, b := c.cfg, c.cfg
		a.Seed, b.Seed = 1, 2
		a.MaxEpochs, b.MaxEpochs = 3, 3
		ra := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), a)
		rb := mustMinimize(t, pr.objective(t), make([]float64, pr.d()), b)
		if !c.differs {
			compareRuns(t, c.name, ra, rb)
			continue
		}
		if sameBits(ra.W, rb.W) < 0 {
			t.Errorf("%s: seeds 1 and 2 give the same parameters", c.name)
		}
		if ok, _ := sameHistory(ra.History, rb.History); ok {
			t.Errorf("%s: seeds 1 and 2 give the same history", c.name)
		}
	}
}

// TestMiniBatchLimits: mini-batches of N rows in order are FullBatch, and
// mini-batches of one row are SGD, bit for bit.
func TestMiniBatchLimits(t *testing.T) {
	pr := detProblem(t)
	for _, u := range allUpdates() {
		base := Config{Update: u.u, L1: 1e-3, L2: 1e-2, Seed: 5, MaxEpochs: 3, Schedule: WarmupLinear{Base: 0.005, Final: 0.001, Warmup: 3, DecayStart: 5, Total: 150}}
		full, mb := base, base
		mb.Method, mb.BatchSize, mb.InOrder = MiniBatch, pr.n, true
		compareRuns(t, "B=N/"+u.name, mustMinimize(t, pr.objective(t), make([]float64, pr.d()), full), mustMinimize(t, pr.objective(t), make([]float64, pr.d()), mb))
		for _, inOrder := range []bool{false, true} {
			sgd, mb1 := base, base
			sgd.Method, sgd.InOrder = SGD, inOrder
			mb1.Method, mb1.BatchSize, mb1.InOrder = MiniBatch, 1, inOrder
			compareRuns(t, fmt.Sprintf("B=1/inorder=%v/%s", inOrder, u.name), mustMinimize(t, pr.objective(t), make([]float64, pr.d()), sgd), mustMinimize(t, pr.objective(t), make([]float64, pr.d()), mb1))
		}
	}
}

// TestKernelImplementationsSameBits: every kernel implementation this CPU
// can run (AVX-512, AVX2, NEON, generic) gives every run the same bits as
// the default one.
func TestKernelImplementationsSameBits(t *testing.T) {
	pr := detProblem(t)
	val := newProblem(t, problemSpec{seed: 92, n: 30, p: 37, intercept: true, noise: 0.3}).objective(t)
	configs := detConfigs(val)
	ref := map[string]Result{}
	for name, cfg := range configs {
		ref[name] = mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg)
	}
	impls := kernels.Available()
	if impls[len(impls)-1] != "generic" {
		t.Fatalf("kernels.Available() = %v does not end with generic", impls)
	}
	t.Logf("default %s; comparing %v", kernels.Impl(), impls)
	for _, impl := range impls {
		t.Run(impl, func(t *testing.T) {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			if kernels.Impl() != impl {
				t.Fatalf("kernels.Use(%q) left %q in use", impl, kernels.Impl())
			}
			for name, cfg := range configs {
				compareRuns(t, name, ref[name], mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg))
			}
		})
	}
}

// goldenConfigs are detConfigs with every schedule replaced by a test's
// own, rate(t) = base/(1 + ⌊t/16⌋), one correctly rounded division, so
// that the golden values depend on the engine and not on the arithmetic
// of the package's schedules, which TestGolden pins in cases of their own.
func goldenConfigs(val Objective) map[string]Config {
	configs := detConfigs(val)
	for name, cfg := range configs {
		if cfg.Schedule == nil {
			continue
		}
		base := 0.002
		switch {
		case isAdam(cfg.Update):
			base = 0.01
		case cfg.Method == MiniBatch:
			base = 0.005
		}
		cfg.Schedule = ScheduleFunc(func(step int) float64 { return base / float64(1+step/16) })
		configs[name] = cfg
	}
	return configs
}

func isAdam(u Update) bool { _, ok := u.(Adam); return ok }

// TestShuffle: the shuffler makes permutations, uniform over positions,
// and the same ones for a seed on every Go version and platform (its
// first permutations for seed 42 are pinned).
func TestShuffle(t *testing.T) {
	s := newShuffler(42)
	p := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	var got [][]int
	for range 3 {
		s.shuffle(p)
		got = append(got, slices.Clone(p))
	}
	want := [][]int{{9, 2, 1, 5, 3, 6, 0, 7, 8, 4}, {7, 9, 0, 6, 2, 1, 4, 5, 3, 8}, {2, 3, 4, 9, 6, 7, 1, 0, 8, 5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("seed 42 permutations: %v, want %v", got, want)
	}
	// Every shuffle is a permutation, and every element lands in every
	// position about equally often: with 60000 shuffles of 6 each count
	// is 10000 ± 91 (one standard deviation); allow 6.
	s = newShuffler(7)
	var count [6][6]int
	q := []int{0, 1, 2, 3, 4, 5}
	for range 60000 {
		s.shuffle(q)
		seen := 0
		for pos, v := range q {
			count[v][pos]++
			seen |= 1 << v
		}
		if seen != 1<<6-1 {
			t.Fatalf("not a permutation: %v", q)
		}
	}
	for v := range count {
		for pos, c := range count[v] {
			if math.Abs(float64(c)-10000) > 6*91.3 {
				t.Errorf("element %d landed in position %d %d times of 60000, want about 10000", v, pos, c)
			}
		}
	}
	// below is uniform: for n = 3·2⁶² a plain x mod n would land below
	// 2⁶² half the time, and multiply-shift without its rejection step
	// would give multiples of 3 half the time; both must be a third.
	s = newShuffler(8)
	const n = 3 << 62
	low, mult3 := 0, 0
	for range 30000 {
		v := s.below(n)
		if v < 1<<62 {
			low++
		}
		if v%3 == 0 {
			mult3++
		}
	}
	for what, c := range map[string]int{"below 2⁶²": low, "a multiple of 3": mult3} {
		if math.Abs(float64(c)-10000) > 6*81.7 {
			t.Errorf("below(3·2⁶²) was %s %d times of 30000, want about 10000", what, c)
		}
	}
	// Seed 0 is usable and differs from seed 1.
	a, b := []int{0, 1, 2, 3, 4, 5, 6, 7}, []int{0, 1, 2, 3, 4, 5, 6, 7}
	newShuffler(0).shuffle(a)
	newShuffler(1).shuffle(b)
	if slices.Equal(a, b) || slices.Equal(a, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("seed 0 gives %v, seed 1 %v", a, b)
	}
}
