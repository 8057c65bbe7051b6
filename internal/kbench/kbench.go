// Package kbench times the lanes kernels, each implementation this CPU
// supports, against gonum's native BLAS: the measurements of lanes bench.
//
// A Harness times one kernel at one size on one implementation, a cell of
// lanes bench's table, with testing.Benchmark: the fastest of a few runs
// that take about a given budget in all. Every implementation reads the
// same seeded operands, made once per size and aligned to 64 bytes, so
// that no column gains from the luck of its data or its alignment.
//
// It is a quick look at a machine, not a measurement to quote: that is
// go test -bench and benchstat in the benchmarks directory.
package kbench

import (
	"fmt"
	"slices"
	"strings"
)

// kernelNames are the kernels kbench times, in table order.
var kernelNames = []string{"dot", "axpy", "sum", "nrm2", "gemvn", "gemvt", "dot32", "gemvn32"}

// Kernels returns the names of the kernels kbench times, in the order
// of lanes bench's table: dot, axpy, sum, nrm2, and gemvn and gemvt
// (y = A·x and y = Aᵀ·x, A row-major) over float64; dot32 and gemvn32,
// their float32 twins of package kernels/f32 (gemvn32 is one query scored
// against every row of a matrix of embeddings).
func Kernels() []string { return slices.Clone(kernelNames) }

// Gonum names gonum's column, which Harness.Time accepts besides the
// names of the lanes implementations: gonum.org/v1/gonum/blas/gonum's
// Ddot, Daxpy, Dnrm2 and Dgemv, gonum's floats.Sum for sum, and Sdot and
// Sgemv for the float32 kernels.
const Gonum = "gonum"

// Shape is one size of a kernel: a vector length N (M == 0), or a matrix
// of M rows and N columns for gemvn and gemvt.
type Shape struct{ M, N int }

// String writes a vector length as n=N, with powers of two from 1<<16 up
// as 1<<k, and a matrix shape as MxN.
func (s Shape) String() string {
	if s.M == 0 {
		return "n=" + sizeLabel(s.N)
	}
	return fmt.Sprintf("%dx%d", s.M, s.N)
}

// sizeLabel writes powers of two from 1<<16 up as 1<<k.
func sizeLabel(n int) string {
	if n >= 1<<16 && n&(n-1) == 0 {
		k := 0
		for 1<<k < n {
			k++
		}
		return fmt.Sprintf("1<<%d", k)
	}
	return fmt.Sprint(n)
}

// Flops returns the conventional floating-point operation count of one
// call of kernel at s: n for sum, 2·m·n for gemvn and gemvt, and 2·n (a
// multiply and an add per element) for dot, axpy and nrm2.
func (s Shape) Flops(kernel string) float64 {
	switch kernel {
	case "sum":
		return float64(s.N)
	case "gemvn", "gemvt", "gemvn32":
		return 2 * float64(s.M) * float64(s.N)
	}
	return 2 * float64(s.N)
}

// Sizes returns the sizes kbench times kernel at: vectors of 256, 4096
// and 1<<20 elements (the last 8 MiB, past most L2 caches), and matrices
// of 1000x128 and 4096x4096 (128 MiB) for gemvn and gemvt. quick asks for
// tiny sizes instead, for a smoke test: n = 64 and 1024, and 64x16. The
// float32 kernels run at embedding sizes: dot32 at n = 384, 768 and 1536,
// gemvn32 at 1000x768 (3 MiB) and 16384x768 (48 MiB, past most L3
// caches).
func Sizes(kernel string, quick bool) []Shape {
	gemv := strings.HasPrefix(kernel, "gemv")
	switch {
	case quick && gemv:
		return []Shape{{64, 16}}
	case quick:
		return []Shape{{0, 64}, {0, 1024}}
	case kernel == "dot32":
		return []Shape{{0, 384}, {0, 768}, {0, 1536}}
	case kernel == "gemvn32":
		return []Shape{{1000, 768}, {16384, 768}}
	case gemv:
		return []Shape{{1000, 128}, {4096, 4096}}
	}
	return []Shape{{0, 256}, {0, 4096}, {0, 1 << 20}}
}
