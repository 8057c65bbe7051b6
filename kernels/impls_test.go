package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// forEachImpl runs f as a subtest for every implementation this CPU runs,
// with that implementation active.
func forEachImpl(t *testing.T, f func(t *testing.T, im *implementation)) {
	t.Helper()
	for _, im := range supported() {
		t.Run(im.name, func(t *testing.T) {
			restore, err := Use(im.name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t, im)
		})
	}
}

func sameBits(a, b float64) bool {
	if math.IsNaN(a) && math.IsNaN(b) {
		return true // only NaN payloads may differ
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = (r.Float64()*2 - 1) * math.Ldexp(1, r.IntN(40)-20)
	}
	return v
}

// TestAllImplementations compares every kernel of every implementation
// bitwise with package generic.
func TestAllImplementations(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		r := rand.New(rand.NewPCG(1, 2))
		for n := 0; n <= 1100; n++ {
			for off := 0; off < 3; off++ {
				x := randVec(r, n+off)[off:]
				y := randVec(r, n+off)[off:]
				if got, want := im.dot(x, y), generic.Dot(x, y); !sameBits(got, want) {
					t.Fatalf("Dot n=%d off=%d: got %v want %v", n, off, got, want)
				}
				if got, want := im.sum(x), generic.Sum(x); !sameBits(got, want) {
					t.Fatalf("Sum n=%d off=%d: got %v want %v", n, off, got, want)
				}
				if got, want := im.sumSqDiff(x, y), generic.SumSqDiff(x, y); !sameBits(got, want) {
					t.Fatalf("SumSqDiff n=%d off=%d: got %v want %v", n, off, got, want)
				}
				alpha := r.NormFloat64()
				y1, y2 := append([]float64(nil), y...), append([]float64(nil), y...)
				im.axpy(alpha, x, y1)
				generic.Axpy(alpha, x, y2)
				for i := range y1 {
					if !sameBits(y1[i], y2[i]) {
						t.Fatalf("Axpy n=%d off=%d: y[%d] got %v want %v", n, off, i, y1[i], y2[i])
					}
				}
				im.scal(alpha, y1)
				generic.Scal(alpha, y2)
				for i := range y1 {
					if !sameBits(y1[i], y2[i]) {
						t.Fatalf("Scal n=%d off=%d: x[%d] got %v want %v", n, off, i, y1[i], y2[i])
					}
				}
			}
		}
		for _, m := range []int{0, 1, 2, 3, 5, 8, 17, 33, 64, 100} {
			for _, n := range []int{0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100, 130} {
				for _, pad := range []int{0, 3} {
					lda := max(1, n+pad)
					a := randVec(r, max(0, (m-1)*lda+n))
					xn, xt := randVec(r, n), randVec(r, m)
					got, want := make([]float64, m), make([]float64, m)
					im.gemvN(m, n, a, lda, xn, got)
					generic.GemvN(m, n, a, lda, xn, want)
					for i := range got {
						if !sameBits(got[i], want[i]) {
							t.Fatalf("GemvN m=%d n=%d lda=%d: y[%d] got %v want %v", m, n, lda, i, got[i], want[i])
						}
					}
					got, want = randVec(r, n), make([]float64, n)
					im.gemvT(m, n, a, lda, xt, got)
					generic.GemvT(m, n, a, lda, xt, want)
					for j := range got {
						if !sameBits(got[j], want[j]) {
							t.Fatalf("GemvT m=%d n=%d lda=%d: y[%d] got %v want %v", m, n, lda, j, got[j], want[j])
						}
					}
				}
			}
		}
	})
}
