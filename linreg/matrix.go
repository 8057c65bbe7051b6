package linreg

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Matrix is a row-major matrix used in place, never copied: row i is
// Data[i·Stride : i·Stride+Cols]. Stride 0 means Cols.
type Matrix struct {
	Data       []float64
	Rows, Cols int
	Stride     int
	// Release, if not nil, is called by linreg after a pass has finished
	// with rows [lo, hi), so that a memory-mapped matrix can drop those
	// pages (and the pages of the targets that go with the rows). With it
	// set, every full pass of Regressor.Fit and of Model's methods over X
	// (and y) goes window by window, WindowRows(Cols) rows at a time, with
	// no buffer of one value per row; the results are the same bits as
	// without it. SGD and MiniBatch release a window when a contiguous
	// batch in another window comes (set Regressor.ShuffleBlock to
	// WindowRows(Cols) to visit one window at a time); batches of
	// scattered rows release nothing. It is nil for ordinary matrices.
	Release func(lo, hi int)

	// windowRows, if > 0, replaces WindowRows(Cols) as the window of a
	// matrix with Release: tests give small matrices several windows
	// (multiples of 4096 rows, as the fused evaluation needs).
	windowRows int
}

// NewMatrix returns the rows × cols row-major matrix over data.
func NewMatrix(data []float64, rows, cols int) Matrix {
	return Matrix{Data: data, Rows: rows, Cols: cols}
}

// FromGonum returns m as a Matrix: without copying when m is a *mat.Dense
// (or has a RawMatrix method), as a row-major copy otherwise.
func FromGonum(m mat.Matrix) Matrix {
	if rm, ok := m.(mat.RawMatrixer); ok {
		raw := rm.RawMatrix()
		return Matrix{Data: raw.Data, Rows: raw.Rows, Cols: raw.Cols, Stride: raw.Stride}
	}
	r, c := m.Dims()
	data := make([]float64, r*c)
	for i := range r {
		for j := range c {
			data[i*c+j] = m.At(i, j)
		}
	}
	return Matrix{Data: data, Rows: r, Cols: c}
}

// stride returns the row stride: Cols (at least 1) for Stride 0.
func (x Matrix) stride() int {
	if x.Stride == 0 {
		return max(x.Cols, 1)
	}
	return x.Stride
}

// Row returns row i, sharing x's storage.
func (x Matrix) Row(i int) []float64 {
	if x.Cols == 0 {
		return nil
	}
	s := x.stride()
	return x.Data[i*s : i*s+x.Cols]
}

// At returns the element in row i, column j.
func (x Matrix) At(i, j int) float64 { return x.Data[i*x.stride()+j] }

// check reports a malformed matrix, or the first NaN or Inf by row and
// column. what names the argument in messages ("X").
func (x Matrix) check(what string) error { return x.checkContext(context.Background(), what) }

// checkContext is check, which returns the context's error if it is
// cancelled first.
func (x Matrix) checkContext(ctx context.Context, what string) error {
	if err := x.shape(what); err != nil {
		return err
	}
	return x.pieces(ctx, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			for j, v := range x.Row(i) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("linreg: %s row %d, column %d is %v", what, i, j, v)
				}
			}
		}
		return nil
	})
}

// shape reports a malformed matrix: negative sizes, a stride below the
// columns, or data too short for its rows.
func (x Matrix) shape(what string) error {
	s := x.stride()
	switch {
	case x.Rows < 0 || x.Cols < 0:
		return fmt.Errorf("linreg: %s is %d×%d: negative dimension", what, x.Rows, x.Cols)
	case s < max(x.Cols, 1):
		return fmt.Errorf("linreg: %s has stride %d < %d columns", what, s, x.Cols)
	case x.Rows > 0 && x.Cols > 0 && x.Rows-1 > (math.MaxInt-x.Cols)/s:
		// The size the message would print overflows int.
		return fmt.Errorf("linreg: %s is %d×%d with stride %d, which needs more values than a slice can hold", what, x.Rows, x.Cols, s)
	case x.Rows > 0 && x.Cols > 0 && (len(x.Data) < x.Cols || x.Rows-1 > (len(x.Data)-x.Cols)/s):
		// (Rows−1)·s + Cols, compared without overflowing.
		return fmt.Errorf("linreg: %s is %d×%d with stride %d, which needs %d values, but has %d",
			what, x.Rows, x.Cols, s, (x.Rows-1)*s+x.Cols, len(x.Data))
	}
	return nil
}

// checkTargetsContext reports a y of the wrong length for x's rows or with
// a NaN or Inf, window by window if x has a Release function (which
// releases y's rows too), or the context's error if it is cancelled
// first.
func checkTargetsContext(ctx context.Context, y []float64, x Matrix) error {
	if len(y) != x.Rows {
		return fmt.Errorf("linreg: len(y) = %d, but X has %d rows", len(y), x.Rows)
	}
	return x.pieces(ctx, func(lo, hi int) error {
		for i, v := range y[lo:hi] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("linreg: y row %d is %v", lo+i, v)
			}
		}
		return nil
	})
}
