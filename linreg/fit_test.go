package linreg

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// realWorld returns rows × cols data shaped like real tables: features
// driven by one shared factor (correlation corr), at scales from 1e-2 to
// 1e4 and offset far from zero (as ages, doses and incomes are), with a
// target that depends on most of them plus unit noise.
func realWorld(rows, cols int, corr float64, seed uint64) (Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	data := make([]float64, rows*cols)
	y := make([]float64, rows)
	scale := make([]float64, cols)
	for j := range scale {
		scale[j] = math.Pow(10, -2+6*float64(j)/float64(max(cols-1, 1)))
	}
	rest := math.Sqrt(1 - corr*corr)
	for i := range rows {
		f := rng.NormFloat64()
		for j := range cols {
			v := float64(corr*f) + float64(rest*rng.NormFloat64())
			data[i*cols+j] = float64(50*scale[j]) + float64(scale[j]*v)
			y[i] += float64(v * float64(j%5-2))
		}
		y[i] += 3 + rng.NormFloat64()
	}
	return NewMatrix(data, rows, cols), y
}

func mustFit(t *testing.T, r Regressor, x Matrix, y []float64) *Model {
	t.Helper()
	m, err := r.Fit(context.Background(), x, y)
	if err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return m
}

// relDiff is ‖a − b‖/‖b‖ over the coefficients and the intercept.
func relDiff(a, b *Model) float64 {
	num := math.Pow(a.Intercept-b.Intercept, 2)
	den := b.Intercept * b.Intercept
	for j := range b.Coef {
		num += math.Pow(a.Coef[j]-b.Coef[j], 2)
		den += b.Coef[j] * b.Coef[j]
	}
	return math.Sqrt(num / den)
}

func problemSize() (rows, cols int) {
	if testing.Short() {
		return 600, 12
	}
	return 3000, 30
}

// TestDefaultFitMatchesExact is the convergence target: the default
// full-batch fit lands within 1e-6 (relative) of the exact least-squares
// solution on real-world-shaped data, for mild and strong correlation.
func TestDefaultFitMatchesExact(t *testing.T) {
	rows, cols := problemSize()
	for _, corr := range []float64{0.5, 0.9, 0.99} {
		x, y := realWorld(rows, cols, corr, 7)
		exact := mustFit(t, Regressor{Method: Exact}, x, y)
		m := mustFit(t, Regressor{}, x, y)
		if d := relDiff(m, exact); d > 1e-6 {
			t.Errorf("corr %v: default fit is %.3g from the exact solution (%d steps, %s), want ≤ 1e-6", corr, d, m.Summary.Steps, m.Summary.Stop)
		}
	}
}

// TestPenalisedFitsMatchExact: ridge, lasso and elastic net by gradient
// descent land as close to Exact (augmented QR and coordinate descent),
// with the same exact zeros.
func TestPenalisedFitsMatchExact(t *testing.T) {
	rows, cols := problemSize()
	x, y := realWorld(rows, cols, 0.9, 8)
	for _, c := range []struct{ l1, l2 float64 }{{0, 0.5}, {0.05, 0}, {0.2, 0}, {0.03, 0.3}} {
		exact := mustFit(t, Regressor{Method: Exact, L1: c.l1, L2: c.l2}, x, y)
		m := mustFit(t, Regressor{L1: c.l1, L2: c.l2}, x, y)
		if d := relDiff(m, exact); d > 1e-6 {
			t.Errorf("l1=%v l2=%v: %.3g from exact (%d steps, %s)", c.l1, c.l2, d, m.Summary.Steps, m.Summary.Stop)
		}
		zeros := 0
		for j := range exact.Coef {
			if (exact.Coef[j] == 0) != (m.Coef[j] == 0) {
				t.Errorf("l1=%v l2=%v: coefficient %d is %g, exact %g: zeros must match", c.l1, c.l2, j, m.Coef[j], exact.Coef[j])
			}
			if m.Coef[j] == 0 {
				zeros++
			}
		}
		if c.l1 >= 0.2 && zeros == 0 {
			t.Errorf("l1=%v: no coefficient is exactly zero", c.l1)
		}
	}
}

// TestStochasticWithinOnePercent: default SGD and MiniBatch reach a
// training MSE within 1% of the optimum.
func TestStochasticWithinOnePercent(t *testing.T) {
	rows, cols := problemSize()
	for _, corr := range []float64{0.5, 0.99} {
		x, y := realWorld(rows, cols, corr, 9)
		best := mustFit(t, Regressor{Method: Exact}, x, y).Summary.MSE
		for _, method := range []Method{SGD, MiniBatch} {
			m := mustFit(t, Regressor{Method: method, Seed: 3}, x, y)
			if m.Summary.MSE > 1.01*best {
				t.Errorf("corr %v %s: MSE %.6g, optimum %.6g: %.2f%% above, want ≤ 1%%", corr, method, m.Summary.MSE, best, 100*(m.Summary.MSE/best-1))
			}
		}
	}
}

