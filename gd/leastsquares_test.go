package gd

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestNewLeastSquaresErrors: size mismatches name the sizes, and a NaN or
// Inf names its row and column.
func TestNewLeastSquaresErrors(t *testing.T) {
	x := make([]float64, 12) // 4 × 3
	y := make([]float64, 4)
	with := func(s []float64, i int, v float64) []float64 {
		s = append([]float64(nil), s...)
		s[i] = v
		return s
	}
	for _, c := range []struct {
		name      string
		x         []float64
		cols      int
		y         []float64
		intercept bool
		want      []string
	}{
		{"short x", make([]float64, 11), 3, y, true, []string{"len(x) = 11", "4·3 = 12"}},
		{"long x", make([]float64, 13), 3, y, false, []string{"len(x) = 13", "12"}},
		{"y too long for x", x, 3, make([]float64, 5), true, []string{"len(x) = 12", "5·3 = 15"}},
		{"no rows", nil, 3, nil, true, []string{"no examples"}},
		{"negative cols", x, -1, y, true, []string{"cols = -1"}},
		{"no parameters", nil, 0, y, false, []string{"no parameters"}},
		{"NaN in x", with(x, 7, math.NaN()), 3, y, true, []string{"row 2, column 1", "NaN"}},
		{"Inf in x", with(x, 0, math.Inf(1)), 3, y, true, []string{"row 0, column 0", "+Inf"}},
		{"-Inf in last x", with(x, 11, math.Inf(-1)), 3, y, false, []string{"row 3, column 2", "-Inf"}},
		{"NaN in y", x, 3, with(y, 3, math.NaN()), true, []string{"y[3]", "row 3", "NaN"}},
		{"Inf in y", x, 3, with(y, 0, math.Inf(-1)), true, []string{"y[0]", "-Inf"}},
	} {
		ls, err := NewLeastSquares(c.x, c.cols, c.y, c.intercept)
		if err == nil || ls != nil {
			t.Errorf("%s: got %v, %v; want an error", c.name, ls, err)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not mention %q", c.name, err, s)
			}
		}
	}
	// Valid edge cases: one row, and an intercept alone.
	if _, err := NewLeastSquares([]float64{1, 2}, 2, []float64{3}, false); err != nil {
		t.Errorf("one row: %v", err)
	}
	if _, err := NewLeastSquares(nil, 0, []float64{3, 4}, true); err != nil {
		t.Errorf("intercept only: %v", err)
	}
}

// TestLeastSquaresDimsAndPenalized: the intercept is the last parameter
// and the only unpenalised one.
func TestLeastSquaresDimsAndPenalized(t *testing.T) {
	x := make([]float64, 15)
	for _, intercept := range []bool{false, true} {
		ls, err := NewLeastSquares(x, 3, make([]float64, 5), intercept)
		if err != nil {
			t.Fatal(err)
		}
		n, d := ls.Dims()
		wantD := 3
		if intercept {
			wantD = 4
		}
		if n != 5 || d != wantD {
			t.Errorf("intercept %v: Dims = %d, %d; want 5, %d", intercept, n, d, wantD)
		}
		for j := range d {
			if ls.Penalized(j) != (j < 3) {
				t.Errorf("intercept %v: Penalized(%d) = %v", intercept, j, ls.Penalized(j))
			}
		}
	}
}

// lsCase is a least-squares problem of 37 rows (more than the kernels' 32
// lanes) and 5 columns, with and without an intercept.
func lsCase(t *testing.T, intercept bool) (*lsProblem, *LeastSquares) {
	pr := newProblem(t, problemSpec{seed: 71, n: 37, p: 5, intercept: intercept, noise: 0.5, scales: []float64{1, 10, 0.1, 3, 1}})
	return pr, pr.objective(t)
}

