package lsq

import (
	"context"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// Cholesky is the factorisation H = L·Lᵀ of a k×k symmetric matrix with
// unit diagonal (a Problem's penalised curvature), computed row by row
// with kernels.Dot, so that its bits are the same on every CPU. A column
// whose pivot L_jj² falls to RankTol or below is numerically a linear
// combination of the columns before it: it is recorded in Dependent, and
// its row of L is left as the coefficients of that combination (see
// Relation) with L_jj = 0; the factorisation goes on with the others, as
// if the column were not there. Problem.FactorRows gives the same factor
// from the rows, without forming the Gram matrix.
type Cholesky struct {
	K         int
	L         []float64 // k×k, row-major, lower triangle
	Pivot     []float64 // L_jj² before the square root: 1 − R_j², R_j the multiple correlation of column j with those before it
	Dependent []int
}

// RankTol is the pivot below which a column counts as dependent: its part
// outside the span of the columns before it has less than 1e−6 of its
// norm (in standardised units: a multiple correlation above 1 − 1e−12).
const RankTol = 1e-12

// Factor computes the Cholesky factor of the k×k row-major matrix h, read
// from its lower triangle (h is not modified). It looks at ctx every few
// columns: k³/3 multiply-adds take seconds for k in the thousands.
func Factor(ctx context.Context, h []float64, k int) (*Cholesky, error) {
	ch := &Cholesky{K: k, L: make([]float64, k*k), Pivot: make([]float64, k)}
	l := ch.L
	work := 0
	for j := range k {
		if work += j * (k - j); work > checkWork {
			work = 0
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rj := l[j*k : j*k+j]
		d := h[j*k+j] - kernels.Dot(rj, rj)
		ch.Pivot[j] = d
		if !(d > RankTol*h[j*k+j]) {
			ch.Dependent = append(ch.Dependent, j)
			// Row j keeps L_{j,<j}; its diagonal is 0, and the rows
			// below see a zero column j.
			continue
		}
		ljj := math.Sqrt(d)
		l[j*k+j] = ljj
		for i := j + 1; i < k; i++ {
			ri := l[i*k : i*k+j]
			l[i*k+j] = (h[i*k+j] - kernels.Dot(ri, rj)) / ljj
		}
	}
	// A dependent column's entries below its diagonal were never written:
	// they are 0, which is what "not there" needs.
	return ch, nil
}

// checkWork is the work, in multiply-adds, after which a long loop looks
// at its context: a few milliseconds.
const checkWork = 1 << 22

// MinPivot returns the smallest pivot of an independent column: its
// reciprocal bounds the condition number of H from below, and tells how
// many digits a solve through the factor may lose (linreg re-solves by
// Problem.FactorRows when it is small).
func (ch *Cholesky) MinPivot() float64 {
	m := math.Inf(1)
	for j, p := range ch.Pivot {
		if ch.L[j*ch.K+j] != 0 {
			m = min(m, p)
		}
	}
	return m
}

// Solve overwrites b with H⁻¹b, dependent columns held at 0: forward
// then back substitution with the independent columns.
func (ch *Cholesky) Solve(b []float64) {
	k, l := ch.K, ch.L
	for j := range k {
		ljj := l[j*k+j]
		if ljj == 0 {
			b[j] = 0
			continue
		}
		b[j] = (b[j] - kernels.Dot(l[j*k:j*k+j], b[:j])) / ljj
	}
	ch.SolveUpper(b)
}

// SolveUpper overwrites z with L⁻ᵀz, dependent columns held at 0: the
// back substitution of Solve, and the whole solve of a factor from the
// rows (Problem.FactorRows), whose z is Qᵀ of the target.
func (ch *Cholesky) SolveUpper(z []float64) {
	k, l, b := ch.K, ch.L, z
	for j := k - 1; j >= 0; j-- {
		ljj := l[j*k+j]
		if ljj == 0 {
			b[j] = 0
			continue
		}
		s := b[j]
		for i := j + 1; i < k; i++ {
			s = math.FMA(-l[i*k+j], b[i], s)
		}
		b[j] = s / ljj
	}
}

// Relation returns, for a dependent column j, the coefficients c over the
// independent columns before it (zero elsewhere) with column j ≈ Σ c_t ·
// column t in the matrix's own (standardised) units: the least-squares
// combination, c = L_sᵀ⁻¹ L_{j,s} on the independent columns s < j.
func (ch *Cholesky) Relation(j int) []float64 {
	k, l := ch.K, ch.L
	c := make([]float64, j)
	copy(c, l[j*k:j*k+j])
	for t := j - 1; t >= 0; t-- {
		ltt := l[t*k+t]
		if ltt == 0 {
			c[t] = 0
			continue
		}
		s := c[t]
		for i := t + 1; i < j; i++ {
			s = math.FMA(-l[i*k+t], c[i], s)
		}
		c[t] = s / ltt
	}
	return c
}
