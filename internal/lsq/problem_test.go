package lsq

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/kernels"
)

func moments(t *testing.T, d Data) *Moments {
	t.Helper()
	plan := kernels.NewBlockPlan(2)
	defer plan.Close()
	m, err := ComputeMoments(context.Background(), plan, d, true)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// reference solves min (1/(2n))·|Xc·β − yc|² + (l2/2)·|β|² with gonum on
// the centred data (a QR least-squares solve of the augmented system).
func reference(d Data, l2 float64) (coef []float64, intercept float64) {
	n, p := d.Rows, d.Cols
	mean := make([]float64, p)
	var ym float64
	for i := range n {
		for j := range p {
			mean[j] += d.X[i*d.Stride+j] / float64(n)
		}
		ym += d.Y[i] / float64(n)
	}
	a := mat.NewDense(n+p, p, nil)
	b := mat.NewVecDense(n+p, nil)
	for i := range n {
		for j := range p {
			a.Set(i, j, d.X[i*d.Stride+j]-mean[j])
		}
		b.SetVec(i, d.Y[i]-ym)
	}
	s := math.Sqrt(float64(n) * l2)
	for j := range p {
		a.Set(n+j, j, s)
	}
	var qr mat.QR
	qr.Factorize(a)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, b); err != nil {
		panic(err)
	}
	coef = make([]float64, p)
	intercept = ym
	for j := range p {
		coef[j] = beta.AtVec(j)
		intercept -= coef[j] * mean[j]
	}
	return coef, intercept
}

// TestSolveMatchesQR: least squares and ridge through the moments and
// Cholesky agree with a QR solve of the data, at every scale.
func TestSolveMatchesQR(t *testing.T) {
	scale := []float64{1, 1e-2, 1e4, 3, 1e-6}
	offset := []float64{0, 50, -2e5, 1, 1e-3}
	d := testData(2*kernels.BlockRows+77, 5, 5, scale, offset, nil)
	m := moments(t, d)
	for _, l2 := range []float64{0, 1e-3, 0.5} {
		pr := NewProblem(m, true, 0, l2)
		v := append([]float64(nil), pr.C...)
		h := append([]float64(nil), pr.A...)
		for j := range pr.K() {
			h[j*pr.K()+j] += pr.L2w[j]
		}
		ch, _ := Factor(context.Background(), h, pr.K())
		if len(ch.Dependent) > 0 {
			t.Fatalf("l2 %g: dependent columns %v", l2, ch.Dependent)
		}
		ch.Solve(v)
		coef, b := pr.Coef(v)
		wantC, wantB := reference(d, l2)
		for j := range coef {
			if math.Abs(coef[j]-wantC[j]) > 1e-9*math.Abs(wantC[j])+1e-12/scale[j] {
				t.Errorf("l2 %g: coef[%d] = %v, want %v", l2, j, coef[j], wantC[j])
			}
		}
		if math.Abs(b-wantB) > 1e-9*math.Abs(wantB)+1e-9 {
			t.Errorf("l2 %g: intercept %v, want %v", l2, b, wantB)
		}
	}
}

// TestDependentColumns: a column that is an exact combination of others
// is found, with the combination.
func TestDependentColumns(t *testing.T) {
	d := testData(kernels.BlockRows+10, 4, 6, []float64{1, 2, 3, 1}, []float64{0, 1, 2, 3}, nil)
	for i := range d.Rows {
		d.X[i*4+2] = 2*d.X[i*4+0] - d.X[i*4+1] // x2 = 2·x0 − x1
	}
	m := moments(t, d)
	pr := NewProblem(m, true, 0, 0)
	ch, _ := Factor(context.Background(), pr.A, pr.K())
	if len(ch.Dependent) != 1 || ch.Dependent[0] != 2 {
		t.Fatalf("dependent %v, want [2]", ch.Dependent)
	}
	c := ch.Relation(2)
	// In data units: x2 − μ2 = Σ c_t·(σ2/p2)·(p_t/σ_t)·(x_t − μ_t).
	got := make([]float64, 2)
	for tt := range 2 {
		got[tt] = c[tt] * (pr.Sigma[2] / m.Scale[2]) * (m.Scale[tt] / pr.Sigma[tt])
	}
	if math.Abs(got[0]-2) > 1e-9 || math.Abs(got[1]+1) > 1e-9 {
		t.Errorf("relation %v, want [2 -1]", got)
	}
}

// TestMaxEigen: the bound is above the largest eigenvalue and within 30%
// of it, including the case that defeated a start of ones (two columns
// correlated −0.5, whose top eigenvector is (1, −1)).
func TestMaxEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	cases := [][]float64{{1, -0.5, -0.5, 1}, {1, 0.999, 0.999, 1}, {1, -0.999, -0.999, 1}, {0, 0, 0, 1}}
	ks := []int{2, 2, 2, 2}
	for _, k := range []int{1, 3, 10, 40} {
		b := make([]float64, k*k)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		h := make([]float64, k*k)
		for i := range k {
			for j := range k {
				for l := range k {
					h[i*k+j] += b[l*k+i] * b[l*k+j]
				}
			}
		}
		cases, ks = append(cases, h), append(ks, k)
	}
	for c, h := range cases {
		k := ks[c]
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(k, append([]float64(nil), h...)), false) {
			t.Fatal("EigenSym failed")
		}
		vals := es.Values(nil)
		top := vals[len(vals)-1]
		l, _ := MaxEigen(context.Background(), h, k)
		if !(l >= top) || l > 1.3*top {
			t.Errorf("case %d (k=%d): bound %v for λ_max %v", c, k, l, top)
		}
	}
}

// TestLassoOptimal: coordinate descent ends where the optimality
// conditions hold, with exact zeros, for lasso and elastic net.
func TestLassoOptimal(t *testing.T) {
	d := testData(3*kernels.BlockRows, 8, 8, []float64{1, 1, 2, 1e-2, 1e3, 1, 1, 5}, make([]float64, 8), nil)
	m := moments(t, d)
	for _, pen := range [][2]float64{{0.01, 0}, {0.1, 0}, {0.05, 0.05}, {1e5, 0}} {
		pr := NewProblem(m, true, pen[0], pen[1])
		v, err := pr.Lasso(context.Background(), MaxSweeps, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := make([]float64, pr.K())
		kernels.GemvN(pr.K(), pr.K(), pr.A, pr.K(), v, q)
		l1max := math.Abs(pr.C[kernels.Iamax(pr.C)])
		if viol := pr.violation(v, q); viol > CDTol*l1max {
			t.Errorf("l1 %g l2 %g: the conditions fail by %v", pen[0], pen[1], viol)
		}
		zeros := 0
		for _, x := range v {
			if x == 0 {
				zeros++
			}
		}
		if pen[0] == 1e5 && zeros != len(v) {
			t.Errorf("l1 %g above l1_max: %d of %d zeros", pen[0], zeros, len(v))
		}
		t.Logf("l1 %g l2 %g: %d of %d coefficients are 0", pen[0], pen[1], zeros, len(v))
	}
}
