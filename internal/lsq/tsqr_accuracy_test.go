package lsq

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels"
	"gonum.org/v1/gonum/mat"
)

// TestTSQRIllConditioned: on ill-conditioned data the least-squares
// solution from TSQR's R (the target as the last column, R_xx w = r_xy
// by back substitution) is as accurate as a backward-stable solver can
// be, against the exact solution of the same float64 data computed with
// 256-bit math/big; and the normal equations, which the same data would
// give a Cholesky solver, miss that bound, so the bound is tight enough
// to tell the two apart.
//
// The bound. Householder QR is columnwise backward stable: the computed R
// is the exact one of [X+ΔX, y+Δy] with ‖ΔX_k‖ ≤ ε‖X_k‖ for every column
// and ‖Δy‖ ≤ ε‖y‖ (ε a small multiple of the unit roundoff u, growing
// with the depth of the computation, not with its size), and the back
// substitution adds as little. So the error is measured, and the
// condition number taken, in the units where every column of X has norm
// 1: B = X·D⁻¹ with D = diag(‖X_k‖), z = D·w, whatever the scales of the
// columns. Then ‖ΔB‖ ≤ ‖ΔB‖_F ≤ ε√m, and first-order perturbation theory
// of least squares (Higham, Accuracy and Stability, §20.1) bounds the
// error of z = D·w by
//
//	‖z − z*‖ ≤ ε·(‖y‖ + √m·‖z*‖)/σ_min + ε·√m·‖r*‖/σ_min²
//
// with σ_min = σ_min(B) = 1/‖B⁺‖, r* = y − X·w* the exact residual:
// about ε·κ·‖z*‖ when the residual is small, ε·κ² times the relative
// residual otherwise. ε = 16u ≈ 3.6e-15 here, so the bound is about
// κ·1e-15 as the data make ‖y‖ ≈ ‖z*‖. The normal equations lose
// u·κ² instead and fail it from κ = 1e6 on.
func TestTSQRIllConditioned(t *testing.T) {
	const eps = 16 * 0x1p-53
	n := 3*kernels.BlockRows + 1234
	kappas := []float64{1e6, 1e8, 1e10, 1e12}
	if testing.Short() {
		n = kernels.BlockRows + 777
		kappas = []float64{1e6, 1e12}
	}
	seed := uint64(0)
	for _, family := range []string{"collinear", "intercept"} {
		for _, m := range []int{2, 5} {
			for _, kappa := range kappas {
				for _, noise := range []float64{0, 1e-6} {
					seed++
					name := fmt.Sprintf("%s/m=%d/κ=%g/noise=%g", family, m, kappa, noise)
					t.Run(name, func(t *testing.T) {
						a := tsqrIllConditioned(seed, n, m, family, kappa, noise)
						p := m + 1
						wantW, rnorm := tsqrBigLeastSquares(a, n, p)
						norms := tsqrColNorms(a, n, p)[:m]
						sigma := tsqrMinSingular(a, n, p, norms)
						z := make([]float64, m)
						for k := range m {
							z[k] = norms[k] * wantW[k]
						}
						ynorm := tsqrColNorms(a, n, p)[m]
						bound := eps*(ynorm+math.Sqrt(float64(m))*kernels.Nrm2(z))/sigma +
							eps*math.Sqrt(float64(m))*rnorm/(sigma*sigma)

						r := tsqrPass(a, n, p, 2, n)
						w := tsqrBackSolve(r, p)
						errQR := tsqrScaledError(w, wantW, norms)
						if !(errQR <= bound) {
							t.Errorf("TSQR: error %.3g, want ≤ %.3g (κ(B) = %.3g, ‖z*‖ = %.3g, ‖r*‖ = %.3g, ‖y‖ = %.3g)",
								errQR, bound, 1/sigma, kernels.Nrm2(z), rnorm, ynorm)
						}
						errNE, ok := tsqrNormalEquations(a, n, p, wantW, norms)
						t.Logf("κ(B) = %.3g: TSQR error %.3g (%.2g of the bound %.3g); normal equations %s",
							1/sigma, errQR, errQR/bound, bound, tsqrNEReport(errNE, ok))
						// Where the residual term does not dominate, the
						// normal equations must fail the bound, or it is
						// too loose to mean anything.
						if noise == 0 && ok && errNE <= bound {
							t.Errorf("the normal equations pass the bound: error %.3g ≤ %.3g; the bound is too loose", errNE, bound)
						}
					})
				}
			}
		}
	}
}

