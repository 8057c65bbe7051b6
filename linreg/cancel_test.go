package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lanes-go/lanes/gd"
)

// The bound on the time from a cancellation to Fit's return that the
// tests below allow: generous for a shared, noisy machine. On the
// project's 2-core CI machine the latencies measured are a few ms.
const cancelLatency = 200 * time.Millisecond

// emulated reports a run under an emulator (.ci/run sets LANES_TEST_EXEC
// to the qemu that runs the test binaries), where time means nothing: the
// latency bounds are not checked there, only what Fit returns.
func emulated() bool { return os.Getenv("LANES_TEST_EXEC") != "" }

// cancelData returns an n×p problem, columns correlated by corr.
func cancelData(n, p int, corr float64, seed uint64) (Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 77))
	data := make([]float64, n*p)
	y := make([]float64, n)
	for i := range n {
		c := rng.NormFloat64()
		for j := range p {
			v := rng.NormFloat64()
			if corr > 0 {
				v = c + float64(corr*v)
			}
			data[i*p+j] = v
			if j%3 == 0 {
				y[i] += v
			}
		}
		y[i] += rng.NormFloat64()
	}
	return NewMatrix(data, n, p), y
}

// phaseCanceller cancels a context a short delay after the first step of
// a phase (fitOptions.hook's name for it), and records when it did and how many
// steps of the phase started before and after.
type phaseCanceller struct {
	mu            sync.Mutex
	step          string
	delay         time.Duration
	pause         time.Duration // slows every step, to make a phase long
	cancel        context.CancelFunc
	armed         bool
	at            time.Time // when it cancelled; zero before
	before, after int
}

func (p *phaseCanceller) hook(step string) {
	if step != p.step {
		return
	}
	p.mu.Lock()
	if !p.armed {
		p.armed = true
		time.AfterFunc(p.delay, func() {
			p.mu.Lock()
			p.at = time.Now()
			p.mu.Unlock()
			p.cancel()
		})
	}
	if p.at.IsZero() {
		p.before++
	} else {
		p.after++
	}
	p.mu.Unlock()
	time.Sleep(p.pause)
}

// fitCancelledInPhase runs r.Fit with a context that p cancels during the
// phase, and checks that Fit returns the context's error and no model
// within cancelLatency of the cancellation.
func fitCancelledInPhase(t *testing.T, r Regressor, x Matrix, y []float64, p *phaseCanceller) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.cancel = cancel
	m, err := r.fit(ctx, x, y, fitOptions{hook: p.hook})
	done := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.at.IsZero() {
		t.Fatalf("the fit ended (model %v, err %v) after %d %q steps, before the cancellation; make the phase longer", m, err, p.before, p.step)
	}
	if !errors.Is(err, context.Canceled) || m != nil {
		t.Fatalf("model %v, err %v; want no model and context.Canceled", m, err)
	}
	latency := done.Sub(p.at)
	if latency > cancelLatency && !emulated() {
		t.Errorf("Fit returned %v after the cancellation, %d %q steps later; want under %v", latency, p.after, p.step, cancelLatency)
	}
	t.Logf("cancelled after %d %q steps; returned %v later, %d steps after", p.before, p.step, latency, p.after)
}

// fitCancelledAfter runs r.Fit with a context cancelled after delay, and
// checks that Fit returns the context's error and no model within
// cancelLatency of the cancellation.
func fitCancelledAfter(t *testing.T, r Regressor, x Matrix, y []float64, delay time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var at time.Time
	timer := time.AfterFunc(delay, func() {
		mu.Lock()
		at = time.Now()
		mu.Unlock()
		cancel()
	})
	defer timer.Stop()
	m, err := r.Fit(ctx, x, y)
	done := time.Now()
	mu.Lock()
	defer mu.Unlock()
	if at.IsZero() {
		t.Fatalf("the fit ended (err %v) before the cancellation; make it longer", err)
	}
	if !errors.Is(err, context.Canceled) || m != nil {
		t.Fatalf("model %v, err %v; want no model and context.Canceled", m, err)
	}
	if latency := done.Sub(at); latency > cancelLatency && !emulated() {
		t.Errorf("Fit returned %v after the cancellation; want under %v", latency, cancelLatency)
	}
}

