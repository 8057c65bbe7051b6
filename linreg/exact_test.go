package linreg

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// exactFit solves the regularised least-squares problem
//
//	minimise (1/(2n))·Σ (x_i·w + b − y_i)² + l1·‖w‖₁ + (l2/2)·‖w‖²
//
// as Regressor{Method: Exact}.Fit does (a moments pass, the problem, the
// exact solver with the rows for its fallback), on one worker.
func exactFit(ctx context.Context, x Matrix, y []float64, intercept bool, l1, l2 float64, opts fitOptions) (coef []float64, b float64, err error) {
	return exactFitWorkers(ctx, x, y, intercept, l1, l2, 1, opts)
}

// exactFitWorkers is exactFit on the given workers.
func exactFitWorkers(ctx context.Context, x Matrix, y []float64, intercept bool, l1, l2 float64, workers int, opts fitOptions) (coef []float64, b float64, err error) {
	plan := kernels.NewBlockPlan(workers)
	defer plan.Close()
	m, err := moments(ctx, plan, x, y, intercept, false, "X")
	if err != nil {
		return nil, 0, err
	}
	return exactSolveRows(ctx, plan, data(x, y), lsq.NewProblem(m, intercept, l1, l2), l1, l2, opts)
}

// exactGen describes a test problem: y = X·w* + b* + noise.
type exactGen struct {
	n, p   int
	corr   float64   // correlation between any two columns
	scales []float64 // column scales (nil: 1)
	offset float64   // column j is shifted by offset·scale_j
	noise  float64
	b      float64
	seed   uint64
}

// make returns X, y and w* (each coefficient contributes O(1) to y).
func (g exactGen) make() (Matrix, []float64, []float64) {
	rng := rand.New(rand.NewPCG(g.seed, 7))
	a, e := math.Sqrt(g.corr), math.Sqrt(1-g.corr)
	scale := func(j int) float64 {
		if g.scales == nil {
			return 1
		}
		return g.scales[j]
	}
	w := make([]float64, g.p)
	for j := range w {
		w[j] = (1 + rng.Float64()) / scale(j)
		if rng.IntN(2) == 0 {
			w[j] = -w[j]
		}
	}
	data := make([]float64, g.n*g.p)
	y := make([]float64, g.n)
	for i := range g.n {
		f := rng.NormFloat64()
		s := g.b
		for j := range g.p {
			v := scale(j) * (float64(a*f) + float64(e*rng.NormFloat64()) + g.offset)
			data[i*g.p+j] = v
			s += float64(v * w[j])
		}
		y[i] = s + float64(g.noise*rng.NormFloat64())
	}
	return NewMatrix(data, g.n, g.p), y, w
}

// exactScales returns p scales spread log-uniformly over [lo, hi].
func exactScales(p int, lo, hi float64) []float64 {
	s := make([]float64, p)
	for j := range s {
		t := 0.0
		if p > 1 {
			t = float64(j) / float64(p-1)
		}
		s[j] = lo * math.Pow(hi/lo, t)
	}
	// Interleave, so that neighbours differ in scale.
	for j := 1; j < p; j += 2 {
		k := p - 1 - j
		if k > j {
			s[j], s[k] = s[k], s[j]
		}
	}
	return s
}

