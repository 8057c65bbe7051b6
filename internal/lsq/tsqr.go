package lsq

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// TSQR, the tall-skinny QR, gives the R factor of a tall n×p matrix A
// (n ≫ p, p at most a few hundred): the upper triangular p×p R with
// RᵀR = AᵀA. With the target as A's last column, R = [R_xx r_xy; 0 ρ]
// and the least-squares solution solves R_xx w = r_xy by back
// substitution, with the condition number of A where the Gram matrix
// AᵀA has its square; ρ² is the residual sum of squares. It is the
// fallback of the exact solvers when the Gram matrix is too
// ill-conditioned for Cholesky.
//
// A pass is a block tree like every other pass over rows (kernels.Tree):
// BlockQR factors each block of kernels.BlockRows rows, StackQR merges
// two blocks' factors, an RSink merges them in the tree's order and a
// QRTask runs BlockQR on a kernels.BlockPlan's goroutines.
//
// # Same bits everywhere
//
// Every sum is a kernels.Dot, Nrm2, Axpy or Scal, whose order is
// specified, and every scalar formula is written so that no compiler can
// fuse a multiplication into an addition (float64(x*y) rounds the
// product), so R has the same bits on every implementation of the
// kernels, every GOARCH and for any number of goroutines.
//
// # Householder reflectors
//
// Both factorizations are Householder QR as in LAPACK's dgeqr2, with
// dlarfg's reflectors and sign convention: column j's reflector
// H = I − τ·v·vᵀ, v = (1, v'), maps (α, x) to (β, 0) with
//
//	β = −sign(α)·‖(α, x)‖,  τ = (β − α)/β,  v' = x·(1/(α − β)),
//
// sign(α) being the sign bit of α (so α = −0 gives β > 0), and
// ‖(α, x)‖ = kernels.Nrm2 of the two values α and kernels.Nrm2(x). So
// R's diagonal has either sign, and R equals LAPACK's up to the sign of
// each row. When x is exactly zero, H = I: τ = 0 and β = α, which is 0
// for a zero column, with no division. When |β| < 2⁻⁹⁶⁹, α and x are
// first scaled up by 2⁹⁶⁹ (at most 20 times), as dlarfg does, so that
// 1/(α − β) cannot overflow. Applying H to a column (h, y) computes
// s = h + v'ᵀy, t = −τ·s (rounded), h + t and Axpy(t, v', y).

// safeMin is LAPACK's dlamch('S')/dlamch('E'), 2⁻¹⁰²²/2⁻⁵³: below it, a
// reflector's β is scaled up before 1/(α − β) is taken.
const safeMin = 0x1p-969

// BlockQR writes into r the R factor of the rows×p matrix a, row-major
// (p to a row), by Householder QR: r is p×p, row-major, upper triangular,
// zero below the diagonal; when rows < p, its rows from rows on are zero.
// It reads a and uses work (at least rows·p long) as scratch, where a is
// copied column by column, so that each column is one contiguous vector
// for the kernels. NaN or Inf in a make NaN in r; nothing panics on data.
//
// It panics if rows or p is negative, len(a) is not rows·p, len(work) is
// less than rows·p or len(r) is not p·p.
func BlockQR(rows, p int, a, work, r []float64) {
	if rows < 0 || p < 0 || len(a) != rows*p || len(work) < rows*p || len(r) != p*p {
		panic(fmt.Sprintf("lsq.BlockQR: rows=%d, p=%d, len(a)=%d, len(work)=%d, len(r)=%d: want len(a) = rows·p, len(work) ≥ rows·p, len(r) = p·p",
			rows, p, len(a), len(work), len(r)))
	}
	blockQR(rows, p, a, work, r, nil)
}

// blockQR is BlockQR that calls stop, if not nil, between columns about
// once every checkWork multiply-adds: a wide block (p in the hundreds)
// takes a second. When stop returns true, it returns at once, r zero.
func blockQR(rows, p int, a, work, r []float64, stop func() bool) {
	cols := work[:rows*p]
	transpose(rows, p, a, cols)
	col := func(k int) []float64 { return cols[k*rows : (k+1)*rows] }
	done := 0
	for j := range min(rows, p) {
		if done += 2 * rows * (p - j); stop != nil && done > checkWork {
			done = 0
			if stop() {
				clear(r)
				return
			}
		}
		cj := col(j)
		beta, tau := reflector(cj[j], cj[j+1:])
		cj[j] = beta
		if tau == 0 {
			continue // H = I
		}
		for k := j + 1; k < p; k++ {
			ck := col(k)
			reflect(tau, cj[j+1:], &ck[j], ck[j+1:])
		}
	}
	clear(r)
	for i := range min(rows, p) {
		for k := i; k < p; k++ {
			r[i*p+k] = cols[k*rows+i]
		}
	}
}

