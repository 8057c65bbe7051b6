// Package f32 holds the float32 kernels of lanes: dot products, squared
// distances, sums, norms, axpy and matrix-vector products over float32
// slices, and the scoring of one query against many rows that exact
// nearest-neighbour search and embedding stores run.
//
// They are the float32 twins of package kernels, with the same guarantees:
// every function gives the same bits on every CPU and GOARCH, whatever the
// implementation (pure Go, AVX2+FMA, AVX-512F, NEON) and the alignment of
// the slices. The order of every reduction is the one specified in package
// github.com/lanes-go/lanes/kernels/generic with 4-byte elements: 64
// independent partial sums, element i feeding sum i mod 64, folded by a
// fixed halving tree; every multiply-add is one fused operation rounded to
// float32. The implementation is the one package kernels runs: the same
// LANES_KERNELS variable, GODEBUG settings, -tags purego or noasm and
// kernels.Use choose both.
//
// # Accuracy
//
// The kernels accumulate in float32, as float32 users expect and as makes
// them fast. Each of the 64 partial sums of a reduction over n elements
// takes about n/64 terms and the fold adds 6 levels, so the error of Dot
// is at most about (n/64 + 6)·2⁻²⁴·Σ|x[i]·y[i]|, and typically the square
// root of that: for n = 768, a few units in the 6th significant digit in
// the worst case. Results are exactly reproducible, so rankings computed
// with them are stable across machines; callers that need more digits
// convert to float64 and use package kernels.
//
// # Checks
//
// A length or shape mismatch panics with a message naming the function and
// the sizes, as BLAS does. No function reads or writes outside the slices
// it is given, and an output must not share memory with an input of the
// same call (Axpy(alpha, y, y) excepted), as in package kernels.
package f32
