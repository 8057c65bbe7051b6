package lsq

import (
	"context"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// testData returns n rows of cols features with the given scales and
// offsets (column j: offset[j] + scale[j]·N(0,1), correlated through a
// shared factor), a constant column where constant[j], and y.
func testData(n, cols int, seed uint64, scale, offset []float64, constant map[int]float64) Data {
	rng := rand.New(rand.NewPCG(seed, 99))
	x := make([]float64, n*cols)
	y := make([]float64, n)
	for i := range n {
		f := rng.NormFloat64()
		for j := range cols {
			if c, ok := constant[j]; ok {
				x[i*cols+j] = c
				continue
			}
			x[i*cols+j] = offset[j] + scale[j]*(0.6*rng.NormFloat64()+0.4*f)
			y[i] += float64(j%3-1) * (x[i*cols+j] - offset[j]) / scale[j]
		}
		y[i] += 3 + 0.1*rng.NormFloat64()
	}
	return Data{X: x, Rows: n, Cols: cols, Stride: cols, Y: y}
}

func ones(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// bigCentred returns Σ (a_i − ā)(b_i − b̄) exactly (256-bit), as a float64.
func bigCentred(a, b []float64) float64 {
	prec := uint(256)
	n := new(big.Float).SetPrec(prec).SetInt64(int64(len(a)))
	mean := func(v []float64) *big.Float {
		s := new(big.Float).SetPrec(prec)
		for _, x := range v {
			s.Add(s, new(big.Float).SetPrec(prec).SetFloat64(x))
		}
		return s.Quo(s, n)
	}
	ma, mb := mean(a), mean(b)
	s := new(big.Float).SetPrec(prec)
	for i := range a {
		da := new(big.Float).SetPrec(prec).SetFloat64(a[i])
		da.Sub(da, ma)
		db := new(big.Float).SetPrec(prec).SetFloat64(b[i])
		db.Sub(db, mb)
		s.Add(s, da.Mul(da, db))
	}
	f, _ := s.Float64()
	return f
}

func column(d Data, j int) []float64 {
	c := make([]float64, d.Rows)
	for i := range c {
		c[i] = d.X[i*d.Stride+j]
	}
	return c
}

// TestMomentsAccuracy: the centred moments, brought back to data units,
// match exact ones, on columns of every scale from 1e−150 to 1e150 and
// offsets of a million standard deviations, and constant columns of any
// magnitude come out exactly constant.
func TestMomentsAccuracy(t *testing.T) {
	scale := []float64{1, 1e-150, 1e150, 1e-3, 7}
	offset := []float64{0, 5e-145, -3e155, 1e3, 1e16}
	d := testData(3*kernels.BlockRows+17, 5, 1, scale, offset, nil)
	d.Cols, d.Stride = 7, 7
	x := make([]float64, d.Rows*7)
	for i := range d.Rows {
		copy(x[i*7:], d.X[i*5:(i+1)*5])
		x[i*7+5] = 1e17 // a nanosecond timestamp, constant
		x[i*7+6] = -1e300
	}
	d.X = x
	plan := kernels.NewBlockPlan(2)
	defer plan.Close()
	m, err := ComputeMoments(context.Background(), plan, d, true)
	if err != nil {
		t.Fatal(err)
	}
	for j := range 7 {
		if got := m.Constant(j); got != (j >= 5) {
			t.Errorf("column %d: Constant() = %v", j, got)
		}
	}
	for _, j := range []int{5, 6} {
		if m.Mean(j) != x[j] {
			t.Errorf("constant column %d: mean %v, want exactly %v", j, m.Mean(j), x[j])
		}
	}
	cols := make([][]float64, 5)
	for j := range cols {
		cols[j] = column(d, j)
	}
	for j := range 5 {
		for k := j; k < 5; k++ {
			want := bigCentred(cols[j], cols[k])
			got := m.centred(j, k) / m.Scale[j] / m.Scale[k]
			tol := 1e-12 * math.Sqrt(bigCentred(cols[j], cols[j])) * math.Sqrt(bigCentred(cols[k], cols[k]))
			if math.Abs(got-want) > tol {
				t.Errorf("centred(%d, %d) = %v, want %v (±%v)", j, k, got, want, tol)
			}
		}
		got := m.centred(j, m.Cols+1) / m.Scale[j] / m.YScale
		want := bigCentred(cols[j], d.Y)
		if tol := 1e-12 * math.Sqrt(bigCentred(cols[j], cols[j])) * math.Sqrt(bigCentred(d.Y, d.Y)); math.Abs(got-want) > tol {
			t.Errorf("centred(%d, y) = %v, want %v", j, got, want)
		}
	}
}

// TestMomentsFarShift: a first row a million standard deviations from the
// rest would cancel the centred moments' digits; the pass is repeated
// with the means, and the moments are exact again.
func TestMomentsFarShift(t *testing.T) {
	d := testData(2*kernels.BlockRows, 2, 2, []float64{1, 1}, []float64{0, 0}, nil)
	d.X[0], d.Y[0] = 1e6, -1e6
	plan := kernels.NewBlockPlan(1)
	defer plan.Close()
	m, err := ComputeMoments(context.Background(), plan, d, true)
	if err != nil {
		t.Fatal(err)
	}
	if m.Shift[0] == d.X[0] {
		t.Errorf("the shift stayed at the far first row")
	}
	c0 := column(d, 0)
	if got, want := m.centred(0, 0)/m.Scale[0]/m.Scale[0], bigCentred(c0, c0); math.Abs(got-want) > 1e-12*want {
		t.Errorf("centred(0, 0) = %v, want %v", got, want)
	}
	if got, want := m.centred(3, 3)/m.YScale/m.YScale, bigCentred(d.Y, d.Y); math.Abs(got-want) > 1e-12*want {
		t.Errorf("centred(y, y) = %v, want %v", got, want)
	}
}

// TestMomentsSameBits: the Gram is the same bits for any number of
// goroutines and any windows, on every implementation.
func TestMomentsSameBits(t *testing.T) {
	d := testData(5*kernels.BlockRows+123, 6, 3, ones(6, 2), ones(6, 10), map[int]float64{4: 5})
	var want []float64
	for _, impl := range kernels.Available() {
		restore, err := kernels.Use(impl)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2, 3, 8} {
			for _, window := range []int{0, kernels.BlockRows, 2 * kernels.BlockRows} {
				plan := kernels.NewBlockPlan(workers)
				dd := d
				released := 0
				if window > 0 {
					dd.Window, dd.Release = window, func(lo, hi int) { released += hi - lo }
				}
				m, err := ComputeMoments(context.Background(), plan, dd, true)
				plan.Close()
				if err != nil {
					t.Fatal(err)
				}
				if window > 0 && released != d.Rows {
					t.Errorf("%d of %d rows released", released, d.Rows)
				}
				if want == nil {
					want = m.Gram
					continue
				}
				for i := range want {
					if math.Float64bits(m.Gram[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s, %d workers, window %d: Gram[%d] = %v, want %v", impl, workers, window, i, m.Gram[i], want[i])
					}
				}
			}
		}
		restore()
	}
}

// TestMomentsErrors: NaN and infinities are named by row and column,
// wherever they are; a cancelled context stops the pass.
func TestMomentsErrors(t *testing.T) {
	plan := kernels.NewBlockPlan(2)
	defer plan.Close()
	for _, c := range []struct {
		row, col int
		v        float64
		want     string
	}{
		{0, 1, math.NaN(), "X row 0, column 1 is NaN"},
		{100, 0, math.Inf(1), "X row 100, column 0 is +Inf"},
		{3*kernels.BlockRows + 5, 2, math.Inf(-1), "X row 12293, column 2 is -Inf"},
		{3*kernels.BlockRows + 6, -1, math.NaN(), "y row 12294 is NaN"},
	} {
		d := testData(4*kernels.BlockRows, 3, 4, ones(3, 1), ones(3, 0), nil)
		if c.col < 0 {
			d.Y[c.row] = c.v
		} else {
			d.X[c.row*3+c.col] = c.v
		}
		_, err := ComputeMoments(context.Background(), plan, d, true)
		var nf *NonFiniteError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v at (%d, %d): got %v, want %q", c.v, c.row, c.col, err, c.want)
		}
	}
	d := testData(4*kernels.BlockRows, 3, 4, ones(3, 1), ones(3, 0), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ComputeMoments(ctx, plan, d, true); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
