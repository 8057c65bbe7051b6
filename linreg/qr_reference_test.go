package linreg

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// qrFactor computes the Householder QR factorisation of a in place, in
// LAPACK's compact form (R in the upper triangle, the reflectors below,
// their scales in tau, len(tau) = min(m, n)), with the bits of
// lapack64.Geqrf with gonum's implementation, and looks at c between
// pieces of work so that a cancellation is seen within milliseconds,
// where one Geqrf call over a 3000×1500 matrix takes seconds.
//
// It is gonum's Dgeqrf, driven from here: the same block size, crossover
// and panels (from gonum's Ilaenv), the same Dgeqr2, Dlarft and Dlarfb
// calls on the same submatrices in the same order, so the same bits. Only
// two things are cut finer, both where the bits do not depend on the cut:
//
//   - the unblocked factorisation of a panel and of the last columns
//     (Dgeqr2) is its own loop of Dlarfg and Dlarf, one column at a
//     time, as Dgeqr2 runs it, with a look at c between columns;
//   - a trailing update (Dlarfb) wider than chunks.cols columns, whose
//     cost is the bulk of the factorisation, is applied to chunks of
//     columns in turn, with a look at c between them. Dlarfb transforms
//     each column of C on its own: with W = CᵀV, every row of W comes
//     from one column of C (Dtrmm from the right and Dgemm with Cᵀ as
//     its first operand work row by row of W, accumulating over the
//     rows of C in one fixed order however many columns there are), and
//     C −= V·Wᵀ takes column j of C from row j of W (Dgemm's inner
//     dimension is the panel width, at most 64, one block of gonum's
//     Dgemm, so each element is one dot product of the same vectors). A
//     test compares the factors with Geqrf's, bit for bit, on shapes
//     that chunk.
//
// It uses gonum's implementation directly, as lapack64 does unless a
// program replaces it with lapack64.Use.
func qrFactor(c *canceller, a blas64.General, tau []float64, chunks qrChunks) error {
	impl := gonum.Implementation{}
	m, n, lda := a.Rows, a.Cols, max(1, a.Stride)
	k := min(m, n)
	if k == 0 {
		return nil
	}
	// Dgeqrf's choices, for a workspace of the optimal size n·nb (which
	// exactFactor always gave it, so nb is never reduced to fit).
	nb := impl.Ilaenv(1, "DGEQRF", " ", m, n, -1, -1)
	nbmin, nx := 2, 0
	if 1 < nb && nb < k {
		nx = max(0, impl.Ilaenv(3, "DGEQRF", " ", m, n, -1, -1))
	}
	work := make([]float64, max(n*nb, n, 1))
	var i int
	if nbmin <= nb && nb < k && nx < k {
		ldwork := nb
		for i = 0; i < k-nx; i += nb {
			ib := min(k-i, nb)
			if err := qrUnblocked(c, m-i, ib, a.Data[i*lda+i:], lda, tau[i:i+ib], work); err != nil {
				return err
			}
			if i+ib < n {
				// The triangular factor T of the panel's block reflector
				// goes into work, as in Dgeqrf; then Hᵀ is applied to the
				// trailing columns.
				impl.Dlarft(lapack.Forward, lapack.ColumnWise, m-i, ib, a.Data[i*lda+i:], lda, tau[i:], work, ldwork)
				cols := n - i - ib
				chunk := cols
				if perCol := 2 * (m - i) * ib; cols > chunks.cols && perCol*cols > chunks.work {
					chunk = max(chunks.cols, chunks.work/perCol)
				}
				for j := 0; j < cols; j += chunk {
					c.step("qr")
					if err := c.now(); err != nil {
						return err
					}
					impl.Dlarfb(blas.Left, blas.Trans, lapack.Forward, lapack.ColumnWise,
						m-i, min(chunk, cols-j), ib,
						a.Data[i*lda+i:], lda,
						work, ldwork,
						a.Data[i*lda+i+ib+j:], lda,
						work[ib*ldwork:], ldwork)
				}
			}
		}
	}
	if i < k {
		return qrUnblocked(c, m-i, n-i, a.Data[i*lda+i:], lda, tau[i:k], work)
	}
	return nil
}

// qrChunks says how qrFactor cuts a trailing update: one of more than
// work multiply-adds and more than cols columns goes in chunks of columns,
// each about work multiply-adds and at least cols columns. exactFactor
// uses qrChunkWork and qrChunkCols; a test gives smaller ones to chunk
// small matrices.
type qrChunks struct{ work, cols int }

// qrChunkWork is about 10 ms of gonum's Dgemm; qrChunkCols is four of its
// 64-column blocks, so that the Dgemm calls of a chunk still share the
// work between goroutines.
const (
	qrChunkWork = 1 << 25
	qrChunkCols = 256
)

// qrUnblocked is gonum's Dgeqr2 (the unblocked factorisation of an m×n
// matrix): for each column, Dlarfg forms its reflector and Dlarf applies
// it to the columns on its right, with the same arguments as Dgeqr2, and
// so the same bits. It looks at c between columns. work has at least n
// elements.
func qrUnblocked(c *canceller, m, n int, a []float64, lda int, tau, work []float64) error {
	impl := gonum.Implementation{}
	k := min(m, n)
	for i := 0; i < k; i++ {
		c.step("qr")
		if err := c.did(2 * (m - i) * (n - i)); err != nil {
			return err
		}
		a[i*lda+i], tau[i] = impl.Dlarfg(m-i, a[i*lda+i], a[min(i+1, m-1)*lda+i:], lda)
		if i < n-1 {
			aii := a[i*lda+i]
			a[i*lda+i] = 1
			impl.Dlarf(blas.Left, m-i, n-i-1, a[i*lda+i:], lda, tau[i], a[i*lda+i+1:], lda, work)
			a[i*lda+i] = aii
		}
	}
	return nil
}
