package kernels

import (
	"fmt"
	"runtime"
)

// A LossGradPlan runs LossGrad over many rows on several goroutines with
// the same bits whatever their number. It is a BlockPlan whose task is
// LossGrad: the rows are cut into fixed blocks of BlockRows (the last may
// be shorter); each block is one LossGrad call, on whichever goroutine
// takes it; and the blocks' g, ssr and sr are added in Tree's fixed
// pairwise order: block k+s into block k for s = 1, 2, 4, … and
// k = 0, 2s, 4s, …. The result depends on the data and m, never on the
// number of workers, GOMAXPROCS or the scheduling. With at most BlockRows
// rows it is one LossGrad call: the same bits as LossGrad.
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
// fault while they read a, y or w is such a panic, a runtime.Error (with
// an Addr method giving the faulting address where the platform reports
// one), instead of the end of the program. That is what a caller needs when a is a memory-mapped file that
// another process may truncate, which makes reading its lost pages raise
// SIGBUS. Such a caller must call debug.SetPanicOnFault(true) on its own
// goroutine as well, because that goroutine runs blocks too; without it a
// fault there ends the program, as it does in LossGrad.
type LossGradPlan struct {
	n    int
	plan *BlockPlan
	task lossGradTask
	sum  *BlockSum
	out  []float64 // the total: g, then ssr and sr
}

// lossGradTask is LossGrad on the blocks of one call.
type lossGradTask struct {
	n, lda  int
	a, w, y []float64
	c       float64
	impl    kind
}

// Block computes the block's g into out[:n] and its ssr and sr into
// out[n] and out[n+1].
func (t *lossGradTask) Block(lo, hi int, out []float64) {
	var a []float64
	if t.n > 0 {
		a = t.a[lo*t.lda : (hi-1)*t.lda+t.n]
	}
	out[t.n], out[t.n+1] = lossGradKind(t.impl, hi-lo, t.n, a, t.lda, t.w, t.c, t.y[lo:hi], out[:t.n])
}

// NewLossGradPlan returns a plan for matrices of n columns on up to
// workers goroutines; workers ≤ 0 means runtime.GOMAXPROCS(0).
func NewLossGradPlan(n, workers int) *LossGradPlan {
	if n < 0 {
		panic(fmt.Sprintf("kernels.NewLossGradPlan: negative n=%d", n))
	}
	return &LossGradPlan{n: n, plan: NewBlockPlan(workers), sum: NewBlockSum(n + 2), out: make([]float64, n+2)}
}

// Workers returns the number of goroutines the plan uses at most.
func (p *LossGradPlan) Workers() int { return p.plan.Workers() }

// Close stops the plan's goroutines. The plan still works afterwards, on
// the calling goroutine alone. Close may run while a call does: that call
// finishes with the goroutines that have already joined it.
func (p *LossGradPlan) Close() { p.plan.Close() }

// LossGrad is kernels.LossGrad over m rows with the plan's n columns, in
// the plan's block order. g must not overlap a's matrix, w or y, as in
// LossGrad. See the type's documentation for panics in blocks.
func (p *LossGradPlan) LossGrad(m int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	checkLossGrad("LossGradPlan.LossGrad", m, p.n, a, lda, w, y, g)
	k := current().kind
	if m <= BlockRows {
		return lossGradKind(k, m, p.n, a, lda, w, c, y, g)
	}
	p.task = lossGradTask{n: p.n, lda: lda, a: a, w: w, y: y, c: c, impl: k}
	defer func() { p.task = lossGradTask{} }() // keep no reference to the caller's data
	p.plan.Run(0, m, &p.task, p.sum)
	p.sum.Sum(p.out)
	copy(g, p.out[:p.n])
	runtime.KeepAlive(p)
	return p.out[p.n], p.out[p.n+1]
}
