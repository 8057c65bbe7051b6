//go:build openblas && cgo

package benchmarks

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// The OpenBLAS comparison: BenchmarkOpenBLASDot, BenchmarkOpenBLASAxpy,
// BenchmarkOpenBLASGemvN and BenchmarkOpenBLASGemvT run the sizes and
// shapes of BenchmarkDot, BenchmarkAxpy, BenchmarkGemvN and BenchmarkGemvT,
// on the same inputs, with every column of those (impls()) plus openblas,
// so that benchstat -col /impl lines OpenBLAS up with the lanes
// implementations and gonum measured in the same process. (impls() has no
// hook for extra columns, so the existing benchmarks cannot gain one from a
// build-tagged file; these run beside them.)
//
// Run with OPENBLAS_NUM_THREADS=1 go test -tags openblas ...; see
// benchmarks/README.md.

var openblasImpl = impl{
	name:  "openblas",
	dot:   OpenBLASDot,
	axpy:  OpenBLASAxpy,
	gemvN: OpenBLASGemvN,
	gemvT: OpenBLASGemvT,
}

// withOpenBLAS returns impls() followed by the openblas column (once, even
// if impls() should one day list it itself).
func withOpenBLAS() []impl {
	var out []impl
	for _, im := range impls() {
		if im.name != openblasImpl.name {
			out = append(out, im)
		}
	}
	return append(out, openblasImpl)
}

// init prints what OpenBLAS runs on as benchstat configuration lines, like
// the lanes-microarch line of TestMain, when benchmarks are requested.
// (TestMain belongs to main_test.go; init runs before it, when the flags
// are not parsed yet, so it reads the command line itself.)
func init() {
	if !benchRequested(os.Args[1:]) {
		return
	}
	fmt.Printf("openblas-core: %s\n", OpenBLASCore())
	fmt.Printf("openblas-config: %s\n", strings.TrimSpace(OpenBLASConfig()))
	fmt.Printf("openblas-threads: %d\n", OpenBLASThreads())
	if os.Getenv("OPENBLAS_NUM_THREADS") != "1" {
		fmt.Fprintln(os.Stderr, "benchmarks: OPENBLAS_NUM_THREADS is not 1; OpenBLAS is limited to one thread by openblas_set_num_threads(1), but set the variable too, so the library starts no thread pool")
	}
}

// benchRequested reports whether args ask for benchmarks: a non-empty
// -test.bench (or -bench) in either -flag=value or -flag value form.
func benchRequested(args []string) bool {
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "test.bench" && name != "bench") {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		return value != ""
	}
	return false
}

// level1With is level1 with the columns cols instead of impls().
func level1With(b *testing.B, cols []impl, bytes, flops int64, has func(impl) bool, run func(b *testing.B, im impl, v *vectors)) {
	for _, n := range level1Sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			v := inputs(n)
			for _, im := range cols {
				if !has(im) {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(bytes * int64(n))
					run(b, im, v)
					reportGFLOPs(b, flops*int64(n))
				})
			}
		})
	}
}

// BenchmarkOpenBLASDot is BenchmarkDot with an openblas column.
func BenchmarkOpenBLASDot(b *testing.B) {
	level1With(b, withOpenBLAS(), 16, 2, func(im impl) bool { return im.dot != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x, y := im.dot, v.x, v.y
		sink = f(x, y)
		for b.Loop() {
			sink = f(x, y)
		}
	})
}

// BenchmarkOpenBLASAxpy is BenchmarkAxpy with an openblas column.
func BenchmarkOpenBLASAxpy(b *testing.B) {
	level1With(b, withOpenBLAS(), 24, 2, func(im impl) bool { return im.axpy != nil }, func(b *testing.B, im impl, v *vectors) {
		f, x, w := im.axpy, v.x, v.work
		copy(w, v.y)
		alphas := [2]float64{0.5, -0.5}
		f(alphas[1], x, w)
		k := 0
		for b.Loop() {
			f(alphas[k&1], x, w)
			k++
		}
		sink = w[0]
	})
}