// tsqrIllConditioned returns an n×(m+1) row-major matrix [X y] whose m
// columns of X are nearly collinear: x_k = g_0 + δ_k·g_k, δ_k = κ^(−k/(m−1)),
// g_k standard normal, and g_0 normal too ("collinear") or all ones
// ("intercept": a column of ones and features with a large offset). y is
// X times unit-scale coefficients, plus noise of relative size noise.
// Then every column, y included, is multiplied by its own scale,
// 10^U(−8, 8).
func tsqrIllConditioned(seed uint64, n, m int, family string, kappa, noise float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x7473717261636375))
	p := m + 1
	a := make([]float64, n*p)
	for i := range n {
		g0 := 1.0
		if family == "collinear" {
			g0 = rng.NormFloat64()
		}
		a[i*p] = g0
		for k := 1; k < m; k++ {
			delta := math.Pow(kappa, -float64(k)/float64(m-1))
			a[i*p+k] = g0 + delta*rng.NormFloat64()
		}
	}
	norms := tsqrColNorms(a, n, p)
	z := make([]float64, m)
	for k := range z {
		z[k] = rng.NormFloat64()
	}
	for i := range n {
		y := 0.0
		for k := range m {
			y += z[k] * a[i*p+k] / norms[k]
		}
		a[i*p+m] = y
	}
	ynorm := tsqrColNorms(a, n, p)[m]
	for i := range n {
		a[i*p+m] += noise * ynorm / math.Sqrt(float64(n)) * rng.NormFloat64()
	}
	for k := range p {
		s := math.Pow(10, 16*rng.Float64()-8)
		for i := range n {
			a[i*p+k] *= s
		}
	}
	return a
}

// tsqrBigLeastSquares returns the least-squares solution w* of X·w ≈ y,
// [X y] the n×p matrix a, and the norm of its residual, from the normal
// equations in 256-bit arithmetic: XᵀX and Xᵀy are then exact but for
// rounding far below the float64 data's, and Gaussian elimination with
// partial pivoting loses at most κ(XᵀX) ≈ 2¹⁸⁶ of 2²⁵⁶ (the scales
// included), which leaves the reference exact to the bits of float64.
func tsqrBigLeastSquares(a []float64, n, p int) (w []float64, rnorm float64) {
	const prec = 256
	m := p - 1
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	g := make([][]*big.Float, m) // [XᵀX | Xᵀy]
	for i := range g {
		g[i] = make([]*big.Float, p)
		for j := range g[i] {
			g[i][j] = newF()
		}
	}
	row := make([]*big.Float, p)
	for k := range row {
		row[k] = newF()
	}
	prod := newF()
	for i := range n {
		for k := range p {
			row[k].SetFloat64(a[i*p+k])
		}
		for r := range m {
			for c := r; c < p; c++ {
				g[r][c].Add(g[r][c], prod.Mul(row[r], row[c]))
			}
		}
	}
	for r := range m {
		for c := range r {
			g[r][c].Set(g[c][r])
		}
	}
	// Gaussian elimination with partial pivoting, then back substitution.
	for j := range m {
		piv := j
		for r := j + 1; r < m; r++ {
			if new(big.Float).Abs(g[r][j]).Cmp(new(big.Float).Abs(g[piv][j])) > 0 {
				piv = r
			}
		}
		g[j], g[piv] = g[piv], g[j]
		for r := j + 1; r < m; r++ {
			f := newF().Quo(g[r][j], g[j][j])
			for c := j; c < p; c++ {
				g[r][c].Sub(g[r][c], prod.Mul(f, g[j][c]))
			}
		}
	}
	wb := make([]*big.Float, m)
	for j := m - 1; j >= 0; j-- {
		s := newF().Set(g[j][m])
		for c := j + 1; c < m; c++ {
			s.Sub(s, prod.Mul(g[j][c], wb[c]))
		}
		wb[j] = s.Quo(s, g[j][j])
	}
	w = make([]float64, m)
	for k := range w {
		w[k], _ = wb[k].Float64()
	}
	ss, res := newF(), newF()
	for i := range n {
		res.SetFloat64(a[i*p+m])
		for k := range m {
			res.Sub(res, prod.Mul(row[k].SetFloat64(a[i*p+k]), wb[k]))
		}
		ss.Add(ss, prod.Mul(res, res))
	}
	rnorm, _ = ss.Sqrt(ss).Float64()
	return w, rnorm
}

