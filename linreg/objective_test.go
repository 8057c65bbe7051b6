package linreg

import (
	"context"
	"math"
	"testing"

	"github.com/lanes-go/lanes/gd"
)

// TestEvalRowSameBits: the one-row path of the SGD step gives exactly the
// general path's loss and gradient, with and without an intercept, with a
// constant column, and for residuals that are zero (where a −0 could
// differ).
func TestEvalRowSameBits(t *testing.T) {
	x, y := realWorld(50, 6, 0.9, 12)
	for i := range x.Rows {
		x.Data[i*6+2] = 4 // constant
	}
	y[3] = 0
	x.Data[3*6] = -1.5 // a negative feature times a zero residual: −0
	for _, intercept := range []bool{true, false} {
		s := newScaled(x, y, mustStandardize(x, intercept, 0.1), intercept, 0)
		_, d := s.Dims()
		w := make([]float64, d)
		for j := range w {
			w[j] = float64(j) - 2.5
		}
		zero := make([]float64, d) // residual −y: exercises zero products
		for _, params := range [][]float64{w, zero} {
			for i := range x.Rows {
				for _, b := range []gd.Batch{gd.Range(i, i+1), gd.Rows([]int{i})} {
					fast, slow := make([]float64, d), make([]float64, d)
					lf := s.Eval(params, b, fast)
					s.noRowFastPath = true
					ls := s.Eval(params, b, slow)
					s.noRowFastPath = false
					if math.Float64bits(lf) != math.Float64bits(ls) {
						t.Fatalf("row %d: loss %v fast, %v general", i, lf, ls)
					}
					for j := range fast {
						if math.Float64bits(fast[j]) != math.Float64bits(slow[j]) {
							t.Fatalf("intercept %v row %d: gradient %d is %v fast, %v general", intercept, i, j, fast[j], slow[j])
						}
					}
				}
			}
		}
	}
}

// mustStandardize is standardize without a context to cancel.
func mustStandardize(x Matrix, intercept bool, l2 float64) scaling {
	sc, err := standardize(context.Background(), x, intercept, l2)
	if err != nil {
		panic(err)
	}
	return sc
}

// mustLargestEigenvalue is largestEigenvalue without a context to cancel.
func mustLargestEigenvalue(s *scaled) float64 {
	l, err := largestEigenvalue(newCanceller(context.Background(), nil), s)
	if err != nil {
		panic(err)
	}
	return l
}
