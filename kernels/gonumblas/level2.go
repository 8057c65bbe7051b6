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
// and beta are scalars. The product t = A·x (kernels.GemvN) or Aᵀ·x
// (kernels.GemvT) is computed first, then y[i] = fl(alpha·t[i]) when
// beta == 0 (y is not read, as in gonum), and fma(alpha, t[i],
// fl(beta·y[i])) otherwise, as kernels.Scal and kernels.Axpy compute it.
//
// Any increment works: a strided x or y is first gathered into a
// contiguous buffer (and y scattered back), so the result has the same
// bits as with unit increments. The gather pays for itself against the
// m·n multiply-adds once both dimensions exceed a few dozen (64×64 with
// increment 2 runs 1.6 to 2.5 times faster than gonum's strided loops);
// a very flat matrix with a long strided vector, such as 4×1000, runs
// about 1.4 times slower than gonum. Only
// y[:m] (NoTrans) or y[:n] (Trans) is written at unit increment; gonum's
// pure-Go build (arm64, -tags noasm) clears all of y for Trans with
// beta == 0, its amd64 assembly does not.
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
	if incY == 1 && beta == 0 {
		// y is not read: the product goes straight into it.
		gemv(tA, m, n, a, lda, xs, y[:lenY])
		if alpha != 1 {
			kernels.Scal(alpha, y[:lenY])
		}
		return
	}
	// A short product stays on the stack (the kernels do not let their
	// slices escape); a long one takes a pooled buffer.
	var small [64]float64
	var t []float64
	if lenY <= len(small) {
		t = small[:lenY]
	} else {
		var tbuf *[]float64
		t, tbuf = scratch(lenY)
		defer release(tbuf)
	}
	gemv(tA, m, n, a, lda, xs, t)
	if beta == 0 {
		kernels.Scal(alpha, t)
		scatter(y, incY, t)
		return
	}
	ys, ybuf := contiguous(y, lenY, incY)
	defer release(ybuf)
	kernels.Scal(beta, ys)
	kernels.Axpy(alpha, t, ys)
	if incY != 1 {
		scatter(y, incY, ys)
	}
}

// gemv computes t = A·x or Aᵀ·x with the kernels.
func gemv(tA blas.Transpose, m, n int, a []float64, lda int, x, t []float64) {
	if tA == blas.NoTrans {
		kernels.GemvN(m, n, a, lda, x, t)
	} else {
		kernels.GemvT(m, n, a, lda, x, t)
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
