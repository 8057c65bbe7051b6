package gonumblas

import "github.com/lanes-go/lanes/kernels"

// Dasum computes the sum of the absolute values of the elements of x
//
//	\sum_i |x[i]|
//
// with kernels.Asum when incX == 1. Dasum returns 0 if incX is negative.
func (i Implementation) Dasum(n int, x []float64, incX int) float64 {
	if incX != 1 {
		return i.Implementation.Dasum(n, x, incX)
	}
	if n < 0 {
		panic(nLT0)
	}
	if len(x) <= n-1 {
		panic(shortX)
	}
	return kernels.Asum(x[:n])
}

// Dnrm2 computes the Euclidean norm of the vector x
//
//	sqrt(\sum_i x[i] * x[i])
//
// with kernels.Nrm2 when incX == 1: without overflow or underflow on the
// way, NaN if an element is NaN, otherwise +Inf if one is infinite. Dnrm2
// returns 0 if incX is negative.
func (i Implementation) Dnrm2(n int, x []float64, incX int) float64 {
	if incX != 1 {
		return i.Implementation.Dnrm2(n, x, incX)
	}
	if len(x) <= n-1 {
		panic(shortX)
	}
	if n < 0 {
		panic(nLT0)
	}
	return kernels.Nrm2(x[:n])
}

// Idamax returns the index of an element of x with the largest absolute
// value, the earliest if several tie, with kernels.Iamax when incX == 1.
// It returns -1 if n == 0, or if incX is negative. As in gonum and
// reference BLAS, NaN elements are passed over unless x[0] is NaN, which
// gives 0.
func (i Implementation) Idamax(n int, x []float64, incX int) int {
	if incX != 1 {
		return i.Implementation.Idamax(n, x, incX)
	}
	if len(x) <= n-1 {
		panic(shortX)
	}
	if n < 0 {
		panic(nLT0)
	}
	return kernels.Iamax(x[:n])
}

// Dcopy copies the elements of x into the elements of y
//
//	y[i] = x[i] for all i
//
// with Go's copy when incX == incY == 1: the runtime's memmove already
// moves data at the speed of the memory, with vector instructions, so
// there is no kernel to add. Other increments run gonum's loop.
func (i Implementation) Dcopy(n int, x []float64, incX int, y []float64, incY int) {
	if incX != 1 || incY != 1 {
		i.Implementation.Dcopy(n, x, incX, y, incY)
		return
	}
	if n < 1 {
		if n == 0 {
			return
		}
		panic(nLT0)
	}
	if len(x) <= n-1 {
		panic(shortX)
	}
	if len(y) <= n-1 {
		panic(shortY)
	}
	copy(y[:n], x[:n])
}

// Dswap interchanges the elements of x and y
//
//	x[i], y[i] = y[i], x[i] for all i
//
// with swap when incX == incY == 1. Other increments run gonum's loop.
func (i Implementation) Dswap(n int, x []float64, incX int, y []float64, incY int) {
	if incX != 1 || incY != 1 {
		i.Implementation.Dswap(n, x, incX, y, incY)
		return
	}
	if n < 1 {
		if n == 0 {
			return
		}
		panic(nLT0)
	}
	if len(x) <= n-1 {
		panic(shortX)
	}
	if len(y) <= n-1 {
		panic(shortY)
	}
	swap(x[:n], y[:n])
}
