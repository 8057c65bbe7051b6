// Package lsq is the least-squares engine of package linreg: the passes
// over the rows of a training set and the solvers that work on what they
// gather.
//
// Every pass goes through the block tree of package kernels (fixed blocks
// of kernels.BlockRows rows, each reduced by the kernels in their
// canonical order, the blocks combined in kernels.Tree's fixed pairwise
// order, on a kernels.BlockPlan's goroutines), so its result is the same
// bits for any number of goroutines, any window of a memory-mapped file,
// any CPU and GOARCH. This package keeps no summation order of its own.
//
// The moments pass (Moments) reads X and y once and returns the Gram
// matrix of the shifted and scaled rows [ (x−s)⊙p | 1 | (y−s_y)·p_y ],
// from which come the means, the variances, the centred cross products
// and the curvature of the problem: everything the automatic learning
// rate, the standardisation and the exact solvers need, in O(1) passes.
// The shift s is the first row, so that a constant column is exactly
// zero; the scales p are powers of two chosen from the first block, so
// that no square overflows or underflows and no rounding is added. When
// the first row lies so far from the mean that centring the Gram would
// cancel digits, a second pass shifts by the mean instead.
//
// The solvers work on the centred moments: Cholesky for least squares
// and ridge (with a condition check; see TSQR for the fallback that does
// not square the condition number), coordinate descent for lasso and
// elastic net.
package lsq
