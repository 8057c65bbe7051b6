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

// TestCancelExactQR: a cancellation during the QR factorisation of a
// 3000×1500 OLS problem (2 s of Geqrf on the CI machine) ends Fit within
// milliseconds.
func TestCancelExactQR(t *testing.T) {
	x, y := cancelData(3000, 1500, 0, 1)
	fitCancelledInPhase(t, Regressor{Method: Exact}, x, y, &phaseCanceller{step: "qr", delay: 30 * time.Millisecond})
}

// TestCancelExactQRUnblocked: the same in the unblocked factorisation of
// a tall thin matrix (k ≤ 128 columns: Dgeqr2 on all of it, 0.4 s).
func TestCancelExactQRUnblocked(t *testing.T) {
	x, y := cancelData(30000, 100, 0, 2)
	fitCancelledInPhase(t, Regressor{Method: Exact, NoIntercept: true}, x, y, &phaseCanceller{step: "qr", delay: 20 * time.Millisecond})
}

// TestCancelLasso: a cancellation during the lasso solver (coordinate
// descent and its active-set steps, each a QR; this problem takes
// minutes) ends Fit within milliseconds. So does one at the start of a
// sweep.
func TestCancelLasso(t *testing.T) {
	x, y := cancelData(1000, 400, 0.5, 3)
	for _, r := range []Regressor{{Method: Exact, L1: 0.001}, {Method: Exact, L1: 0.001, L2: 1e-4}} {
		t.Run(fmt.Sprintf("l2=%g", r.L2), func(t *testing.T) {
			fitCancelledInPhase(t, r, x, y, &phaseCanceller{step: "cd", delay: 40 * time.Millisecond})
		})
	}
	// Cancelled as the k-th step of a kind starts, Fit takes no other
	// step of any kind: the sweeps of coordinate descent and the steps
	// of its active-set method each look at the context first.
	for _, at := range []struct {
		step string
		k    int
	}{{"cd", 2}, {"cd", 9}, {"active", 1}, {"active", 3}} {
		t.Run(fmt.Sprintf("at %s step %d", at.step, at.k), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			steps := map[string]int{}
			var after []string
			hook := func(step string) {
				if ctx.Err() != nil {
					after = append(after, step)
					return
				}
				if steps[step]++; step == at.step && steps[step] == at.k {
					cancel()
				}
			}
			m, err := Regressor{Method: Exact, L1: 0.001}.fit(ctx, x, y, fitOptions{hook: hook})
			if !errors.Is(err, context.Canceled) || m != nil || steps[at.step] != at.k || len(after) != 0 {
				t.Fatalf("model %v, err %v after %v steps, then %v; want no model and context.Canceled at %s step %d, nothing after",
					m, err, steps, after, at.step, at.k)
			}
		})
	}
}

// TestCancelPowerIteration: a cancellation during the power iteration of
// the automatic rate (up to 200 products of two passes over X; slowed
// here to 2 ms a product) ends Fit at the next product, with no model:
// gd.Minimize has not started.
func TestCancelPowerIteration(t *testing.T) {
	// Independent columns of equal variance: the top eigenvalues are
	// close, and the iteration runs its 200 products.
	x, y := cancelData(20000, 20, 0, 4)
	for _, r := range []Regressor{{}, {Method: SGD}, {Method: MiniBatch}} {
		t.Run(string(r.method()), func(t *testing.T) {
			p := &phaseCanceller{step: "power", delay: 30 * time.Millisecond, pause: 2 * time.Millisecond}
			fitCancelledInPhase(t, r, x, y, p)
			if p.after > 1 {
				t.Errorf("%d products after the cancellation, want at most 1", p.after)
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

// TestCancelWindowedPasses: over a matrix with Release, Fit's own passes
// (the checks of X and y, the scaling, the power iteration, the initial
// gradient; the centring and the copy of Exact; the final metrics) stop
// at the window in which the context is cancelled. The test cancels from
// the Release hook at window k, for k across every pass, and counts the
// windows released after: none, except in gd.Minimize, which finishes its
// step and evaluates its result.
func TestCancelWindowedPasses(t *testing.T) {
	const m, d = 4096*3 + 77, 4
	const nw = 4 // windows of a pass
	base, y, _ := windowData(m, d, 4096)
	type run struct {
		model    *Model
		err      error
		releases int // in all
		after    int // after the cancellation
		atFirst  int // releases when the first step ended (gradient methods)
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
		if r.method() != Exact {
			r.CallbackEvery = 1
			r.Callback = func(p gd.Progress) error {
				if p.Step == 1 && !p.EndOfEpoch {
					out.atFirst = out.releases
				}
				return nil
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
			// The set-up: everything before gd.Minimize's first
			// evaluation (of all rows, nw windows) and first step (nw
			// windows for GD, one window's worth for SGD). For Exact,
			// everything before the final metrics (y checked, then
			// predicted: 2·nw).
			setup := full.releases - 2*nw
			if r.method() == GD {
				setup = full.atFirst - 2*nw
			} else if r.method() == SGD {
				setup = full.atFirst - nw
			}
			if setup < 5*nw {
				t.Fatalf("only %d windows before training (%d in all); the passes are not windowed", setup, full.releases)
			}
			// Every window of the first passes and of the last two, and a
			// sample of the power iteration's between.
			// In -short mode, every third of them: each is a whole fit.
			ks := []int{}
			for k := 1; k <= setup; k++ {
				if (k <= 6*nw || k > setup-2*nw || k%max(1, setup/15) == 0) && (!testing.Short() || k%3 == 1) {
					ks = append(ks, k)
				}
			}
			for _, k := range ks {
				got := fit(r, k)
				if !errors.Is(got.err, context.Canceled) || got.model != nil || got.after != 0 {
					t.Fatalf("cancelled at window %d of %d before training: model %v, err %v, %d windows after; want no model, context.Canceled, none",
						k, setup, got.model != nil, got.err, got.after)
				}
			}
			// In the final metrics, after the fit: Exact returns no
			// model; a gradient method the model, without its metrics.
			for k := full.releases - 2*nw + 1; k < full.releases; k += 1 + btoi(testing.Short()) {
				got := fit(r, k)
				if !errors.Is(got.err, context.Canceled) || got.after != 0 {
					t.Fatalf("cancelled at window %d of %d, in the metrics: err %v, %d windows after; want context.Canceled, none", k, full.releases, got.err, got.after)
				}
				switch {
				case r.method() == Exact && got.model != nil:
					t.Fatalf("cancelled at window %d of %d, in the metrics: exact returned a model", k, full.releases)
				case r.method() != Exact && (got.model == nil || !math.IsNaN(got.model.Summary.MSE) || !math.IsNaN(got.model.Summary.Loss)):
					t.Fatalf("cancelled at window %d of %d, in the metrics: model %v; want the model with NaN metrics", k, full.releases, got.model)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
