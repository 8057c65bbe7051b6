package linreg

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// randomMatrix returns a rows×cols matrix with the given stride (0: cols)
// whose padding between rows is NaN, so that reading it shows.
func randomMatrix(rng *rand.Rand, rows, cols, stride int) Matrix {
	s := stride
	if s == 0 {
		s = cols
	}
	n := 0
	if rows > 0 {
		n = (rows-1)*s + cols
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = math.NaN()
	}
	x := Matrix{Data: data, Rows: rows, Cols: cols, Stride: stride}
	for i := range rows {
		for j := range cols {
			data[i*s+j] = rng.NormFloat64() * math.Exp2(float64(rng.IntN(20)-10))
		}
	}
	return x
}

func randomModel(rng *rand.Rand, cols int) *Model {
	m := &Model{Coef: make([]float64, cols), Intercept: rng.NormFloat64()}
	for j := range m.Coef {
		m.Coef[j] = rng.NormFloat64()
	}
	return m
}

// exactPrediction returns row·coef + intercept rounded once from the exact
// value, and Σ|terms| as the scale of the rounding error.
func exactPrediction(row, coef []float64, intercept float64) (float64, float64) {
	sum := new(big.Float).SetPrec(4096).SetFloat64(intercept)
	scale := math.Abs(intercept)
	for j, v := range row {
		t := new(big.Float).SetPrec(4096).SetFloat64(v)
		t.Mul(t, new(big.Float).SetFloat64(coef[j]))
		sum.Add(sum, t)
		scale += math.Abs(v * coef[j])
	}
	f, _ := sum.Float64()
	return f, scale
}

func TestPredictMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cols := range []int{1, 2, 3, 7, 31, 32, 33, 64, 65, 100} {
		for _, rows := range []int{0, 1, 5, 17} {
			for _, pad := range []int{-1, 0, 1, 5} {
				stride := 0 // Stride 0 means Cols
				if pad >= 0 {
					stride = cols + pad
				}
				x := randomMatrix(rng, rows, cols, stride)
				m := randomModel(rng, cols)
				out := make([]float64, rows)
				if err := m.Predict(x, out); err != nil {
					t.Fatalf("%d×%d stride %d: %v", rows, cols, stride, err)
				}
				for i := range rows {
					row := x.Row(i)
					// The plain loop, in index order.
					loop := m.Intercept
					for j, v := range row {
						loop += v * m.Coef[j]
					}
					want, scale := exactPrediction(row, m.Coef, m.Intercept)
					if d := math.Abs(out[i] - want); d > 1e-15*scale {
						t.Errorf("%d×%d stride %d row %d: Predict %v, exact %v: error %.3g·Σ|terms|", rows, cols, stride, i, out[i], want, d/scale)
					}
					if d := math.Abs(out[i] - loop); d > 1e-15*scale+math.Abs(loop-want) {
						t.Errorf("%d×%d stride %d row %d: Predict %v, loop %v", rows, cols, stride, i, out[i], loop)
					}
					// Bit for bit: one Dot per row, then the intercept.
					if want := kernels.Dot(row, m.Coef) + m.Intercept; math.Float64bits(out[i]) != math.Float64bits(want) {
						t.Errorf("%d×%d stride %d row %d: Predict %v, Dot+Intercept %v", rows, cols, stride, i, out[i], want)
					}
					p, err := m.PredictRow(row)
					if err != nil || math.Float64bits(p) != math.Float64bits(out[i]) {
						t.Errorf("%d×%d row %d: PredictRow = %v, %v; Predict %v", rows, cols, i, p, err, out[i])
					}
				}
			}
		}
	}
}

func TestPredictStride(t *testing.T) {
	// 3×2 inside a 3×4 array whose other columns must not be read.
	nan := math.NaN()
	x := Matrix{Data: []float64{
		1, 2, nan, nan,
		3, 4, nan, nan,
		5, 6}, Rows: 3, Cols: 2, Stride: 4}
	m := &Model{Coef: []float64{10, 100}, Intercept: 0.5}
	out := make([]float64, 3)
	if err := m.Predict(x, out); err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{210.5, 430.5, 650.5} {
		if out[i] != want {
			t.Errorf("out[%d] = %v, want %v", i, out[i], want)
		}
	}
}

func TestPredictInterceptOnly(t *testing.T) {
	m := &Model{Coef: []float64{}, Intercept: 3}
	out := make([]float64, 4)
	if err := m.Predict(Matrix{Rows: 4}, out); err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if v != 3 {
			t.Errorf("out[%d] = %v, want 3", i, v)
		}
	}
	if p, err := m.PredictRow(nil); p != 3 || err != nil {
		t.Errorf("PredictRow(nil) = %v, %v", p, err)
	}
}