// exactBigOLS returns the least-squares solution computed from the normal
// equations in 256-bit arithmetic (the sums are exact to ~2^-256,
// elimination with partial pivoting).
func exactBigOLS(x Matrix, y []float64, intercept bool) ([]float64, float64) {
	const prec = 256
	n, p := x.Rows, x.Cols
	m := p + 1
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	s := make([]*big.Float, m)
	g := make([][]*big.Float, m)
	for a := range m {
		s[a] = nf()
		g[a] = make([]*big.Float, m)
		for b := range m {
			g[a][b] = nf()
		}
	}
	v := make([]*big.Float, m)
	for a := range v {
		v[a] = nf()
	}
	tmp := nf()
	for i := range n {
		row := x.Row(i)
		for a := range p {
			v[a].SetFloat64(row[a])
		}
		v[p].SetFloat64(y[i])
		for a := range m {
			s[a].Add(s[a], v[a])
			for b := a; b < m; b++ {
				g[a][b].Add(g[a][b], tmp.Mul(v[a], v[b]))
			}
		}
	}
	bn := nf().SetInt64(int64(n))
	for a := range m {
		for b := a; b < m; b++ {
			if intercept {
				tmp.Mul(s[a], s[b])
				tmp.Quo(tmp, bn)
				g[a][b].Sub(g[a][b], tmp)
			}
			g[b][a] = g[a][b]
		}
	}
	// Solve g[:p][:p]·w = g[:p][p].
	aug := make([][]*big.Float, p)
	for r := range p {
		aug[r] = make([]*big.Float, m)
		for c := range m {
			aug[r][c] = nf().Set(g[r][c])
		}
	}
	for c := range p {
		piv := c
		for r := c + 1; r < p; r++ {
			if new(big.Float).Abs(aug[r][c]).Cmp(new(big.Float).Abs(aug[piv][c])) > 0 {
				piv = r
			}
		}
		aug[c], aug[piv] = aug[piv], aug[c]
		for r := c + 1; r < p; r++ {
			f := nf().Quo(aug[r][c], aug[c][c])
			for k := c; k < m; k++ {
				aug[r][k].Sub(aug[r][k], tmp.Mul(f, aug[c][k]))
			}
		}
	}
	wb := make([]*big.Float, p)
	for r := p - 1; r >= 0; r-- {
		acc := nf().Set(aug[r][p])
		for k := r + 1; k < p; k++ {
			acc.Sub(acc, tmp.Mul(aug[r][k], wb[k]))
		}
		wb[r] = acc.Quo(acc, aug[r][r])
	}
	w := make([]float64, p)
	for j := range w {
		w[j], _ = wb[j].Float64()
	}
	if !intercept {
		return w, 0
	}
	acc := nf().Set(s[p])
	for j := range p {
		acc.Sub(acc, tmp.Mul(s[j], wb[j]))
	}
	b, _ := acc.Quo(acc, bn).Float64()
	return w, b
}

// exactColMeans returns the plain column means of x and the mean of y.
func exactColMeans(x Matrix, y []float64) ([]float64, float64) {
	m := make([]float64, x.Cols)
	var my float64
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			m[j] += v
		}
		my += y[i]
	}
	for j := range m {
		m[j] /= float64(x.Rows)
	}
	return m, my / float64(x.Rows)
}

// exactMaxRel returns max_j |got_j − want_j| / |want_j|.
func exactMaxRel(got, want []float64) float64 {
	var e float64
	for j := range want {
		e = max(e, math.Abs(got[j]-want[j])/math.Abs(want[j]))
	}
	return e
}

// exactNormRel returns ‖got − want‖∞ / ‖want‖∞.
func exactNormRel(got, want []float64) float64 {
	var d, s float64
	for j := range want {
		d = max(d, math.Abs(got[j]-want[j]))
		s = max(s, math.Abs(want[j]))
	}
	return d / s
}

// exactInterceptErr returns |b − want| relative to the size of the terms
// of b = ȳ − x̄·w.
func exactInterceptErr(x Matrix, y []float64, w []float64, b, want float64) float64 {
	mean, my := exactColMeans(x, y)
	s := math.Abs(my)
	for j := range w {
		s += math.Abs(float64(mean[j] * w[j]))
	}
	return math.Abs(b-want) / s
}

