package gd

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestEvalContextStopsBetweenWindows: an evaluation window by window
// stops at the first window boundary after its context is cancelled
// (cancelled here from the Release of window k, for every k), returning
// NaN and the context's error and releasing nothing more; an evaluation
// that is not cancelled gives Eval's bits.
func TestEvalContextStopsBetweenWindows(t *testing.T) {
	const windows = 5
	p := newStdProblem(t, 17, windows*kernels.BlockRows-9, 3, true)
	w := []float64{0.5, -1, 0.25, 2}
	for k := 0; k <= windows; k++ {
		ctx, cancel := context.WithCancel(context.Background())
		released, after := 0, 0
		o := p.opts
		o.Window = kernels.BlockRows
		o.Release = func(lo, hi int) {
			released++
			if k > 0 && released > k {
				after++
			}
			if released == k {
				cancel()
			}
		}
		ls, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, 4)
		loss, err := ls.EvalContext(ctx, w, All(p.rows), g)
		switch {
		case k == 0 || k == windows: // never cancelled, or after the last window
			plain := p.opts
			ref, _ := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, plain)
			rg := make([]float64, 4)
			want := ref.Eval(w, All(p.rows), rg)
			if err != nil || math.Float64bits(loss) != math.Float64bits(want) || sameBits(g, rg) >= 0 {
				t.Errorf("k=%d: EvalContext = %v, %v (grad %v); Eval %v (grad %v)", k, loss, err, g, want, rg)
			}
		default:
			if !errors.Is(err, context.Canceled) || !math.IsNaN(loss) || after != 0 {
				t.Errorf("cancelled in window %d: loss %v, err %v, %d windows released after; want NaN, context.Canceled, 0", k, loss, err, after)
			}
			// The objective is whole again: the next evaluation is Eval's.
			again, err := ls.EvalContext(context.Background(), w, All(p.rows), g)
			if want := ls.Eval(w, All(p.rows), nil); err != nil || math.Float64bits(again) != math.Float64bits(want) {
				t.Errorf("k=%d: after a cancellation EvalContext = %v, %v; want %v", k, again, err, want)
			}
		}
		cancel()
	}
}
