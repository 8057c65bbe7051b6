package gd

// Shared test helpers: problems with a known minimiser, independent
// reference solvers (normal equations, ridge, coordinate-descent lasso),
// custom objectives, and small numeric utilities.
//
// Test data are generated from the raw output of a seeded PCG with every
// product rounded on its own (float64(a*b)), and never with math.Exp,
// math.Log or NormFloat64 (whose ziggurat uses Exp), so that they are the
// same bits on every GOARCH: the golden test in golden_test.go relies
// on it.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lsProblem is a least-squares problem whose minimiser is known.
type lsProblem struct {
	name      string
	n, p      int
	x, y      []float64 // x is n×p, row-major
	intercept bool
	want      []float64 // the minimiser: p coefficients, then the intercept if any
	lmax      float64   // largest eigenvalue of AᵀA/n, A = [X 1] (the curvature L)
	lmin      float64   // smallest eigenvalue of AᵀA/n
	rowMax    float64   // max_i ‖a_i‖², the largest per-example curvature
}

// problemSpec describes how to generate an lsProblem.
type problemSpec struct {
	name      string
	seed      uint64
	n, p      int
	scales    []float64 // column scales (nil: all 1)
	corr      float64   // if > 0, every column is a common factor plus corr × its own noise
	intercept bool
	noise     float64   // 0: y = X·w* + b exactly, and the minimiser is w*
	zeros     []int     // coefficients of w* that are 0
	wstar     []float64 // if set, the generating coefficients (scales and zeros are not applied to them)
}

// unif returns a uniform value in [-1, 1), exactly the same bits everywhere.
func unif(rng *rand.Rand) float64 { return float64(rng.Float64()*2) - 1 }

// newProblem generates a problem. With noise == 0 the minimiser is the
// generating w* itself (y = X·w* + b, rounded once per product); otherwise
// it is computed independently by solving the least-squares problem with
// gonum's QR.
func newProblem(t testing.TB, s problemSpec) *lsProblem {
	t.Helper()
	rng := rand.New(rand.NewPCG(s.seed, 0x9e3779b97f4a7c15))
	n, p := s.n, s.p
	x := make([]float64, n*p)
	for i := range n {
		common := unif(rng)
		for j := range p {
			v := unif(rng)
			if s.corr > 0 {
				v = common + float64(s.corr*v)
			}
			if s.scales != nil {
				v = float64(v * s.scales[j])
			}
			x[i*p+j] = v
		}
	}
	wstar := make([]float64, p)
	for j := range wstar {
		// Coefficients of both signs and magnitudes between 0.5 and 2.
		wstar[j] = float64(0.5+float64(1.5*rng.Float64())) * float64(1-2*float64(j%2))
		if s.scales != nil {
			// Undo the column scale so that every column matters.
			wstar[j] /= s.scales[j]
		}
	}
	for _, j := range s.zeros {
		wstar[j] = 0
	}
	if s.wstar != nil {
		wstar = slices.Clone(s.wstar)
	}
	b := 0.0
	if s.intercept {
		b = 0.75
	}
	y := make([]float64, n)
	for i := range y {
		v := b
		for j := range p {
			v += float64(x[i*p+j] * wstar[j])
		}
		if s.noise > 0 {
			// A sum of two uniforms: mean 0, standard deviation noise/√6·√2.
			v += float64(s.noise * float64(unif(rng)+unif(rng)))
		}
		y[i] = v
	}
	pr := &lsProblem{name: s.name, n: n, p: p, x: x, y: y, intercept: s.intercept}
	if s.noise == 0 {
		pr.want = wstar
		if s.intercept {
			pr.want = append(pr.want, b)
		}
	} else {
		pr.want = solveLS(t, pr.design(), y)
	}
	ev := eigenvalues(t, pr.gram())
	pr.lmin, pr.lmax = ev[0], ev[len(ev)-1]
	a := pr.design()
	for i := range n {
		row := mat.Row(nil, i, a)
		pr.rowMax = max(pr.rowMax, dot(row, row))
	}
	return pr
}

// d returns the number of parameters.
func (pr *lsProblem) d() int {
	if pr.intercept {
		return pr.p + 1
	}
	return pr.p
}

