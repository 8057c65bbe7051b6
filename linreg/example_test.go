package linreg_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/linreg"
)

// classic returns the classic example's data: 100 evenly spaced points x
// in [−1, 1] and y = 2x + 0.3·N(0, 1) from a fixed seed.
func classic() (linreg.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(2026, 11))
	x := make([]float64, 100)
	y := make([]float64, 100)
	for i := range x {
		x[i] = -1 + float64(2*i)/99
		// float64(…) rounds each product, so no compiler fuses it into the
		// addition: the same data on every GOARCH.
		y[i] = float64(2*x[i]) + float64(0.3*rng.NormFloat64())
	}
	return linreg.NewMatrix(x, 100, 1), y
}

// The classic first example of gradient descent: learn y = 2x from noisy
// points with full-batch gradient descent at rate 0.01 for 1000 steps,
// printing the loss, ½·mean squared residual, every 100 steps.
func Example() {
	x, y := classic()
	model, err := linreg.Regressor{
		Method: linreg.GD,
		Rate:   0.01,
		Update: gd.Plain{},
		Epochs: 1000,
		Callback: func(p gd.Progress) error {
			if p.EndOfEpoch && p.Step%100 == 0 {
				fmt.Printf("Step: %d, Loss: %.4f\n", p.Step, p.Loss)
			}
			return nil
		},
	}.Fit(context.Background(), x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("w = %.2f, b = %.2f\n", model.Coef[0], model.Intercept)
	// Output:
	// Step: 100, Loss: 0.1363
	// Step: 200, Loss: 0.0536
	// Step: 300, Loss: 0.0425
	// Step: 400, Loss: 0.0410
	// Step: 500, Loss: 0.0408
	// Step: 600, Loss: 0.0408
	// Step: 700, Loss: 0.0408
	// Step: 800, Loss: 0.0408
	// Step: 900, Loss: 0.0408
	// Step: 1000, Loss: 0.0408
	// w = 2.03, b = -0.03
}

// The default fit: least squares with an intercept by full-batch
// gradient descent at an automatic rate, to the exact solution's digits.
func ExampleFit() {
	x, y := classic()
	model, err := linreg.Fit(context.Background(), x, y)
	if err != nil {
		log.Fatal(err)
	}
	exact, err := linreg.Regressor{Method: linreg.Exact}.Fit(context.Background(), x, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("gd:    w = %.6f, b = %.6f after %d steps\n", model.Coef[0], model.Intercept, model.Summary.Steps)
	fmt.Printf("exact: w = %.6f, b = %.6f\n", exact.Coef[0], exact.Intercept)
	// Output:
	// gd:    w = 2.027056, b = -0.028743 after 2 steps
	// exact: w = 2.027056, b = -0.028743
}

// Lasso: an L1 penalty sets the coefficients of useless features to
// exactly zero.
func ExampleRegressor_lasso() {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, cols = 200, 5
	data := make([]float64, rows*cols)
	y := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			data[i*cols+j] = rng.NormFloat64()
		}
		// Only features 0 and 3 matter.
		y[i] = float64(3*data[i*cols]) - float64(2*data[i*cols+3]) + float64(0.1*rng.NormFloat64())
	}
	model, err := linreg.Regressor{L1: 0.1, Features: []string{"a", "b", "c", "d", "e"}}.
		Fit(context.Background(), linreg.NewMatrix(data, rows, cols), y)
	if err != nil {
		log.Fatal(err)
	}
	for j, name := range model.Features {
		fmt.Printf("%s: %.3f\n", name, model.Coef[j])
	}
	// Output:
	// a: 2.921
	// b: 0.000
	// c: 0.000
	// d: -1.920
	// e: 0.000
}

// R's cars data (Ezekiel, 1930): stopping distance against speed, with
// the numbers of summary(lm(dist ~ speed, data = cars)).
func ExampleRegressor_inference() {
	speed := []float64{4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14,
		15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25}
	dist := []float64{2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80,
		20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85}
	model, err := linreg.Regressor{Method: linreg.Exact, Features: []string{"speed"}, Inference: &linreg.InferenceOptions{}}.
		Fit(context.Background(), linreg.NewMatrix(speed, len(speed), 1), dist)
	if err != nil {
		log.Fatal(err)
	}
	inf := model.Inference
	for _, t := range inf.Terms {
		fmt.Printf("%-11s %8.4f %8.4f %7.3f %9.3g %s [%.3f, %.3f]\n", t.Name, t.Estimate, t.StdErr, t.T, t.P, linreg.Stars(t.P), t.Lower, t.Upper)
	}
	fmt.Printf("residual standard error %.4g on %d degrees of freedom\n", inf.RSE, inf.DF)
	fmt.Printf("R² %.4f, adjusted %.4f; F %.2f on %d and %d DF, p %.3g\n", inf.R2, inf.AdjR2, inf.F, inf.FDF1, inf.FDF2, inf.FP)
	// Output:
	// (Intercept) -17.5791   6.7584  -2.601    0.0123 * [-31.168, -3.990]
	// speed         3.9324   0.4155   9.464  1.49e-12 *** [3.097, 4.768]
	// residual standard error 15.38 on 48 degrees of freedom
	// R² 0.6511, adjusted 0.6438; F 89.57 on 1 and 48 DF, p 1.49e-12
}
