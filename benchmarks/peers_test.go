package benchmarks

import (
	"fmt"
	"math"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// The tests check that every column of the benchmarks computes the same
// thing as kernels.Dot and friends on the generic implementation, within a
// rounding tolerance: the peers and the plain loops add in other orders
// and round products separately, so they cannot match bit for bit.
// (Bit-exactness of the lanes implementations is tested in package
// kernels; here they only have to agree like everyone else.)

// eps is the unit roundoff of float64.
const eps = 0x1p-53

// testSizes cover the empty slice, the 4-wide plain loops' tails, and one
// and several 32-lane accumulator blocks with and without a tail.
var testSizes = []int{0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 1000}

// wantGeneric computes f on the generic implementation.
func wantGeneric[T any](t *testing.T, f func() T) T {
	t.Helper()
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	return f()
}

// closeSum reports whether got and want, two sums of n terms whose
// absolute values add up to scale, agree within the worst-case error of
// two n-term sums (each term itself rounded once) plus a margin.
func closeSum(got, want float64, n int, scale float64) bool {
	return math.Abs(got-want) <= 4*float64(n+2)*eps*scale
}

func TestReductions(t *testing.T) {
	for _, n := range testSizes {
		x, y := randomSlice(n, 11), randomSlice(n, 12)
		dotScale := sumAbs(n, func(i int) float64 { return x[i] * y[i] })
		sumScale := sumAbs(n, func(i int) float64 { return x[i] })
		ssdScale := sumAbs(n, func(i int) float64 { return (x[i] - y[i]) * (x[i] - y[i]) })
		dot := wantGeneric(t, func() float64 { return kernels.Dot(x, y) })
		sum := wantGeneric(t, func() float64 { return kernels.Sum(x) })
		ssd := wantGeneric(t, func() float64 { return kernels.SumSqDiff(x, y) })
		for _, im := range impls() {
			t.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(t *testing.T) {
				im.use(t)
				if im.dot != nil {
					if got := im.dot(x, y); !closeSum(got, dot, n, dotScale) {
						t.Errorf("Dot = %v, generic %v", got, dot)
					}
				}
				if im.sum != nil {
					if got := im.sum(x); !closeSum(got, sum, n, sumScale) {
						t.Errorf("Sum = %v, generic %v", got, sum)
					}
				}
				if im.sumSqDiff != nil {
					// floats.Distance rounds a square root and squares it
					// again: allow a few more ulps of the result.
					if got := im.sumSqDiff(x, y); !closeSum(got, ssd, n, ssdScale) && math.Abs(got-ssd) > 8*eps*ssd {
						t.Errorf("SumSqDiff = %v, generic %v", got, ssd)
					}
				}
			})
		}
	}
}

// closeNorm reports whether got and want, two Euclidean norms of n
// elements, agree within the error of a sum of n squares carried through
// the square root: a relative error δ in the sum is δ/2 in its root, so
// closeSum's bound on Σ x[i]² (whose scale is want² itself) becomes
// 2(n+2)·eps·want; twice that, plus the roundings of the root and of
// gonum's scaling, is the margin.
func closeNorm(got, want float64, n int) bool {
	return math.Abs(got-want) <= 4*float64(n+3)*eps*want
}

// TestNorms checks Asum and Nrm2 within a rounding bound of the generic
// kernels and Iamax exactly: on random data two elements of equal
// absolute value do not occur, so every column must name the same index.
func TestNorms(t *testing.T) {
	for _, n := range testSizes {
		x := randomSlice(n, 21)
		asumScale := sumAbs(n, func(i int) float64 { return x[i] })
		asum := wantGeneric(t, func() float64 { return kernels.Asum(x) })
		nrm2 := wantGeneric(t, func() float64 { return kernels.Nrm2(x) })
		iamax := wantGeneric(t, func() int { return kernels.Iamax(x) })
		if n > 0 && (nrm2 <= 0 || iamax < 0 || iamax >= n) {
			t.Fatalf("n=%d: generic Nrm2 = %v, Iamax = %d", n, nrm2, iamax)
		}
		for _, im := range impls() {
			t.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(t *testing.T) {
				im.use(t)
				if im.asum != nil {
					if got := im.asum(x); !closeSum(got, asum, n, asumScale) {
						t.Errorf("Asum = %v, generic %v", got, asum)
					}
				}
				if im.nrm2 != nil {
					if got := im.nrm2(x); !closeNorm(got, nrm2, n) {
						t.Errorf("Nrm2 = %v, generic %v", got, nrm2)
					}
				}
				if im.iamax != nil {
					if got := im.iamax(x); got != iamax {
						t.Errorf("Iamax = %d, generic %d", got, iamax)
					}
				}
			})
		}
	}
}

