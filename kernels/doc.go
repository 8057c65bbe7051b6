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
// Use switches in-process, for tests and benchmarks.
//
// # Checks
//
// A length or shape mismatch panics with a message naming the function and
// the sizes, as BLAS does. No function reads or writes outside the slices
// it is given.
package kernels
