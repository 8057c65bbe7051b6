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