// objective returns gd's least-squares objective of the problem.
func (pr *lsProblem) objective(t testing.TB) *LeastSquares {
	t.Helper()
	obj, err := NewLeastSquares(pr.x, pr.p, pr.y, pr.intercept)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// design returns A = X, with a column of ones appended for the intercept.
func (pr *lsProblem) design() *mat.Dense {
	d := pr.d()
	a := mat.NewDense(pr.n, d, nil)
	for i := range pr.n {
		for j := range pr.p {
			a.Set(i, j, pr.x[i*pr.p+j])
		}
		if pr.intercept {
			a.Set(i, pr.p, 1)
		}
	}
	return a
}

// gram returns AᵀA/n, the Hessian of the least-squares loss.
func (pr *lsProblem) gram() *mat.SymDense {
	a := pr.design()
	var g mat.SymDense
	g.SymOuterK(1/float64(pr.n), a.T())
	return &g
}

// cond returns the condition number of AᵀA/n.
func (pr *lsProblem) cond() float64 { return pr.lmax / pr.lmin }

// loss returns the least-squares loss ½·mean((Aw − y)²), computed with a
// plain loop.
func (pr *lsProblem) loss(w []float64) float64 {
	var s float64
	for i := range pr.n {
		r := pr.residual(w, i)
		s += r * r
	}
	return s / float64(2*pr.n)
}

// residual returns a_i·w − y_i with a plain loop.
func (pr *lsProblem) residual(w []float64, i int) float64 {
	v := 0.0
	for j := range pr.p {
		v += pr.x[i*pr.p+j] * w[j]
	}
	if pr.intercept {
		v += w[pr.p]
	}
	return v - pr.y[i]
}

// gradient returns the gradient of the least-squares loss at w (no
// penalties), computed with a plain loop.
func (pr *lsProblem) gradient(w []float64) []float64 {
	g := make([]float64, pr.d())
	for i := range pr.n {
		r := pr.residual(w, i)
		for j := range pr.p {
			g[j] += r * pr.x[i*pr.p+j]
		}
		if pr.intercept {
			g[pr.p] += r
		}
	}
	for j := range g {
		g[j] /= float64(pr.n)
	}
	return g
}

// solveLS returns argmin ‖Aw − y‖₂, by QR.
func solveLS(t testing.TB, a *mat.Dense, y []float64) []float64 {
	t.Helper()
	var w mat.VecDense
	if err := w.SolveVec(a, mat.NewVecDense(len(y), slices.Clone(y))); err != nil {
		t.Fatalf("reference least-squares solve: %v", err)
	}
	return mat.Col(nil, 0, &w)
}

// ridgeSolution solves (AᵀA/n + L2·D) w = Aᵀy/n, D the identity with a 0
// for the intercept: the minimiser of the least-squares loss plus
// (L2/2)·‖coefficients‖².
func ridgeSolution(t testing.TB, pr *lsProblem, l2 float64) []float64 {
	t.Helper()
	d := pr.d()
	a := pr.design()
	var lhs mat.Dense
	lhs.Mul(a.T(), a)
	lhs.Scale(1/float64(pr.n), &lhs)
	for j := range pr.p {
		lhs.Set(j, j, lhs.At(j, j)+l2)
	}
	var rhs mat.VecDense
	rhs.MulVec(a.T(), mat.NewVecDense(pr.n, slices.Clone(pr.y)))
	rhs.ScaleVec(1/float64(pr.n), &rhs)
	var w mat.VecDense
	if err := w.SolveVec(&lhs, &rhs); err != nil {
		t.Fatalf("ridge solve: %v", err)
	}
	out := mat.Col(nil, 0, &w)
	if len(out) != d {
		t.Fatalf("ridge solve returned %d values, want %d", len(out), d)
	}
	return out
}

// lassoCD minimises (1/(2n))‖Xw + b − y‖² + l1·‖w‖₁ + (l2/2)·‖w‖², with the
// intercept b unpenalised, by cyclic coordinate descent (the algorithm of
// glmnet and scikit-learn), independently of gd. It iterates until a whole
// sweep changes no coordinate by more than 1e-15 relative.
func lassoCD(t testing.TB, pr *lsProblem, l1, l2 float64) []float64 {
	t.Helper()
	n, p := pr.n, pr.p
	w := make([]float64, pr.d())
	colSq := make([]float64, p) // ‖x_j‖²/n
	for j := range p {
		for i := range n {
			colSq[j] += pr.x[i*p+j] * pr.x[i*p+j]
		}
		colSq[j] /= float64(n)
	}
	r := make([]float64, n) // y − Xw − b
	for sweep := range 200000 {
		for i := range n {
			r[i] = -pr.residual(w, i)
		}
		change, scale := 0.0, 0.0
		if pr.intercept {
			var m float64
			for _, v := range r {
				m += v
			}
			m /= float64(n)
			w[p] += m
			for i := range r {
				r[i] -= m
			}
			change = math.Abs(m)
			scale = math.Abs(w[p])
		}
		for j := range p {
			old := w[j]
			rho := 0.0
			for i := range n {
				rho += pr.x[i*p+j] * r[i]
			}
			rho = rho/float64(n) + colSq[j]*old
			nw := softThreshold(rho, l1) / (colSq[j] + l2)
			if nw != old {
				for i := range n {
					r[i] -= (nw - old) * pr.x[i*p+j]
				}
			}
			w[j] = nw
			change = max(change, math.Abs(nw-old))
			scale = max(scale, math.Abs(nw))
		}
		if change <= 1e-15*max(scale, 1) && sweep > 2 {
			return w
		}
	}
	t.Fatalf("reference coordinate descent did not converge")
	return nil
}

// eigenvalues returns the eigenvalues of a symmetric matrix, ascending.
func eigenvalues(t testing.TB, a mat.Symmetric) []float64 {
	t.Helper()
	var e mat.EigenSym
	if !e.Factorize(a, false) {
		t.Fatal("eigendecomposition failed")
	}
	return e.Values(nil)
}

func dot(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += x[i] * y[i]
	}
	return s
}

