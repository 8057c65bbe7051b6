package kernels

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// LossGradBlockRows is the number of rows in each block of a
// LossGradPlan. It is part of the order of the sums, so it is a constant:
// changing it would change results.
const LossGradBlockRows = 4096

// A LossGradPlan runs LossGrad over many rows on several goroutines with
// the same bits whatever their number. The rows are cut into fixed blocks
// of LossGradBlockRows (the last may be shorter); each block is one
// LossGrad call, on whichever goroutine takes it; and the blocks' g, ssr
// and sr are added in a fixed pairwise tree: block k+s into block k for
// s = 1, 2, 4, … and k = 0, 2s, 4s, …. The result depends on the data and
// m, never on the number of workers, GOMAXPROCS or the scheduling. With at
// most LossGradBlockRows rows it is one LossGrad call: the same bits as
// LossGrad.
//
// A plan keeps its scratch and its worker goroutines between calls, so a
// call allocates nothing once the plan has seen its largest m. It is not
// safe for concurrent use, except that Close may be called while a call
// runs: that call finishes on fewer goroutines, with the same bits. Its
// goroutines end when the plan is garbage collected, or at Close.
//
// # Panics and memory faults
//
// The calling goroutine runs blocks too. A panic in a block, on whichever
// goroutine runs it, is raised by LossGrad on the calling goroutine, with
// its original value, only once every goroutine has finished with the
// call, and the plan stays usable: a caller may recover it and call again.
// When several blocks panic, the calling goroutine's own panic wins, else
// the first worker's; a worker's stack is not part of it. g is then
// unspecified.
//
// The worker goroutines run with debug.SetPanicOnFault(true), so a memory
// fault while they read a, y or w is such a panic, a runtime.Error with an
// Addr method giving the faulting address, instead of the end of the
// program. That is what a caller needs when a is a memory-mapped file that
// another process may truncate, which makes reading its lost pages raise
// SIGBUS. Such a caller must call debug.SetPanicOnFault(true) on its own
// goroutine as well, because that goroutine runs blocks too; without it a
// fault there ends the program, as it does in LossGrad.
type LossGradPlan struct {
	s *lgShared
}

// lgShared is the state the workers see. It holds no reference to the
// LossGradPlan, so that an unreachable plan can be collected and its
// cleanup can stop them.
type lgShared struct {
	n, workers int
	part       []float64 // per block: g (n values), then ssr and sr
	started    int       // worker goroutines started; some may have exited since quit closed
	start      chan struct{}
	quit       chan struct{}
	wg         sync.WaitGroup
	next       atomic.Int64
	stopOnce   sync.Once
	closed     atomic.Bool
	panicked   atomic.Pointer[lgPanic] // the first panic of a worker in the call in progress

	// The call in progress.
	m, lda, blocks int
	a, w, y        []float64
	c              float64
	impl           kind
}

// NewLossGradPlan returns a plan for matrices of n columns on up to
// workers goroutines; workers ≤ 0 means runtime.GOMAXPROCS(0).
func NewLossGradPlan(n, workers int) *LossGradPlan {
	if n < 0 {
		panic(fmt.Sprintf("kernels.NewLossGradPlan: negative n=%d", n))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &lgShared{n: n, workers: workers, start: make(chan struct{}), quit: make(chan struct{})}
	p := &LossGradPlan{s: s}
	runtime.AddCleanup(p, func(s *lgShared) { s.stop() }, s)
	return p
}

// Workers returns the number of goroutines the plan uses at most.
func (p *LossGradPlan) Workers() int { return p.s.workers }

// Close stops the plan's goroutines. The plan still works afterwards, on
// the calling goroutine alone. Close may run while a call does: that call
// finishes with the goroutines that have already joined it.
func (p *LossGradPlan) Close() { p.s.stop() }

func (s *lgShared) stop() {
	s.stopOnce.Do(func() {
		s.closed.Store(true)
		close(s.quit)
	})
}

// LossGrad is kernels.LossGrad over m rows with the plan's n columns, in
// the plan's block order. g must not overlap a's matrix, w or y, as in
// LossGrad. See the type's documentation for panics in blocks.
func (p *LossGradPlan) LossGrad(m int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	s := p.s
	checkLossGrad("LossGradPlan.LossGrad", m, s.n, a, lda, w, y, g)
	k := current().kind
	if m <= LossGradBlockRows {
		return lossGradKind(k, m, s.n, a, lda, w, c, y, g)
	}
	blocks := (m + LossGradBlockRows - 1) / LossGradBlockRows
	stride := s.n + 2
	if need := blocks * stride; len(s.part) < need {
		s.part = make([]float64, need)
	}
	s.m, s.lda, s.blocks, s.a, s.w, s.y, s.c, s.impl = m, lda, blocks, a, w, y, c, k
	s.run(min(s.workers, blocks) - 1)

	// The fixed tree: block k+step into block k.
	for step := 1; step < blocks; step *= 2 {
		for b := 0; b+step < blocks; b += 2 * step {
			dst, src := s.part[b*stride:(b+1)*stride], s.part[(b+step)*stride:(b+step+1)*stride]
			axpyKind(k, 1, src[:s.n], dst[:s.n]) // fma(1, x, y) is x + y rounded once
			dst[s.n] += src[s.n]
			dst[s.n+1] += src[s.n+1]
		}
	}
	copy(g, s.part[:s.n])
	// Nothing above uses p after its first line: without this the plan
	// could be collected during the call, and its cleanup stop the workers
	// in mid-call. run would survive that (it selects on quit, for Close),
	// but the call would lose its workers.
	runtime.KeepAlive(p)
	return s.part[s.n], s.part[s.n+1]
}