// transpose copies the rows×p row-major a into cols column by column:
// column k is cols[k·rows : (k+1)·rows]. It takes eight rows at a time,
// which stay in cache while each column gets a run of eight; unrolled,
// that is three times as fast as the plain loop.
func transpose(rows, p int, a, cols []float64) {
	i0 := 0
	for ; i0+8 <= rows; i0 += 8 {
		src := a[i0*p : (i0+8)*p]
		for k := range p {
			dst := cols[k*rows+i0 : k*rows+i0+8]
			dst[0], dst[1], dst[2], dst[3] = src[k], src[p+k], src[2*p+k], src[3*p+k]
			dst[4], dst[5], dst[6], dst[7] = src[4*p+k], src[5*p+k], src[6*p+k], src[7*p+k]
		}
	}
	for k := range p {
		for i := i0; i < rows; i++ {
			cols[k*rows+i] = a[i*p+k]
		}
	}
}

// StackQR overwrites r1 with the R factor of the 2p×p matrix [R1; R2],
// R1 and R2 upper triangular p×p factors, row-major: the merge of two
// blocks' factors in a TSQR tree. It reads only the upper triangles and
// writes only r1's upper triangle (so factors with zeros below the
// diagonal, as BlockQR writes them, give one too), and it uses r2 as
// scratch: r2's contents are lost.
//
// The reflector of column j involves R1's diagonal element and the j+1
// elements of R2's column j from its top, the only nonzero ones: R2 stays
// upper triangular as its columns are zeroed one by one. So a merge costs
// about 2p³/3 flops instead of the 10p³/3 of a general QR of a 2p×p matrix.
//
// It panics if p is negative or len(r1) or len(r2) is not p·p.
func StackQR(p int, r1, r2 []float64) {
	if p < 0 || len(r1) != p*p || len(r2) != p*p {
		panic(fmt.Sprintf("lsq.StackQR: p=%d, len(r1)=%d, len(r2)=%d: want p·p", p, len(r1), len(r2)))
	}
	// Transpose R2 in place: its column k, rows 0…k, becomes the
	// contiguous r2[k·p : k·p+k+1].
	for i := range p {
		for k := i + 1; k < p; k++ {
			r2[i*p+k], r2[k*p+i] = r2[k*p+i], r2[i*p+k]
		}
	}
	for j := range p {
		cj := r2[j*p : j*p+j+1]
		beta, tau := reflector(r1[j*p+j], cj)
		r1[j*p+j] = beta
		if tau == 0 {
			continue // H = I
		}
		for k := j + 1; k < p; k++ {
			reflect(tau, cj, &r1[j*p+k], r2[k*p:k*p+j+1])
		}
	}
}

// reflector computes the Householder reflector that maps (alpha, x) to
// (beta, 0), dlarfg's, as the comment at the top of this file specifies,
// and overwrites x with v'. tau = 0 means H = I, and x is left alone.
func reflector(alpha float64, x []float64) (beta, tau float64) {
	xnorm := kernels.Nrm2(x)
	if xnorm == 0 {
		return alpha, 0
	}
	beta = -math.Copysign(norm2(alpha, xnorm), alpha)
	knt := 0
	if math.Abs(beta) < safeMin {
		// (alpha, x) is so small that 1/(alpha − beta) could overflow:
		// scale it up by powers of two, exactly, and take its norm again.
		for math.Abs(beta) < safeMin && knt < 20 {
			knt++
			kernels.Scal(1/safeMin, x)
			beta *= 1 / safeMin
			alpha *= 1 / safeMin
		}
		beta = -math.Copysign(norm2(alpha, kernels.Nrm2(x)), alpha)
	}
	tau = (beta - alpha) / beta
	kernels.Scal(1/(alpha-beta), x)
	for range knt {
		beta *= safeMin
	}
	return beta, tau
}

// norm2 returns √(a² + b²) as kernels.Nrm2 computes it: no overflow or
// underflow on the way and the same bits everywhere (math.Hypot has
// assembly on some GOARCHes).
func norm2(a, b float64) float64 {
	ab := [2]float64{a, b}
	return kernels.Nrm2(ab[:])
}

// reflect applies the reflector (tau, v = (1, v')) to the vector (*h, y).
// t = −tau·s is rounded on its own, so that h + t is the same sum as the
// fma(t, 1, h) that Axpy would compute, and no compiler fuses it.
func reflect(tau float64, v []float64, h *float64, y []float64) {
	s := *h + kernels.Dot(v, y)
	t := float64(-tau * s)
	*h += t
	kernels.Axpy(t, v, y)
}
