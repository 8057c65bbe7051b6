package gonumblas_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/kernels/gonumblas"
)

func Example() {
	// From here on gonum's mat, lapack and optimize call the lanes
	// kernels for Ddot, Daxpy, Dscal, Dgemv and Dger.
	blas64.Use(gonumblas.Implementation{})
	defer blas64.Use(gonum.Implementation{}) // only so the example leaves gonum as it found it

	a := mat.NewDense(2, 3, []float64{
		1, 2, 3,
		4, 5, 6,
	})
	x := mat.NewVecDense(3, []float64{1, 0.5, -1})
	var y mat.VecDense
	y.MulVec(a, x) // Dgemv: one kernels.Dot per row
	fmt.Println(y.RawVector().Data)
	// Output: [-1 0.5]
}
