package f32

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels/internal/span"
)

// Dot returns Σ x[i]·y[i]. It panics if len(x) != len(y).
func Dot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("f32.Dot: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return dotKind(current(), x, y)
}

// Sum returns Σ x[i].
func Sum(x []float32) float32 { return sumKind(current(), x) }

// SumSqDiff returns Σ (x[i]−y[i])², the squared Euclidean distance. It
// panics if len(x) != len(y).
func SumSqDiff(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("f32.SumSqDiff: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	return sumSqDiffKind(current(), x, y)
}

// Axpy sets y[i] += alpha·x[i], with one rounding per element (a fused
// multiply-add). It panics if len(x) != len(y), or if x and y overlap
// without being the very same slice.
func Axpy(alpha float32, x, y []float32) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("f32.Axpy: len(x)=%d != len(y)=%d", len(x), len(y)))
	}
	if span.PartialOverlap(x, y) {
		panic(overlapMessage("Axpy", "x", "y", "only the very same slice may be both"))
	}
	axpyKind(current(), alpha, x, y)
}

// Scal sets x[i] *= alpha.
func Scal(alpha float32, x []float32) { scalKind(current(), alpha, x) }

// Asum returns Σ |x[i]|.
func Asum(x []float32) float32 { return asumKind(current(), x) }

// Amax returns the largest |x[i]| that is not NaN, or +0 if there is none.
func Amax(x []float32) float32 { return amaxKind(current(), x) }

// Iamax returns the index of the first element of largest absolute value,
// or −1 if x is empty. NaN elements are passed over, except that a NaN
// x[0] makes the result 0, as in reference BLAS ISAMAX.
func Iamax(x []float32) int {
	k := current()
	if len(x) == 0 {
		return -1
	}
	if x[0] != x[0] {
		return 0
	}
	return indexAbsKind(k, amaxKind(k, x), x)
}

// GemvN computes y = A·x for the row-major m×n matrix A stored in a with
// row stride lda: y[i] = Dot(a[i*lda:i*lda+n], x), the bits of Dot for
// every row. It is one query scored against m rows by inner product. It
// panics unless len(x) == n, len(y) == m, lda ≥ max(1, n) and a holds the
// whole matrix, and if y overlaps x or the matrix.
func GemvN(m, n int, a []float32, lda int, x, y []float32) {
	checkMatrix("GemvN", m, n, a, lda)
	if len(x) != n || len(y) != m {
		panic(fmt.Sprintf("f32.GemvN: len(x)=%d, want n=%d; len(y)=%d, want m=%d", len(x), n, len(y), m))
	}
	checkOutput("GemvN", m, n, a, lda, x, y)
	gemvN(current(), m, n, a, lda, x, y)
}

// streamBytes is the size of matrix beyond which gemvN scores wide rows
// one Dot at a time. Every row is one Dot either way (the same bits); the
// kernel that scores several rows at once reuses x from registers and is
// the faster while the matrix is in cache, but its interleaved streams
// defeat the hardware prefetcher once rows come from memory: measured at
// 768 columns on Zen 3, 9.9 GB/s against 15.6 GB/s row by row, with a
// plain read at 18 GB/s; in L2, 52 GB/s against 46.
const streamBytes = 1 << 20

// gemvN is GemvN with checked arguments, choosing between the two ways.
func gemvN(k kind, m, n int, a []float32, lda int, x, y []float32) {
	if n < 256 || m*lda < streamBytes/4 {
		gemvNKind(k, m, n, a, lda, x, y)
		return
	}
	for i := range y {
		y[i] = dotKind(k, a[i*lda:i*lda+n], x)
	}
}

// GemvT computes y = Aᵀ·x for the row-major m×n matrix A stored in a with
// row stride lda. Each y[j] takes the rows in increasing order. It panics
// unless len(x) == m, len(y) == n, lda ≥ max(1, n) and a holds the whole
// matrix, and if y overlaps x or the matrix.
func GemvT(m, n int, a []float32, lda int, x, y []float32) {
	checkMatrix("GemvT", m, n, a, lda)
	if len(x) != m || len(y) != n {
		panic(fmt.Sprintf("f32.GemvT: len(x)=%d, want m=%d; len(y)=%d, want n=%d", len(x), m, len(y), n))
	}
	checkOutput("GemvT", m, n, a, lda, x, y)
	gemvTKind(current(), m, n, a, lda, x, y)
}

// checkMatrix panics unless a holds the m×n matrix with row stride lda.
func checkMatrix(fn string, m, n int, a []float32, lda int) {
	if !span.MatrixOK(m, n, a, lda) {
		panic("f32." + fn + ": " + span.MatrixProblem(m, n, len(a), lda))
	}
}

// checkOutput panics if the output y shares memory with the matrix or
// with x. Even y == x is refused: y[i] would be written while later rows
// still read x[i].
func checkOutput(fn string, m, n int, a []float32, lda int, x, y []float32) {
	if span.Overlap(span.Matrix(m, n, a, lda), y) {
		panic(overlapMessage(fn, "a", "y", noShare))
	}
	if span.Overlap(x, y) {
		panic(overlapMessage(fn, "x", "y", noShare))
	}
}

// overlapMessage is the panic message of an overlap, kept out of line so
// that the checks cost the callers a few comparisons.
//
//go:noinline
func overlapMessage(fn, in, out, why string) string {
	return fmt.Sprintf("f32.%s: %s and %s overlap (%s)", fn, in, out, why)
}

// noShare is overlapMessage's reason for every kernel but Axpy.
const noShare = "an output must not share memory with an input"
