package lsq

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestDiagonalMomentsSameBits: every element diagonal moments hold has
// the bits of the full moments, with and without centring, when the
// first row is far from the means (a second pass), for several workers
// and windows; the problem they give has the same standardisation,
// penalty weights and YY, and no A or C.
func TestDiagonalMomentsSameBits(t *testing.T) {
	near := testData(3*kernels.BlockRows+77, 7, 5, []float64{1, 1e-3, 1e3, 2, 1, 1, 5}, ones(7, 3), map[int]float64{2: -4})
	far := testData(2*kernels.BlockRows+5, 3, 6, ones(3, 1), ones(3, 0), nil)
	far.X[0], far.Y[0] = 1e6, -1e6
	for _, c := range []struct {
		name   string
		d      Data
		centre bool
	}{{"near", near, true}, {"uncentred", near, false}, {"far", far, true}} {
		plan := kernels.NewBlockPlan(1)
		full, err := ComputeMoments(context.Background(), plan, c.d, c.centre)
		plan.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			for _, window := range []int{0, kernels.BlockRows} {
				plan := kernels.NewBlockPlan(workers)
				d := c.d
				if window > 0 {
					d.Window, d.Release = window, func(lo, hi int) {}
				}
				diag, err := ComputeDiagonalMoments(context.Background(), plan, d, c.centre)
				plan.Close()
				if err != nil {
					t.Fatal(err)
				}
				where := func(what string) string {
					return c.name + ", " + what
				}
				sameFloats(t, where("Shift"), diag.Shift, full.Shift)
				sameFloats(t, where("Scale"), diag.Scale, full.Scale)
				sameFloats(t, where("YShift, YScale"), []float64{diag.YShift, diag.YScale}, []float64{full.YShift, full.YScale})
				held := 0
				for j := range full.P() {
					for k := j; k < full.P(); k++ {
						if !diag.holds(j, k) {
							if !math.IsNaN(diag.Gram[Packed(full.P(), j, k)]) {
								t.Fatalf("%s: element (%d, %d) is not held but is %v, not NaN", c.name, j, k, diag.Gram[Packed(full.P(), j, k)])
							}
							continue
						}
						held++
						if a, b := diag.At(j, k), full.At(j, k); math.Float64bits(a) != math.Float64bits(b) {
							t.Fatalf("%s, %d workers, window %d: element (%d, %d) = %v, the full moments give %v", c.name, workers, window, j, k, a, b)
						}
					}
				}
				if want := 2*c.d.Cols + 3; held != want {
					t.Fatalf("%s: diagonal moments hold %d elements, want %d", c.name, held, want)
				}
				pf, pd := NewProblem(full, c.centre, 0.01, 0.5), NewProblem(diag, c.centre, 0.01, 0.5)
				sameFloats(t, where("Sigma"), pd.Sigma, pf.Sigma)
				sameFloats(t, where("L1w"), pd.L1w, pf.L1w)
				sameFloats(t, where("L2w"), pd.L2w, pf.L2w)
				sameFloats(t, where("YY"), []float64{pd.YY}, []float64{pf.YY})
				if pd.A != nil || pd.C != nil {
					t.Errorf("%s: the problem of diagonal moments has A or C", c.name)
				}
			}
		}
	}
}

// TestDiagonalMomentsAtPanics: asking diagonal moments for a product
// between two columns is a bug in the caller, not a NaN to compute with.
func TestDiagonalMomentsAtPanics(t *testing.T) {
	d := testData(100, 3, 1, ones(3, 1), ones(3, 0), nil)
	m, err := ComputeDiagonalMoments(context.Background(), nil, d, true)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "element (0, 4) of diagonal moments") {
			t.Fatalf("At(4, 0) panicked with %q", msg)
		}
	}()
	m.At(4, 0)
}

func sameFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}