// TestCancelMomentsPass: a cancellation during the moments pass over a
// wide matrix (its Gram is seconds of work) ends Fit within milliseconds:
// the pass looks at the context between chunks of rows.
func TestCancelMomentsPass(t *testing.T) {
	x, y := cancelData(20000, 600, 0, 1)
	for _, r := range []Regressor{{Method: Exact}, {}, {Method: SGD}} {
		t.Run(string(r.method()), func(t *testing.T) {
			delay := 15 * time.Millisecond
			if r.rowsOnly() {
				// SGD's pass takes column means and variances only, no
				// Gram: one read of X's 96 MB, about 5–10 ms. A later
				// cancellation lands in the SGD run, which returns its
				// best model so far, as documented.
				delay = 2 * time.Millisecond
			}
			fitCancelledAfter(t, r, x, y, delay)
		})
	}
}

// TestCancelExactFactor: a cancellation during the Cholesky factorisation
// of a problem with a thousand columns ends Fit within milliseconds.
func TestCancelExactFactor(t *testing.T) {
	rows, cols := 1200, 1100
	if emulated() {
		// Its moments pass alone is 1.5e9 multiply-adds: most of
		// linreg's ten minutes under qemu-i386's software FMA. A factor of
		// 300 columns still takes far longer than the 5 ms delay there.
		rows, cols = 400, 300
	}
	x, y := cancelData(rows, cols, 0, 2)
	fitCancelledInPhase(t, Regressor{Method: Exact}, x, y, &phaseCanceller{step: "factor", delay: 5 * time.Millisecond})
}

// TestCancelLasso: a cancellation during the coordinate descent of a lasso
// problem that takes many sweeps ends Fit within milliseconds; one at the
// start of a sweep stops it before that sweep.
func TestCancelLasso(t *testing.T) {
	cols := 400
	if emulated() {
		// The face steps factor the support's Gram (up to 400²/2 of it) in
		// software FMA under qemu-i386: minutes. 60 columns still take 15
		// sweeps.
		cols = 60
	}
	x, y := cancelData(1000, cols, 0.5, 3)
	for _, r := range []Regressor{{Method: Exact, L1: 0.001}, {Method: Exact, L1: 0.001, L2: 1e-4}} {
		t.Run(fmt.Sprintf("l2=%g", r.L2), func(t *testing.T) {
			fitCancelledInPhase(t, r, x, y, &phaseCanceller{step: "cd", delay: 10 * time.Millisecond, pause: time.Millisecond})
		})
	}
	for _, k := range []int{1, 2, 9} {
		t.Run(fmt.Sprintf("at sweep %d", k), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sweeps, after := 0, 0
			hook := func(step string) {
				if step != "cd" {
					return
				}
				if ctx.Err() != nil {
					after++
					return
				}
				if sweeps++; sweeps == k {
					cancel()
				}
			}
			m, err := Regressor{Method: Exact, L1: 0.001}.fit(ctx, x, y, fitOptions{hook: hook})
			if !errors.Is(err, context.Canceled) || m != nil || sweeps != k || after != 0 {
				t.Fatalf("model %v, err %v after %d sweeps, then %d; want no model and context.Canceled at sweep %d, nothing after",
					m, err, sweeps, after, k)
			}
		})
	}
}

