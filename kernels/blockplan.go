package kernels

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// A BlockTask is one pass over rows, block by block: Block computes the
// result of the rows [lo, hi), at most BlockRows of them, into out, whose
// previous contents it ignores. A BlockPlan may call Block from several
// goroutines at once, each with its own block and out.
type BlockTask interface {
	Block(lo, hi int, out []float64)
}

// A BlockSink takes the results of consecutive blocks, each Width() long,
// in block order. BlockSum is one: it adds them in Tree's order. A sink
// with another merge (the R factors of a TSQR, say) keeps its own Tree.
type BlockSink interface {
	Width() int
	Add(part []float64)
}

// A BlockPlan runs a BlockTask over the fixed blocks of BlockRows rows on
// several goroutines and adds the blocks' results in Tree's order, so the
// result depends on the task and the rows only, never on the number of
// goroutines, GOMAXPROCS or the scheduling. It is how every pass over
// rows in lanes is shared among cores: LossGradPlan is one, and package
// linreg's statistics, Gram matrices and metrics are others.
//
// A plan keeps its worker goroutines between runs and allocates nothing
// per run once it has seen its widest one. It is not safe for concurrent
// use, except that Close may be called while a run is under way: that run
// finishes on fewer goroutines, with the same bits. Its goroutines end
// when the plan is garbage collected, or at Close.
//
// # Panics and memory faults
//
// The calling goroutine runs blocks too. A panic in a block, on whichever
// goroutine runs it, is raised by Run on the calling goroutine, with its
// original value, only once every goroutine has finished with the run,
// and the plan stays usable. When several blocks panic, the calling
// goroutine's own panic wins, else the first worker's; a worker's stack
// is not part of it. The sum is then unspecified.
//
// The worker goroutines run with debug.SetPanicOnFault(true), so a memory
// fault while they read the task's data is such a panic, a runtime.Error
// (with an Addr method giving the faulting address where the platform
// reports one), instead of the end of the program. That is what a caller
// needs when the rows are a memory-mapped file that another process may
// truncate, which makes reading its lost pages raise SIGBUS. Such a
// caller must call debug.SetPanicOnFault(true) on its own goroutine as
// well, because that goroutine runs blocks too.
type BlockPlan struct {
	s *bpShared
}

// bpShared is the state the workers see. It holds no reference to the
// BlockPlan, so that an unreachable plan can be collected and its
// cleanup can stop them.
type bpShared struct {
	workers  int
	started  int // worker goroutines started; some may have exited since quit closed
	start    chan struct{}
	quit     chan struct{}
	wg       sync.WaitGroup
	next     atomic.Int64
	stopOnce sync.Once
	closed   atomic.Bool
	panicked atomic.Pointer[bpPanic] // the first panic of a worker in the run in progress
	slots    []float64               // one result per block of the round in progress

	// The round in progress: blocks first … first+count−1 of rows
	// [lo, hi), each width wide.
	task         BlockTask
	lo, hi       int
	first, count int
	width        int
}

// bpPanic is a panic value recovered in a worker, to be raised again by
// the caller.
type bpPanic struct{ value any }

// roundBytes bounds the memory of a round's block results: wide results
// (a Gram matrix per block) are computed a few blocks at a time, narrow
// ones (a gradient) all at once.
const roundBytes = 16 << 20

// NewBlockPlan returns a plan that runs on up to workers goroutines, the
// calling one included; workers ≤ 0 means runtime.GOMAXPROCS(0).
func NewBlockPlan(workers int) *BlockPlan {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &bpShared{workers: workers, start: make(chan struct{}), quit: make(chan struct{})}
	p := &BlockPlan{s: s}
	runtime.AddCleanup(p, func(s *bpShared) { s.stop() }, s)
	return p
}

// Workers returns the number of goroutines the plan uses at most.
func (p *BlockPlan) Workers() int { return p.s.workers }

// Close stops the plan's goroutines. The plan still works afterwards, on
// the calling goroutine alone. Close may run while a run does: that run
// finishes with the goroutines that have already joined it.
func (p *BlockPlan) Close() { p.s.stop() }

func (s *bpShared) stop() {
	s.stopOnce.Do(func() {
		s.closed.Store(true)
		close(s.quit)
	})
}

