package lsq_test

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// A TSQR pass: the fill builds each block's rows [x, 1, y] (a feature,
// the column of ones of the intercept, the target last) from the data,
// the plan runs the blocks on two goroutines, the sink merges their R
// factors, and back substitution of R_xx·w = r_xy gives the least-squares
// fit.
func ExampleQRTask() {
	const n, p = 10000, 3
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i%100) / 10
		y[i] = 2*x[i] + 1 + float64(i%7-3)/100 // y ≈ 2x + 1 (2x is exact: nothing to fuse)
	}
	fill := func(lo, hi int, rows []float64) {
		for i := lo; i < hi; i++ {
			row := rows[(i-lo)*p : (i-lo+1)*p]
			row[0], row[1], row[2] = x[i], 1, y[i]
		}
	}
	plan := kernels.NewBlockPlan(2)
	defer plan.Close()
	sink := lsq.NewRSink(p)
	plan.Run(0, n, lsq.NewQRTask(p, fill), sink)
	r := make([]float64, p*p)
	sink.Result(r)

	// R = [R_xx r_xy; 0 ρ]: solve R_xx·(w, b) = r_xy from the bottom up,
	// each product rounded on its own (float64(…)) so that no compiler
	// fuses it into the subtraction: the same bits on every GOARCH.
	b := r[1*p+2] / r[1*p+1]
	w := (r[0*p+2] - float64(r[0*p+1]*b)) / r[0*p+0]
	fmt.Printf("w = %.4f, b = %.4f, residual norm |ρ| = %.4f\n", w, b, math.Abs(r[2*p+2]))
	// Output: w = 2.0000, b = 1.0000, residual norm |ρ| = 1.9999
}
