package linreg

import (
	"context"

	"github.com/lanes-go/lanes/kernels"
)

// Passes over a Matrix with a Release function go window by window: rows
// [kW, (k+1)W), W = WindowRows(cols), with x.Release called after each
// window. A windowed pass gives the bits of the unwindowed one: row-wise
// work is the same, and the reductions are the block tree of package
// kernels (kernels.BlockPlan), whose blocks of kernels.BlockRows rows
// nest in windows of BlockRows·2^k rows.

// windowTarget is the size of a window's rows in bytes, about.
const windowTarget = 32 << 20

// WindowRows returns the number of rows of the windows in which Regressor
// and Model stream over a Matrix with a Release function: 4096·2^k rows,
// the largest such that a window of cols float64 columns takes at most
// 32 MiB (at least 4096 rows). A caller that memory-maps its data can use
// it as Regressor.ShuffleBlock, so that SGD and MiniBatch visit one
// window at a time.
func WindowRows(cols int) int {
	// In int64: on a 32-bit GOARCH rows·cols·8 overflows int.
	w := int64(kernels.LossGradBlockRows)
	for 2*w*int64(max(cols, 1))*8 <= windowTarget {
		w *= 2
	}
	return int(w)
}

// window returns the window size of a pass over x's rows: WindowRows (or
// x.windowRows) for a matrix with Release, all its rows (one window, no
// Release) otherwise.
func (x Matrix) window() int {
	switch {
	case x.Release == nil:
		return max(x.Rows, 1)
	case x.windowRows > 0:
		return x.windowRows
	}
	return WindowRows(x.Cols)
}

// pieces calls fn with consecutive ranges of rows [lo, hi) that together
// cover x's rows, looking at ctx before each: pieces of about checkWork
// values (at least one row), within the windows of x (all its rows
// without Release), each window released once fn has seen all of it. It
// returns fn's first error, or the context's. It is for passes that work
// row by row, whose results do not depend on where the rows are cut.
func (x Matrix) pieces(ctx context.Context, fn func(lo, hi int) error) error {
	w, step := x.window(), max(1, checkWork/max(x.Cols, 1))
	for lo := 0; lo < x.Rows; {
		end := lo + min(w, x.Rows-lo)
		for a := lo; a < end; {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := a + min(step, end-a)
			if err := fn(a, b); err != nil {
				return err
			}
			a = b
		}
		x.release(lo, end)
		lo = end
	}
	return nil
}

// release calls x.Release(lo, hi) if x has one.
func (x Matrix) release(lo, hi int) {
	if x.Release != nil && lo < hi {
		x.Release(lo, hi)
	}
}