// TestIamaxInput checks that BenchmarkIamax's input has its largest
// |x[i]| where the benchmark says, and nowhere before, for every column.
func TestIamaxInput(t *testing.T) {
	for _, n := range []int{1, 5, 16, 1000} {
		x := iamaxInput(&vectors{x: randomSlice(n, 1)})
		want := iamaxPeak(n)
		for _, im := range impls() {
			if im.iamax == nil {
				continue
			}
			t.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(t *testing.T) {
				im.use(t)
				if got := im.iamax(x); got != want {
					t.Errorf("Iamax = %d, want %d", got, want)
				}
			})
		}
	}
}

func TestElementwise(t *testing.T) {
	const alpha = -0.75
	for _, n := range testSizes {
		x, y := randomSlice(n, 13), randomSlice(n, 14)
		wantAxpy := wantGeneric(t, func() []float64 {
			w := append([]float64(nil), y...)
			kernels.Axpy(alpha, x, w)
			return w
		})
		wantScal := wantGeneric(t, func() []float64 {
			w := append([]float64(nil), x...)
			kernels.Scal(alpha, w)
			return w
		})
		for _, im := range impls() {
			t.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(t *testing.T) {
				im.use(t)
				if im.axpy != nil {
					w := append([]float64(nil), y...)
					im.axpy(alpha, x, w)
					for i := range w {
						// Fused or not, the two differ by at most the
						// rounding of alpha·x[i] plus that of the sum.
						if tol := 2 * eps * (math.Abs(alpha*x[i]) + math.Abs(y[i])); math.Abs(w[i]-wantAxpy[i]) > tol {
							t.Fatalf("Axpy: y[%d] = %v, generic %v", i, w[i], wantAxpy[i])
						}
					}
				}
				if im.scal != nil {
					w := append([]float64(nil), x...)
					im.scal(alpha, w)
					for i := range w {
						if w[i] != wantScal[i] {
							t.Fatalf("Scal: x[%d] = %v, generic %v", i, w[i], wantScal[i])
						}
					}
				}
			})
		}
	}
}

func TestGemv(t *testing.T) {
	shapes := []struct{ m, n int }{{0, 0}, {1, 1}, {3, 5}, {7, 33}, {40, 16}, {33, 64}, {100, 7}}
	for _, s := range shapes {
		m, n := s.m, s.n
		a := randomSlice(m*n, 15)
		xn, xt := randomSlice(n, 16), randomSlice(m, 17)
		wantN := wantGeneric(t, func() []float64 {
			y := make([]float64, m)
			kernels.GemvN(m, n, a, max(n, 1), xn, y)
			return y
		})
		wantT := wantGeneric(t, func() []float64 {
			y := make([]float64, n)
			kernels.GemvT(m, n, a, max(n, 1), xt, y)
			return y
		})
		for _, im := range impls() {
			t.Run(fmt.Sprintf("shape=%dx%d/impl=%s", m, n, im.name), func(t *testing.T) {
				im.use(t)
				if im.gemvN != nil {
					y := randomSlice(m, 18) // garbage that beta = 0 must ignore
					im.gemvN(m, n, a, max(n, 1), xn, y)
					for i := range y {
						scale := sumAbs(n, func(j int) float64 { return a[i*n+j] * xn[j] })
						if !closeSum(y[i], wantN[i], n, scale) {
							t.Errorf("GemvN: y[%d] = %v, generic %v", i, y[i], wantN[i])
						}
					}
				}
				if im.gemvT != nil {
					y := randomSlice(n, 19)
					im.gemvT(m, n, a, max(n, 1), xt, y)
					for j := range y {
						scale := sumAbs(m, func(i int) float64 { return a[i*n+j] * xt[i] })
						if !closeSum(y[j], wantT[j], m, scale) {
							t.Errorf("GemvT: y[%d] = %v, generic %v", j, y[j], wantT[j])
						}
					}
				}
			})
		}
	}
}

// TestInputs checks that the benchmark inputs are aligned and do not
// change from run to run.
func TestInputs(t *testing.T) {
	for _, n := range []int{1, 16, 1000} {
		s := randomSlice(n, 1)
		if p := uintptrOf(s); p%align != 0 {
			t.Errorf("randomSlice(%d) starts at %#x, not %d-byte aligned", n, p, align)
		}
		for _, v := range s {
			if v < -1 || v >= 1 {
				t.Fatalf("randomSlice(%d): value %v outside [-1, 1)", n, v)
			}
		}
	}
	a, b := randomSlice(100, 7), randomSlice(100, 7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("randomSlice is not deterministic: [%d] %v != %v", i, a[i], b[i])
		}
	}
	if c := randomSlice(100, 8); c[0] == a[0] && c[1] == a[1] {
		t.Error("randomSlice ignores its seed")
	}
}