// gemvWith is gemv with the columns cols instead of impls().
func gemvWith(b *testing.B, cols []impl, trans bool) {
	for _, s := range gemvShapes {
		b.Run(fmt.Sprintf("shape=%dx%d", s.m, s.n), func(b *testing.B) {
			mat := matrixInput(s.m, s.n)
			m, n, a := mat.m, mat.n, mat.a
			x, y := mat.x[:n], mat.y[:m]
			if trans {
				x, y = mat.x[:m], mat.y[:n]
			}
			for _, im := range cols {
				f := im.gemvN
				if trans {
					f = im.gemvT
				}
				if f == nil {
					continue
				}
				b.Run("impl="+im.name, func(b *testing.B) {
					im.use(b)
					b.SetBytes(8 * int64(m*n+m+n))
					f(m, n, a, n, x, y)
					for b.Loop() {
						f(m, n, a, n, x, y)
					}
					sink = y[0]
					reportGFLOPs(b, 2*int64(m)*int64(n))
				})
			}
		})
	}
}

// BenchmarkOpenBLASGemvN is BenchmarkGemvN with an openblas column.
func BenchmarkOpenBLASGemvN(b *testing.B) { gemvWith(b, withOpenBLAS(), false) }

// BenchmarkOpenBLASGemvT is BenchmarkGemvT with an openblas column.
func BenchmarkOpenBLASGemvT(b *testing.B) { gemvWith(b, withOpenBLAS(), true) }

// TestOpenBLAS checks the openblas column the way peers_test.go checks the
// others: within a rounding bound of the generic kernels.
func TestOpenBLAS(t *testing.T) {
	if got := OpenBLASThreads(); got != 1 {
		t.Errorf("OpenBLAS uses %d threads, want 1", got)
	}
	t.Logf("OpenBLAS core %s; %s", OpenBLASCore(), OpenBLASConfig())
	const alpha = -0.75
	for _, n := range testSizes {
		x, y := randomSlice(n, 11), randomSlice(n, 12)
		scale := sumAbs(n, func(i int) float64 { return x[i] * y[i] })
		want := wantGeneric(t, func() float64 { return kernels.Dot(x, y) })
		if got := OpenBLASDot(x, y); !closeSum(got, want, n, scale) {
			t.Errorf("n=%d: OpenBLASDot = %v, generic %v", n, got, want)
		}
		wantAxpy := wantGeneric(t, func() []float64 {
			w := append([]float64(nil), y...)
			kernels.Axpy(alpha, x, w)
			return w
		})
		w := append([]float64(nil), y...)
		OpenBLASAxpy(alpha, x, w)
		for i := range w {
			if tol := 2 * eps * (math.Abs(alpha*x[i]) + math.Abs(y[i])); math.Abs(w[i]-wantAxpy[i]) > tol {
				t.Fatalf("n=%d: OpenBLASAxpy: y[%d] = %v, generic %v", n, i, w[i], wantAxpy[i])
			}
		}
	}
	for _, s := range []struct{ m, n int }{{0, 0}, {1, 1}, {3, 5}, {7, 33}, {40, 16}, {33, 64}, {100, 7}} {
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
		y := randomSlice(m, 18) // garbage that beta = 0 must ignore
		OpenBLASGemvN(m, n, a, max(n, 1), xn, y)
		for i := range y {
			scale := sumAbs(n, func(j int) float64 { return a[i*n+j] * xn[j] })
			if !closeSum(y[i], wantN[i], n, scale) {
				t.Errorf("%dx%d: OpenBLASGemvN: y[%d] = %v, generic %v", m, n, i, y[i], wantN[i])
			}
		}
		y = randomSlice(n, 19)
		OpenBLASGemvT(m, n, a, max(n, 1), xt, y)
		for j := range y {
			scale := sumAbs(m, func(i int) float64 { return a[i*n+j] * xt[i] })
			if !closeSum(y[j], wantT[j], m, scale) {
				t.Errorf("%dx%d: OpenBLASGemvT: y[%d] = %v, generic %v", m, n, j, y[j], wantT[j])
			}
		}
	}
}

func TestBenchRequested(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-test.run=^$"}, false},
		{[]string{"-test.bench=Dot"}, true},
		{[]string{"-test.bench="}, false},
		{[]string{"-test.bench", "Dot"}, true},
		{[]string{"-test.v=true", "-test.bench=."}, true},
	} {
		if got := benchRequested(c.args); got != c.want {
			t.Errorf("benchRequested(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
