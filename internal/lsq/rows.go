package lsq

import (
	"context"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// The rows of a Problem, for the exact solvers' fallback: when the
// Cholesky factorisation of the curvature shows the normal equations too
// ill-conditioned to trust, FactorRows factors the same penalised
// curvature H from the rows themselves, by one TSQR pass (tsqr.go), which
// does not square the condition number of the data as forming the Gram
// matrix does.

// QRRankFactor sets FactorRows' rank test: a column is dependent when the
// part of it outside the span of the columns before it, |R_jj| in units
// where every column has norm 1, is at most QRRankFactor·(k+2)·ε (ε =
// 2⁻⁵², k the coefficients): the size of the rounding errors of a
// Householder QR of k+2 columns, below which R_jj is noise. (The Cholesky
// test, RankTol on R_jj², can only go down to about ε itself, that is
// |R_jj| ≈ 1e-8, because the Gram matrix holds the squares.)
const QRRankFactor = 10

// FactorRows factors pr's penalised curvature H = A + diag(L2w) (unit
// diagonal) by one TSQR pass over the rows of d, the data of pr's
// moments, on plan's goroutines: the rows are the moments' shifted and
// scaled rows [ 1 | (x−Shift)⊙Scale | (y−YShift)·YScale ] (the constant
// only with an intercept; only the live columns), so that the pass reads
// the same numbers as the moments pass and its bits are the same on every
// CPU, for any number of goroutines and any window of d. With L2
// penalties the rows √L2w_j·e_j are stacked onto the factor (an exact
// reformulation of ridge as least squares).
//
// It returns the factor as a Cholesky (L·Lᵀ = H, L = Rᵀ with a
// nonnegative diagonal, Dependent and Relation as Factor gives them,
// with the rank test of QRRankFactor) and z, with which the solution of
// the problem without L1 is v = L⁻ᵀz (Cholesky.SolveUpper): z comes from
// the same orthogonal transformations as L, applied to the target, never
// from the Gram matrix. It looks at ctx between windows, blocks and the
// columns of a block; a cancelled pass returns the context's error.
func (pr *Problem) FactorRows(ctx context.Context, plan *kernels.BlockPlan, d Data) (*Cholesky, []float64, error) {
	m := pr.M
	if err := d.Check(); err != nil {
		return nil, nil, err
	}
	if d.Rows != m.Rows || d.Cols != m.Cols || d.Y == nil {
		return nil, nil, fmt.Errorf("lsq: FactorRows: the data have %d rows × %d columns (%d targets), the moments %d × %d",
			d.Rows, d.Cols, len(d.Y), m.Rows, m.Cols)
	}
	k := pr.K()
	off := 0 // the constant's column, first, so that the others are centred by the QR itself
	if pr.Intercept {
		off = 1
	}
	p := off + k + 1
	task := NewQRTask(p, pr.fillRows(ctx, d, off, p))
	task.ctx = ctx
	sink := NewRSink(p)
	if err := d.pass(ctx, plan, task, sink); err != nil {
		return nil, nil, err
	}
	r := make([]float64, p*p)
	sink.Result(r)

	// The trailing (k+1)×(k+1) block is the factor of the centred [Z y]
	// (R_xx r_xy; 0 ρ). Dividing column j by √n·σ_j gives the factor of
	// the standardised columns, whose Gram is A, and the target's column
	// by √n gives Qᵀ of the target, with R̃ᵀ(r_xy/√n) = c.
	q := k + 1
	t := make([]float64, q*q)
	sqn := math.Sqrt(float64(m.Rows))
	for a := range k {
		for b := a; b < q; b++ {
			v := r[(off+a)*p+off+b] / sqn
			if b < k {
				v /= pr.Sigma[b]
			}
			t[a*q+b] = v
		}
	}
	ridge := false
	for _, w := range pr.L2w {
		ridge = ridge || w > 0
	}
	if ridge {
		// min ‖R̃v − r̃‖² + Σ L2w_j·v_j²: the least squares of R̃ with the
		// rows √L2w_j·e_j (target 0) stacked below.
		s := make([]float64, q*q)
		for a, w := range pr.L2w {
			s[a*q+a] = math.Sqrt(w)
		}
		StackQR(q, t, s)
	}

	ch := &Cholesky{K: k, L: make([]float64, k*k), Pivot: make([]float64, k)}
	z := make([]float64, k)
	tol := QRRankFactor * float64(k+2) * 0x1p-52
	for a := range k {
		sign := 1.0
		if t[a*q+a] < 0 {
			sign = -1 // R's diagonal has either sign (dlarfg's reflectors); L's is ≥ 0
		}
		for b := a; b < k; b++ {
			ch.L[b*k+a] = sign * t[a*q+b]
		}
		z[a] = sign * t[a*q+k]
		ljj := ch.L[a*k+a]
		ch.Pivot[a] = float64(ljj * ljj)
		if !(ljj > tol) {
			// In the span of the columns before it, up to rounding: as
			// Factor does, L_jj = 0, and the solve holds v_j at 0.
			ch.Dependent = append(ch.Dependent, a)
			ch.L[a*k+a] = 0
		}
	}
	return ch, z, nil
}

// fillRows returns the QRTask fill of FactorRows: the rows [lo, hi) of
// [ 1 | (x−Shift)⊙Scale | (y−YShift)·YScale ] on the live columns, each
// value rounded as the moments pass rounds it (kernels.ShiftScale: one
// subtraction, then a power of two). A cancelled pass writes zeros, whose
// factor costs next to nothing.
func (pr *Problem) fillRows(ctx context.Context, d Data, off, p int) func(lo, hi int, rows []float64) {
	m := pr.M
	return func(lo, hi int, rows []float64) {
		if ctx.Err() != nil {
			clear(rows)
			return
		}
		for i := lo; i < hi; i++ {
			out := rows[(i-lo)*p : (i-lo+1)*p]
			if off == 1 {
				out[0] = 1
			}
			x := d.Row(i)
			for a, j := range pr.Live {
				out[off+a] = float64(x[j]-m.Shift[j]) * m.Scale[j]
			}
			out[p-1] = float64(d.Y[i]-m.YShift) * m.YScale
		}
	}
}
