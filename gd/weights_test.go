package gd

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// weighted is a LeastSquares whose penalised parameters carry weights.
type weighted struct {
	*LeastSquares
	c []float64
}

func (o weighted) PenaltyWeight(j int) float64 { return o.c[j] }

// TestPenaltyWeights checks that weights make the penalty exact in other
// units: scaling column j of X by s_j and weighting parameter j by s_j is
// the same problem in u = w/s, so the solutions must agree as s∘u = w,
// with the same exact zeros, for L1, L2 and both.
func TestPenaltyWeights(t *testing.T) {
	const rows, cols = 60, 5
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, rows*cols)
	xs := make([]float64, rows*cols)
	s := []float64{1, 2, 0.5, 3, 0.7}
	y := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			v := rng.NormFloat64()
			x[i*cols+j] = v
			xs[i*cols+j] = float64(v * s[j])
		}
		y[i] = float64(2*x[i*cols]) - x[i*cols+2] + float64(0.1*rng.NormFloat64())
	}
	plain, err := NewLeastSquares(x, cols, y, true)
	if err != nil {
		t.Fatal(err)
	}
	scaledLS, err := NewLeastSquares(xs, cols, y, true)
	if err != nil {
		t.Fatal(err)
	}
	scaled := weighted{scaledLS, append(append([]float64(nil), s...), 1)}
	for _, pen := range []struct{ l1, l2 float64 }{{0.05, 0}, {0, 0.5}, {0.03, 0.2}} {
		// Rates from the largest column scale of each problem: plain X has
		// unit columns, scaled X up to s = 3.
		want, err := Minimize(context.Background(), plain, make([]float64, cols+1),
			Config{Rate: 0.1, L1: pen.l1, L2: pen.l2, GradTol: 1e-12, MaxEpochs: 100000})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Minimize(context.Background(), scaled, make([]float64, cols+1),
			Config{Rate: 0.05, L1: pen.l1, L2: pen.l2, GradTol: 1e-12, MaxEpochs: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for j := range cols {
			w := float64(got.W[j] * s[j])
			if (w == 0) != (want.W[j] == 0) || math.Abs(w-want.W[j]) > 1e-7*(1+math.Abs(want.W[j])) {
				t.Errorf("l1=%v l2=%v: coefficient %d: weighted %v (u=%v), plain %v", pen.l1, pen.l2, j, w, got.W[j], want.W[j])
			}
		}
		if math.Abs(got.Loss-want.Loss) > 1e-9*want.Loss {
			t.Errorf("l1=%v l2=%v: weighted loss %v, plain %v: the penalty must be the same", pen.l1, pen.l2, got.Loss, want.Loss)
		}
	}
}

func TestPenaltyWeightsRejected(t *testing.T) {
	ls, err := NewLeastSquares([]float64{1, 2, 3}, 1, []float64{1, 2, 3}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []float64{0, -1, math.Inf(1), math.NaN()} {
		_, err := Minimize(context.Background(), weighted{ls, []float64{c, 1}}, make([]float64, 2), Config{Rate: 0.1})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "PenaltyWeight(0)") {
			t.Errorf("weight %v: err = %v, want a configuration error", c, err)
		}
	}
}
