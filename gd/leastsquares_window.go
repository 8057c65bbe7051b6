package gd

import "math"

// The windows of a LeastSquares with LeastSquaresOptions.Release: rows
// [kW, (k+1)W) for W = Window, released when an evaluation is done with
// them, so that a memory-mapped X larger than memory is read in a small
// resident set.

// evalWindows is the fused evaluation of the contiguous batch b, Window
// rows at a time from b.Lo, each window released after its pass. The
// windows are whole blocks of the plan (Window is a multiple of
// kernels.BlockRows), and one kernels.BlockSum adds the blocks of every
// window in its fixed tree, so the result is the one pass's, bit for bit.
func (ls *LeastSquares) evalWindows(w []float64, b Batch, grad []float64) float64 {
	coef, c := ls.coefficients(w)
	g := ls.gradScratch(grad)
	m := b.Len()
	ls.task.set(ls, coef, c, b)
	defer ls.task.clear()
	for lo := 0; lo < m; lo += ls.window {
		if lo > 0 && ls.ctx != nil && ls.ctx.Err() != nil {
			// EvalContext's context is cancelled: the pass is lost.
			ls.sum.Reset()
			ls.stopped = true
			return math.NaN()
		}
		hi := lo + min(ls.window, m-lo)
		ls.plan.Run(lo, hi, &ls.task, ls.sum)
		ls.releaseRows(b.Lo+lo, b.Lo+hi)
	}
	ssr, sr := ls.total(g)
	return ls.finish(ssr, sr, m, g, grad)
}

// touch records that rows [lo, hi) were read: the window of the previous
// batch is released if it is not among theirs, and so are the windows
// [lo, hi) leaves behind; the last stays resident.
func (ls *LeastSquares) touch(lo, hi int) {
	w := ls.window
	first, last := lo/w, (hi-1)/w
	if ls.cur >= 0 && (ls.cur < first || ls.cur > last) {
		ls.releaseCurrent()
	}
	for k := first; k < last; k++ {
		ls.releaseRows(k*w, (k+1)*w)
	}
	ls.cur = last
}

// releaseCurrent releases the window of the last batch, if any.
func (ls *LeastSquares) releaseCurrent() {
	if ls.cur >= 0 {
		ls.releaseRows(ls.cur*ls.window, (ls.cur+1)*ls.window)
		ls.cur = -1
	}
}

// releaseRows calls Release(lo, hi) on the rows of the data among
// [lo, hi).
func (ls *LeastSquares) releaseRows(lo, hi int) {
	hi = min(hi, ls.rows)
	if ls.release != nil && lo < hi {
		ls.release(lo, hi)
	}
}
