//go:build openblas && cgo

package benchmarks

// OpenBLAS through cgo, as a peer of the lanes kernels in the benchmarks.
// This file is built only with the openblas build tag (and cgo enabled);
// the default build of the module has no cgo. Install the library with
// benchmarks/install-openblas.sh (Debian/Ubuntu: libopenblas-dev, whose
// cblas.h is on the default include path as /usr/include/<triplet>/cblas.h).
// Elsewhere point cgo at it with CGO_CFLAGS=-I<dir of cblas.h> and
// CGO_LDFLAGS=-L<dir of libopenblas>.
//
// The library is pinned to one thread: run with OPENBLAS_NUM_THREADS=1
// (read when the library loads, so it also keeps OpenBLAS from starting its
// thread pool), and init calls openblas_set_num_threads(1) as well, so the
// comparison is single-core even when the variable is forgotten.

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>

// Plain-int wrappers: one cgo call per operation, no enum conversions in Go.
static double lanes_ob_ddot(int n, const double *x, const double *y) {
	return cblas_ddot(n, x, 1, y, 1);
}
static double lanes_ob_dasum(int n, const double *x) {
	return cblas_dasum(n, x, 1);
}
static double lanes_ob_dnrm2(int n, const double *x) {
	return cblas_dnrm2(n, x, 1);
}
// cblas_idamax returns a 0-based CBLAS_INDEX (size_t), and 0 for n = 0;
// the wrapper returns −1 there instead, like kernels.Iamax and gonum.
static long long lanes_ob_idamax(int n, const double *x) {
	if (n <= 0) {
		return -1;
	}
	return (long long)cblas_idamax(n, x, 1);
}
static void lanes_ob_daxpy(int n, double alpha, const double *x, double *y) {
	cblas_daxpy(n, alpha, x, 1, y, 1);
}
static void lanes_ob_dgemv(int trans, int m, int n, const double *a, int lda, const double *x, double *y) {
	cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, m, n, 1.0, a, lda, x, 1, 0.0, y, 1);
}
// C = AᵀA, upper triangle, for the row-major k×n A: cblas_dsyrk with
// Trans, alpha = 1, beta = 0.
static void lanes_ob_dsyrk(int n, int k, const double *a, int lda, double *c) {
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k, 1.0, a, lda, 0.0, c, n);
}
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

func init() { C.openblas_set_num_threads(1) }

// OpenBLASCore returns the core type OpenBLAS chose for this CPU (its
// DYNAMIC_ARCH kernel set, such as "Haswell", "SkylakeX" or "Zen").
func OpenBLASCore() string { return C.GoString(C.openblas_get_corename()) }

// OpenBLASConfig returns OpenBLAS's build configuration string (version,
// DYNAMIC_ARCH, the chosen core, MAX_THREADS).
func OpenBLASConfig() string { return C.GoString(C.openblas_get_config()) }

// OpenBLASThreads returns the number of threads OpenBLAS will use.
func OpenBLASThreads() int { return int(C.openblas_get_num_threads()) }

func ptr(s []float64) *C.double { return (*C.double)(unsafe.Pointer(unsafe.SliceData(s))) }

func cint(name string, v int) C.int {
	if v > math.MaxInt32 {
		panic(fmt.Sprintf("benchmarks: %s: size %d too large for OpenBLAS's 32-bit int", name, v))
	}
	return C.int(v)
}

// OpenBLASDot returns cblas_ddot(len(x), x, 1, y, 1).
func OpenBLASDot(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("benchmarks: OpenBLASDot: len(x) = %d, len(y) = %d", len(x), len(y)))
	}
	return float64(C.lanes_ob_ddot(cint("OpenBLASDot", len(x)), ptr(x), ptr(y)))
}

// OpenBLASAsum returns cblas_dasum(len(x), x, 1): Σ |x[i]|.
func OpenBLASAsum(x []float64) float64 {
	return float64(C.lanes_ob_dasum(cint("OpenBLASAsum", len(x)), ptr(x)))
}

