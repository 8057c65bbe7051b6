package kbench

import (
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/f32"
)

// benchFunc returns the benchmark of kernel at s on in, through the lanes
// kernels (the current implementation) or, if impl is Gonum, through
// gonum; nil for a kernel it does not know. Its loop is b.Loop's, which
// keeps every call's arguments and results alive, so that none is
// optimized away.
func benchFunc(kernel, impl string, s Shape, in *operands) func(b *testing.B) {
	var g gonum.Implementation
	x, y, a, m, n := in.x, in.y, in.a, s.M, s.N
	xt, yt := in.xt, in.yt
	x32, y32, a32 := in.x32, in.y32, in.a32
	const alpha = 1e-9 // small, so that y stays far from overflow however long Axpy runs
	if kernel == "axpy" {
		y = slices.Clone(y) // Axpy writes y; leave the shared input alone
	}
	if impl != Gonum {
		switch kernel {
		case "dot":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.Dot(x, y)
				}
			}
		case "axpy":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.Axpy(alpha, x, y)
				}
			}
		case "sum":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.Sum(x)
				}
			}
		case "nrm2":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.Nrm2(x)
				}
			}
		case "gemvn":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.GemvN(m, n, a, n, x, y)
				}
			}
		case "gemvt":
			return func(b *testing.B) {
				for b.Loop() {
					kernels.GemvT(m, n, a, n, xt, yt)
				}
			}
		case "dot32":
			return func(b *testing.B) {
				for b.Loop() {
					f32.Dot(x32, y32)
				}
			}
		case "gemvn32":
			return func(b *testing.B) {
				for b.Loop() {
					f32.GemvN(m, n, a32, n, x32, y32)
				}
			}
		}
	} else {
		switch kernel {
		case "dot":
			return func(b *testing.B) {
				for b.Loop() {
					g.Ddot(n, x, 1, y, 1)
				}
			}
		case "axpy":
			return func(b *testing.B) {
				for b.Loop() {
					g.Daxpy(n, alpha, x, 1, y, 1)
				}
			}
		case "sum":
			return func(b *testing.B) {
				for b.Loop() {
					floats.Sum(x)
				}
			}
		case "nrm2":
			return func(b *testing.B) {
				for b.Loop() {
					g.Dnrm2(n, x, 1)
				}
			}
		case "gemvn":
			return func(b *testing.B) {
				for b.Loop() {
					g.Dgemv(blas.NoTrans, m, n, 1, a, n, x, 1, 0, y, 1)
				}
			}
		case "gemvt":
			return func(b *testing.B) {
				for b.Loop() {
					g.Dgemv(blas.Trans, m, n, 1, a, n, xt, 1, 0, yt, 1)
				}
			}
		case "dot32":
			return func(b *testing.B) {
				for b.Loop() {
					g.Sdot(n, x32, 1, y32, 1)
				}
			}
		case "gemvn32":
			return func(b *testing.B) {
				for b.Loop() {
					g.Sgemv(blas.NoTrans, m, n, 1, a32, n, x32, 1, 0, y32, 1)
				}
			}
		}
	}
	return nil
}