// TestClassicExample: the classic tutorial problem learns w ≈ 2, b ≈ 0
// with full-batch GD at rate 0.01 for 1000 steps, its loss falling.
func TestClassicExample(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	x := make([]float64, 100)
	y := make([]float64, 100)
	for i := range x {
		x[i] = -1 + float64(2*i)/99
		y[i] = float64(2*x[i]) + float64(0.3*rng.NormFloat64())
	}
	var losses []float64
	m := mustFit(t, Regressor{Rate: 0.01, Update: gd.Plain{}, Epochs: 1000, Callback: func(p gd.Progress) error {
		if p.EndOfEpoch && p.Step%100 == 0 {
			losses = append(losses, p.Loss)
		}
		return nil
	}}, NewMatrix(x, 100, 1), y)
	if math.Abs(m.Coef[0]-2) > 0.1 || math.Abs(m.Intercept) > 0.1 {
		t.Errorf("learned w = %v, b = %v; want 2 and 0 within 0.1", m.Coef[0], m.Intercept)
	}
	if len(losses) != 10 || m.Summary.Steps != 1000 {
		t.Fatalf("%d losses printed over %d steps, want 10 over 1000", len(losses), m.Summary.Steps)
	}
	for i := 1; i < len(losses); i++ {
		if losses[i] > losses[i-1] {
			t.Errorf("loss rose from %v to %v", losses[i-1], losses[i])
		}
	}
}

// TestExplicitRateIsHonoured: a rate that diverges is reported, never
// replaced by a safe one.
func TestExplicitRateIsHonoured(t *testing.T) {
	x, y := realWorld(200, 5, 0.5, 1)
	for _, method := range []Method{GD, SGD, MiniBatch} {
		m, err := Regressor{Method: method, Rate: 50}.Fit(context.Background(), x, y)
		if !errors.Is(err, gd.ErrDiverged) || m != nil {
			t.Errorf("%s at rate 50: model %v, err %v; want no model and gd.ErrDiverged", method, m, err)
		}
	}
	m := mustFit(t, Regressor{Rate: 0.3}, x, y)
	if m.Options.Rate != 0.3 || m.Options.AutoRate {
		t.Errorf("recorded rate %v (auto %v), want the given 0.3", m.Options.Rate, m.Options.AutoRate)
	}
}

// TestCollinearAndConstantColumns: Exact refuses perfectly collinear
// columns by name; the gradient methods still converge, to a solution
// with the optimal predictions, and give a constant column coefficient 0.
func TestCollinearAndConstantColumns(t *testing.T) {
	base, y := realWorld(400, 4, 0.5, 2)
	const cols = 6
	data := make([]float64, base.Rows*cols)
	for i := range base.Rows {
		row := data[i*cols : (i+1)*cols]
		copy(row, base.Row(i))
		row[4] = float64(2*row[1]) - row[3] // collinear
		row[5] = 7                          // constant
	}
	x := NewMatrix(data, base.Rows, cols)
	_, err := Regressor{Method: Exact}.Fit(context.Background(), x, y)
	if err == nil || !strings.Contains(err.Error(), "column") {
		t.Errorf("Exact on collinear columns: err = %v, want an error naming the column", err)
	}
	ref := mustFit(t, Regressor{Method: Exact}, base, y)
	m := mustFit(t, Regressor{}, x, y)
	if math.Abs(m.Summary.MSE-ref.Summary.MSE) > 1e-9*ref.Summary.MSE {
		t.Errorf("GD on collinear data: MSE %v, optimum %v", m.Summary.MSE, ref.Summary.MSE)
	}
	if m.Coef[5] != 0 {
		t.Errorf("constant column: coefficient %v, want 0", m.Coef[5])
	}
	for j, c := range m.Coef {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			t.Errorf("coefficient %d is %v", j, c)
		}
	}
}

func TestBadInputNamesRowAndColumn(t *testing.T) {
	x, y := realWorld(20, 3, 0.5, 3)
	bad := append([]float64(nil), x.Data...)
	bad[4*3+2] = math.NaN()
	yBad := append([]float64(nil), y...)
	yBad[7] = math.Inf(1)
	for _, c := range []struct {
		name string
		x    Matrix
		y    []float64
		want string
	}{
		{"NaN in X", NewMatrix(bad, 20, 3), y, "row 4, column 2"},
		{"Inf in y", x, yBad, "row 7"},
		{"short y", x, y[:19], "len(y) = 19"},
		{"short data", NewMatrix(x.Data[:50], 20, 3), y, "needs 60"},
		{"no rows", NewMatrix(nil, 0, 3), nil, "no rows"},
	} {
		for _, method := range []Method{GD, Exact} {
			m, err := Regressor{Method: method}.Fit(context.Background(), c.x, c.y)
			if err == nil || m != nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s (%s): err = %v, want one mentioning %q", c.name, method, err, c.want)
			}
		}
	}
}

