package kernels

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels/internal/span"
)

// Dot returns Σ x[i]·y[i]. It panics if len(x) != len(y).
func Dot(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels.Dot: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return dotKind(current().kind, x, y)
}

// Sum returns Σ x[i].
func Sum(x []float64) float64 { return sumKind(current().kind, x) }

// SumSqDiff returns Σ (x[i]−y[i])², the reduction behind mean squared
// error. It panics if len(x) != len(y).
func SumSqDiff(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels.SumSqDiff: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return sumSqDiffKind(current().kind, x, y)
}

// Axpy sets y[i] += alpha·x[i], with one rounding per element (a fused
// multiply-add). It panics if len(x) != len(y), or if x and y overlap
// without being the very same slice: Axpy(alpha, y, y) is allowed, as
// y[i] += alpha·y[i] involves no other element.
func Axpy(alpha float64, x, y []float64) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("kernels.Axpy: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	if partialOverlap(x, y) {
		panic(overlapMessage("Axpy", "x", "y", "only the very same slice may be both"))
	}
	axpyKind(current().kind, alpha, x, y)
}

// Scal sets x[i] *= alpha.
func Scal(alpha float64, x []float64) { scalKind(current().kind, alpha, x) }

// GemvN computes y = A·x for the row-major m×n matrix A stored in a with
// row stride lda: y[i] = Dot(a[i*lda:i*lda+n], x). It panics unless
// len(x) == n, len(y) == m, lda ≥ max(1, n) and a holds the whole matrix,
// and if y overlaps x or the matrix (a[0] to a[(m-1)*lda+n-1]).
func GemvN(m, n int, a []float64, lda int, x, y []float64) {
	checkGemv("GemvN", m, n, a, lda)
	if len(x) != n || len(y) != m {
		panic(fmt.Sprintf("kernels.GemvN: len(x)=%d, want n=%d; len(y)=%d, want m=%d", len(x), n, len(y), m))
	}
	checkGemvOverlap("GemvN", m, n, a, lda, x, y)
	gemvNKind(current().kind, m, n, a, lda, x, y)
}

// GemvT computes y = Aᵀ·x for the row-major m×n matrix A stored in a with
// row stride lda. Each y[j] takes the rows in increasing order. It panics
// unless len(x) == m, len(y) == n, lda ≥ max(1, n) and a holds the whole
// matrix, and if y overlaps x or the matrix (a[0] to a[(m-1)*lda+n-1]).
func GemvT(m, n int, a []float64, lda int, x, y []float64) {
	checkGemv("GemvT", m, n, a, lda)
	if len(x) != m || len(y) != n {
		panic(fmt.Sprintf("kernels.GemvT: len(x)=%d, want m=%d; len(y)=%d, want n=%d", len(x), m, len(y), n))
	}
	checkGemvOverlap("GemvT", m, n, a, lda, x, y)
	gemvTKind(current().kind, m, n, a, lda, x, y)
}

func checkGemv(fn string, m, n int, a []float64, lda int) {
	if !span.MatrixOK(m, n, a, lda) {
		panic("kernels." + fn + ": " + span.MatrixProblem(m, n, len(a), lda))
	}
}

// checkGemvOverlap panics if the output y shares memory with the matrix
// or x. Even y == x is refused: y[i] would be written while later rows
// still read x[i].
func checkGemvOverlap(fn string, m, n int, a []float64, lda int, x, y []float64) {
	if overlap(matrixSpan(m, n, a, lda), y) {
		panic(overlapMessage(fn, "a", "y", noShare))
	}
	if overlap(x, y) {
		panic(overlapMessage(fn, "x", "y", noShare))
	}
}
