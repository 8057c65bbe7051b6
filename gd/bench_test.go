package gd

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchProblem returns a least-squares objective of rows × cols uniform
// features with an intercept.
func benchProblem(b *testing.B, rows, cols int) *LeastSquares {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, rows*cols)
	for i := range x {
		x[i] = rng.Float64()
	}
	y := make([]float64, rows)
	for i := range y {
		y[i] = rng.Float64()
	}
	obj, err := NewLeastSquares(x, cols, y, true)
	if err != nil {
		b.Fatal(err)
	}
	return obj
}

// BenchmarkEpoch times one epoch of each method on 20,000 × 32 (5 MB, in
// L3 on most servers), plus the initial and final full-data evaluations
// that Minimize always makes; the extra metric is rows per second.
func BenchmarkEpoch(b *testing.B) {
	const rows, cols = 20000, 32
	obj := benchProblem(b, rows, cols)
	w0 := make([]float64, cols+1)
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"method=full", Config{Method: FullBatch, Rate: 0.1}},
		{"method=minibatch/B=64", Config{Method: MiniBatch, BatchSize: 64, Rate: 0.01}},
		{"method=minibatch/B=64/inorder", Config{Method: MiniBatch, BatchSize: 64, Rate: 0.01, InOrder: true}},
		{"method=sgd", Config{Method: SGD, Rate: 0.001}},
		{"method=sgd/inorder", Config{Method: SGD, Rate: 0.001, InOrder: true}},
		{"method=sgd/adam", Config{Method: SGD, Rate: 0.001, Update: Adam{}}},
	} {
		c.cfg.MaxEpochs = 1
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(rows * (cols + 1) * 8))
			for b.Loop() {
				if _, err := Minimize(context.Background(), obj, w0, c.cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStep times a single SGD step (one row, d = 8 and 64), the
// per-step overhead of the engine plus one Dot and one Axpy.
func BenchmarkStep(b *testing.B) {
	for _, cols := range []int{8, 64} {
		b.Run(fmt.Sprintf("sgd/d=%d", cols), func(b *testing.B) {
			obj := benchProblem(b, 1000, cols)
			c, err := Config{Method: SGD, Rate: 1e-4}.normalized(obj.Dims())
			if err != nil {
				b.Fatal(err)
			}
			r := newRun(obj, make([]float64, cols+1), c)
			i := 0
			for b.Loop() {
				if err := r.takeStep(Range(i, i+1)); err != nil {
					b.Fatal(err)
				}
				i = (i + 1) % 1000
			}
		})
	}
}
