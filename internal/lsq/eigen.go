package lsq

import (
	"context"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// MaxEigen returns L ≥ λ_max(H) for the k×k symmetric positive
// semi-definite row-major h, within a few per cent of it: the curvature
// that makes 1/L a safe gradient step. Power iteration from a fixed
// pseudo-random start (so, unlike a start of ones, it cannot be
// orthogonal to the top eigenvector of, say, two negatively correlated
// columns) gives ρ ≤ λ_max; then L = 1.02·ρ, raised by a quarter at a
// time until L·I − H is positive definite (a Cholesky factorisation
// succeeds), which proves L > λ_max. Beyond maxEigenProof columns that
// proof costs too much, and L is ρ·1.25 after a longer iteration; the
// Gershgorin bound (the largest absolute row sum) caps L in every case.
// Its bits are the same on every CPU. It looks at ctx between its steps.
func MaxEigen(ctx context.Context, h []float64, k int) (float64, error) {
	if k == 0 {
		return 0, nil
	}
	gersh := 0.0
	for i := range k {
		s := kernels.Asum(h[i*k : (i+1)*k])
		gersh = max(gersh, s)
	}
	if gersh == 0 {
		return 0, nil
	}
	v, w := startVector(k), make([]float64, k)
	iters := 100
	if k > maxEigenProof {
		iters = 300
	}
	rho := 0.0
	for it := range iters {
		if it%max(1, checkWork/(k*k)) == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		nv := kernels.Nrm2(v)
		if nv == 0 {
			break
		}
		kernels.Scal(1/nv, v)
		kernels.GemvN(k, k, h, k, v, w)
		next := kernels.Dot(v, w)
		v, w = w, v
		if it > 10 && math.Abs(next-rho) <= 1e-4*next {
			rho = next
			break
		}
		rho = next
	}
	if k > maxEigenProof {
		return min(gersh, 1.25*rho), nil
	}
	l := max(1.02*rho, 1e-300)
	m := make([]float64, k*k)
	for l < gersh {
		for i := range k {
			for j := range k {
				m[i*k+j] = -h[i*k+j]
			}
			m[i*k+i] += l
		}
		pd, err := positiveDefinite(ctx, m, k)
		if err != nil {
			return 0, err
		}
		if pd {
			return l, nil
		}
		l *= 1.25
	}
	return gersh, nil
}

// MinEigen returns an estimate of λ_min(H) for the k×k symmetric row-major
// h, from above (never below λ_min, up to rounding): the Rayleigh quotient
// of H⁻¹ after minEigenIters steps of inverse iteration on its Cholesky
// factor, from MaxEigen's fixed start. It returns 0 when H is not
// numerically positive definite (a pivot ≤ 0), and for k beyond
// maxEigenProof, where the factorisation costs too much: callers then
// know nothing better than 0. With MaxEigen it gives the condition
// number that sets the momentum of full-batch gradient descent. Its bits
// are the same on every CPU; it looks at ctx between its steps.
func MinEigen(ctx context.Context, h []float64, k int) (float64, error) {
	if k == 0 || k > maxEigenProof {
		return 0, nil
	}
	l := append([]float64(nil), h[:k*k]...)
	pd, err := positiveDefinite(ctx, l, k)
	if err != nil || !pd {
		return 0, err
	}
	// u = Lᵀ row by row, so that both solves read rows.
	u := make([]float64, k*k)
	for i := range k {
		for j := 0; j <= i; j++ {
			u[j*k+i] = l[i*k+j]
		}
	}
	v, w := startVector(k), make([]float64, k)
	lambda := 0.0
	for it := range minEigenIters {
		if it%max(1, checkWork/(k*k)) == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		kernels.Scal(1/kernels.Nrm2(v), v)
		// w = (L·Lᵀ)⁻¹·v: L·z = v, then Lᵀ·w = z.
		for i := range k {
			w[i] = (v[i] - kernels.Dot(l[i*k:i*k+i], w[:i])) / l[i*k+i]
		}
		for i := k - 1; i >= 0; i-- {
			w[i] = (w[i] - kernels.Dot(u[i*k+i+1:(i+1)*k], w[i+1:])) / u[i*k+i]
		}
		q := kernels.Dot(v, w) // vᵀH⁻¹v ≤ 1/λ_min
		if !(q > 0) || math.IsInf(q, 0) {
			return 0, nil
		}
		next := 1 / q
		v, w = w, v
		if it > 3 && math.Abs(next-lambda) <= 1e-3*next {
			return next, nil
		}
		lambda = next
	}
	return lambda, nil
}

// minEigenIters bounds MinEigen's inverse iteration: each step divides
// the error by the ratio of the two smallest eigenvalues, and a few per
// cent of λ_min is all a momentum needs.
const minEigenIters = 30

// startVector returns MaxEigen's and MinEigen's fixed pseudo-random start
// of k values in [−½, ½).
func startVector(k int) []float64 {
	v := make([]float64, k)
	state := uint64(0x9e3779b97f4a7c15)
	for i := range v {
		// splitmix64: fixed bits on every GOARCH and Go release.
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		v[i] = float64(z>>11)*0x1p-53 - 0.5
	}
	return v
}

// maxEigenProof is the largest order for which MaxEigen proves its bound
// by a Cholesky factorisation (k³/3 multiply-adds).
const maxEigenProof = 1024

// positiveDefinite reports whether the Cholesky factorisation of the k×k
// row-major m (lower triangle) succeeds with every pivot > 0. It
// overwrites m's lower triangle.
func positiveDefinite(ctx context.Context, m []float64, k int) (bool, error) {
	work := 0
	for j := range k {
		if work += j * (k - j); work > checkWork {
			work = 0
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		rj := m[j*k : j*k+j]
		d := m[j*k+j] - kernels.Dot(rj, rj)
		if !(d > 0) {
			return false, nil
		}
		ljj := math.Sqrt(d)
		m[j*k+j] = ljj
		for i := j + 1; i < k; i++ {
			m[i*k+j] = (m[i*k+j] - kernels.Dot(m[i*k:i*k+j], rj)) / ljj
		}
	}
	return true, nil
}