func TestPredictErrors(t *testing.T) {
	m := &Model{Coef: []float64{1, 2}, Intercept: 1, Features: []string{"age", "dose"}}
	good := NewMatrix([]float64{1, 2, 3, 4, 5, 6}, 3, 2)
	withValue := func(i, j int, v float64) Matrix {
		x := NewMatrix(append([]float64(nil), good.Data...), 3, 2)
		x.Data[i*2+j] = v
		return x
	}
	cases := []struct {
		name string
		m    *Model
		x    Matrix
		out  int
		want []string
	}{
		{"columns", m, NewMatrix(make([]float64, 9), 3, 3), 3, []string{"3 columns", "2 coefficients"}},
		{"out", m, good, 2, []string{"len(out) = 2", "3 rows"}},
		{"NaN", m, withValue(2, 1, math.NaN()), 3, []string{"X row 2, column 1 is NaN"}},
		{"Inf", m, withValue(0, 0, math.Inf(-1)), 3, []string{"X row 0, column 0 is -Inf"}},
		{"short data", m, NewMatrix(make([]float64, 5), 3, 2), 3, []string{"needs 6 values", "has 5"}},
		{"stride", m, Matrix{Data: make([]float64, 6), Rows: 3, Cols: 2, Stride: 1}, 3, []string{"stride 1"}},
		{"huge stride", m, Matrix{Data: make([]float64, 6), Rows: 3, Cols: 2, Stride: math.MaxInt / 2}, 3, []string{"stride"}},
		{"overflow", &Model{Coef: []float64{1e300, 1e300}}, NewMatrix([]float64{1e300, 1e300}, 1, 2), 1, []string{"X row 0", "overflows"}},
		{"bad coef", &Model{Coef: []float64{1, math.NaN()}}, good, 3, []string{"coefficient 1 is NaN"}},
		{"bad intercept", &Model{Coef: []float64{1, 1}, Intercept: math.Inf(1)}, good, 3, []string{"intercept is +Inf"}},
	}
	for _, c := range cases {
		err := c.m.Predict(c.x, make([]float64, c.out))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}

	rowCases := []struct {
		row  []float64
		want string
	}{
		{[]float64{1}, "1 values, but the model has 2 coefficients"},
		{[]float64{1, math.NaN()}, "row column 1 (dose) is NaN"},
		{[]float64{math.Inf(1), 1}, "row column 0 (age) is +Inf"},
	}
	for _, c := range rowCases {
		if _, err := m.PredictRow(c.row); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("PredictRow(%v) = %v, want an error containing %q", c.row, err, c.want)
		}
	}
	if _, err := (&Model{Coef: []float64{1e300}}).PredictRow([]float64{1e300}); err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Errorf("PredictRow overflow: %v", err)
	}
}

func TestPredictAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomMatrix(rng, 50, 9, 11)
	m := randomModel(rng, 9)
	out := make([]float64, 50)
	row := x.Row(3)
	if a := testing.AllocsPerRun(100, func() {
		if err := m.Predict(x, out); err != nil {
			t.Fatal(err)
		}
		if _, err := m.PredictRow(row); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Predict and PredictRow allocate %v times per call", a)
	}
}

// metricModel predicts its single column as is: ŷ = x.
var metricModel = &Model{Coef: []float64{1}}

func column(v ...float64) Matrix { return NewMatrix(v, len(v), 1) }

func TestMetrics(t *testing.T) {
	y := []float64{1, 2, 3, 4}
	pred := []float64{1.5, 2, 2, 5}
	// Residuals −0.5, 0, 1, −1: SS_res = 2.25; ȳ = 2.5, SS_tot = 5.
	const mse, rmse, mae = 2.25 / 4, 0.75, 2.5 / 4
	ssRes, ssTot := 2.25, 5.0
	r2 := 1 - ssRes/ssTot
	if got := MeanSquaredError(y, pred); got != mse {
		t.Errorf("MeanSquaredError = %v, want %v", got, mse)
	}
	if got := MeanAbsoluteError(y, pred); got != mae {
		t.Errorf("MeanAbsoluteError = %v, want %v", got, mae)
	}
	if got := R2(y, pred); got != r2 {
		t.Errorf("R2 = %v, want %v", got, r2)
	}
	x := column(pred...)
	for _, c := range []struct {
		name string
		f    func(Matrix, []float64) (float64, error)
		want float64
	}{
		{"MSE", metricModel.MSE, mse}, {"RMSE", metricModel.RMSE, rmse},
		{"MAE", metricModel.MAE, mae}, {"Score", metricModel.Score, r2},
	} {
		if got, err := c.f(x, y); err != nil || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.name, got, err, c.want)
		}
	}

	// With an intercept and two columns: ŷ = 2·x0 − x1 + 1.
	m := &Model{Coef: []float64{2, -1}, Intercept: 1}
	x2 := NewMatrix([]float64{1, 1, 2, 0, 0, 3, 1, -1}, 4, 2) // ŷ = 2, 5, −2, 4
	y2 := []float64{3, 5, -1, 2}                              // r = 1, 0, 1, −2: SS_res 6
	if got, err := m.MSE(x2, y2); err != nil || got != 1.5 {
		t.Errorf("MSE = %v, %v; want 1.5", got, err)
	}
	if got, err := m.MAE(x2, y2); err != nil || got != 1 {
		t.Errorf("MAE = %v, %v; want 1", got, err)
	}
	// ȳ = 2.25: SS_tot = 0.5625 + 7.5625 + 10.5625 + 0.0625 = 18.75.
	ssRes, ssTot = 6, 18.75
	if got, err := m.Score(x2, y2); err != nil || got != 1-ssRes/ssTot {
		t.Errorf("Score = %v, %v; want %v", got, err, 1-ssRes/ssTot)
	}
}

