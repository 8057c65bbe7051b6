package kernels

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
	"weak"
)

// A plan whose caller does not use it after a call could become
// unreachable inside that call, as soon as LossGrad has read its fields; its
// cleanup then stops the workers, and a hand-out of work to them used to
// block for ever. Close from another goroutine does the same. These tests
// run the calls on a goroutine of their own and fail, instead of hanging
// the suite, when a call does not return.

// planCallTimeout is how long one call may take before the tests call it
// a hang: a call here takes at most tens of milliseconds natively, a few
// hundred under -race or qemu.
const planCallTimeout = 30 * time.Second

// runCalls runs call calls times on a new goroutine and fails t if one
// returns an error or does not return within planCallTimeout.
func runCalls(t *testing.T, calls int, call func() error) {
	t.Helper()
	progress := make(chan error)
	go func() {
		for range calls {
			progress <- call()
		}
		close(progress)
	}()
	for i := 0; ; i++ {
		select {
		case err, ok := <-progress:
			if !ok {
				return
			}
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		case <-time.After(planCallTimeout):
			// The stuck goroutine is left behind; the other tests go on.
			t.Fatalf("call %d has not returned after %v: the plan hangs", i, planCallTimeout)
		}
	}
}

// planCase is a problem of many blocks and the plan's result for it.
type planCase struct {
	m, n, lda, blocks int
	a, w, y           []float64
	c                 float64
	wantG             []float64
	wantS, wantR      float64
}

func newPlanCase(blocks, n int) *planCase {
	m := blocks * LossGradBlockRows
	pc := &planCase{m: m, n: n, blocks: blocks}
	pc.a, pc.lda, pc.w, pc.y, pc.c = lgData(m, n, 5)
	pc.wantG, pc.wantS, pc.wantR = blockedReference(m, n, pc.a, pc.lda, pc.w, pc.c, pc.y)
	return pc
}

// call runs p on the case and describes a wrong result.
func (pc *planCase) call(p *LossGradPlan) error {
	g := make([]float64, pc.n)
	s, r := p.LossGrad(pc.m, pc.a, pc.lda, pc.w, pc.c, pc.y, g)
	if !sameBits(s, pc.wantS) || !sameBits(r, pc.wantR) {
		return fmt.Errorf("ssr, sr = %s, %s; want %s, %s", fmtBits(s), fmtBits(r), fmtBits(pc.wantS), fmtBits(pc.wantR))
	}
	if d := firstDiffSame("g", g, pc.wantG); d != "" {
		return fmt.Errorf("%s", d)
	}
	return nil
}

// watchedCall holds weak pointers to the plan and the g of one call of
// TestLossGradPlanCollectedDuringCall: weak, so as not to keep them
// alive. Each is cleared by the first collection that finds its object
// unreachable.
type watchedCall struct {
	plan weak.Pointer[LossGradPlan]
	g    weak.Pointer[float64]
}

// callWatch is the calls whose plan or g is still reachable.
type callWatch struct {
	mu    sync.Mutex
	calls []watchedCall
	early int // calls whose plan was collected while they ran
}

func (cw *callWatch) add(c watchedCall) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	cw.calls = append(cw.calls, c)
}

// check runs after each collection. A collection that found a plan
// unreachable but not the g of its call scanned the caller's stack during
// the call: g is used until LossGrad's last line, the plan must be kept
// alive as long.
func (cw *callWatch) check() {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	kept := cw.calls[:0]
	for _, c := range cw.calls {
		planGone, gGone := c.plan.Value() == nil, c.g.Value() == nil
		if planGone && !gGone {
			cw.early++
		}
		if !planGone && !gGone {
			kept = append(kept, c)
		}
	}
	cw.calls = kept
}

func (cw *callWatch) earlyCalls() int {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return cw.early
}

// callFresh makes a new plan with as many workers as blocks (the hand-out
// of work, where the old code hung, then lasts as long as possible), calls
// it once and drops it. The plan and g are referenced only from here
// until the call has begun; after that g only until LossGrad's last line,
// which copies the result into it, and the plan for as long as LossGrad
// keeps it alive. Nothing is left to do after the call, so that no trace
// of either stays on the stack once it has returned.
//
//go:noinline
func callFresh(pc *planCase, cw *callWatch) (ssr, sr float64) {
	// At least 16 bytes: smaller pointer-free objects may share a block
	// of the tiny allocator, which lives as long as any of them.
	g := make([]float64, pc.n, max(pc.n, 2))
	p := NewLossGradPlan(pc.n, pc.blocks)
	cw.add(watchedCall{weak.Make(p), weak.Make(&g[0])})
	return p.LossGrad(pc.m, pc.a, pc.lda, pc.w, pc.c, pc.y, g)
}

// TestLossGradPlanCollectedDuringCall is the pattern of the bug report,
// NewLossGradPlan(…).LossGrad(…) with the plan used nowhere after, while
// another goroutine runs the collector without pause. A hang fails the
// test, and so does a plan collected during its call (see
// callWatch.check), which runtime.KeepAlive in LossGrad prevents: its
// cleanup would stop the workers in mid-call. The generic kernels make
// each call last several milliseconds, so that many calls see a
// collection.
func TestLossGradPlanCollectedDuringCall(t *testing.T) {
	restore, err := Use(Generic)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	calls := 40
	if testing.Short() {
		calls = 10
	}
	pc := newPlanCase(32, 1)
	cw := new(callWatch)
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.GC()
			cw.check()
		}
	}()
	stopCollector := sync.OnceFunc(func() { close(stop); <-stopped })
	t.Cleanup(stopCollector) // also after a failure in runCalls
	runCalls(t, calls, func() error {
		// g is not checked: it must be garbage once the call returns.
		if s, r := callFresh(pc, cw); !sameBits(s, pc.wantS) || !sameBits(r, pc.wantR) {
			return fmt.Errorf("ssr, sr = %s, %s; want %s, %s", fmtBits(s), fmtBits(r), fmtBits(pc.wantS), fmtBits(pc.wantR))
		}
		return nil
	})
	stopCollector()
	runtime.GC()
	cw.check()
	if k := cw.earlyCalls(); k > 0 {
		t.Fatalf("%d of %d plans were garbage collected during their call", k, calls)
	}
}

// TestLossGradPlanCloseDuringCall closes a plan from another goroutine as
// soon as its first call has started its first block, while that call
// still hands out work to the workers it has just started: they exit
// rather than take it, and the call must finish without them.
func TestLossGradPlanCloseDuringCall(t *testing.T) {
	blocks, calls := 64, 200
	if testing.Short() {
		calls = 30
	}
	pc := newPlanCase(blocks, 1)
	runCalls(t, calls, func() error {
		p := NewLossGradPlan(pc.n, blocks)
		s := p.plan.s
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			for s.next.Load() == 0 {
				runtime.Gosched()
			}
			p.Close()
		}()
		err := pc.call(p)
		<-closed
		return err
	})
}
