package linreg

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// bigProblem returns rows×cols data, more rows than one block of the
// fused kernel's plan, so that several workers really share the passes.
func bigProblem(rows, cols int) (Matrix, []float64) {
	r := rand.New(rand.NewPCG(11, 12))
	data, y := make([]float64, rows*cols), make([]float64, rows)
	for i := range rows {
		s := 0.5
		for j := range cols {
			v := r.NormFloat64() * float64(j+1)
			data[i*cols+j] = v
			s += float64(v * float64(j%3-1))
		}
		y[i] = s + float64(0.1*r.NormFloat64())
	}
	return NewMatrix(data, rows, cols), y
}

// TestWorkersSameBits: every method gives the same model, bit for bit,
// with 1, 2, 3 and 16 workers.
func TestWorkersSameBits(t *testing.T) {
	rows, epochs := 20000, 30
	if testing.Short() {
		// Three blocks, a few epochs: under emulation, and on 386 where
		// math.FMA is software, every pass is slow.
		rows, epochs = 2*4096+100, 5
	}
	x, y := bigProblem(rows, 6)
	for _, method := range []Method{GD, MiniBatch} {
		var want *Model
		for _, workers := range []int{1, 2, 3, 16} {
			r := Regressor{Method: method, Workers: workers, Epochs: epochs}
			if method == MiniBatch {
				r.BatchSize = 5000 // more than one block per batch
			}
			m, err := r.Fit(context.Background(), x, y)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = m
				continue
			}
			for j := range m.Coef {
				if math.Float64bits(m.Coef[j]) != math.Float64bits(want.Coef[j]) {
					t.Fatalf("%s workers=%d: coef[%d] = %v, with 1 worker %v", method, workers, j, m.Coef[j], want.Coef[j])
				}
			}
			if math.Float64bits(m.Intercept) != math.Float64bits(want.Intercept) || math.Float64bits(m.Summary.Loss) != math.Float64bits(want.Summary.Loss) {
				t.Fatalf("%s workers=%d: intercept or loss differ", method, workers)
			}
		}
	}
}
