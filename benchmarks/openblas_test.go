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

// The OpenBLAS comparison: with the openblas tag, every benchmark of this
// package gains an openblas column for the kernels OpenBLAS has (Dot,
// Asum, Nrm2, Iamax, Axpy, GemvN, GemvT, Gram), on the same inputs, so that benchstat -col /impl
// lines OpenBLAS up with the lanes implementations and gonum measured in
// the same process.
//
// Run with OPENBLAS_NUM_THREADS=1 go test -tags openblas ...; see
// benchmarks/README.md.

var openblasImpl = impl{
	name:  "openblas",
	dot:   OpenBLASDot,
	asum:  OpenBLASAsum,
	nrm2:  OpenBLASNrm2,
	iamax: OpenBLASIamax,
	axpy:  OpenBLASAxpy,
	gemvN: OpenBLASGemvN,
	gemvT: OpenBLASGemvT,
	gram:  OpenBLASGram,
}

// init prints what OpenBLAS runs on as benchstat configuration lines, like
// the lanes-microarch line of TestMain, when benchmarks are requested.
// (TestMain belongs to main_test.go; init runs before it, when the flags
// are not parsed yet, so it reads the command line itself.)
func init() {
	extraImpls = append(extraImpls, openblasImpl)
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
		asumScale := sumAbs(n, func(i int) float64 { return x[i] })
		asum := wantGeneric(t, func() float64 { return kernels.Asum(x) })
		if got := OpenBLASAsum(x); !closeSum(got, asum, n, asumScale) {
			t.Errorf("n=%d: OpenBLASAsum = %v, generic %v", n, got, asum)
		}
		nrm2 := wantGeneric(t, func() float64 { return kernels.Nrm2(x) })
		if got := OpenBLASNrm2(x); !closeNorm(got, nrm2, n) {
			t.Errorf("n=%d: OpenBLASNrm2 = %v, generic %v", n, got, nrm2)
		}
		iamax := wantGeneric(t, func() int { return kernels.Iamax(x) })
		if got := OpenBLASIamax(x); got != iamax {
			t.Errorf("n=%d: OpenBLASIamax = %d, generic %d", n, got, iamax)
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
