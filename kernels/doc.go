// Package kernels holds the numerical hot loops of lanes: dot products,
// axpy updates, sums, squared-error reductions and matrix-vector products
// over float64 slices with unit stride.
//
// Every function gives the same bits on every CPU and GOARCH. The order in
// which each reduction adds its terms is fixed once, in the documentation
// of package github.com/lanes-go/lanes/kernels/generic, and every
// implementation follows it exactly: the pure-Go code, AVX2+FMA and
// AVX-512F on amd64, and NEON on arm64. Only NaN payloads may differ.
//
// # Choosing an implementation
//
// The fastest implementation the CPU supports is chosen at the first call,
// from golang.org/x/sys/cpu, so GODEBUG=cpu.avx512f=off or cpu.avx2=off
// steer it as they steer the standard library. The environment variable
// LANES_KERNELS=generic|avx2|avx512|neon forces one; a request this CPU
// cannot serve prints a one-line warning on stderr and falls back to the
// best one it can. Building with -tags purego or -tags noasm leaves out all
// assembly. Impl names the implementation in use, Available lists them and
// Use switches in-process, for tests, benchmarks and program start-up.
//
// # Checks
//
// A length or shape mismatch panics with a message naming the function and
// the sizes, as BLAS does. No function reads or writes outside the slices
// it is given.
//
// An output must not share memory with an input of the same call: y of
// Axpy, GemvN and GemvT, g of LossGrad and LossGradPlan.LossGrad. Each
// implementation reads and writes in its own order, so an output that is
// partly an input would give different bits on each; such a call panics
// with a message naming the function and the two slices. Only the
// elements a call uses count: a matrix spans a[0] to a[(m-1)*lda+n-1],
// the padding between its rows included, and slices that share a backing
// array but no element are fine. The one exception is Axpy(alpha, y, y),
// x and y the very same slice, which is elementwise: y[i] += alpha·y[i].
// Scal works in place on its one slice.
package kernels
