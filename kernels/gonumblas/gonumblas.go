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
// are routed to the lanes kernels when every vector has unit increment:
//
//	Ddot   kernels.Dot
//	Daxpy  kernels.Axpy (fused: one rounding per element)
//	Dscal  kernels.Scal (alpha == 0 writes zeros, as in gonum)
//	Dgemv  NoTrans: kernels.Dot per row; Trans/ConjTrans: y scaled by
//	       beta (zeroed when beta == 0), then kernels.Axpy per row of A
//	Dger   kernels.Axpy per row of A
//
// With any other increment they call the embedded gonum routine. Every
// other routine falls back to gonum: in Level 1 Dcopy, Dswap, Dasum,
// Dnrm2, Idamax, Drot, Drotg, Drotm and Drotmg; every Level 2
// routine but Dgemv and Dger; all of Level 3 (Dgemm, Dsymm, Dsyrk, Dsyr2k,
// Dtrmm, Dtrsm); and the float32 (Dsdot included) and complex routines.
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
// no panic. Arguments that skip the fast paths are checked by gonum itself.
package gonumblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels"
)

// Implementation is gonum's pure-Go BLAS with Ddot, Daxpy, Dscal, Dgemv
// and Dger routed to the lanes kernels for unit increments. The zero value
// is ready to use.
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

// Dgemv computes
//
//	y = alpha * A * x + beta * y   if tA = blas.NoTrans
//	y = alpha * Aᵀ * x + beta * y  if tA = blas.Trans or blas.ConjTrans
//
// where A is an m×n dense row-major matrix, x and y are vectors, and alpha
// and beta are scalars. With incX == incY == 1 it runs on kernels.Dot
// (NoTrans) or kernels.Axpy (Trans). As in gonum, beta == 0 overwrites y
// without reading it. Only y[:m] (NoTrans) or y[:n] (Trans) is written;
// gonum's pure-Go build (arm64, -tags noasm) clears all of y for Trans
// with beta == 0, its amd64 assembly does not.
func (i Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if incX != 1 || incY != 1 {
		i.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	if tA != blas.NoTrans && tA != blas.Trans && tA != blas.ConjTrans {
		panic(badTranspose)
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	lenX, lenY := m, n
	if tA == blas.NoTrans {
		lenX, lenY = n, m
	}
	if m == 0 || n == 0 {
		return
	}
	if lenX-1 >= len(x) {
		panic(shortX)
	}
	if lenY-1 >= len(y) {
		panic(shortY)
	}
	if len(a) < lda*(m-1)+n {
		panic(shortA)
	}
	if alpha == 0 && beta == 1 {
		return
	}
	x = x[:lenX]
	y = y[:lenY]
	if alpha == 0 {
		i.Dscal(lenY, beta, y, 1)
		return
	}
	if tA == blas.NoTrans {
		if beta == 0 {
			for r := range y {
				y[r] = alpha * kernels.Dot(a[r*lda:r*lda+n], x)
			}
			return
		}
		for r := range y {
			y[r] = y[r]*beta + alpha*kernels.Dot(a[r*lda:r*lda+n], x)
		}
		return
	}
	switch beta {
	case 0:
		clear(y)
	case 1:
	default:
		kernels.Scal(beta, y)
	}
	for r, xr := range x {
		kernels.Axpy(alpha*xr, a[r*lda:r*lda+n], y)
	}
}

// Dger performs the rank-one operation
//
//	A += alpha * x * yᵀ
//
// where A is an m×n dense row-major matrix, x and y are vectors, and alpha
// is a scalar. With incX == incY == 1 each row of A is updated by
// kernels.Axpy.
func (i Implementation) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	if incX != 1 || incY != 1 {
		i.Implementation.Dger(m, n, alpha, x, incX, y, incY, a, lda)
		return
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	if m == 0 || n == 0 {
		return
	}
	if len(x) <= m-1 {
		panic(shortX)
	}
	if len(y) <= n-1 {
		panic(shortY)
	}
	if len(a) < lda*(m-1)+n {
		panic(shortA)
	}
	if alpha == 0 {
		return
	}
	y = y[:n]
	for r, xr := range x[:m] {
		kernels.Axpy(alpha*xr, y, a[r*lda:r*lda+n])
	}
}