// lsBatches are the batches Eval is checked on: all rows, ranges of many,
// one and an odd number of rows, and listed rows in any order, with a
// repeat.
func lsBatches() map[string]Batch {
	return map[string]Batch{
		"all":           All(37),
		"range":         Range(3, 36),
		"one row":       Range(36, 37),
		"first row":     Range(0, 1),
		"range of 2":    Range(10, 12),
		"rows":          Rows([]int{5, 0, 36, 12, 7, 30, 31, 2}),
		"rows repeated": Rows([]int{4, 4, 9}),
		"one listed":    Rows([]int{17}),
		"all listed":    Rows([]int{36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}),
	}
}

// batchRows lists the rows of a batch.
func batchRows(b Batch) []int {
	if b.Index != nil {
		return b.Index
	}
	var rows []int
	for i := b.Lo; i < b.Hi; i++ {
		rows = append(rows, i)
	}
	return rows
}

// TestLeastSquaresEvalMatchesLoop: the loss and gradient of every kind of
// batch match a plain float64 loop to 1e-12 relative.
func TestLeastSquaresEvalMatchesLoop(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		pr, ls := lsCase(t, intercept)
		w := []float64{0.3, -0.05, 4, 0.2, -1, 0.7}[:pr.d()]
		for name, b := range lsBatches() {
			t.Run(fmt.Sprintf("intercept=%v/%s", intercept, name), func(t *testing.T) {
				rows := batchRows(b)
				var loss float64
				grad := make([]float64, pr.d())
				for _, i := range rows {
					r := pr.residual(w, i)
					loss += 0.5 * r * r
					for j := range pr.p {
						grad[j] += r * pr.x[i*pr.p+j]
					}
					if intercept {
						grad[pr.p] += r
					}
				}
				m := float64(len(rows))
				loss /= m
				for j := range grad {
					grad[j] /= m
				}
				g := make([]float64, pr.d())
				for j := range g {
					g[j] = math.NaN() // Eval must overwrite, not add to, grad
				}
				got := ls.Eval(w, b, g)
				if b.Len() != len(rows) {
					t.Fatalf("Len = %d, want %d", b.Len(), len(rows))
				}
				if math.Abs(got-loss) > 1e-12*loss {
					t.Errorf("loss %.17g, loop %.17g", got, loss)
				}
				if e := relErr(g, grad); e > 1e-12 {
					t.Errorf("gradient %v, loop %v (relative error %.3g)", g, grad, e)
				}
				// Without a gradient the loss is the same bits.
				if l := ls.Eval(w, b, nil); math.Float64bits(l) != math.Float64bits(got) {
					t.Errorf("loss without gradient %.17g, with %.17g", l, got)
				}
			})
		}
	}
}

// TestLeastSquaresRowsEqualRange: consecutive listed rows give the same
// bits as the range of them; the canonical order of the kernels makes
// the two paths agree, the one-row path included.
func TestLeastSquaresRowsEqualRange(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		pr, ls := lsCase(t, intercept)
		w := []float64{0.3, -0.05, 4, 0.2, -1, 0.7}[:pr.d()]
		for _, r := range [][2]int{{0, 37}, {5, 6}, {36, 37}, {3, 9}, {1, 34}} {
			b := Range(r[0], r[1])
			g1, g2 := make([]float64, pr.d()), make([]float64, pr.d())
			l1 := ls.Eval(w, b, g1)
			l2 := ls.Eval(w, Rows(batchRows(b)), g2)
			if math.Float64bits(l1) != math.Float64bits(l2) || sameBits(g1, g2) >= 0 {
				t.Errorf("intercept %v, rows %v: range gives %v %v, listed rows %v %v", intercept, r, l1, g1, l2, g2)
			}
		}
	}
}

// TestLeastSquaresFiniteDifferences: the gradient is the derivative of
// the loss (central differences, exact for a quadratic but for
// rounding).
func TestLeastSquaresFiniteDifferences(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		pr, ls := lsCase(t, intercept)
		w := []float64{0.3, -0.05, 4, 0.2, -1, 0.7}[:pr.d()]
		for name, b := range lsBatches() {
			g := make([]float64, pr.d())
			ls.Eval(w, b, g)
			for j := range w {
				const h = 1e-5
				wp, wm := append([]float64(nil), w...), append([]float64(nil), w...)
				wp[j] += h
				wm[j] -= h
				fd := (ls.Eval(wp, b, nil) - ls.Eval(wm, b, nil)) / (2 * h)
				if math.Abs(fd-g[j]) > 1e-6*(1+math.Abs(g[j])) {
					t.Errorf("intercept %v, %s, parameter %d: gradient %.12g, finite difference %.12g", intercept, name, j, g[j], fd)
				}
			}
		}
	}
}

