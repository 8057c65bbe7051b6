package f32

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels/internal/span"
)

// The row kernels score one query q against the rows of a row-major m×n
// matrix A (row stride lda), the inner loop of exact nearest-neighbour
// search. Every score has exactly the bits of the pairwise function on
// that row and q: GemvN is Dot against every row, SumSqDiffRows is
// SumSqDiff, CosineRows is Cosine, and DotIdx and SumSqDiffIdx do the
// same for a list of row numbers.

// SqNorms sets out[i] = Dot(row i, row i), the squared norm of every row
// of A, which CosineRows takes. It panics unless len(out) == m and a holds
// the matrix, and if out overlaps the matrix.
func SqNorms(m, n int, a []float32, lda int, out []float32) {
	checkMatrix("SqNorms", m, n, a, lda)
	if len(out) != m {
		panic(fmt.Sprintf("f32.SqNorms: len(out)=%d, want m=%d", len(out), m))
	}
	if span.Overlap(span.Matrix(m, n, a, lda), out) {
		panic(overlapMessage("SqNorms", "a", "out", noShare))
	}
	k := current()
	for i := range out {
		row := rowOf(a, i, lda, n)
		out[i] = dotKind(k, row, row)
	}
}

// SumSqDiffRows sets out[i] = SumSqDiff(row i, q), the squared Euclidean
// distance from q to every row of A. It panics unless len(q) == n,
// len(out) == m and a holds the matrix, and if out overlaps q or the
// matrix.
func SumSqDiffRows(m, n int, a []float32, lda int, q, out []float32) {
	checkMatrix("SumSqDiffRows", m, n, a, lda)
	if len(q) != n || len(out) != m {
		panic(fmt.Sprintf("f32.SumSqDiffRows: len(q)=%d, want n=%d; len(out)=%d, want m=%d", len(q), n, len(out), m))
	}
	checkOutput("SumSqDiffRows", m, n, a, lda, q, out)
	k := current()
	for i := range out {
		out[i] = sumSqDiffKind(k, rowOf(a, i, lda, n), q)
	}
}

// CosineRows sets out[i] = Cosine(row i, q), given sqnorms[i] = Dot(row i,
// row i) as SqNorms computes them once for a matrix that many queries
// search. It panics unless len(q) == n, len(sqnorms) == len(out) == m and
// a holds the matrix, and if out overlaps q, sqnorms or the matrix.
func CosineRows(m, n int, a []float32, lda int, sqnorms, q, out []float32) {
	checkMatrix("CosineRows", m, n, a, lda)
	if len(q) != n || len(out) != m || len(sqnorms) != m {
		panic(fmt.Sprintf("f32.CosineRows: len(q)=%d, want n=%d; len(sqnorms)=%d and len(out)=%d, want m=%d",
			len(q), n, len(sqnorms), len(out), m))
	}
	checkOutput("CosineRows", m, n, a, lda, q, out)
	if span.Overlap(sqnorms, out) {
		panic(overlapMessage("CosineRows", "sqnorms", "out", noShare))
	}
	k := current()
	gemvN(k, m, n, a, lda, q, out)
	qq := dotKind(k, q, q)
	for i, xy := range out {
		out[i] = cosineOf(xy, sqnorms[i], qq)
	}
}

// DotIdx sets out[j] = Dot(row idx[j] of A, q) for the rows listed in idx,
// in any order and with repeats: the candidates of a graph search. A has
// rows of len(q) elements with stride lda; every listed row must lie in a.
// It panics unless len(out) == len(idx), lda ≥ max(1, len(q)) and every
// idx[j] is a row of a, and if out overlaps q or a.
func DotIdx(q, a []float32, lda int, idx []int, out []float32) {
	checkIdx("DotIdx", q, a, lda, idx, out)
	k, n := current(), len(q)
	for j, r := range idx {
		out[j] = dotKind(k, a[r*lda:r*lda+n], q)
	}
}

// SumSqDiffIdx sets out[j] = SumSqDiff(row idx[j] of A, q), as DotIdx does
// for Dot.
func SumSqDiffIdx(q, a []float32, lda int, idx []int, out []float32) {
	checkIdx("SumSqDiffIdx", q, a, lda, idx, out)
	k, n := current(), len(q)
	for j, r := range idx {
		out[j] = sumSqDiffKind(k, a[r*lda:r*lda+n], q)
	}
}

// rowOf is row i of a checked matrix; with n = 0 there are no elements,
// and a may be empty.
func rowOf(a []float32, i, lda, n int) []float32 {
	if n == 0 {
		return nil
	}
	return a[i*lda : i*lda+n]
}

// checkIdx checks the arguments of DotIdx and SumSqDiffIdx before any
// element is written.
func checkIdx(fn string, q, a []float32, lda int, idx []int, out []float32) {
	n := len(q)
	if lda < max(1, n) {
		panic(fmt.Sprintf("f32.%s: lda=%d < max(1, len(q)=%d)", fn, lda, n))
	}
	if len(out) != len(idx) {
		panic(fmt.Sprintf("f32.%s: len(out)=%d != len(idx)=%d", fn, len(out), len(idx)))
	}
	// Rows 0 … rows-1 lie wholly in a.
	rows := 0
	if len(a) >= n {
		rows = (len(a)-n)/lda + 1
	}
	for j, r := range idx {
		if r < 0 || r >= rows {
			panic(fmt.Sprintf("f32.%s: idx[%d]=%d is not a row of a (len(a)=%d, lda=%d, n=%d: rows 0 to %d)", fn, j, r, len(a), lda, n, rows-1))
		}
	}
	if span.Overlap(out, q) {
		panic(overlapMessage(fn, "q", "out", noShare))
	}
	if span.Overlap(out, a) {
		panic(overlapMessage(fn, "a", "out", noShare))
	}
}
