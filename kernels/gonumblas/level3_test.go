package gonumblas_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/gonumblas"
)

// TestDsyrkRouted checks the transposed Dsyrk is kernels.Gram: with alpha
// = 1 and beta = 0 the upper triangle has Gram's bits exactly and the
// lower triangle is its mirror; other alphas and betas are fma(alpha, t,
// fl(beta·c)); everything agrees with gonum; the other triangle and the
// padding of C (ldc > n) are left alone; NoTrans is gonum's own.
func TestDsyrkRouted(t *testing.T) {
	var impl gonumblas.Implementation
	var ref gonum.Implementation
	r := rand.New(rand.NewPCG(5, 6))
	for _, dims := range [][2]int{{1, 1}, {5, 3}, {33, 17}, {200, 40}} {
		k, n := dims[0], dims[1]
		lda, ldc := n+2, n+3
		a := randSlice(r, (k-1)*lda+n)
		gram := make([]float64, n*n)
		kernels.Gram(k, n, a, lda, gram)
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			in := func(j, l int) bool { return ul == blas.Upper && l >= j || ul == blas.Lower && l <= j }
			for _, ab := range [][2]float64{{1, 0}, {-0.75, 0}, {1.5, 0.5}, {2, 1}} {
				alpha, beta := ab[0], ab[1]
				c0 := randSlice(r, (n-1)*ldc+n)
				if beta == 0 {
					for j := range c0 {
						c0[j] = math.NaN() // not read
					}
				}
				c, want := slices.Clone(c0), slices.Clone(c0)
				if beta == 0 {
					// gonum's lower triangle scales C by beta, so NaN·0
					// stays NaN; BLAS does not read C when beta = 0, and
					// neither do the routed Dsyrk and gonum's upper one.
					clear(want)
				}
				impl.Dsyrk(ul, blas.Trans, n, k, alpha, a, lda, beta, c, ldc)
				ref.Dsyrk(ul, blas.Trans, n, k, alpha, a, lda, beta, want, ldc)
				for j := range n {
					for l := range ldc {
						if j*ldc+l >= len(c) {
							break
						}
						got := c[j*ldc+l]
						if l >= n || !in(j, l) {
							if !sameBitsNaN([]float64{got}, []float64{c0[j*ldc+l]}) {
								t.Fatalf("%dx%d %c alpha=%v beta=%v: c[%d,%d] outside the triangle was written", k, n, ul, alpha, beta, j, l)
							}
							continue
						}
						tt := gram[min(j, l)*n+max(j, l)]
						exact := alpha * tt
						if beta != 0 {
							exact = math.FMA(alpha, tt, beta*c0[j*ldc+l])
						}
						if got != exact {
							t.Fatalf("%dx%d %c alpha=%v beta=%v: c[%d,%d] = %v, want %v from kernels.Gram", k, n, ul, alpha, beta, j, l, got, exact)
						}
						scale := 0.0
						if beta != 0 {
							scale = math.Abs(beta * c0[j*ldc+l])
						}
						for i := range k {
							scale += math.Abs(alpha * a[i*lda+j] * a[i*lda+l])
						}
						if w := want[j*ldc+l]; math.Abs(got-w) > 4*float64(k+2)*0x1p-53*scale {
							t.Fatalf("%dx%d %c alpha=%v beta=%v: c[%d,%d] = %v, gonum %v", k, n, ul, alpha, beta, j, l, got, want[j*ldc+l])
						}
					}
				}
			}
			// NoTrans is gonum's, bit for bit.
			an := randSlice(r, (n-1)*(k+1)+k)
			c, want := randSlice(r, (n-1)*ldc+n), []float64(nil)
			want = slices.Clone(c)
			impl.Dsyrk(ul, blas.NoTrans, n, k, 0.5, an, k+1, 2, c, ldc)
			ref.Dsyrk(ul, blas.NoTrans, n, k, 0.5, an, k+1, 2, want, ldc)
			if !sameBitsNaN(c, want) {
				t.Fatalf("%dx%d %c NoTrans differs from gonum", k, n, ul)
			}
		}
	}
}

// TestPanicsDsyrk: every bad call panics as gonum's does.
func TestPanicsDsyrk(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, ul := range []blas.Uplo{blas.Upper, blas.Lower, 0} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans, 0} {
			for _, n := range []int{-1, 0, 2, 3} {
				for _, k := range []int{-1, 0, 2, 3} {
					for _, lda := range []int{0, 2, 3, 4} {
						for _, ldc := range []int{0, 2, 3, 4} {
							for _, la := range []int{0, 5, 6, 9} {
								for _, lc := range []int{0, 5, 8, 9} {
									for _, s := range [][2]float64{{0, 1}, {0, 0}, {2, 1}} {
										name := func() string {
											return fmt.Sprintf("Dsyrk(ul=%d, tA=%d, n=%d, k=%d, alpha=%v, len(a)=%d, lda=%d, beta=%v, len(c)=%d, ldc=%d)",
												ul, tA, n, k, s[0], la, lda, s[1], lc, ldc)
										}
										a := make([]float64, la)
										if !checkSame(t, name,
											func() { l.Dsyrk(ul, tA, n, k, s[0], a, lda, s[1], make([]float64, lc), ldc) },
											func() { g.Dsyrk(ul, tA, n, k, s[0], a, lda, s[1], make([]float64, lc), ldc) }) {
											return
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}