// Run runs task over the blocks of rows [lo, hi) and hands their results,
// each sum.Width() long, to sum in block order (a BlockSum adds them in
// Tree's order). lo must be a multiple of BlockRows, so that the blocks
// are the pass's own blocks: a pass may run window by window, one Run per
// window of whole blocks, into one sum.
func (p *BlockPlan) Run(lo, hi int, task BlockTask, sum BlockSink) {
	if lo < 0 || hi < lo || lo%BlockRows != 0 {
		panic(fmt.Sprintf("kernels.BlockPlan.Run: rows [%d, %d): want 0 ≤ lo ≤ hi, lo a multiple of %d", lo, hi, BlockRows))
	}
	s := p.s
	width := sum.Width()
	blocks := (hi - lo + BlockRows - 1) / BlockRows
	perRound := max(s.workers, min(blocks, roundBytes/8/max(width, 1)))
	if need := min(perRound, blocks) * width; len(s.slots) < need {
		s.slots = make([]float64, need)
	}
	s.task, s.lo, s.hi, s.width = task, lo, hi, width
	for first := 0; first < blocks; first += perRound {
		s.first, s.count = first, min(perRound, blocks-first)
		s.run(min(s.workers, s.count) - 1)
		for b := range s.count {
			sum.Add(s.slots[b*width : (b+1)*width])
		}
	}
	s.task = nil // keep no reference to the caller's data
	// Nothing above uses p after its first lines: without this the plan
	// could be collected during the run, and its cleanup stop the workers
	// in mid-run. run survives that (it selects on quit, for Close), but
	// the run would lose its workers.
	runtime.KeepAlive(p)
}

// run runs the blocks of the round set up in s on the calling goroutine
// and up to helpers workers. It returns, or panics, only once every
// helper has finished with the round, so that the next round finds the
// plan idle: with the panic of the calling goroutine if it had one, else
// with the first panic of a helper.
func (s *bpShared) run(helpers int) {
	s.next.Store(0)
	if s.closed.Load() {
		helpers = 0
	}
	for s.started < helpers {
		s.started++
		go s.worker()
	}
	s.wg.Add(helpers)
	for range helpers {
		select {
		case s.start <- struct{}{}:
		case <-s.quit:
			// Stopped during the run (Close from another goroutine, or a
			// cleanup): the workers that have not taken their start are
			// exiting, so this one never comes. Blocks are taken, not
			// assigned, so fewer goroutines give the same bits.
			s.wg.Done()
		}
	}
	returned := false
	defer func() {
		if !returned {
			s.next.Store(int64(s.count)) // the run is lost: take no more blocks
		}
		s.wg.Wait()
		if !returned {
			s.task = nil
		}
		if e := s.panicked.Swap(nil); e != nil && returned {
			s.task = nil
			panic(e.value)
		}
	}()
	s.work()
	returned = true
}

// worker runs blocks whenever a round starts, until the plan stops.
func (s *bpShared) worker() {
	// A fault reading the task's data, say a memory-mapped file that
	// another process truncated (SIGBUS), then panics in help, which hands
	// it to the caller, instead of ending the program.
	debug.SetPanicOnFault(true)
	for {
		select {
		case <-s.start:
			s.help()
		case <-s.quit:
			return
		}
	}
}

// help runs blocks for one round. A panic is kept for the caller to
// raise, and the worker lives on for the next run.
func (s *bpShared) help() {
	defer s.wg.Done()
	defer func() {
		if e := recover(); e != nil {
			s.next.Store(int64(s.count)) // the run is lost: take no more blocks
			s.panicked.CompareAndSwap(nil, &bpPanic{e})
		}
	}()
	s.work()
}

// work takes blocks until none is left. Each block's result goes to its
// own slot, so the order in which blocks are taken does not matter.
func (s *bpShared) work() {
	for {
		b := int(s.next.Add(1)) - 1
		if b >= s.count {
			return
		}
		lo := s.lo + (s.first+b)*BlockRows
		hi := min(lo+BlockRows, s.hi)
		s.task.Block(lo, hi, s.slots[b*s.width:(b+1)*s.width])
	}
}
