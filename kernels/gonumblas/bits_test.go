package gonumblas_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/gonumblas"
)

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.NormFloat64() * math.Exp2(float64(r.IntN(20)-10))
	}
	return s
}

// run calls every routed routine, unit increments, on sizes around the
// kernels' block boundaries and returns all outputs in one slice.
func run() []float64 {
	var impl gonumblas.Implementation
	r := rand.New(rand.NewPCG(1, 2))
	var out []float64
	for _, n := range []int{1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257} {
		x, y := randSlice(r, n), randSlice(r, n)
		out = append(out, impl.Ddot(n, x, 1, y, 1))
		yy := slices.Clone(y)
		impl.Daxpy(n, 0.3, x, 1, yy, 1)
		out = append(out, yy...)
		xx := slices.Clone(x)
		impl.Dscal(n, -1.7, xx, 1)
		out = append(out, xx...)
		out = append(out, impl.Dasum(n, x, 1), impl.Dnrm2(n, x, 1), float64(impl.Idamax(n, x, 1)))
		for _, m := range []int{1, 3, 9, 33} {
			lda := n + 3
			a := randSlice(r, (m-1)*lda+n)
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				lenX, lenY := n, m
				if tA == blas.Trans {
					lenX, lenY = m, n
				}
				xv := randSlice(r, lenX)
				for _, beta := range []float64{0, 1, 0.5} {
					yv := randSlice(r, lenY)
					impl.Dgemv(tA, m, n, 1.25, a, lda, xv, 1, beta, yv, 1)
					out = append(out, yv...)
				}
			}
			aa := slices.Clone(a)
			impl.Dger(m, n, 0.75, randSlice(r, m), 1, randSlice(r, n), 1, aa, lda)
			out = append(out, aa...)
			for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
				c := randSlice(r, n*n)
				impl.Dsyrk(ul, blas.Trans, n, m, 1.25, a, lda, 0.5, c, n)
				out = append(out, c...)
			}
		}
	}
	return out
}

// TestBitwiseAcrossImplementations runs the routed routines on every
// kernels implementation this CPU has and requires the same bits.
func TestBitwiseAcrossImplementations(t *testing.T) {
	avail := kernels.Available()
	var want []float64
	for _, name := range avail {
		restore, err := kernels.Use(name)
		if err != nil {
			t.Fatal(err)
		}
		got := run()
		restore()
		if want == nil {
			want = got
			continue
		}
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s differs from %s at output %d: %v != %v", name, avail[0], i, got[i], want[i])
			}
		}
	}
	t.Logf("identical bits from %v (%d outputs)", avail, len(want))
}

// TestRouted checks the fast paths are the kernels' (same bits as calling
// them directly) and agree with gonum.
func TestRouted(t *testing.T) {
	var impl gonumblas.Implementation
	var ref gonum.Implementation
	r := rand.New(rand.NewPCG(3, 4))
	const m, n, lda = 13, 37, 40
	x, y := randSlice(r, n), randSlice(r, n)
	if got, want := impl.Ddot(n, x, 1, y, 1), kernels.Dot(x, y); got != want {
		t.Errorf("Ddot = %v, kernels.Dot = %v", got, want)
	}
	if got, want := impl.Ddot(n, x, 1, y, 1), ref.Ddot(n, x, 1, y, 1); !near(got, want) {
		t.Errorf("Ddot = %v, gonum = %v", got, want)
	}
	y1, y2 := slices.Clone(y), slices.Clone(y)
	impl.Daxpy(n, 0.3, x, 1, y1, 1)
	kernels.Axpy(0.3, x, y2)
	if !slices.Equal(y1, y2) {
		t.Errorf("Daxpy differs from kernels.Axpy")
	}

	a := randSlice(r, (m-1)*lda+n)
	xm := randSlice(r, m)
	// NoTrans, beta == 0: y[i] = alpha·Dot(row i, x) exactly, NaN in y
	// not read, y beyond m untouched.
	yN := slices.Repeat([]float64{math.NaN()}, m+2)
	impl.Dgemv(blas.NoTrans, m, n, 1, a, lda, x, 1, 0, yN, 1)
	for i := range m {
		if want := kernels.Dot(a[i*lda:i*lda+n], x); yN[i] != want {
			t.Errorf("Dgemv NoTrans y[%d] = %v, want kernels.Dot %v", i, yN[i], want)
		}
	}
	if !math.IsNaN(yN[m]) || !math.IsNaN(yN[m+1]) {
		t.Errorf("Dgemv NoTrans wrote beyond y[:m]")
	}
	// Trans, beta == 0 overwrites NaN; alpha == 0 too.
	for _, alpha := range []float64{0, 1.5} {
		yT := slices.Repeat([]float64{math.NaN()}, n+2)
		wantT := make([]float64, n+2)
		ref.Dgemv(blas.Trans, m, n, alpha, a, lda, xm, 1, 0, wantT, 1)
		impl.Dgemv(blas.Trans, m, n, alpha, a, lda, xm, 1, 0, yT, 1)
		for j := range n {
			if !near(yT[j], wantT[j]) {
				t.Errorf("Dgemv Trans alpha=%v beta=0: y[%d] = %v, gonum %v", alpha, j, yT[j], wantT[j])
			}
		}
		if !math.IsNaN(yT[n]) || !math.IsNaN(yT[n+1]) {
			t.Errorf("Dgemv Trans wrote beyond y[:n]")
		}
	}
	// Dscal with alpha == 0 zeroes NaN, as gonum does.
	xs := []float64{math.NaN(), math.Inf(1), 1}
	impl.Dscal(3, 0, xs, 1)
	if !slices.Equal(xs, []float64{0, 0, 0}) {
		t.Errorf("Dscal(0) = %v, want zeros", xs)
	}
	// Dger matches gonum.
	a1, a2 := slices.Clone(a), slices.Clone(a)
	impl.Dger(m, n, -0.5, xm, 1, x, 1, a1, lda)
	ref.Dger(m, n, -0.5, xm, 1, x, 1, a2, lda)
	for i := range a1 {
		if !near(a1[i], a2[i]) {
			t.Fatalf("Dger a[%d] = %v, gonum %v", i, a1[i], a2[i])
		}
	}
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-13*max(1, math.Abs(a), math.Abs(b))
}