func TestMetricR2Conventions(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name    string
		y, pred []float64
		want    float64
	}{
		{"perfect", []float64{1, 2, 3}, []float64{1, 2, 3}, 1},
		{"the mean", []float64{1, 2, 3}, []float64{2, 2, 2}, 0},
		{"worse than the mean", []float64{1, 2, 3}, []float64{3, 2, 1}, -3},
		{"constant y, perfect", []float64{4, 4, 4}, []float64{4, 4, 4}, 1},
		{"constant y, imperfect", []float64{4, 4, 4}, []float64{4, 4, 5}, 0},
		// The rounded mean of three 0.1s is not 0.1; SS_tot is still 0.
		{"constant 0.1", []float64{0.1, 0.1, 0.1}, []float64{0.2, 0.1, 0.1}, 0},
		{"one value", []float64{1}, []float64{1}, nan},
		{"empty", nil, nil, nan},
		{"NaN in pred, constant y", []float64{4, 4}, []float64{4, nan}, nan},
		{"NaN in y", []float64{nan, 4}, []float64{4, 4}, nan},
	}
	for _, c := range cases {
		got := R2(c.y, c.pred)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("%s: R2 = %v, want %v", c.name, got, c.want)
		}
	}
	if got := MeanSquaredError(nil, nil); !math.IsNaN(got) {
		t.Errorf("MeanSquaredError of nothing = %v, want NaN", got)
	}
	if got := MeanAbsoluteError(nil, nil); !math.IsNaN(got) {
		t.Errorf("MeanAbsoluteError of nothing = %v, want NaN", got)
	}
	if got, err := metricModel.Score(column(4, 4, 4), []float64{4, 4, 4}); got != 1 || err != nil {
		t.Errorf("Score on constant y = %v, %v; want 1", got, err)
	}
}

func TestMetricErrors(t *testing.T) {
	cases := []struct {
		name string
		f    func(Matrix, []float64) (float64, error)
		x    Matrix
		y    []float64
		want string
	}{
		{"MSE no rows", metricModel.MSE, column(), nil, "0 rows"},
		{"Score one row", metricModel.Score, column(1), []float64{1}, "at least 2"},
		{"y length", metricModel.MAE, column(1, 2), []float64{1}, "len(y) = 1"},
		{"y NaN", metricModel.RMSE, column(1, 2), []float64{1, math.NaN()}, "y row 1 is NaN"},
		{"X NaN", metricModel.MSE, column(1, math.Inf(1)), []float64{1, 2}, "X row 1, column 0 is +Inf"},
		{"columns", metricModel.Score, NewMatrix([]float64{1, 2}, 1, 2), []float64{1}, "2 columns"},
	}
	for _, c := range cases {
		if _, err := c.f(c.x, c.y); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	for name, f := range map[string]func(y, pred []float64) float64{
		"MeanSquaredError": MeanSquaredError, "MeanAbsoluteError": MeanAbsoluteError, "R2": R2,
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "linreg."+name+": len(y)=2 != len(pred)=1") {
					t.Errorf("%s with mismatched lengths: panic %v", name, r)
				}
			}()
			f([]float64{1, 2}, []float64{1})
		}()
	}
}

func TestModelString(t *testing.T) {
	cases := []struct {
		m    Model
		want string
	}{
		{Model{Coef: []float64{2.00121, -2.99979}, Intercept: 0.500301, Features: []string{"age", "dose"},
			Summary: Summary{Method: "gd", Epochs: 127, MSE: 9.7e-05}},
			"linreg.Model{y = 2.0012·age − 2.9998·dose + 0.5003; method gd, 127 epochs, MSE 9.7e-05}"},
		{Model{Coef: []float64{-1, 0.5}, Intercept: -3, Summary: Summary{Method: "exact", MSE: 0.25}},
			"linreg.Model{y = −1·x0 + 0.5·x1 − 3; method exact, MSE 0.25}"},
		{Model{Coef: []float64{1}, Summary: Summary{Method: "sgd", Epochs: 1, MSE: 1234.5}},
			"linreg.Model{y = 1·x0; method sgd, 1 epoch, MSE 1.23e+03}"},
		{Model{Intercept: -2}, "linreg.Model{y = −2}"},
		{Model{Coef: make([]float64, 10)},
			"linreg.Model{y = 0·x0 + 0·x1 + 0·x2 + 0·x3 + 0·x4 + 0·x5 + 0·x6 + 0·x7 + … (2 more terms)}"},
	}
	for _, c := range cases {
		if got := c.m.String(); got != c.want {
			t.Errorf("String() =\n%s\nwant\n%s", got, c.want)
		}
		if got := (&c.m).String(); got != c.want {
			t.Errorf("(*Model).String() = %s", got)
		}
	}
}
