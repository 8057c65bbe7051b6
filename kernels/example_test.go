package kernels_test

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels"
)

// The examples print the same bits on every implementation and GOARCH:
// that is the package's promise, and go test checks their output on
// whichever implementation the machine picks.

func ExampleDot() {
	x := []float64{1, 2, 3, 4}
	y := []float64{0.5, -1, 2, 0.25}
	fmt.Println(kernels.Dot(x, y))
	// Output: 5.5
}

func ExampleDot_order() {
	// 1e16 and -1e16 are 32 elements apart, so they share a lane and
	// cancel exactly before the 1s of the other lanes are added: the
	// result is the exact 2. A plain left-to-right loop would round both
	// 1s away against 1e16 and print 0. Every implementation adds in the
	// same fixed order, so every one prints 2.
	x := make([]float64, 33)
	y := make([]float64, 33)
	for i := range x {
		y[i] = 1
	}
	x[0], x[1], x[2], x[32] = 1e16, 1, 1, -1e16
	fmt.Println(kernels.Dot(x, y))
	// Output: 2
}

func ExampleAxpy() {
	x := []float64{1, 2, 3}
	y := []float64{10, 20, 30}
	kernels.Axpy(2, x, y) // y += 2·x, rounded once per element
	fmt.Println(y)
	// Output: [12 24 36]
}

func ExampleGemvN() {
	// A is 2×3, stored row-major with row stride lda = 4 (one element of
	// padding per row, which GemvN never reads).
	a := []float64{
		1, 2, 3, 99,
		4, 5, 6, 99,
	}
	x := []float64{1, 0, -1}
	y := make([]float64, 2)
	kernels.GemvN(2, 3, a, 4, x, y) // y = A·x
	fmt.Println(y)
	// Output: [-2 -2]
}

func ExampleGram() {
	// A is 3×2, row-major. Gram adds AᵀA to the upper triangle of the
	// 2×2 g and never touches g[1*2+0], the lower triangle.
	a := []float64{
		1, 2,
		3, 4,
		5, 6,
	}
	g := make([]float64, 2*2)
	kernels.Gram(3, 2, a, 2, g)
	fmt.Println(g[0], g[1], g[3])

	// It accumulates: a second block of rows adds to the same g, with
	// the bits of one call on all the rows.
	kernels.Gram(1, 2, []float64{1, 1}, 2, g)
	fmt.Println(g[0], g[1], g[3])
	// Output:
	// 35 44 56
	// 36 45 57
}

func ExampleShiftScale() {
	// Centre and scale the columns of a 2×3 matrix into z, whose rows are
	// 4 apart: the padding z[3] is left alone.
	a := []float64{
		1, 10, 100,
		3, 30, 300,
	}
	shift := []float64{2, 20, 200}
	scale := []float64{1, 0.1, 0.01}
	z := []float64{0, 0, 0, -1, 0, 0, 0}
	kernels.ShiftScale(2, 3, a, 3, shift, scale, z, 4)
	fmt.Println(z)
	// Output: [-1 -1 -1 -1 1 1 1]
}

func ExampleGramDiag() {
	// Column sums and sums of squares of a 3×2 matrix whose rows are 3
	// apart: the padding a[2] and a[5] is never read.
	a := []float64{
		1, 10, -1,
		2, 20, -1,
		3, 60,
	}
	sums, squares := make([]float64, 2), make([]float64, 2)
	kernels.GramDiag(3, 2, a, 3, sums, squares)
	fmt.Println(sums, squares)

	// It accumulates: a second block of rows adds to the same sums and
	// squares, with the bits of one call on all the rows.
	kernels.GramDiag(1, 2, []float64{4, -10}, 2, sums, squares)
	fmt.Println(sums, squares)
	// Output:
	// [6 90] [14 4100]
	// [10 80] [30 4200]
}

func ExampleUse() {
	// Available lists what this CPU runs, fastest first; generic is
	// always last. Use switches every kernel, for tests and benchmarks,
	// and returns a function that switches back.
	avail := kernels.Available()
	fmt.Println("last:", avail[len(avail)-1])

	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("in use:", kernels.Impl())
	restore()

	_, err = kernels.Use("sse9")
	fmt.Println(err != nil)
	// Output:
	// last: generic
	// in use: generic
	// true
}
