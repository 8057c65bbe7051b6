package lsq

import (
	"context"
	"fmt"
	"sync"

	"github.com/lanes-go/lanes/kernels"
)

// A QRTask is the kernels.BlockTask of a TSQR pass over an n×p matrix
// that exists only block by block: for the rows [lo, hi) of a block, it
// calls the caller's fill to write them, row-major, into a scratch
// buffer, and writes their R factor (BlockQR) into the block's result.
// fill is where the caller builds its rows (centred and scaled features,
// a column of ones, the target last); it may run on several goroutines
// at once, each with its own block and buffer. A pass:
//
//	task := lsq.NewQRTask(p, fill)
//	sink := lsq.NewRSink(p)
//	plan.Run(0, n, task, sink) // plan a *kernels.BlockPlan; or window by window
//	r := make([]float64, p*p)
//	sink.Result(r)
//
// The task keeps one scratch pair (2·kernels.BlockRows·p values) per
// goroutine that has run a block at once, and reuses them: after the
// first pass it allocates nothing.
type QRTask struct {
	p    int
	fill func(lo, hi int, rows []float64)
	// ctx, if not nil, is looked at between the columns of a wide
	// block (FactorRows sets it): a cancelled pass stops within one.
	ctx context.Context

	mu   sync.Mutex
	free []*qrScratch
}

// qrScratch is one goroutine's buffers for a block: the rows fill
// writes, and BlockQR's column-major copy.
type qrScratch struct {
	rows, cols []float64
}

// NewQRTask returns the task of a TSQR pass over p columns. fill(lo, hi,
// rows) must write the rows [lo, hi) of the matrix into rows, whose
// length is (hi−lo)·p and whose previous contents are arbitrary: row i
// (lo ≤ i < hi) is rows[(i−lo)·p : (i−lo+1)·p].
func NewQRTask(p int, fill func(lo, hi int, rows []float64)) *QRTask {
	if p < 0 {
		panic(fmt.Sprintf("lsq.NewQRTask: p=%d < 0", p))
	}
	return &QRTask{p: p, fill: fill}
}

// Block writes the R factor of the rows [lo, hi) into out, p·p long. It
// panics if the block has more than kernels.BlockRows rows or out is not
// p·p long.
func (t *QRTask) Block(lo, hi int, out []float64) {
	n := hi - lo
	if lo < 0 || n < 0 || n > kernels.BlockRows || len(out) != t.p*t.p {
		panic(fmt.Sprintf("lsq.QRTask.Block: rows [%d, %d), len(out)=%d: want at most %d rows and p·p = %d values",
			lo, hi, len(out), kernels.BlockRows, t.p*t.p))
	}
	s := t.get()
	defer t.put(s)
	rows := s.rows[:n*t.p]
	t.fill(lo, hi, rows)
	var stop func() bool
	if t.ctx != nil {
		stop = func() bool { return t.ctx.Err() != nil }
	}
	blockQR(n, t.p, rows, s.cols, out, stop)
}

func (t *QRTask) get() *qrScratch {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(t.free); n > 0 {
		s := t.free[n-1]
		t.free = t.free[:n-1]
		return s
	}
	size := kernels.BlockRows * t.p
	return &qrScratch{rows: make([]float64, size), cols: make([]float64, size)}
}

func (t *QRTask) put(s *qrScratch) {
	t.mu.Lock()
	t.free = append(t.free, s)
	t.mu.Unlock()
}