func TestExactOLSNormalEquations(t *testing.T) {
	for _, intercept := range []bool{true, false} {
		x, y, _ := exactGen{n: 300, p: 6, corr: 0.3, offset: 2, noise: 0.5, b: 3, seed: 1}.make()
		w, b, err := exactFit(context.Background(), x, y, intercept, 0, 0, fitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Normal equations of the design [X 1] (or X), solved by LU.
		q := x.Cols + exactBtoi(intercept)
		d := mat.NewDense(x.Rows, q, nil)
		for i := range x.Rows {
			for j, v := range x.Row(i) {
				d.Set(i, j, v)
			}
			if intercept {
				d.Set(i, x.Cols, 1)
			}
		}
		var xtx mat.Dense
		xtx.Mul(d.T(), d)
		var xty, sol mat.VecDense
		xty.MulVec(d.T(), mat.NewVecDense(x.Rows, y))
		if err := sol.SolveVec(&xtx, &xty); err != nil {
			t.Fatal(err)
		}
		want := sol.RawVector().Data
		if e := exactNormRel(w, want[:x.Cols]); e > 1e-10 {
			t.Errorf("intercept %v: coefficients differ from the normal equations by %.3g relative", intercept, e)
		}
		if intercept {
			if e := exactInterceptErr(x, y, w, b, want[x.Cols]); e > 1e-10 {
				t.Errorf("intercept %v: intercept %v, normal equations %v (%.3g)", intercept, b, want[x.Cols], e)
			}
		} else if b != 0 {
			t.Errorf("no intercept: b = %v", b)
		}
	}
}

// TestExactOLSRecovers fits y = X·w* + b* computed without rounding
// (small integers, dyadic coefficients): the fit must return w*, b*.
func TestExactOLSRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n, p := 120, 7
	data := make([]float64, n*p)
	for i := range data {
		data[i] = float64(rng.IntN(201) - 100)
	}
	wstar := []float64{0.5, -1.25, 3, 0.125, -7.5, 2, 0.0625}
	for _, intercept := range []bool{true, false} {
		bstar := 0.0
		if intercept {
			bstar = -17.375
		}
		x := NewMatrix(data, n, p)
		y := make([]float64, n)
		for i := range y {
			s := bstar
			for j, v := range x.Row(i) {
				s += float64(v * wstar[j]) // exact: |s| < 2^20 with 2^-4 resolution
			}
			y[i] = s
		}
		w, b, err := exactFit(context.Background(), x, y, intercept, 0, 0, fitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if e := exactMaxRel(w, wstar); e > 1e-12 {
			t.Errorf("intercept %v: w = %v, want %v (%.3g)", intercept, w, wstar, e)
		}
		if math.Abs(b-bstar) > 1e-12*math.Abs(bstar)+1e-12 {
			t.Errorf("intercept %v: b = %v, want %v", intercept, b, bstar)
		}
	}
}

// TestExactOLSIllConditioned: correlated columns (0.99) at scales 1e-3 …
// 1e4, with large offsets, against a 256-bit reference.
func TestExactOLSIllConditioned(t *testing.T) {
	type tc struct{ n, p int }
	cases := []tc{{200, 8}, {2000, 30}}
	if testing.Short() {
		cases = []tc{{200, 8}, {400, 12}}
	}
	for _, c := range cases {
		for _, intercept := range []bool{true, false} {
			x, y, _ := exactGen{n: c.n, p: c.p, corr: 0.99, scales: exactScales(c.p, 1e-3, 1e4),
				offset: 50, noise: 0.3, b: 10, seed: uint64(c.p)}.make()
			w, b, err := exactFit(context.Background(), x, y, intercept, 0, 0, fitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rw, rb := exactBigOLS(x, y, intercept)
			e := exactMaxRel(w, rw)
			eb := exactInterceptErr(x, y, w, b, rb)
			t.Logf("%d×%d intercept %v: max relative coefficient error %.3g, intercept %.3g", c.n, c.p, intercept, e, eb)
			if e > 1e-8 || eb > 1e-8 {
				t.Errorf("%d×%d intercept %v: coefficient error %.3g, intercept error %.3g, want ≤ 1e-8", c.n, c.p, intercept, e, eb)
			}
		}
	}
}

// exactWithColumn returns a copy of x (n×p) with column j replaced by f(row).
func exactWithColumn(x Matrix, j int, f func(row []float64) float64) Matrix {
	data := make([]float64, x.Rows*x.Cols)
	for i := range x.Rows {
		copy(data[i*x.Cols:], x.Row(i))
		data[i*x.Cols+j] = f(data[i*x.Cols : (i+1)*x.Cols])
	}
	return NewMatrix(data, x.Rows, x.Cols)
}

func TestExactRankDeficient(t *testing.T) {
	x, y, _ := exactGen{n: 60, p: 6, corr: 0.2, offset: 1, noise: 0.1, seed: 3}.make()
	cases := []struct {
		name      string
		x         Matrix
		intercept bool
		want      []string
	}{
		{"duplicate", exactWithColumn(x, 4, func(r []float64) float64 { return r[1] }), true,
			[]string{"rank 5 of 6", "column 4 duplicates column 1"}},
		{"combination", exactWithColumn(x, 5, func(r []float64) float64 { return 2*r[0] - r[3] }), true,
			[]string{"rank 5 of 6", "column 5 is a linear combination of columns 0 and 3", "x5 ≈ 2·x0 − x3"}},
		{"shifted copy", exactWithColumn(x, 2, func(r []float64) float64 { return r[0] + 5 }), true,
			[]string{"rank 5 of 6", "column 2 is a linear combination of column 0 and the intercept", "x2 ≈ x0 + 5"}},
		{"constant", exactWithColumn(x, 3, func([]float64) float64 { return 7 }), true,
			[]string{"rank 5 of 6", "column 3 is constant"}},
		{"combination, no intercept", exactWithColumn(x, 5, func(r []float64) float64 { return 2*r[0] - r[3] }), false,
			[]string{"rank 5 of 6", "column 5 is a linear combination of columns 0 and 3"}},
		{"zero, no intercept", exactWithColumn(x, 1, func([]float64) float64 { return 0 }), false,
			[]string{"rank 5 of 6", "column 1 is all zeros"}},
		{"two problems", exactWithColumn(exactWithColumn(x, 3, func([]float64) float64 { return -2 }), 5,
			func(r []float64) float64 { return r[4] }), true,
			[]string{"rank 4 of 6", "column 3 is constant", "column 5 duplicates column 4"}},
	}
	for _, c := range cases {
		_, _, err := exactFit(context.Background(), c.x, y, c.intercept, 0, 0, fitOptions{})
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		t.Logf("%s: %v", c.name, err)
		for _, w := range append(c.want, "rank-deficient", "l2 > 0") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
		// With l2 > 0 the same data solve fine, and so does the lasso.
		for _, pen := range [][2]float64{{0, 1e-3}, {1e-3, 0}, {1e-3, 1e-3}} {
			w, b, err := exactFit(context.Background(), c.x, y, c.intercept, pen[0], pen[1], fitOptions{})
			if err != nil {
				t.Errorf("%s with l1 = %g, l2 = %g: %v", c.name, pen[0], pen[1], err)
				continue
			}
			for _, v := range append(w, b) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s with l1 = %g, l2 = %g: w = %v, b = %v", c.name, pen[0], pen[1], w, b)
				}
			}
		}
	}

	// Underdetermined.
	small, ys, _ := exactGen{n: 5, p: 5, seed: 4}.make()
	for _, c := range []struct {
		x         Matrix
		intercept bool
		want      string
	}{
		{small, true, "X has 5 rows, fewer than the 6 parameters (5 coefficients and an intercept)"},
		{NewMatrix(small.Data[:20], 4, 5), false, "X has 4 rows, fewer than the 5 parameters (5 coefficients)"},
	} {
		_, _, err := exactFit(context.Background(), c.x, ys[:c.x.Rows], c.intercept, 0, 0, fitOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "underdetermined") {
			t.Errorf("underdetermined %d×%d intercept %v: error %v, want one mentioning %q", c.x.Rows, c.x.Cols, c.intercept, err, c.want)
		}
		if _, _, err := exactFit(context.Background(), c.x, ys[:c.x.Rows], c.intercept, 0, 0.1, fitOptions{}); err != nil {
			t.Errorf("underdetermined with l2: %v", err)
		}
	}
	// Fewer rows than columns without an intercept is an error; as many is fine.
	if _, _, err := exactFit(context.Background(), NewMatrix(small.Data[:20], 4, 5), ys[:4], false, 0, 0, fitOptions{}); err == nil {
		t.Errorf("4×5 without intercept: no error")
	}
	if _, _, err := exactFit(context.Background(), small, ys, false, 0, 0, fitOptions{}); err != nil {
		t.Errorf("5×5 without intercept: %v", err)
	}
}

