package gd

import (
	"context"
	"errors"
	"math"
	"math/bits"
	"slices"
	"strings"
	"testing"
	"time"
)

// Sizes near math.MaxInt: every count, limit and size of a Config, and
// the number of examples, may be as large as an int can hold without an
// overflow, a hang or a panic.

// within runs f and fails the test if it has not returned after d: the
// runs below used to loop forever, some of them without ever looking at
// their context.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// hugeObjective is an objective over n examples that reads no data, so n
// may be math.MaxInt. It records the batches of its gradient evaluations
// and, after limit of them, cancels the run: a run whose batches never
// reach N fails instead of running for ever.
type hugeObjective struct {
	n       int
	limit   int
	cancel  context.CancelFunc
	batches []Batch
}

func (o *hugeObjective) Dims() (int, int)   { return o.n, 1 }
func (o *hugeObjective) Penalized(int) bool { return false }
func (o *hugeObjective) Eval(w []float64, b Batch, grad []float64) float64 {
	if grad != nil {
		o.batches = append(o.batches, Batch{Lo: b.Lo, Hi: b.Hi, Index: slices.Clone(b.Index)})
		if len(o.batches) >= o.limit {
			o.cancel()
		}
		grad[0] = 0
	}
	return 1
}

// runHuge runs cfg on a hugeObjective of n examples and returns the
// batches of each epoch.
func runHuge(t *testing.T, n int, cfg Config) (Result, [][]Batch, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	obj := &hugeObjective{n: n, limit: 1000, cancel: cancel}
	var ends []int
	cfg.Callback = func(p Progress) error {
		if p.EndOfEpoch {
			ends = append(ends, len(obj.batches))
		}
		return nil
	}
	var res Result
	var err error
	within(t, 10*time.Second, func() { res, err = Minimize(ctx, obj, []float64{0}, cfg) })
	var epochs [][]Batch
	from := 0
	for _, e := range ends {
		epochs = append(epochs, obj.batches[from:e])
		from = e
	}
	return res, epochs, err
}

// checkTiles checks that the batches of an epoch are contiguous, no
// larger than bs, each within one block of the given size (0: no
// blocks), and that together they cover [0, n) exactly once. It works
// for any n: it sorts the batches instead of counting visits per row.
func checkTiles(t *testing.T, epoch int, bs []Batch, n, maxLen, block int) {
	t.Helper()
	sorted := slices.Clone(bs)
	slices.SortFunc(sorted, func(a, b Batch) int { return cmpInt(a.Lo, b.Lo) })
	next := 0
	for _, b := range sorted {
		switch {
		case !b.Contiguous():
			t.Fatalf("epoch %d: batch %v is not contiguous", epoch, b)
		case b.Lo != next || b.Hi <= b.Lo || b.Hi > n:
			t.Fatalf("epoch %d: batch [%d, %d) after rows [0, %d) of %d", epoch, b.Lo, b.Hi, next, n)
		case b.Hi-b.Lo > maxLen:
			t.Fatalf("epoch %d: batch [%d, %d) has more than %d rows", epoch, b.Lo, b.Hi, maxLen)
		case block > 0 && b.Lo/block != (b.Hi-1)/block:
			t.Fatalf("epoch %d: batch [%d, %d) straddles blocks of %d rows", epoch, b.Lo, b.Hi, block)
		}
		next = b.Hi
	}
	if next != n {
		t.Fatalf("epoch %d: the batches cover [0, %d) of %d rows", epoch, next, n)
	}
}