// TestLeastSquaresInterceptOnly: with no columns the model is the
// intercept alone: loss ½·mean((b − y)²), gradient mean(b − y).
func TestLeastSquaresInterceptOnly(t *testing.T) {
	y := []float64{1, 2, 4, 8, 16}
	ls, err := NewLeastSquares(nil, 0, y, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Batch{All(5), Range(1, 4), Range(2, 3), Rows([]int{4, 0}), Rows([]int{3})} {
		g := []float64{math.NaN()}
		loss := ls.Eval([]float64{3}, b, g)
		var wantLoss, wantGrad float64
		for _, i := range batchRows(b) {
			wantLoss += 0.5 * (3 - y[i]) * (3 - y[i])
			wantGrad += 3 - y[i]
		}
		m := float64(b.Len())
		if math.Abs(loss-wantLoss/m) > 1e-15*wantLoss || math.Abs(g[0]-wantGrad/m) > 1e-15*math.Abs(wantGrad) {
			t.Errorf("%+v: loss %v, gradient %v; want %v, %v", b, loss, g[0], wantLoss/m, wantGrad/m)
		}
	}
	// Minimize finds the mean.
	res := mustMinimize(t, ls, []float64{0}, Config{Rate: 1, GradTol: 1e-12})
	if math.Abs(res.W[0]-6.2) > 1e-12 {
		t.Errorf("intercept-only fit: %v, want the mean 6.2", res.W[0])
	}
}

// TestLeastSquaresEvalLeavesInputs: Eval reads w and the data, and writes
// only grad.
func TestLeastSquaresEvalLeavesInputs(t *testing.T) {
	pr, ls := lsCase(t, true)
	x, y := append([]float64(nil), pr.x...), append([]float64(nil), pr.y...)
	w := []float64{0.3, -0.05, 4, 0.2, -1, 0.7}
	w2 := append([]float64(nil), w...)
	for _, b := range lsBatches() {
		ls.Eval(w, b, make([]float64, 6))
	}
	if sameBits(x, pr.x) >= 0 || sameBits(y, pr.y) >= 0 || sameBits(w, w2) >= 0 {
		t.Error("Eval modified w, x or y")
	}
}

// TestLeastSquaresEvalPanics: a w, grad or batch that does not fit the
// problem panics with a message naming LeastSquares.Eval.
func TestLeastSquaresEvalPanics(t *testing.T) {
	_, ls := lsCase(t, true) // 37 rows, 6 parameters
	w := make([]float64, 6)
	for name, f := range map[string]func(){
		"short w":          func() { ls.Eval(make([]float64, 5), All(37), nil) },
		"short grad":       func() { ls.Eval(w, All(37), make([]float64, 5)) },
		"range past end":   func() { ls.Eval(w, Range(30, 38), nil) },
		"negative lo":      func() { ls.Eval(w, Range(-1, 3), nil) },
		"empty range":      func() { ls.Eval(w, Range(4, 4), nil) },
		"reversed range":   func() { ls.Eval(w, Range(5, 4), nil) },
		"empty rows":       func() { ls.Eval(w, Rows([]int{}), nil) },
		"too many rows":    func() { ls.Eval(w, Rows(make([]int, 38)), nil) },
		"row out of range": func() { ls.Eval(w, Rows([]int{37}), nil) },
	} {
		msg := panicMessage(f)
		if msg == "" {
			t.Errorf("%s: no panic", name)
		} else if name != "row out of range" && !strings.Contains(msg, "LeastSquares.Eval") {
			t.Errorf("%s: panic %q does not name LeastSquares.Eval", name, msg)
		}
	}
}

// panicMessage runs f and returns what it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