// tsqrMinSingular returns the smallest singular value of B = X·D⁻¹, the
// m = p−1 columns of X, each divided by its norm. (The singular values of
// B come with errors of u·σ_max, far below a σ_min of 1e-12.)
func tsqrMinSingular(a []float64, n, p int, norms []float64) float64 {
	m := p - 1
	b := mat.NewDense(n, m, nil)
	for i := range n {
		for k := range m {
			b.Set(i, k, a[i*p+k]/norms[k])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDNone) {
		panic("tsqrMinSingular: no SVD")
	}
	s := svd.Values(nil)
	return s[len(s)-1]
}

// tsqrBackSolve returns w with R_xx·w = r_xy, R = [R_xx r_xy; 0 ρ] the
// p×p factor of [X y].
func tsqrBackSolve(r []float64, p int) []float64 {
	m := p - 1
	w := make([]float64, m)
	for i := m - 1; i >= 0; i-- {
		s := r[i*p+m] - kernels.Dot(r[i*p+i+1:i*p+m], w[i+1:])
		w[i] = s / r[i*p+i]
	}
	return w
}

// tsqrScaledError returns ‖D·(w − want)‖, D the column norms.
func tsqrScaledError(w, want, norms []float64) float64 {
	d := make([]float64, len(w))
	for k := range d {
		d[k] = norms[k] * (w[k] - want[k])
	}
	return kernels.Nrm2(d)
}

// tsqrNormalEquations returns the error, as tsqrScaledError measures it,
// of the solution by Cholesky of the float64 Gram matrix XᵀX w = Xᵀy; ok
// is false if the Gram matrix is not positive definite in float64.
func tsqrNormalEquations(a []float64, n, p int, want, norms []float64) (errNE float64, ok bool) {
	m := p - 1
	cols := make([][]float64, p)
	for k := range cols {
		cols[k] = make([]float64, n)
		for i := range n {
			cols[k][i] = a[i*p+k]
		}
	}
	g := mat.NewSymDense(m, nil)
	xty := mat.NewVecDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			g.SetSym(i, j, kernels.Dot(cols[i], cols[j]))
		}
		xty.SetVec(i, kernels.Dot(cols[i], cols[m]))
	}
	var chol mat.Cholesky
	if !chol.Factorize(g) {
		return math.Inf(1), false
	}
	var w mat.VecDense
	// A mat.Condition error is a warning: the solution is there.
	if err := chol.SolveVecTo(&w, xty); err != nil && !errors.As(err, new(mat.Condition)) {
		return math.Inf(1), false
	}
	return tsqrScaledError(w.RawVector().Data, want, norms), true
}

func tsqrNEReport(errNE float64, ok bool) string {
	if !ok {
		return "fail: XᵀX is not positive definite in float64"
	}
	return fmt.Sprintf("error %.3g", errNE)
}