// exactCentred returns X and y centred with plain means (or as they are).
func exactCentred(x Matrix, y []float64, intercept bool) (*mat.Dense, []float64) {
	mean, my := exactColMeans(x, y)
	if !intercept {
		mean, my = make([]float64, x.Cols), 0
	}
	d := mat.NewDense(x.Rows, x.Cols, nil)
	yc := make([]float64, x.Rows)
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			d.Set(i, j, v-mean[j])
		}
		yc[i] = y[i] - my
	}
	return d, yc
}

func TestExactRidge(t *testing.T) {
	x, y, _ := exactGen{n: 150, p: 8, corr: 0.9, scales: exactScales(8, 0.1, 10), offset: 3, noise: 1, b: -2, seed: 5}.make()
	n := float64(x.Rows)
	for _, intercept := range []bool{true, false} {
		for _, l2 := range []float64{1e-4, 0.1, 10} {
			w, b, err := exactFit(context.Background(), x, y, intercept, 0, l2, fitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// Route 1: Cholesky of XcᵀXc/n + l2·I.
			xc, yc := exactCentred(x, y, intercept)
			var g mat.Dense
			g.Mul(xc.T(), xc)
			g.Scale(1/n, &g)
			sym := mat.NewSymDense(x.Cols, nil)
			for i := range x.Cols {
				for j := i; j < x.Cols; j++ {
					v := g.At(i, j)
					if i == j {
						v += l2
					}
					sym.SetSym(i, j, v)
				}
			}
			var ch mat.Cholesky
			if !ch.Factorize(sym) {
				t.Fatal("Cholesky failed")
			}
			var rhs, sol mat.VecDense
			rhs.MulVec(xc.T(), mat.NewVecDense(x.Rows, yc))
			rhs.ScaleVec(1/n, &rhs)
			if err := ch.SolveVecTo(&sol, &rhs); err != nil {
				t.Fatal(err)
			}
			if e := exactNormRel(w, sol.RawVector().Data); e > 1e-10 {
				t.Errorf("intercept %v, l2 = %g: differs from Cholesky by %.3g", intercept, l2, e)
			}

			// Route 2: scikit-learn's Ridge(alpha = a) minimises
			// ‖Xw + b − y‖² + a·‖w‖²; ours with l2 = a/n is the same problem.
			// Solve its normal equations on the uncentred design [X 1] by LU.
			a := l2 * n
			q := x.Cols + exactBtoi(intercept)
			d := mat.NewDense(x.Rows, q, nil)
			for i := range x.Rows {
				for j, v := range x.Row(i) {
					d.Set(i, j, v)
				}
				if intercept {
					d.Set(i, x.Cols, 1)
				}
			}
			var m mat.Dense
			m.Mul(d.T(), d)
			for j := range x.Cols {
				m.Set(j, j, m.At(j, j)+a)
			}
			var r2, s2 mat.VecDense
			r2.MulVec(d.T(), mat.NewVecDense(x.Rows, y))
			if err := s2.SolveVec(&m, &r2); err != nil {
				t.Fatal(err)
			}
			want := s2.RawVector().Data
			if e := exactNormRel(w, want[:x.Cols]); e > 1e-9 {
				t.Errorf("intercept %v, l2 = %g: differs from sklearn Ridge(alpha=%g) by %.3g", intercept, l2, a, e)
			}
			if intercept {
				if e := exactInterceptErr(x, y, w, b, want[x.Cols]); e > 1e-9 {
					t.Errorf("intercept %v, l2 = %g: intercept %v, sklearn form %v", intercept, l2, b, want[x.Cols])
				}
			}
		}
	}
}

// exactKKT checks the lasso / elastic-net optimality conditions at (w, b)
// independently: g_j = x_jᵀr/n with r = y − Xw − b; returns the largest
// violation relative to l1_max, and l1_max.
func exactKKT(x Matrix, y, w []float64, b float64, intercept bool, l1, l2 float64) (viol, l1max float64, interceptGrad float64) {
	n := float64(x.Rows)
	r := make([]float64, x.Rows)
	for i := range r {
		s := y[i] - b
		for j, v := range x.Row(i) {
			s -= float64(v * w[j])
		}
		r[i] = s
	}
	xc, yc := exactCentred(x, y, intercept)
	for j := range x.Cols {
		var g, g0 float64
		for i := range x.Rows {
			g += float64(xc.At(i, j) * r[i])
			g0 += float64(xc.At(i, j) * yc[i])
		}
		g /= n
		l1max = max(l1max, math.Abs(g0/n))
		switch {
		case w[j] > 0:
			viol = max(viol, math.Abs(g-float64(l2*w[j])-l1))
		case w[j] < 0:
			viol = max(viol, math.Abs(g-float64(l2*w[j])+l1))
		default:
			viol = max(viol, math.Abs(g)-l1)
		}
	}
	if intercept {
		for _, v := range r {
			interceptGrad += v
		}
		interceptGrad /= n
	}
	return viol / l1max, l1max, interceptGrad
}

func TestExactLasso(t *testing.T) {
	type tc struct {
		name string
		g    exactGen
	}
	cases := []tc{
		{"plain", exactGen{n: 200, p: 10, corr: 0.3, offset: 2, noise: 1, b: 4, seed: 6}},
		{"scales 1e-3…1e4", exactGen{n: 1000, p: 20, corr: 0.99, scales: exactScales(20, 1e-3, 1e4), offset: 50, noise: 0.3, b: 10, seed: 7}},
		{"correlation 0.99", exactGen{n: 1000, p: 20, corr: 0.99, offset: 5, noise: 0.3, b: 10, seed: 7}},
		{"more columns than rows", exactGen{n: 25, p: 40, corr: 0.9, offset: 1, noise: 0.3, b: 1, seed: 8}},
	}
	if testing.Short() {
		cases[1].g.n, cases[1].g.p = 300, 10
		cases[1].g.scales = exactScales(10, 1e-3, 1e4)
		cases[2].g.n, cases[2].g.p = 300, 10
	}
	for _, c := range cases {
		x, y, _ := c.g.make()
		for _, intercept := range []bool{true, false} {
			_, l1max, _ := exactKKT(x, y, make([]float64, x.Cols), 0, intercept, 0, 0)
			for _, frac := range []float64{1e-4, 0.01, 0.1, 0.5, 0.9} {
				for _, l2 := range []float64{0, 0.5 * l1max, 1e-3} {
					l1 := frac * l1max
					w, b, err := exactFit(context.Background(), x, y, intercept, l1, l2, fitOptions{})
					if err != nil {
						t.Errorf("%s intercept %v l1 = %.3g·l1max l2 = %g: %v", c.name, intercept, frac, l2, err)
						continue
					}
					viol, _, gb := exactKKT(x, y, w, b, intercept, l1, l2)
					zeros := 0
					for _, v := range w {
						if v == 0 {
							zeros++
						}
					}
					if viol > 1e-10 || math.Abs(gb) > 1e-10*l1max {
						t.Errorf("%s intercept %v l1 = %.3g·l1max l2 = %g: KKT violation %.3g·l1max, intercept gradient %.3g",
							c.name, intercept, frac, l2, viol, gb)
					}
					if frac == 0.5 && l2 == 0 && zeros == 0 {
						t.Errorf("%s intercept %v l1 = 0.5·l1max: no coefficient is exactly 0: %v", c.name, intercept, w)
					}
					if testing.Verbose() && l2 == 0 {
						t.Logf("%s intercept %v l1 = %.3g·l1max: KKT %.3g·l1max, %d zeros", c.name, intercept, frac, viol, zeros)
					}
				}
			}
			// Above l1_max every coefficient is exactly 0 and b = ȳ.
			_, my := exactColMeans(x, y)
			for _, l1 := range []float64{l1max * (1 + 1e-9), 2 * l1max} {
				w, b, err := exactFit(context.Background(), x, y, intercept, l1, 0.1, fitOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for j, v := range w {
					if v != 0 {
						t.Errorf("%s intercept %v l1 = %v ≥ l1max: w[%d] = %v", c.name, intercept, l1, j, v)
					}
				}
				want := my
				if !intercept {
					want = 0
				}
				if math.Abs(b-want) > 1e-14*math.Abs(want) {
					t.Errorf("%s intercept %v l1 ≥ l1max: b = %v, want ȳ = %v", c.name, intercept, b, want)
				}
			}
		}
	}
}

// TestExactLassoZeroColumns: a constant column (with an intercept) or an
// all-zero column (without) gets coefficient exactly 0 from ridge and lasso.
func TestExactLassoZeroColumns(t *testing.T) {
	x, y, _ := exactGen{n: 80, p: 5, corr: 0.5, offset: 1, noise: 0.2, b: 1, seed: 8}.make()
	for _, intercept := range []bool{true, false} {
		v := 0.0
		if intercept {
			v = 3.5
		}
		xz := exactWithColumn(x, 2, func([]float64) float64 { return v })
		for _, pen := range [][2]float64{{0, 0.01}, {0.01, 0}, {0.01, 0.01}} {
			w, b, err := exactFit(context.Background(), xz, y, intercept, pen[0], pen[1], fitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if w[2] != 0 {
				t.Errorf("intercept %v l1 = %g l2 = %g: zero column got %v", intercept, pen[0], pen[1], w[2])
			}
			if pen[0] > 0 {
				if viol, _, _ := exactKKT(xz, y, w, b, intercept, pen[0], pen[1]); viol > 1e-10 {
					t.Errorf("intercept %v l1 = %g l2 = %g: KKT violation %.3g", intercept, pen[0], pen[1], viol)
				}
			}
		}
	}
}

func TestExactLassoNoConvergence(t *testing.T) {
	x, y, _ := exactGen{n: 100, p: 6, corr: 0.9, offset: 1, noise: 0.2, seed: 9}.make()
	_, _, err := exactFit(context.Background(), x, y, true, 1e-3, 0, fitOptions{maxSweeps: 1})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "KKT") || !strings.Contains(err.Error(), "1 sweeps") {
		t.Errorf("error %v, want one naming the KKT violation after 1 sweep", err)
	}
}

func TestExactNoColumns(t *testing.T) {
	y := []float64{1, 2, 4}
	for _, pen := range [][2]float64{{0, 0}, {0, 1}, {1, 0}} {
		w, b, err := exactFit(context.Background(), NewMatrix(nil, 3, 0), y, true, pen[0], pen[1], fitOptions{})
		if err != nil || len(w) != 0 || math.Abs(b-7.0/3) > 1e-15 {
			t.Errorf("no columns, l1 = %g, l2 = %g: w = %v, b = %v, err = %v", pen[0], pen[1], w, b, err)
		}
	}
}

func BenchmarkExact(b *testing.B) {
	x, y, _ := exactGen{n: 2000, p: 30, corr: 0.99, scales: exactScales(30, 1e-3, 1e4), offset: 50, noise: 0.3, b: 10, seed: 30}.make()
	for _, pen := range [][2]float64{{0, 0}, {0, 0.01}, {0.01, 0}} {
		b.Run(fmt.Sprintf("l1=%g,l2=%g", pen[0], pen[1]), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := exactFit(context.Background(), x, y, true, pen[0], pen[1], fitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
