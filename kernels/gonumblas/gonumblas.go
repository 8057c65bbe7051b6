// Package gonumblas is a drop-in gonum BLAS implementation whose hot
// float64 routines run on the lanes kernels:
//
//	blas64.Use(gonumblas.Implementation{})
//
// makes gonum's mat, lapack and optimize compute with package
// github.com/lanes-go/lanes/kernels, without cgo.
//
// # Routed and fallback routines
//
// Implementation embeds gonum.org/v1/gonum/blas/gonum.Implementation, so
// every routine it does not override is gonum's own native Go code. These
// run on the lanes kernels:
//
//	routine  computed with                          increments
//	Ddot     kernels.Dot                            unit
//	Daxpy    kernels.Axpy (one rounding)            unit
//	Dscal    kernels.Scal (alpha == 0 writes        unit
//	         zeros, as in gonum)
//	Dasum    kernels.Asum                           unit
//	Dnrm2    kernels.Nrm2 (no overflow or           unit
//	         underflow on the way)
//	Idamax   kernels.Iamax                          unit
//	Dswap    three memmoves through a stack         unit
//	         buffer (an element loop below 128)
//	Dcopy    Go's copy (the runtime's memmove)      unit
//	Dgemv    NoTrans: kernels.Dot per row;          any
//	         Trans: kernels.Scal of y, then
//	         kernels.Axpy per row of A
//	Dger     kernels.Axpy per row of A              any
//	Dsyrk    Trans: kernels.Gram, then              —
//	         kernels.Scal and kernels.Axpy per
//	         row of C; NoTrans: gonum's
//
// Dgemv and Dger gather a strided vector into a pooled contiguous buffer
// first: one pass over a vector pays for itself against the m·n
// multiply-adds, and the result has the same bits as with unit
// increments. The Level 1 routines with other increments call the
// embedded gonum routine, because gathering would cost about as much as
// the operation itself.
//
// Every other routine is gonum's: Drot, Drotg, Drotm and Drotmg; every
// Level 2 routine but Dgemv and Dger; all of Level 3 (Dgemm, Dsymm,
// Dsyr2k, Dtrmm, Dtrsm) but the transposed Dsyrk; and the float32 (Dsdot
// included) and complex routines.
//
// # Results
//
// The routed routines give the same bits on every CPU and GOARCH, since
// the kernels do. They do not give gonum's bits: the kernels add the terms
// of a dot product in their own fixed order, and Axpy rounds
// alpha·x[i]+y[i] once where gonum rounds twice. The differences are
// within gonum's own test tolerances (gonum's testblas suite passes).
//
// # Checks
//
// Argument checks are gonum's: the same conditions, in the same order,
// panicking with the same strings ("blas: n < 0", "blas: insufficient
// length of x", ...), so swapping one implementation for the other changes
// no panic. Level 1 calls with other increments are checked by gonum
// itself.
package gonumblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels"
)

// Implementation is gonum's pure-Go BLAS with the routines listed in the
// package doc running on the lanes kernels. The zero value is ready to
// use.
type Implementation struct {
	gonum.Implementation
}

var _ blas.Float64 = Implementation{}

// Panic strings, identical to gonum's (blas/gonum/errors.go, unexported
// there).
const (
	zeroIncX     = "blas: zero x index increment"
	zeroIncY     = "blas: zero y index increment"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	badTranspose = "blas: illegal transpose"
	badLdA       = "blas: bad leading dimension of A"
	shortX       = "blas: insufficient length of x"
	shortY       = "blas: insufficient length of y"
	shortA       = "blas: insufficient length of a"
)

// Ddot computes the dot product of the two vectors
//
//	\sum_i x[i]*y[i]
//
// with kernels.Dot when incX == incY == 1.
func (i Implementation) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	if incX != 1 || incY != 1 {
		return i.Implementation.Ddot(n, x, incX, y, incY)
	}
	// gonum's checks, in gonum's order; the increment checks cannot fail.
	if n <= 0 {
		if n == 0 {
			return 0
		}
		panic(nLT0)
	}
	if len(x) < n {
		panic(shortX)
	}
	if len(y) < n {
		panic(shortY)
	}
	return kernels.Dot(x[:n], y[:n])
}

// Daxpy adds alpha times x to y
//
//	y[i] += alpha * x[i] for all i
//
// with kernels.Axpy (one rounding per element) when incX == incY == 1.
func (i Implementation) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if incX != 1 || incY != 1 {
		i.Implementation.Daxpy(n, alpha, x, incX, y, incY)
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
	if alpha == 0 {
		return
	}
	kernels.Axpy(alpha, x[:n], y[:n])
}

// Dscal scales x by alpha.
//
//	x[i] *= alpha
//
// with kernels.Scal when incX == 1. Dscal has no effect if incX < 0;
// alpha == 0 sets x to zero, NaN or not, as gonum does.
func (i Implementation) Dscal(n int, alpha float64, x []float64, incX int) {
	if incX != 1 {
		i.Implementation.Dscal(n, alpha, x, incX)
		return
	}
	if n < 1 {
		if n == 0 {
			return
		}
		panic(nLT0)
	}
	if n-1 >= len(x) {
		panic(shortX)
	}
	x = x[:n]
	if alpha == 0 {
		clear(x)
		return
	}
	kernels.Scal(alpha, x)
}
