package gd_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/lanes-go/lanes/gd"
)

// line returns n examples of y = 2·x1 − 3·x2 + 0.5 with a little noise,
// and its least-squares objective with an intercept.
func line(n int) *gd.LeastSquares {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range y {
		// float64(…) rounds each product, so no compiler fuses it into
		// the addition and the data are the same bits on every GOARCH.
		x1, x2 := float64(rng.Float64()*2)-1, float64(rng.Float64()*2)-1
		x[2*i], x[2*i+1] = x1, x2
		y[i] = float64(2*x1) - float64(3*x2) + 0.5 + float64(0.01*rng.NormFloat64())
	}
	obj, err := gd.NewLeastSquares(x, 2, y, true)
	if err != nil {
		log.Fatal(err)
	}
	return obj
}

// Full-batch gradient descent: each step is a pass over all the data, and
// the loss falls steadily until the gradient vanishes.
func ExampleMinimize() {
	obj := line(1000)
	res, err := gd.Minimize(context.Background(), obj, make([]float64, 3), gd.Config{
		Method:  gd.FullBatch,
		Rate:    0.5,
		GradTol: 1e-10,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("w = [%.3f %.3f], b = %.3f\n", res.W[0], res.W[1], res.W[2])
	fmt.Printf("stopped by %v after %d steps, loss %.2e\n", res.Stop, res.Steps, res.Loss)
	// Output:
	// w = [2.001 -3.000], b = 0.500
	// stopped by gradient tolerance after 127 steps, loss 4.84e-05
}

// Stochastic gradient descent: a step per example, cheap and noisy. A
// decaying rate lets it settle; one epoch already lands close.
func ExampleMinimize_sgd() {
	obj := line(1000)
	res, err := gd.Minimize(context.Background(), obj, make([]float64, 3), gd.Config{
		Method:    gd.SGD,
		Schedule:  gd.InverseScaling{Eta0: 0.1, Power: 0.25},
		MaxEpochs: 5,
		Seed:      42,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("w = [%.2f %.2f], b = %.2f\n", res.W[0], res.W[1], res.W[2])
	fmt.Printf("%d epochs, %d steps, loss %.2e\n", res.Epochs, res.Steps, res.Loss)
	// Output:
	// w = [2.00 -3.00], b = 0.50
	// 5 epochs, 5000 steps, loss 4.85e-05
}

// Mini-batch gradient descent: 32 examples per step, each batch evaluated
// in one kernel call, with Adam updates.
func ExampleMinimize_miniBatch() {
	obj := line(1000)
	res, err := gd.Minimize(context.Background(), obj, make([]float64, 3), gd.Config{
		Method:    gd.MiniBatch,
		BatchSize: 32,
		Rate:      0.05,
		Update:    gd.Adam{},
		MaxEpochs: 30,
		Seed:      42,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("w = [%.2f %.2f], b = %.2f\n", res.W[0], res.W[1], res.W[2])
	// Output:
	// w = [2.00 -3.00], b = 0.50
}

// A dynamic learning rate: a linear warm-up then a linear decay reaches a
// lower loss in the same number of SGD epochs than the constant base rate,
// which keeps jittering around the optimum.
func ExampleWarmupLinear() {
	obj := line(1000)
	run := func(cfg gd.Config) float64 {
		cfg.Method, cfg.MaxEpochs, cfg.Seed = gd.SGD, 4, 7
		res, err := gd.Minimize(context.Background(), obj, make([]float64, 3), cfg)
		if err != nil {
			log.Fatal(err)
		}
		return res.Loss
	}
	constant := run(gd.Config{Rate: 0.2})
	dynamic := run(gd.Config{Schedule: gd.WarmupLinear{Base: 0.2, Final: 0.001, Warmup: 100, DecayStart: 1000, Total: 4000}})
	fmt.Printf("constant rate: loss %.3e\n", constant)
	fmt.Printf("warm-up/decay: loss %.3e\n", dynamic)
	// Output:
	// constant rate: loss 6.265e-05
	// warm-up/decay: loss 4.852e-05
}