func TestInvalidOptionsNameTheOption(t *testing.T) {
	x, y := realWorld(20, 3, 0.5, 3)
	for _, c := range []struct {
		r    Regressor
		want string
	}{
		{Regressor{Method: "newton"}, "Method"},
		{Regressor{L1: -1}, "L1"},
		{Regressor{L2: math.NaN()}, "L2"},
		{Regressor{Rate: -0.1}, "Rate"},
		{Regressor{Rate: 0.1, Schedule: gd.Constant(0.1)}, "Schedule"},
		{Regressor{BatchSize: 8}, "BatchSize"},
		{Regressor{Method: MiniBatch, BatchSize: -1}, "BatchSize"},
		{Regressor{Epochs: -5}, "Epochs"},
		{Regressor{Method: Exact, Epochs: 5}, "exact"},
		{Regressor{Features: []string{"a"}}, "Features"},
		{Regressor{Method: SGD, Schedule: gd.WarmupLinear{Base: 0.1, Warmup: 10, DecayStart: 5, Total: 20}}, "Warmup"},
	} {
		m, err := c.r.Fit(context.Background(), x, y)
		if err == nil || m != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want one naming %q", c.r, err, c.want)
		}
	}
}

// TestGonumAndStride: a *mat.Dense is used in place, a view with a stride
// wider than its columns fits to the same bits as a compact copy.
func TestGonumAndStride(t *testing.T) {
	x, y := realWorld(300, 4, 0.5, 4)
	wide := mat.NewDense(300, 6, nil)
	for i := range 300 {
		for j := range 4 {
			wide.Set(i, j+1, x.At(i, j))
		}
	}
	view := wide.Slice(0, 300, 1, 5)
	gx := FromGonum(view)
	if gx.Stride != 6 || &gx.Data[0] != &wide.RawMatrix().Data[1] {
		t.Fatalf("FromGonum copied a *mat.Dense view (stride %d)", gx.Stride)
	}
	for _, r := range []Regressor{{}, {Method: SGD, Epochs: 3}, {Method: MiniBatch, Epochs: 3}, {Method: Exact}} {
		a, b := mustFit(t, r, x, y), mustFit(t, r, gx, y)
		for j := range a.Coef {
			if math.Float64bits(a.Coef[j]) != math.Float64bits(b.Coef[j]) {
				t.Errorf("%s: coefficient %d: %v compact, %v strided", r.method(), j, a.Coef[j], b.Coef[j])
			}
		}
	}
	// A mat.Matrix that is not a RawMatrixer is copied.
	if tx := FromGonum(view.T().T()); tx.Rows != 300 || tx.Cols != 4 || tx.At(5, 2) != x.At(5, 2) {
		t.Errorf("FromGonum of a generic mat.Matrix: %d×%d", tx.Rows, tx.Cols)
	}
}

// TestSameBitsEveryKernel: a gradient fit gives the same coefficients
// with every kernel implementation this machine has.
func TestSameBitsEveryKernel(t *testing.T) {
	x, y := realWorld(500, 7, 0.9, 5)
	for _, r := range []Regressor{{}, {Method: SGD, Epochs: 3, Seed: 1}, {Method: MiniBatch, Epochs: 5, L1: 0.01, L2: 0.01}} {
		want := mustFit(t, r, x, y)
		for _, impl := range kernels.Available() {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			got := mustFit(t, r, x, y)
			restore()
			for j := range want.Coef {
				if math.Float64bits(got.Coef[j]) != math.Float64bits(want.Coef[j]) {
					t.Errorf("%s with %s: coefficient %d = %v, default %v", r.method(), impl, j, got.Coef[j], want.Coef[j])
				}
			}
			if math.Float64bits(got.Intercept) != math.Float64bits(want.Intercept) {
				t.Errorf("%s with %s: intercept %v, default %v", r.method(), impl, got.Intercept, want.Intercept)
			}
		}
	}
}

func TestCancelReturnsBestSoFar(t *testing.T) {
	x, y := realWorld(300, 5, 0.5, 6)
	ctx, cancel := context.WithCancel(context.Background())
	m, err := Regressor{Method: SGD, Callback: func(p gd.Progress) error {
		if p.Epoch == 2 {
			cancel()
		}
		return nil
	}}.Fit(ctx, x, y)
	if !errors.Is(err, context.Canceled) || m == nil || m.Summary.Epochs < 2 {
		t.Fatalf("cancelled fit: model %v, err %v; want the best model so far and context.Canceled", m, err)
	}
	for _, c := range m.Coef {
		if math.IsNaN(c) {
			t.Fatalf("cancelled fit returned NaN coefficients")
		}
	}
}
