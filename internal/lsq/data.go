package lsq

import (
	"context"
	"fmt"

	"github.com/lanes-go/lanes/kernels"
)

// Data is a training set: X, Rows × Cols, row-major with row stride
// Stride (row i is X[i·Stride : i·Stride+Cols]), used in place, and the
// targets Y (nil where a pass needs none).
//
// With Release set, a pass goes window by window, Window rows at a time
// (a multiple of kernels.BlockRows), and calls Release(lo, hi) when it is
// done with rows [lo, hi), so that a memory-mapped file can drop their
// pages. The windows do not change a result: they are whole blocks of
// the block tree.
type Data struct {
	X                  []float64
	Rows, Cols, Stride int
	Y                  []float64
	Release            func(lo, hi int)
	Window             int
}

// Check reports a malformed Data: sizes that do not fit X or Y, or a
// window that is not a multiple of kernels.BlockRows.
func (d Data) Check() error {
	switch {
	case d.Rows < 0 || d.Cols < 0:
		return fmt.Errorf("lsq: %d rows × %d columns", d.Rows, d.Cols)
	case d.Stride < max(d.Cols, 1):
		return fmt.Errorf("lsq: stride %d < %d columns", d.Stride, d.Cols)
	case d.Rows > 0 && d.Cols > 0 && (d.Rows-1 > (len(d.X)-d.Cols)/d.Stride):
		return fmt.Errorf("lsq: len(X) = %d is too short for %d rows of stride %d", len(d.X), d.Rows, d.Stride)
	case d.Y != nil && len(d.Y) != d.Rows:
		return fmt.Errorf("lsq: len(Y) = %d for %d rows", len(d.Y), d.Rows)
	case d.Release != nil && (d.Window < kernels.BlockRows || d.Window%kernels.BlockRows != 0):
		return fmt.Errorf("lsq: window of %d rows, want a positive multiple of %d", d.Window, kernels.BlockRows)
	}
	return nil
}

// Row returns row i of X.
func (d Data) Row(i int) []float64 {
	if d.Cols == 0 {
		return nil
	}
	return d.X[i*d.Stride : i*d.Stride+d.Cols]
}

// rows returns X's rows [lo, hi) as a slice that starts at row lo and
// ends with row hi−1's last column, for a kernel with row stride d.Stride.
func (d Data) rows(lo, hi int) []float64 {
	if d.Cols == 0 || lo >= hi {
		return nil
	}
	return d.X[lo*d.Stride : (hi-1)*d.Stride+d.Cols]
}

// pass runs task over every row, window by window, into sink, looking at
// ctx between windows (and between blocks of a window, through the
// task's own checks where it has them). A nil plan runs the blocks on the
// calling goroutine.
func (d Data) pass(ctx context.Context, plan *kernels.BlockPlan, task kernels.BlockTask, sink kernels.BlockSink) error {
	if plan == nil {
		plan = kernels.NewBlockPlan(1) // starts no goroutine
	}
	w := d.Rows
	if d.Release != nil {
		w = d.Window
	}
	w = max(w, 1)
	for lo := 0; lo < d.Rows; lo += w {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := lo + min(w, d.Rows-lo)
		plan.Run(lo, hi, task, sink)
		if d.Release != nil {
			d.Release(lo, hi)
		}
	}
	return ctx.Err()
}