// strided places the n elements of v at increment inc in a fresh slice
// (BLAS order: a negative increment stores v from the end), with NaN in
// the gaps, so that reading a gap poisons the result.
func strided(v []float64, inc int) []float64 {
	if inc == 1 {
		return slices.Clone(v)
	}
	step := inc
	if step < 0 {
		step = -step
	}
	s := make([]float64, (len(v)-1)*step+1)
	for i := range s {
		s[i] = math.NaN()
	}
	for i, e := range v {
		j := i * step
		if inc < 0 {
			j = (len(v) - 1 - i) * step
		}
		s[j] = e
	}
	return s
}

// TestStridedSameBits proves the strided paths of Dgemv and Dger give the
// bits of the unit-increment ones, and that Dgemv leaves the gaps of a
// strided y alone.
func TestStridedSameBits(t *testing.T) {
	var impl gonumblas.Implementation
	r := rand.New(rand.NewPCG(3, 4))
	for _, dims := range [][2]int{{1, 1}, {3, 5}, {17, 33}, {40, 9}} {
		m, n := dims[0], dims[1]
		lda := n + 1
		a := randSlice(r, (m-1)*lda+n)
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			lenX, lenY := n, m
			if tA == blas.Trans {
				lenX, lenY = m, n
			}
			x, y := randSlice(r, lenX), randSlice(r, lenY)
			want := slices.Clone(y)
			impl.Dgemv(tA, m, n, 1.5, a, lda, x, 1, 0.25, want, 1)
			for _, incX := range []int{2, -1, -3} {
				for _, incY := range []int{1, 3, -2} {
					ys := strided(y, incY)
					impl.Dgemv(tA, m, n, 1.5, a, lda, strided(x, incX), incX, 0.25, ys, incY)
					if got := strided(want, incY); !sameBitsNaN(ys, got) {
						t.Fatalf("Dgemv(%c) %d×%d incX=%d incY=%d: strided result differs from unit increments", tA, m, n, incX, incY)
					}
				}
			}
		}
		x, y := randSlice(r, m), randSlice(r, n)
		want := slices.Clone(a)
		impl.Dger(m, n, 0.5, x, 1, y, 1, want, lda)
		for _, inc := range []int{2, -1, -3} {
			got := slices.Clone(a)
			impl.Dger(m, n, 0.5, strided(x, inc), inc, strided(y, -inc), -inc, got, lda)
			if !sameBitsNaN(got, want) {
				t.Fatalf("Dger %d×%d incX=%d incY=%d: strided result differs from unit increments", m, n, inc, -inc)
			}
		}
	}
}

// sameBitsNaN compares bit for bit, treating every NaN as equal.
func sameBitsNaN(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
