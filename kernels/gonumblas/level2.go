package gonumblas

import (
	"gonum.org/v1/gonum/blas"

	"github.com/lanes-go/lanes/kernels"
)

// Dgemv computes
//
//	y = alpha * A * x + beta * y   if tA = blas.NoTrans
//	y = alpha * Aᵀ * x + beta * y  if tA = blas.Trans or blas.ConjTrans
//
// where A is an m×n dense row-major matrix, x and y are vectors, and alpha
// and beta are scalars. NoTrans takes one kernels.Dot per row and rounds
// y[i] = fl(beta·y[i]) + fl(alpha·dot); Trans scales y by beta (zeroes it
// when beta == 0, without reading it, as gonum does) and then adds
// alpha·x[i] times row i with kernels.Axpy.
//
// Any increment works: a strided x (and, for Trans, y) is first gathered
// into a contiguous buffer, which costs one pass over the vector against
// m·n multiply-adds, so the result has the same bits as with unit
// increments. Only y[:m] (NoTrans) or y[:n] (Trans) is written at unit
// increment; gonum's pure-Go build (arm64, -tags noasm) clears all of y
// for Trans with beta == 0, its amd64 assembly does not.
func (i Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	// gonum's checks, in gonum's order.
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
	if incX == 0 {
		panic(zeroIncX)
	}
	if incY == 0 {
		panic(zeroIncY)
	}
	lenX, lenY := m, n
	if tA == blas.NoTrans {
		lenX, lenY = n, m
	}
	if m == 0 || n == 0 {
		return
	}
	if short(len(x), lenX, incX) {
		panic(shortX)
	}
	if short(len(y), lenY, incY) {
		panic(shortY)
	}
	if len(a) < lda*(m-1)+n {
		panic(shortA)
	}
	if alpha == 0 && beta == 1 {
		return
	}
	if alpha == 0 {
		i.Dscal(lenY, beta, y, abs(incY))
		return
	}

	xs, xbuf := contiguous(x, lenX, incX)
	defer release(xbuf)
	if tA == blas.NoTrans {
		iy := start(lenY, incY)
		for r := range m {
			d := alpha * kernels.Dot(a[r*lda:r*lda+n], xs)
			if beta == 0 {
				y[iy] = d
			} else {
				// Two products rounded, then added: never fused, so every
				// GOARCH rounds the same way.
				y[iy] = float64(y[iy]*beta) + d
			}
			iy += incY
		}
		return
	}
	ys, ybuf := contiguous(y, lenY, incY)
	defer release(ybuf)
	switch beta {
	case 0:
		clear(ys)
	case 1:
	default:
		kernels.Scal(beta, ys)
	}
	for r, xr := range xs {
		kernels.Axpy(alpha*xr, a[r*lda:r*lda+n], ys)
	}
	if incY != 1 {
		scatter(y, incY, ys)
	}
}

// Dger performs the rank-one operation
//
//	A += alpha * x * yᵀ
//
// where A is an m×n dense row-major matrix, x and y are vectors, and alpha
// is a scalar. Each row of A is updated by kernels.Axpy; a strided y is
// gathered into a contiguous buffer first.
func (i Implementation) Dger(m, n int, alpha float64, x []float64, incX int, y []float64, incY int, a []float64, lda int) {
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	if incX == 0 {
		panic(zeroIncX)
	}
	if incY == 0 {
		panic(zeroIncY)
	}
	if m == 0 || n == 0 {
		return
	}
	if short(len(x), m, incX) {
		panic(shortX)
	}
	if short(len(y), n, incY) {
		panic(shortY)
	}
	if len(a) < lda*(m-1)+n {
		panic(shortA)
	}
	if alpha == 0 {
		return
	}
	ys, ybuf := contiguous(y, n, incY)
	defer release(ybuf)
	ix := start(m, incX)
	for r := range m {
		kernels.Axpy(alpha*x[ix], ys, a[r*lda:r*lda+n])
		ix += incX
	}
}

// short reports whether a slice of length l is too short for n elements
// at increment inc, by gonum's test.
func short(l, n, inc int) bool {
	return (inc > 0 && (n-1)*inc >= l) || (inc < 0 && (1-n)*inc >= l)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
