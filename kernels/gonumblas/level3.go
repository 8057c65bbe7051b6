package gonumblas

import (
	"gonum.org/v1/gonum/blas"

	"github.com/lanes-go/lanes/kernels"
)

// Panic strings of Dsyrk, identical to gonum's.
const (
	kLT0    = "blas: k < 0"
	badUplo = "blas: illegal triangle"
	badLdC  = "blas: bad leading dimension of C"
	shortC  = "blas: insufficient length of c"
)

// Dsyrk performs one of the symmetric rank-k operations
//
//	C = alpha * A * Aᵀ + beta * C  if tA == blas.NoTrans
//	C = alpha * Aᵀ * A + beta * C  if tA == blas.Trans or tA == blas.ConjTrans
//
// where A is an n×k or k×n matrix, C is an n×n symmetric matrix, and
// alpha and beta are scalars. Only the triangle ul of C is referenced.
//
// The transposed case is a Gram matrix: t = AᵀA is computed by
// kernels.Gram into a zeroed pooled n×n buffer, every element a sum over
// the k rows of A in increasing order, one fused multiply-add each. Then
// C = fl(alpha·t) when beta == 0 (C is not read, as BLAS specifies and
// gonum's upper triangle does; gonum's lower one multiplies C by 0, which
// keeps a NaN), and
// fma(alpha, t, fl(beta·C)) otherwise, as kernels.Scal and kernels.Axpy
// compute it, which is what Dgemv does with its product. For the lower
// triangle, t's upper triangle is mirrored first: AᵀA is symmetric, and
// the copy is exact. alpha == 0 and k == 0, where there is no product, and
// the NoTrans case, are gonum's.
func (i Implementation) Dsyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if tA == blas.NoTrans {
		i.Implementation.Dsyrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	// gonum's checks, in gonum's order, for the transposed cases: A is
	// k×n.
	if ul != blas.Lower && ul != blas.Upper {
		panic(badUplo)
	}
	if tA != blas.Trans && tA != blas.ConjTrans {
		panic(badTranspose)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	if lda < max(1, n) {
		panic(badLdA)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if n == 0 {
		return
	}
	if len(a) < lda*(k-1)+n {
		panic(shortA)
	}
	if len(c) < ldc*(n-1)+n {
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		i.Implementation.Dsyrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
		return
	}

	t, buf := scratch(n * n)
	defer release(buf)
	clear(t)
	kernels.Gram(k, n, a, lda, t)
	if ul == blas.Lower {
		for j := range n {
			for l := j + 1; l < n; l++ {
				t[l*n+j] = t[j*n+l]
			}
		}
	}
	for j := range n {
		// Row j of the triangle: columns j … n−1 (Upper) or 0 … j (Lower).
		lo, hi := j, n
		if ul == blas.Lower {
			lo, hi = 0, j+1
		}
		cj, tj := c[j*ldc+lo:j*ldc+hi], t[j*n+lo:j*n+hi]
		if beta == 0 {
			copy(cj, tj)
			if alpha != 1 {
				kernels.Scal(alpha, cj)
			}
			continue
		}
		if beta != 1 {
			kernels.Scal(beta, cj)
		}
		kernels.Axpy(alpha, tj, cj)
	}
}