// isRange reports whether b is the contiguous batch [lo, hi).
func isRange(b Batch, lo, hi int) bool { return b.Index == nil && b.Lo == lo && b.Hi == hi }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestShuffleBlockHuge: a ShuffleBlock of N rows or more, up to
// math.MaxInt, is one block, the whole data: every epoch visits the rows
// in stored order, the batches of an InOrder run. (⌈N/ShuffleBlock⌉
// computed as (N+ShuffleBlock−1)/ShuffleBlock overflowed to 0 blocks,
// and the run looped for ever on epochs without a step.)
func TestShuffleBlockHuge(t *testing.T) {
	const n = 103
	for _, m := range []struct {
		method Method
		bs     int
	}{{SGD, 0}, {MiniBatch, 8}} {
		_, want, err := runHuge(t, n, Config{Method: m.method, BatchSize: m.bs, InOrder: true, Rate: 1, MaxEpochs: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range []int{math.MaxInt, math.MaxInt - 1, math.MaxInt / 2, n + 1, n} {
			res, got, err := runHuge(t, n, Config{Method: m.method, BatchSize: m.bs, ShuffleBlock: block, Rate: 1, MaxEpochs: 3, Seed: 7})
			if err != nil {
				t.Fatalf("%v, ShuffleBlock %d: %v", m.method, block, err)
			}
			if res.Epochs != 3 || res.Stop != StopMaxEpochs || len(got) != 3 {
				t.Fatalf("%v, ShuffleBlock %d: %d epochs (%d recorded), stop %v; want 3, max epochs", m.method, block, res.Epochs, len(got), res.Stop)
			}
			for e := range got {
				if !slices.EqualFunc(got[e], want[e], func(a, b Batch) bool { return isRange(a, b.Lo, b.Hi) }) {
					t.Fatalf("%v, ShuffleBlock %d: epoch %d visits %v, want the stored order %v", m.method, block, e+1, got[e], want[e])
				}
			}
		}
	}
}

// TestHugeExampleCount: N up to math.MaxInt, with batches and blocks
// near it. A batch end formed as lo+BatchSize overflowed: the batches
// went negative and the epoch never ended.
func TestHugeExampleCount(t *testing.T) {
	for _, n := range []int{math.MaxInt, math.MaxInt - 1} {
		// In order, batches of N−1: [0, N−1) and [N−1, N).
		_, epochs, err := runHuge(t, n, Config{Method: MiniBatch, BatchSize: n - 1, InOrder: true, Rate: 1, MaxEpochs: 2})
		if err != nil {
			t.Fatalf("N=%d, in order: %v", n, err)
		}
		if len(epochs) != 2 {
			t.Fatalf("N=%d, in order: %d epochs, want 2", n, len(epochs))
		}
		for e, bs := range epochs {
			if len(bs) != 2 || !isRange(bs[0], 0, n-1) || !isRange(bs[1], n-1, n) {
				t.Fatalf("N=%d, in order: epoch %d has batches %v", n, e+1, bs)
			}
		}

		// Shuffled blocks of N−1 rows, batches of 2⁶²-ish rows: two
		// blocks, the first cut in two batches.
		block, bs := n-1, n/2+1
		_, epochs, err = runHuge(t, n, Config{Method: MiniBatch, BatchSize: bs, ShuffleBlock: block, Rate: 1, MaxEpochs: 4, Seed: 3})
		if err != nil {
			t.Fatalf("N=%d, blocks: %v", n, err)
		}
		if len(epochs) != 4 {
			t.Fatalf("N=%d, blocks: %d epochs, want 4", n, len(epochs))
		}
		for e, b := range epochs {
			if len(b) != 3 {
				t.Fatalf("N=%d, blocks: epoch %d has batches %v, want 3", n, e+1, b)
			}
			checkTiles(t, e+1, b, n, bs, block)
		}

		// SGD in order, cut short by MaxSteps.
		res, epochs, err := runHuge(t, n, Config{Method: SGD, InOrder: true, Rate: 1, MaxSteps: 3})
		if err != nil || res.Steps != 3 || res.Stop != StopMaxSteps || len(epochs) != 1 {
			t.Fatalf("N=%d, SGD in order: %d steps, stop %v, %d epochs, err %v; want 3 steps and max steps", n, res.Steps, res.Stop, len(epochs), err)
		}
		if bs := epochs[0]; len(bs) != 3 || !isRange(bs[0], 0, 1) || !isRange(bs[2], 2, 3) {
			t.Fatalf("N=%d, SGD in order: batches %v", n, bs)
		}

		// Shuffled rows need a permutation of N ints, which no int can
		// size in bytes: an error naming the way out, not a panic.
		_, _, err = runHuge(t, n, Config{Method: SGD, Rate: 1, MaxSteps: 3})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "Config.ShuffleBlock or Config.InOrder") {
			t.Fatalf("N=%d, shuffled rows: err = %v, want ErrConfig naming ShuffleBlock and InOrder", n, err)
		}
	}
}

// TestHugeLimits: MaxEpochs, MaxSteps, Patience and CallbackEvery at
// math.MaxInt and math.MaxInt−1 are valid and mean "no limit in
// practice": the other rules end the run, at once.
func TestHugeLimits(t *testing.T) {
	pr := small(t)
	for _, big := range []int{math.MaxInt, math.MaxInt - 1} {
		for _, m := range allMethods {
			base := Config{Method: m, Rate: 0.1 / pr.rowMax, Seed: 2}
			if m == MiniBatch {
				base.BatchSize = 4
			}
			run := func(name string, cfg Config, stop StopReason, check func(Result) bool) {
				t.Helper()
				var res Result
				var err error
				within(t, 10*time.Second, func() {
					res, err = Minimize(context.Background(), pr.objective(t), make([]float64, 4), cfg)
				})
				if err != nil || res.Stop != stop || !check(res) {
					t.Errorf("%v, %s = %d: stop %v after %d epochs, %d steps, err %v; want %v", m, name, big, res.Stop, res.Epochs, res.Steps, err, stop)
				}
			}
			cfg := base
			cfg.MaxEpochs, cfg.MaxSteps = big, 50
			run("MaxEpochs", cfg, StopMaxSteps, func(r Result) bool { return r.Steps == 50 })
			cfg = base
			cfg.MaxEpochs = big
			cfg.LossBelow = 10 * pr.loss(pr.want) // reached within a few epochs
			run("MaxEpochs with LossBelow", cfg, StopLossBelow, func(r Result) bool { return r.Epochs >= 1 })
			cfg = base
			cfg.MaxSteps, cfg.MaxEpochs = big, 3
			run("MaxSteps", cfg, StopMaxEpochs, func(r Result) bool { return r.Epochs == 3 })
			cfg = base
			cfg.Patience, cfg.Tol, cfg.MaxEpochs = big, 0.5, 7
			run("Patience", cfg, StopMaxEpochs, func(r Result) bool { return r.Epochs == 7 })
			cfg = base
			calls := 0
			cfg.CallbackEvery, cfg.MaxEpochs = big, 2
			cfg.Callback = func(p Progress) error {
				if !p.EndOfEpoch {
					t.Errorf("%v: CallbackEvery %d called at step %d", m, big, p.Step)
				}
				calls++
				return nil
			}
			run("CallbackEvery", cfg, StopMaxEpochs, func(r Result) bool { return calls == 2 })
		}
	}
}

// TestScheduleHugeTotal: WarmupLinear and Cosine accept step counts up
// to math.MaxInt (a caller computing Total as epochs × steps per epoch
// may saturate there) and give rates that start at Base, end at Final
// or Min, stay between them and never rise, at every scale of step.
func TestScheduleHugeTotal(t *testing.T) {
	const base, final = 0.5, 0.001
	for _, s := range []interface {
		Schedule
		Validator
	}{
		WarmupLinear{Base: base, Final: final, Total: math.MaxInt},
		WarmupLinear{Base: base, Final: final, Total: math.MaxInt - 1},
		WarmupLinear{Base: base, Final: final, DecayStart: math.MaxInt - 1, Total: math.MaxInt},
		WarmupLinear{Base: base, Final: final, DecayStart: math.MaxInt / 2, Total: math.MaxInt},
		Cosine{Base: base, Min: final, Total: math.MaxInt},
		Cosine{Base: base, Min: final, Total: math.MaxInt - 1},
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
			continue
		}
		if r := s.Rate(0); r != base {
			t.Errorf("%+v: Rate(0) = %v, want Base %v", s, r, base)
		}
		if r := s.Rate(math.MaxInt); r != final {
			t.Errorf("%+v: Rate(MaxInt) = %v, want %v", s, r, final)
		}
		prev := base
		for _, step := range []int{1, 1000, math.MaxInt >> 20, math.MaxInt / 4, math.MaxInt / 2, math.MaxInt/4*3 + 7, math.MaxInt - 1000, math.MaxInt - 2, math.MaxInt - 1, math.MaxInt} {
			r := s.Rate(step)
			if !(r >= final && r <= base) || r > prev {
				t.Errorf("%+v: Rate(%d) = %v after %v: want within [%v, %v] and no rise", s, step, r, prev, final, base)
			}
			if want := hugeRef(s, step); !schedWithin(r, want, 1e-9) {
				t.Errorf("%+v: Rate(%d) = %v, want %v", s, step, r, want)
			}
			prev = r
		}
	}
	// Warm-ups that long: the rate rises to Base at their last step.
	for _, s := range []Schedule{
		WarmupLinear{Base: base, Final: final, Warmup: math.MaxInt - 1, DecayStart: math.MaxInt - 1, Total: math.MaxInt},
		Cosine{Base: base, Min: final, Warmup: math.MaxInt - 1, Total: math.MaxInt},
	} {
		if err := s.(Validator).Validate(); err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		if r0, r1, r2, r3 := s.Rate(0), s.Rate(math.MaxInt/2), s.Rate(math.MaxInt-2), s.Rate(math.MaxInt); !(r0 > 0 && r0 < r1 && r1 < r2 && r2 == base && r3 == final) {
			t.Errorf("%+v: rates %v, %v, %v, %v at 0, MaxInt/2, MaxInt−2, MaxInt", s, r0, r1, r2, r3)
		}
	}
	// And a run with such a schedule takes its steps at Base: exactly
	// where int has 64 bits; where it has 32, MaxInt is 2³¹−1 steps and
	// 45 of them have decayed the rate by 2e-8 of Base.
	pr := small(t)
	res, err := Minimize(context.Background(), pr.objective(t), make([]float64, 4), Config{
		Method: SGD, Seed: 1, MaxEpochs: math.MaxInt, MaxSteps: 45,
		Schedule: WarmupLinear{Base: 0.1 / pr.rowMax, Final: 0.001 / pr.rowMax, Total: math.MaxInt},
	})
	tol := 0.0
	if bits.UintSize == 32 {
		tol = 1e-7
	}
	if err != nil || res.Steps != 45 || !(math.Abs(res.History[len(res.History)-1].Rate-0.1/pr.rowMax) <= tol*0.1/pr.rowMax) {
		t.Fatalf("run: %d steps, err %v, history %+v", res.Steps, err, res.History)
	}
}

