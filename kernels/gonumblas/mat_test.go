package gonumblas_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/gonumblas"
)

// TestMatMulVec checks gonum's mat computes through the lanes kernels
// after blas64.Use: A·x gives exactly kernels.Dot per row, Aᵀ·y agrees
// with a plain loop.
func TestMatMulVec(t *testing.T) {
	blas64.Use(gonumblas.Implementation{})
	defer blas64.Use(gonum.Implementation{})

	r := rand.New(rand.NewPCG(5, 6))
	const m, n = 23, 41
	data := randSlice(r, m*n)
	a := mat.NewDense(m, n, data)
	x := mat.NewVecDense(n, randSlice(r, n))

	var got mat.VecDense
	got.MulVec(a, x)
	for i := range m {
		row := data[i*n : (i+1)*n]
		var loop float64
		for j, v := range row {
			loop += v * x.AtVec(j)
		}
		if !near(got.AtVec(i), loop) {
			t.Errorf("A·x [%d] = %v, plain loop %v", i, got.AtVec(i), loop)
		}
		if want := kernels.Dot(row, x.RawVector().Data); got.AtVec(i) != want {
			t.Errorf("A·x [%d] = %v, not kernels.Dot's %v: not routed", i, got.AtVec(i), want)
		}
	}

	y := mat.NewVecDense(m, randSlice(r, m))
	var gotT mat.VecDense
	gotT.MulVec(a.T(), y)
	for j := range n {
		var loop float64
		for i := range m {
			loop += data[i*n+j] * y.AtVec(i)
		}
		if !near(gotT.AtVec(j), loop) {
			t.Errorf("Aᵀ·y [%d] = %v, plain loop %v", j, gotT.AtVec(j), loop)
		}
	}
}