// TestCancelGD: a gradient run cancelled during its epochs returns the
// context's error with the model of the best epoch so far, whose metrics
// are NaN (they would take another pass).
func TestCancelGD(t *testing.T) {
	x, y := cancelData(5000, 20, 0.9, 4)
	for _, method := range []Method{GD, SGD, MiniBatch} {
		t.Run(string(method), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := Regressor{Method: method, Epochs: 1_000_000, CallbackEvery: 1, Callback: func(p gd.Progress) error {
				if p.EndOfEpoch && p.Epoch == 3 {
					cancel()
				}
				return nil
			}}
			m, err := r.Fit(ctx, x, y)
			if !errors.Is(err, context.Canceled) || m == nil || m.Summary.Epochs < 3 || !math.IsNaN(m.Summary.MSE) {
				t.Fatalf("model %v, err %v; want context.Canceled and the model after 3 epochs with NaN metrics", m, err)
			}
		})
	}
}

// TestCancelBeforeFit: a context cancelled before the call returns at
// once, without reading X: no window is released.
func TestCancelBeforeFit(t *testing.T) {
	x, y, released := windowData(4096*3+5, 4, 4096)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range []Regressor{{}, {Method: SGD}, {Method: MiniBatch}, {Method: Exact}, {Method: Exact, L1: 0.1}, {Method: Exact, L2: 0.1}} {
		start := time.Now()
		m, err := r.Fit(ctx, x, y)
		if d := time.Since(start); d > 50*time.Millisecond && !emulated() {
			t.Errorf("%s: Fit took %v with a cancelled context", r.method(), d)
		}
		if !errors.Is(err, context.Canceled) || m != nil || *released != 0 {
			t.Errorf("%s (l1 %g, l2 %g): model %v, err %v, %d windows released; want no model, context.Canceled and no pass over X",
				r.method(), r.L1, r.L2, m, err, *released)
		}
	}
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if m, err := (Regressor{Method: Exact}).Fit(dctx, x, y); !errors.Is(err, context.DeadlineExceeded) || m != nil {
		t.Errorf("past deadline: model %v, err %v; want no model and context.DeadlineExceeded", m, err)
	}
}

// TestCancelWindowedPasses: over a matrix with Release, Fit's passes (the
// moments, the validation set's, the final metrics; the epochs of SGD)
// stop at the window in which the context is cancelled. The test cancels
// from the Release hook at window k, for every k, and counts the windows
// released after: none (a cancelled gd run evaluates nothing more),
// but for the window SGD keeps resident, released as Fit returns.
func TestCancelWindowedPasses(t *testing.T) {
	const m, d = 4096*3 + 77, 4
	base, y, _ := windowData(m, d, 4096)
	type run struct {
		model    *Model
		err      error
		releases int // in all
		after    int // after the cancellation
	}
	fit := func(r Regressor, cancelAt int) run {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out run
		x := base
		x.Release = func(lo, hi int) {
			out.releases++
			if cancelAt > 0 && out.releases > cancelAt {
				out.after++
			}
			if out.releases == cancelAt {
				cancel()
			}
		}
		out.model, out.err = r.Fit(ctx, x, y)
		return out
	}
	for _, r := range []Regressor{{Epochs: 3}, {Method: SGD, Epochs: 1, ShuffleBlock: 4096}, {Method: Exact}, {Method: Exact, L1: 0.05}} {
		t.Run(fmt.Sprintf("%s/l1=%g", r.method(), r.L1), func(t *testing.T) {
			full := fit(r, 0)
			if full.err != nil {
				t.Fatal(full.err)
			}
			if full.releases < 8 {
				t.Fatalf("only %d windows released in all; the passes are not windowed", full.releases)
			}
			allowed := 0
			if r.method() == SGD {
				allowed = 1 // the window SGD keeps resident, let go as Fit returns
			}
			for k := 1; k < full.releases; k++ {
				got := fit(r, k)
				if !errors.Is(got.err, context.Canceled) || got.after > allowed {
					t.Fatalf("cancelled at window %d of %d: err %v, %d windows after; want context.Canceled, none", k, full.releases, got.err, got.after)
				}
				if r.method() == Exact && got.model != nil {
					t.Fatalf("cancelled at window %d of %d: exact returned a model", k, full.releases)
				}
			}
		})
	}
}
