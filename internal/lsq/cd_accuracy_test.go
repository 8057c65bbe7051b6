package lsq

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestLassoCollinear: with a column that is exactly the sum of two
// others and no L2, the lasso's optimality conditions hold on a support
// whose curvature is singular; coordinate descent alone crawls along the
// null space, and the finish must reduce the support along it. (The
// dataclass "collinear" of linreg, small integers.)
func TestLassoCollinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	const n = 1000
	d := Data{X: make([]float64, 3*n), Rows: n, Cols: 3, Stride: 3, Y: make([]float64, n)}
	for i := range n {
		r := d.X[3*i:]
		r[0], r[1] = float64(rng.IntN(100)), float64(rng.IntN(100))
		r[2] = r[0] + r[1]
		d.Y[i] = r[0] - 2*r[1] + rng.NormFloat64()
	}
	for _, intercept := range []bool{true, false} {
		for _, l1 := range []float64{1, 0.01, 1e-4} {
			t.Run(fmt.Sprintf("intercept=%v/l1=%g", intercept, l1), func(t *testing.T) {
				m, err := ComputeMoments(context.Background(), nil, d, intercept)
				if err != nil {
					t.Fatal(err)
				}
				pr := NewProblem(m, intercept, l1, 0)
				sweeps := 0
				v, err := pr.Lasso(context.Background(), 2000, func() { sweeps++ })
				if err != nil {
					t.Fatal(err)
				}
				k := pr.K()
				q := make([]float64, k)
				kernels.GemvN(k, k, pr.A, k, v, q)
				viol := pr.violation(v, q)
				tol := CDTol * math.Abs(pr.C[kernels.Iamax(pr.C)])
				zeros := 0
				for _, x := range v {
					if x == 0 {
						zeros++
					}
				}
				t.Logf("%d sweeps, v = %v, violation %.3g", sweeps, v, viol)
				if viol > tol || zeros == 0 {
					t.Errorf("v = %v: optimality conditions fail by %.3g (tolerance %.3g), %d zeros (want ≥ 1: the support of a unique solution)", v, viol, tol, zeros)
				}
			})
		}
	}
}
