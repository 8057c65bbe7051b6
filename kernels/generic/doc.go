// Package generic is the pure-Go reference implementation of every lanes
// kernel. Its documentation is the specification of how each kernel
// computes: every other implementation (AVX2, AVX-512, NEON) must return
// exactly the bits this package returns, on every GOARCH, for every length
// and alignment. Only the payload of a NaN result may differ.
//
// The order below is written for an element type T of S bytes: float64
// (S = 8) for package kernels, float32 (S = 4) for package kernels/f32,
// whose reference twins here carry the suffix F32 (DotF32 is Dot with
// S = 4). A float32 multiply-add is FMA32: the exact a·b + c rounded once
// to float32, as the vector FMA instructions compute it. Go has no float32
// FMA, and rounding math.FMA's float64 result to float32 is not one (see
// FMA32). Every other float32 operation (+, −, ·, comparison) is IEEE
// single precision on every GOARCH. Nrm2, Cosine and the row kernels of
// package kernels/f32 are built from the kernels here, as Nrm2 is below.
//
// # Accumulator block
//
// Every reduction keeps L = 256/S independent partial sums ("lanes"),
// acc[0] … acc[L-1], all starting at +0. For float64, L = 32; for float32,
// L = 64. 256 bytes is four AVX-512 registers, eight AVX2 registers or
// sixteen NEON registers: enough independent chains to hide a four-cycle
// fused-multiply-add latency on each of them, while a vector of 8 to 64
// elements still needs at most two passes.
//
// Element i (0 ≤ i < n) feeds lane i mod L, and each lane takes its
// elements in increasing i. There is no separate tail: the last, partial
// block simply feeds lanes 0 … (n mod L)−1.
//
// # Combining tree
//
// After the last element the lanes are folded in halves:
//
//	for w := L/2; w >= 1; w /= 2 {
//		for j := 0; j < w; j++ {
//			acc[j] = acc[j] + acc[j+w]
//		}
//	}
//	result = acc[0] + 0
//
// The final "+ 0" turns a −0 result into +0: a reduction never returns −0.
// That is what lets vector code pad a partial block with zeros, or skip
// lanes it never fed. The value of every lane and every partial sum, as a
// number, Inf or NaN, does not depend on the sign of a zero operand (x + ±0
// = x for x ≠ 0, and an addition or FMA rounds the same exact value either
// way); only the sign of a zero result can. Lanes can be −0 (fma(x, y, +0)
// is −0 when x·y underflows below zero), so padding with fma(0, 0, lane)
// may flip a lane from −0 to +0; the final + 0 erases that difference.
//
// For float64 that is 32→16→8→4→2→1: AVX-512 adds register pairs (z0+z2,
// z1+z3, then z0+z1) before folding 512→256→128→64 bits; AVX2 and NEON do
// the same with more, narrower registers.
//
// # Kernels
//
// Each multiply-add below is a single fused operation, math.FMA(a, b, c),
// rounded once. Go code that must match the assembly never writes a bare
// a*b + c, because Go compilers fuse it on some targets and not on others.
//
//   - Dot(x, y): lane update acc = fma(x[i], y[i], acc).
//   - Sum(x): lane update acc = acc + x[i].
//   - SumSqDiff(x, y): d = x[i] − y[i], rounded; then acc = fma(d, d, acc).
//   - Axpy(alpha, x, y): y[i] = fma(alpha, x[i], y[i]) for each i; no
//     reduction, so the order of elements does not matter.
//   - Scal(alpha, x): x[i] = alpha·x[i]. alpha = 0 does not clear NaN or Inf.
//   - Asum(x): lane update acc = acc + |x[i]|.
//   - Amax(x): the largest |x[i]| that is not NaN, or +0 if there is none.
//     A maximum is the same whatever order it is taken in, so this kernel
//     has no lanes; vector code compares in any order it likes. (|x| is
//     never −0, so no two candidates tie with different bits.)
//   - IndexAbs(v, x): the first i with |x[i]| == v, or −1. Only the index
//     is returned, so there is nothing to round.
//   - ScaledSumSq(alpha, x): t = alpha·x[i], rounded; then acc = fma(t, t,
//     acc).
//   - Nrm2(x), in package kernels, is built from the kernels above, so it
//     has the same bits wherever they do: s = Dot(x, x); if s is NaN, the
//     result is NaN; if 2⁻⁹⁶⁰ ≤ s < +Inf, it is √s (IEEE square root,
//     correctly rounded everywhere). Otherwise m = Amax(x); m = 0 gives
//     0, m = +Inf gives +Inf, and any other m = f·2ᵉ (1 ≤ f < 2) gives
//     √ScaledSumSq(2ᵏ, x)·2⁻ᵏ with k = −e clamped to [−1022, 1022]. The
//     scaled squares lie near 1, so the sum neither overflows nor loses
//     its small terms.
//   - DotNorms(x, y), float32 only: Dot(x, y), Dot(x, x) and Dot(y, y),
//     each in the order of Dot, computed in one pass by vector code.
//   - GemvN(m, n, a, lda, x, y): y[i] = Dot(a[i·lda : i·lda+n], x); each row
//     is one Dot in the order above.
//   - LossGrad(m, n, a, lda, w, c, y, g), the fused least-squares pass:
//     row by row in increasing order, r_i = (Dot(a_i, w) + c) − y_i, each
//     operation rounded, with Dot in the order above; g[j] starts at +0
//     and takes g[j] = fma(r_i, a_ij, g[j]) for i = 0 … m−1, as GemvT does
//     with x = r; the results are ssr = Dot(r, r) and sr = Sum(r) over the
//     m residuals, lane i mod L each. So its bits are those of GemvN, the
//     residual arithmetic, GemvT, Dot and Sum run one after the other, but
//     it reads every row once and keeps no residual vector. Vector code
//     may hold any set of g[j] in registers, and may buffer residuals to
//     feed whole registers of lanes.
//   - GemvT(m, n, a, lda, x, y): y[j] starts at +0 and takes the rows in
//     increasing order, y[j] = fma(x[i], a[i·lda+j], y[j]) for i = 0 … m−1.
//     Columns are independent, so vector code may hold any set of columns
//     in registers and may store and reload partial y[j] between row blocks.
//   - Gram(m, n, a, lda, g): AᵀA added to the upper triangle of g, each
//     element over the rows in increasing order; see Gram below.
//   - GramDiag(m, n, a, lda, sums, squares): for each column j, over the
//     rows in increasing order, sums[j] = sums[j] + a_ij and squares[j] =
//     fma(a_ij, a_ij, squares[j]), accumulating: the bits Gram gives its
//     elements (j, n) and (j, j) for A with a column of ones appended, for
//     passes that need each column's mean and variance but no product
//     between two columns. Columns are independent: vector code may hold
//     any block of them in registers and visit the rows in chunks, so long
//     as each column takes its rows in increasing order.
//   - ShiftScale(m, n, a, lda, shift, scale, z, ldz):
//     z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j], the difference
//     rounded, then the product rounded: two roundings, never fused. No
//     reduction, so the order of elements does not matter; the elements
//     of z between its rows are untouched.
//
// # Gram
//
// Gram(m, n, a, lda, g) adds AᵀA to the upper triangle of g, the n×n
// row-major matrix with row stride n, for the row-major m×n matrix A in a
// with row stride lda:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			for k := j; k < n; k++ {
//				g[j*n+k] = fma(a[i*lda+j], a[i*lda+k], g[j*n+k])
//			}
//		}
//	}
//
// Every element of the upper triangle takes the rows in increasing order,
// one fused multiply-add per row, starting from its previous value: the
// kernel accumulates, so calls on rows [0, p) then [p, m) give exactly the
// bits of one call on [0, m), and a caller who wants AᵀA alone zeroes g
// first. The lower triangle (k < j) is never read or written. The elements
// are independent of each other, so vector code may block the rows (chunks
// kept in cache), hold any tile of (j, k) in registers, load it from g and
// store it back between chunks, and visit the tiles in any order: none of
// that changes a single element's sequence of FMAs. It may compute
// products it never stores, such as the lower half of a tile on the
// diagonal, but never read outside the matrix or the upper triangle.
//
// The functions in this package assume their arguments have been checked
// (package kernels does that); a short slice still panics with an index
// error rather than reading out of bounds.
package generic

// Lanes is L for float64: the number of independent partial sums every
// float64 reduction keeps.
const Lanes = 256 / 8