func norm(x []float64) float64 { return math.Sqrt(dot(x, x)) }

// relErr returns ‖got − want‖₂ / ‖want‖₂ (or the absolute error if want
// is 0).
func relErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	diff := make([]float64, len(got))
	for i := range got {
		diff[i] = got[i] - want[i]
	}
	if nw := norm(want); nw > 0 {
		return norm(diff) / nw
	}
	return norm(diff)
}

// allFinite reports whether every value is finite.
func allFinite(w []float64) bool {
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// sameBits reports the first index where a and b differ in their bits, or
// -1.
func sameBits(a, b []float64) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}

// sameHistory reports whether two histories have the same epochs, steps,
// rates and bit-identical losses (Elapsed aside), and where they differ.
func sameHistory(a, b []Epoch) (bool, string) {
	if len(a) != len(b) {
		return false, fmt.Sprintf("%d epochs vs %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Epoch != y.Epoch || x.Step != y.Step ||
			math.Float64bits(x.Loss) != math.Float64bits(y.Loss) ||
			math.Float64bits(x.Rate) != math.Float64bits(y.Rate) ||
			(math.Float64bits(x.ValLoss) != math.Float64bits(y.ValLoss) && !(math.IsNaN(x.ValLoss) && math.IsNaN(y.ValLoss))) {
			return false, fmt.Sprintf("epoch %d: %+v vs %+v", i+1, x, y)
		}
	}
	return true, ""
}

// mustMinimize runs Minimize and fails the test on an error.
func mustMinimize(t testing.TB, obj Objective, w0 []float64, cfg Config) Result {
	t.Helper()
	res, err := Minimize(context.Background(), obj, w0, cfg)
	if err != nil {
		t.Fatalf("Minimize: %v", err)
	}
	if len(res.W) != len(w0) || !allFinite(res.W) {
		t.Fatalf("Minimize returned W = %v", res.W)
	}
	return res
}

// namedUpdate is an update rule with a name for subtests.
type namedUpdate struct {
	name string
	u    Update
}

func allUpdates() []namedUpdate {
	return []namedUpdate{{"plain", Plain{}}, {"momentum", Momentum{}}, {"nesterov", Nesterov{}}, {"adam", Adam{}}}
}

var allMethods = []Method{FullBatch, SGD, MiniBatch}

// sepQuad is a separable quadratic over n "examples":
//
//	ℓ_i(w) = ½·Σ_j a[j]·(w[j] − c[i][j])²
//
// whose mean over all examples is minimised by the column means of c, and
// whose regularised minimiser has a closed form (see minimizer). It is not
// least squares, and penalises only the parameters pen marks.
type sepQuad struct {
	a   []float64
	c   [][]float64
	pen []bool
}

func newSepQuad(seed uint64, n int, a, centre []float64, pen []bool) *sepQuad {
	rng := rand.New(rand.NewPCG(seed, 7))
	q := &sepQuad{a: a, pen: pen, c: make([][]float64, n)}
	for i := range q.c {
		q.c[i] = make([]float64, len(a))
		for j := range a {
			q.c[i][j] = centre[j] + float64(0.2*unif(rng))
		}
	}
	return q
}

func (q *sepQuad) Dims() (int, int)     { return len(q.c), len(q.a) }
func (q *sepQuad) Penalized(j int) bool { return q.pen[j] }

func (q *sepQuad) Eval(w []float64, b Batch, grad []float64) float64 {
	if grad != nil {
		clear(grad)
	}
	m := b.Len()
	var loss float64
	for k := range m {
		i := b.Lo + k
		if b.Index != nil {
			i = b.Index[k]
		}
		for j, aj := range q.a {
			e := w[j] - q.c[i][j]
			loss += float64(0.5 * float64(aj*float64(e*e)))
			if grad != nil {
				grad[j] += float64(aj * e)
			}
		}
	}
	inv := 1 / float64(m)
	for j := range grad {
		grad[j] *= inv
	}
	return loss * inv
}

// minimizer returns the minimiser of the mean loss plus L1·‖w_pen‖₁ +
// (L2/2)·‖w_pen‖²: coordinate by coordinate, S(a·c̄, L1)/(a + L2) where
// penalised and c̄ elsewhere.
func (q *sepQuad) minimizer(l1, l2 float64) []float64 {
	w := make([]float64, len(q.a))
	for j, aj := range q.a {
		var cbar float64
		for i := range q.c {
			cbar += q.c[i][j]
		}
		cbar /= float64(len(q.c))
		if q.pen[j] {
			w[j] = softThreshold(aj*cbar, l1) / (aj + l2)
		} else {
			w[j] = cbar
		}
	}
	return w
}

// nanAfter wraps an objective and returns NaN (loss and gradient) from its
// k-th evaluation with a gradient on.
type nanAfter struct {
	Objective
	k, calls int
}

func (o *nanAfter) Eval(w []float64, b Batch, grad []float64) float64 {
	if grad == nil {
		return o.Objective.Eval(w, b, grad)
	}
	o.calls++
	v := o.Objective.Eval(w, b, grad)
	if o.calls >= o.k {
		for j := range grad {
			grad[j] = math.NaN()
		}
		return math.NaN()
	}
	return v
}

// TestHelpers checks the reference solvers themselves, so that a
// convergence test cannot pass against a wrong reference.
func TestHelpers(t *testing.T) {
	exact := newProblem(t, problemSpec{name: "exact", seed: 1, n: 30, p: 4, intercept: true})
	if got := solveLS(t, exact.design(), exact.y); relErr(got, exact.want) > 1e-12 {
		t.Errorf("QR solve of an exact problem: %v, want w* = %v", got, exact.want)
	}
	if g := norm(exact.gradient(exact.want)); g > 1e-13 {
		t.Errorf("gradient at w* of an exact problem is %g", g)
	}
	noisy := newProblem(t, problemSpec{name: "noisy", seed: 2, n: 30, p: 4, intercept: true, noise: 0.3})
	if g := norm(noisy.gradient(noisy.want)); g > 1e-13 {
		t.Errorf("gradient at the QR solution of a noisy problem is %g", g)
	}
	if relErr(noisy.want[:4], []float64{1, 1, 1, 1}) < 1e-3 {
		t.Errorf("noisy problem's solution is degenerate: %v", noisy.want)
	}
	// With no penalty, coordinate descent is least squares.
	if got := lassoCD(t, noisy, 0, 0); relErr(got, noisy.want) > 1e-10 {
		t.Errorf("lassoCD with l1 = 0: %v, want %v", got, noisy.want)
	}
	// With L2 only, it is ridge.
	if got, want := lassoCD(t, noisy, 0, 0.3), ridgeSolution(t, noisy, 0.3); relErr(got, want) > 1e-10 {
		t.Errorf("lassoCD with l2 = 0.3: %v, ridge %v", got, want)
	}
	// A huge l1 zeroes every coefficient and leaves the mean of y as the
	// intercept.
	var ybar float64
	for _, v := range noisy.y {
		ybar += v
	}
	ybar /= float64(noisy.n)
	got := lassoCD(t, noisy, 100, 0)
	for j := range 4 {
		if got[j] != 0 {
			t.Errorf("lassoCD with l1 = 100: w[%d] = %g, want 0", j, got[j])
		}
	}
	if math.Abs(got[4]-ybar) > 1e-12 {
		t.Errorf("lassoCD with l1 = 100: intercept %g, want mean(y) = %g", got[4], ybar)
	}
	// The lasso optimality conditions at the CD solution: |∇_j| ≤ l1 where
	// w_j = 0, ∇_j = −l1·sign(w_j) elsewhere, ∇_b = 0.
	const l1 = 0.05
	sol := lassoCD(t, noisy, l1, 0)
	g := noisy.gradient(sol)
	for j := range 4 {
		switch {
		case sol[j] == 0 && math.Abs(g[j]) > l1+1e-12:
			t.Errorf("lasso KKT: w[%d] = 0 but |grad| = %g > l1", j, math.Abs(g[j]))
		case sol[j] != 0 && math.Abs(g[j]+l1*math.Copysign(1, sol[j])) > 1e-12:
			t.Errorf("lasso KKT: w[%d] = %g, grad %g", j, sol[j], g[j])
		}
	}
	if math.Abs(g[4]) > 1e-12 {
		t.Errorf("lasso KKT: intercept gradient %g", g[4])
	}
	// The separable quadratic's closed form has a zero gradient.
	q := newSepQuad(3, 10, []float64{1, 2, 3}, []float64{0.5, -1, 2}, []bool{true, true, false})
	w := q.minimizer(0, 0)
	grad := make([]float64, 3)
	q.Eval(w, All(10), grad)
	if norm(grad) > 1e-14 {
		t.Errorf("sepQuad minimizer has gradient %v", grad)
	}
}
