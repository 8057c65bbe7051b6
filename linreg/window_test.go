package linreg

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// windowData returns an m×d problem with a Release that records its calls,
// in windows of the given rows.
func windowData(m, d, window int) (x Matrix, y []float64, released *int) {
	rng := rand.New(rand.NewPCG(7, 9))
	data := make([]float64, m*d)
	for i := range data {
		data[i] = rng.NormFloat64()*3 + float64(i%d)
	}
	y = make([]float64, m)
	for i := range y {
		for j := range d {
			y[i] += float64(j+1) * data[i*d+j]
		}
		y[i] += rng.NormFloat64()
	}
	released = new(int)
	x = Matrix{Data: data, Rows: m, Cols: d, windowRows: window, Release: func(lo, hi int) {
		if lo < 0 || hi > m || lo >= hi {
			panic("bad release range")
		}
		*released++
	}}
	return x, y, released
}

// TestWindowedBits checks that the checks, metrics and predictions over a
// windowed matrix give the bits of the unwindowed ones, for m not a
// multiple of the window, several windows. (The fits: TestWindowedFit.)
func TestWindowedBits(t *testing.T) {
	const m, d = 4096*9 + 123, 3
	for _, w := range []int{4096, 8192, 16384} {
		xr, y, released := windowData(m, d, w)
		x := xr
		x.Release = nil
		if xr.check("X") != nil || checkTargetsContext(context.Background(), y, xr) != nil {
			t.Error("check failed")
		}
		model := &Model{Coef: []float64{1, 2, 3.5}, Intercept: 0.25}
		for _, f := range []func(*Model, Matrix, []float64) (float64, error){(*Model).MSE, (*Model).MAE, (*Model).Score} {
			a, err1 := f(model, x, y)
			b, err2 := f(model, xr, y)
			if err1 != nil || err2 != nil || math.Float64bits(a) != math.Float64bits(b) {
				t.Errorf("W=%d: metric %v vs %v (%v, %v)", w, a, b, err1, err2)
			}
		}
		p1, p2 := make([]float64, m), make([]float64, m)
		if model.Predict(x, p1) != nil || model.Predict(xr, p2) != nil || !sameBits(p1, p2) {
			t.Errorf("W=%d: Predict differs", w)
		}
		if *released == 0 {
			t.Errorf("W=%d: the windowed passes released nothing", w)
		}
	}
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestWindowedFit checks that a fit over a matrix with Release is the fit
// without it, bit for bit, and that it releases.
func TestWindowedFit(t *testing.T) {
	const m, d = 4096*4 + 77, 3
	for _, r := range []Regressor{
		{Epochs: 30},
		{Method: MiniBatch, BatchSize: 256, ShuffleBlock: 4096, Epochs: 2, Seed: 3},
		{Method: SGD, ShuffleBlock: 4096, Epochs: 1, Seed: 3},
		{Method: SGD, Epochs: 1, Seed: 3, L2: 0.01},
		{Method: Exact},
		{Method: Exact, L1: 0.05},
		{L2: 0.1, Epochs: 30},
	} {
		xr, y, released := windowData(m, d, 4096)
		x := xr
		x.Release = nil
		m1, err1 := r.Fit(context.Background(), x, y)
		m2, err2 := r.Fit(context.Background(), xr, y)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		m1.Summary.Seconds, m2.Summary.Seconds = 0, 0
		if !reflect.DeepEqual(m1, m2) {
			t.Errorf("%s: fits differ:\n%v\n%v", r.method(), m1, m2)
		}
		if *released == 0 {
			t.Errorf("%s: nothing released", r.method())
		}
	}
}

func TestWindowRows(t *testing.T) {
	for _, tc := range []struct{ cols, want int }{{0, 4194304}, {1, 4194304}, {8, 524288}, {3, 1048576}, {1000, 4096}, {100000, 4096}} {
		if got := WindowRows(tc.cols); got != tc.want {
			t.Errorf("WindowRows(%d) = %d, want %d", tc.cols, got, tc.want)
		}
	}
}