// hugeRef is the rate of a WarmupLinear without warm-up or a Cosine
// without warm-up at step t, from the formulas of their docs in plain
// float64 (math.Cos), with the step differences taken in int, where they
// cannot overflow (0 ≤ D ≤ t ≤ T).
func hugeRef(s Schedule, t int) float64 {
	switch s := s.(type) {
	case WarmupLinear:
		switch {
		case t >= s.Total:
			return s.Final
		case t <= s.DecayStart:
			return s.Base
		}
		return s.Final + (s.Base-s.Final)*float64(s.Total-t)/float64(s.Total-s.DecayStart)
	case Cosine:
		if t >= s.Total {
			return s.Min
		}
		return s.Min + (s.Base-s.Min)*(1+math.Cos(math.Pi*float64(t)/float64(s.Total)))/2
	}
	panic("hugeRef: not a WarmupLinear or a Cosine")
}

// TestNewLeastSquaresSizeOverflow: rows·cols that overflows int is an
// error, even where it wraps around to len(x).
func TestNewLeastSquaresSizeOverflow(t *testing.T) {
	cols := 1 << (bits.UintSize - 2) // 4·cols wraps to 0 = len(nil)
	_, err := NewLeastSquares(nil, cols, make([]float64, 4), false)
	if err == nil || !strings.Contains(err.Error(), "overflows int") {
		t.Fatalf("4 rows × %d columns with no data: err = %v, want an overflow error", cols, err)
	}
}