// OpenBLASNrm2 returns cblas_dnrm2(len(x), x, 1), the Euclidean norm.
func OpenBLASNrm2(x []float64) float64 {
	return float64(C.lanes_ob_dnrm2(cint("OpenBLASNrm2", len(x)), ptr(x)))
}

// OpenBLASIamax returns cblas_idamax(len(x), x, 1), the 0-based index of
// the first element of largest absolute value, or −1 if x is empty.
func OpenBLASIamax(x []float64) int {
	return int(C.lanes_ob_idamax(cint("OpenBLASIamax", len(x)), ptr(x)))
}

// OpenBLASAxpy runs cblas_daxpy(len(x), alpha, x, 1, y, 1): y += alpha·x.
func OpenBLASAxpy(alpha float64, x, y []float64) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("benchmarks: OpenBLASAxpy: len(x) = %d, len(y) = %d", len(x), len(y)))
	}
	C.lanes_ob_daxpy(cint("OpenBLASAxpy", len(x)), C.double(alpha), ptr(x), ptr(y))
}

// OpenBLASGemvN runs cblas_dgemv(RowMajor, NoTrans, m, n, 1, a, lda, x, 1,
// 0, y, 1): y = A·x for the row-major m×n matrix a with row stride lda.
func OpenBLASGemvN(m, n int, a []float64, lda int, x, y []float64) {
	gemvCheck("OpenBLASGemvN", m, n, a, lda, len(x), n, len(y), m)
	C.lanes_ob_dgemv(0, cint("OpenBLASGemvN", m), cint("OpenBLASGemvN", n), ptr(a), cint("OpenBLASGemvN", lda), ptr(x), ptr(y))
}

// OpenBLASGemvT runs cblas_dgemv(RowMajor, Trans, ...): y = Aᵀ·x.
func OpenBLASGemvT(m, n int, a []float64, lda int, x, y []float64) {
	gemvCheck("OpenBLASGemvT", m, n, a, lda, len(x), m, len(y), n)
	C.lanes_ob_dgemv(1, cint("OpenBLASGemvT", m), cint("OpenBLASGemvT", n), ptr(a), cint("OpenBLASGemvT", lda), ptr(x), ptr(y))
}

// OpenBLASGram runs cblas_dsyrk(RowMajor, Upper, Trans, n, m, 1, a, lda,
// 0, g, n): the upper triangle of g = AᵀA for the row-major m×n matrix a
// with row stride lda.
func OpenBLASGram(m, n int, a []float64, lda int, g []float64) {
	gemvCheck("OpenBLASGram", m, n, a, lda, 0, 0, 0, 0)
	if len(g) != n*n {
		panic(fmt.Sprintf("benchmarks: OpenBLASGram: len(g) = %d for n = %d", len(g), n))
	}
	if n == 0 {
		return
	}
	C.lanes_ob_dsyrk(cint("OpenBLASGram", n), cint("OpenBLASGram", m), ptr(a), cint("OpenBLASGram", lda), ptr(g))
}

// gemvCheck panics unless the arguments are a valid row-major Gemv, so that
// OpenBLAS never reads or writes outside the slices.
func gemvCheck(name string, m, n int, a []float64, lda, lx, wantX, ly, wantY int) {
	switch {
	case m < 0 || n < 0 || lda < max(1, n):
		panic(fmt.Sprintf("benchmarks: %s: m = %d, n = %d, lda = %d", name, m, n, lda))
	case m > 0 && n > 0 && len(a) < (m-1)*lda+n:
		panic(fmt.Sprintf("benchmarks: %s: len(a) = %d, too short for %dx%d with lda %d", name, len(a), m, n, lda))
	case lx != wantX || ly != wantY:
		panic(fmt.Sprintf("benchmarks: %s: len(x) = %d, len(y) = %d for %dx%d", name, lx, ly, m, n))
	}
}
