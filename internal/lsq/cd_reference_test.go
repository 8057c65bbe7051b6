package lsq

import (
	"fmt"
	"math"
	"math/big"
)

// lassoCertificatePrec is the precision of lassoCertificate's arithmetic:
// enough that its rounding is far below float64's even when the support's
// curvature has a condition number of 10³⁰.
const lassoCertificatePrec = 256

// lassoCertificate returns the exact minimiser of pr's objective, to
// 256-bit precision, on the support and signs of v: the solution w of
// (A + diag(L2w))_S·w = c_S − L1w_S⊙sign(v_S), by Gaussian elimination
// with partial pivoting in big.Float, after checking, in the same
// precision, that it is the problem's minimum: that w keeps the signs of
// v and that every coefficient outside the support has |g_j| ≤ L1w_j,
// g = A·w − c. The problem's data (A, c, the penalties) are taken as
// exact. An error says which condition fails: v has the wrong support or
// signs.
func lassoCertificate(pr *Problem, v []float64) ([]float64, error) {
	k := pr.K()
	bf := func(x float64) *big.Float { return new(big.Float).SetPrec(lassoCertificatePrec).SetFloat64(x) }
	zero := func() *big.Float { return new(big.Float).SetPrec(lassoCertificatePrec) }
	var s []int
	for j, x := range v {
		if x != 0 {
			s = append(s, j)
		}
	}
	ks := len(s)
	// The augmented system [H_S | b], row by row.
	m := make([][]*big.Float, ks)
	for a, j := range s {
		m[a] = make([]*big.Float, ks+1)
		for c, jj := range s {
			m[a][c] = bf(pr.A[j*k+jj])
		}
		m[a][a].Add(m[a][a], bf(pr.L2w[j]))
		m[a][ks] = bf(pr.C[j])
		m[a][ks].Sub(m[a][ks], bf(math.Copysign(pr.L1w[j], v[j])))
	}
	for col := range ks {
		p := col
		for r := col + 1; r < ks; r++ {
			if new(big.Float).Abs(m[r][col]).Cmp(new(big.Float).Abs(m[p][col])) > 0 {
				p = r
			}
		}
		m[col], m[p] = m[p], m[col]
		if m[col][col].Sign() == 0 {
			return nil, fmt.Errorf("the curvature of the support %v is singular", s)
		}
		for r := col + 1; r < ks; r++ {
			f := zero().Quo(m[r][col], m[col][col])
			for c := col; c <= ks; c++ {
				m[r][c].Sub(m[r][c], zero().Mul(f, m[col][c]))
			}
		}
	}
	w := make([]*big.Float, k)
	for j := range w {
		w[j] = zero()
	}
	for a := ks - 1; a >= 0; a-- {
		x := zero().Set(m[a][ks])
		for c := a + 1; c < ks; c++ {
			x.Sub(x, zero().Mul(m[a][c], w[s[c]]))
		}
		w[s[a]] = x.Quo(x, m[a][a])
	}
	ref := make([]float64, k)
	for j := range k {
		ref[j], _ = w[j].Float64()
		if v[j] != 0 {
			if w[j].Sign() != int(math.Copysign(1, v[j])) {
				return nil, fmt.Errorf("coefficient %d: the minimum on the support has %v, of the other sign than %v", j, ref[j], v[j])
			}
			continue
		}
		g := bf(-pr.C[j])
		for _, jj := range s {
			g.Add(g, zero().Mul(bf(pr.A[j*k+jj]), w[jj]))
		}
		if g.Abs(g).Cmp(bf(pr.L1w[j])) > 0 {
			gf, _ := g.Float64()
			return nil, fmt.Errorf("coefficient %d is 0 but |g_%d| = %v exceeds its L1 weight %v", j, j, gf, pr.L1w[j])
		}
	}
	return ref, nil
}
