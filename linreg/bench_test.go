package linreg

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// benchData holds the two shapes of the training benchmarks, built once:
// 200,000 × 64 (102 MB) and 2,000,000 × 8 (128 MB), both beyond cache.
var benchData = map[string]*struct {
	once sync.Once
	x    Matrix
	y    []float64
}{
	"200000x64": {}, "2000000x8": {},
}

func benchProblem(b *testing.B, shape string) (Matrix, []float64) {
	d := benchData[shape]
	d.once.Do(func() {
		var rows, cols int
		fmt.Sscanf(shape, "%dx%d", &rows, &cols)
		rng := rand.New(rand.NewPCG(5, 6))
		data := make([]float64, rows*cols)
		for i := range data {
			data[i] = rng.NormFloat64()
		}
		y := make([]float64, rows)
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		d.x, d.y = NewMatrix(data, rows, cols), y
	})
	return d.x, d.y
}

// BenchmarkEpoch times the epochs of the row-reading methods on the two
// shapes, through the same standardised objective and gd run as Fit, at a
// fixed rate (no curvature). (Method GD steps on the moments, not the
// rows: its epochs cost microseconds; BenchmarkFit times it.) Each run is 4 epochs plus gd's initial
// and final full-data evaluations; the reported ms/epoch divides the whole
// run by 4, so it slightly overstates an epoch.
func BenchmarkEpoch(b *testing.B) {
	const epochs = 4
	for _, shape := range []string{"200000x64", "2000000x8"} {
		for _, c := range []struct {
			name string
			cfg  gd.Config
		}{
			{"minibatch", gd.Config{Method: gd.MiniBatch, BatchSize: 32, Rate: 0.001}},
			{"sgd", gd.Config{Method: gd.SGD, Rate: 1e-4}},
		} {
			b.Run(fmt.Sprintf("shape=%s/method=%s", shape, c.name), func(b *testing.B) {
				x, y := benchProblem(b, shape)
				obj := benchObjective(b, x, y)
				defer obj.Close()
				_, d := obj.Dims()
				cfg := c.cfg
				cfg.MaxEpochs = epochs
				b.SetBytes(int64(len(x.Data)+len(y)) * 8 * epochs)
				for b.Loop() {
					if _, err := gd.Minimize(context.Background(), obj, make([]float64, d), cfg); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*epochs), "ms/epoch")
			})
		}
	}
}

// benchObjective is Fit's objective of SGD and MiniBatch for x and y.
func benchObjective(b *testing.B, x Matrix, y []float64) *gd.LeastSquares {
	plan := kernels.NewBlockPlan(0)
	defer plan.Close()
	mom, err := moments(context.Background(), plan, x, y, true, false, "X")
	if err != nil {
		b.Fatal(err)
	}
	obj, _, err := rowObjective(context.Background(), lsq.NewProblem(mom, true, 0, 0), x, y, 0, false)
	if err != nil {
		b.Fatal(err)
	}
	return obj
}
