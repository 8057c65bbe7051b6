package linreg

import (
	"context"
	"testing"

	"github.com/lanes-go/lanes/internal/lsq"
)

// TestSGDRateNeedsNoCurvature checks, on every data class and with
// penalties up to l2 = 100, what lets SGD skip the Gram (rowsOnly): the
// automatic rate of one-row steps, min(1/(2d), 1/L), is 1/(2d), because
// MaxEigen's L never exceeds d. If it did, SGD's rate would depend on the
// products between columns, and its moments pass could not leave them
// out.
func TestSGDRateNeedsNoCurvature(t *testing.T) {
	for _, c := range dcClasses() {
		for _, intercept := range []bool{true, false} {
			mom, err := lsq.ComputeMoments(context.Background(), nil, data(c.x, c.y), intercept)
			if err != nil {
				continue // the classes whose moments overflow fail every method alike
			}
			for _, l2 := range []float64{0, 0.5, 100} {
				pr := lsq.NewProblem(mom, intercept, 0, l2)
				k := pr.K()
				h := append([]float64(nil), pr.A...)
				for j := range k {
					h[j*k+j] += pr.L2w[j]
				}
				l, err := lsq.MaxEigen(context.Background(), h, k)
				if err != nil {
					t.Fatal(err)
				}
				d := c.x.Cols
				if intercept {
					d++
				}
				if l > float64(d) {
					t.Errorf("%s, intercept %v, l2 %g: L = %v > d = %d, so 1/L could bind SGD's rate 1/(2d)", c.name, intercept, l2, l, d)
				}
			}
		}
	}
}

// TestRowsOnlySameModel: SGD, and mini-batches at a given rate, fit
// from diagonal moments give the bits of a fit from the full moments
// (fitFull forces them), with penalties, validation rows and an
// automatic rate.
func TestRowsOnlySameModel(t *testing.T) {
	c := dcClasses()[0]
	for _, r := range []Regressor{
		{Method: SGD, Epochs: 2, Seed: 1},
		{Method: SGD, Epochs: 2, Seed: 2, L1: 0.01, L2: 0.1},
		{Method: MiniBatch, Epochs: 3, Seed: 3, BatchSize: 16, Rate: 0.01},
	} {
		if !r.rowsOnly() {
			t.Fatalf("%+v: rowsOnly is false", r)
		}
		r.ValX, r.ValY = c.x, c.y
		diag, err := r.Fit(context.Background(), c.x, c.y)
		if err != nil {
			t.Fatal(err)
		}
		full, err := r.fit(context.Background(), c.x, c.y, fitOptions{fullMoments: true})
		if err != nil {
			t.Fatal(err)
		}
		got := append(append([]float64(nil), diag.Coef...), diag.Intercept, diag.Summary.MSE)
		want := append(append([]float64(nil), full.Coef...), full.Intercept, full.Summary.MSE)
		got, want = append(got, diag.ValHistory...), append(want, full.ValHistory...)
		if !sameBits(got, want) {
			t.Fatalf("%s: from diagonal moments\n%v\nfrom full ones\n%v", r.Method, got, want)
		}
	}
}
