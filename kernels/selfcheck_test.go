package kernels

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// The self-check proves the tests can fail: each sweep is run on a
// deliberately broken implementation, a "mutant" of generic with one
// plausible bug of a vector kernel, and must report it. A sweep that
// passed a mutant would be a test that cannot fail.

// recorder is a failer that stops the sweep at the first failure.
type recorder struct{ msg string }

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(r)
}

// failureOf runs sweep with a recorder and returns its failure message,
// or "" if the sweep passed.
func failureOf(sweep func(tb failer)) (msg string) {
	r := &recorder{}
	defer func() {
		if e := recover(); e != nil && e != any(r) {
			panic(e)
		}
		msg = r.msg
	}()
	sweep(r)
	return ""
}

// mutant returns a copy of generic's implementation named name, changed
// by breakIt.
func mutant(name string, breakIt func(im *implementation)) *implementation {
	im := *lookup(Generic)
	im.name = name
	breakIt(&im)
	return &im
}

// mutantCase is a broken implementation and the sweep that must catch it;
// want is a fragment the failure message must contain.
type mutantCase struct {
	im    *implementation
	sweep func(tb failer, im *implementation)
	want  string
}

func TestSweepsCatchMutants(t *testing.T) {
	for _, c := range mutantCases() {
		t.Run(c.im.name, func(t *testing.T) {
			msg := failureOf(func(tb failer) { c.sweep(tb, c.im) })
			if msg == "" {
				t.Fatalf("the sweep passed a broken implementation")
			}
			if !strings.Contains(msg, c.want) {
				t.Fatalf("failure %q does not mention %q", msg, c.want)
			}
			t.Logf("caught: %s", msg)
		})
	}
}

var sink float64

func mutantCases() []mutantCase {
	return []mutantCase{
		{mutant("dot-sequential", func(im *implementation) {
			// One accumulator instead of 32 lanes.
			im.dot = func(x, y []float64) float64 {
				s := 0.0
				for i := range x {
					s = math.FMA(x[i], y[i], s)
				}
				return s
			}
		}), sweepOf("Dot"), "Dot[dot-sequential]"},
		{mutant("dot-pairwise-fold", func(im *implementation) {
			// Right lanes, but the fold adds neighbours (0+1, 2+3, …).
			im.dot = func(x, y []float64) float64 {
				var acc [generic.Lanes]float64
				for i := range x {
					acc[i%generic.Lanes] = math.FMA(x[i], y[i], acc[i%generic.Lanes])
				}
				for w := 1; w < generic.Lanes; w *= 2 {
					for j := 0; j+w < generic.Lanes; j += 2 * w {
						acc[j] += acc[j+w]
					}
				}
				return acc[0]
			}
		}), sweepOf("Dot"), "Dot[dot-pairwise-fold]"},
		{mutant("dot-no-final-plus-zero", func(im *implementation) {
			// Folds without the final + 0: when every lane holds -0 (each
			// product underflowed below zero) the result is -0, and whether
			// it is then depends on how a vector kernel pads its lanes.
			im.dot = func(x, y []float64) float64 {
				var acc [generic.Lanes]float64
				for i := range x {
					acc[i%generic.Lanes] = math.FMA(x[i], y[i], acc[i%generic.Lanes])
				}
				return foldLanes(&acc) - 0 // x - 0 keeps -0
			}
		}), sweepOf("Dot"), "Dot[dot-no-final-plus-zero]"},
		{mutant("dot-writes-input", func(im *implementation) {
			im.dot = func(x, y []float64) float64 {
				r := generic.Dot(x, y)
				if len(x) > 3 {
					x[3] = -x[3]
				}
				return r
			}
		}), sweepOf("Dot"), "input modified"},
		{mutant("sum-minus-zero-lanes", func(im *implementation) {
			// Starts the lanes at -0, the true additive identity, but
			// forgets the final + 0: Sum of nothing is then -0, not +0.
			im.sum = func(x []float64) float64 {
				var acc [generic.Lanes]float64
				for j := range acc {
					acc[j] = math.Copysign(0, -1)
				}
				for i, v := range x {
					acc[i%generic.Lanes] += v
				}
				return foldLanes(&acc) - 0
			}
		}), sweepOf("Sum"), "Sum[sum-minus-zero-lanes]"},
		{mutant("sumsqdiff-unfused", func(im *implementation) {
			im.sumSqDiff = func(x, y []float64) float64 {
				var acc [generic.Lanes]float64
				for i := range x {
					d := x[i] - y[i]
					sq := d * d
					acc[i%generic.Lanes] += float64(sq)
				}
				return foldLanes(&acc) + 0
			}
		}), sweepOf("SumSqDiff"), "SumSqDiff[sumsqdiff-unfused]"},
		{mutant("indexabs-zero-padded-tail", func(im *implementation) {
			// Pads x to a whole register with zeros, as a masked load
			// does, and forgets to mask the compare: v = 0 then matches
			// the padding.
			im.indexAbs = func(v float64, x []float64) int {
				padded := append(slices.Clone(x), make([]float64, (4-len(x)%4)%4)...)
				if i := generic.IndexAbs(v, padded); i < len(x) {
					return i
				}
				return len(x)
			}
		}), sweepOf("IndexAbs"), "IndexAbs[indexabs-zero-padded-tail]"},
		{mutant("scaledsumsq-inf-times-padding", func(im *implementation) {
			// Multiplies the zero padding of a partial register by alpha:
			// alpha = ±Inf or NaN then turns the padding into NaN.
			im.scaledSumSq = func(alpha float64, x []float64) float64 {
				padded := append(slices.Clone(x), make([]float64, (4-len(x)%4)%4)...)
				return generic.ScaledSumSq(alpha, padded)
			}
		}), sweepOf("ScaledSumSq"), "ScaledSumSq[scaledsumsq-inf-times-padding]"},
		{mutant("amax-nan-wins", func(im *implementation) {
			// Operand order of a vector max reversed: a NaN element wins.
			im.amax = func(x []float64) float64 {
				m := 0.0
				for _, v := range x {
					if a := math.Abs(v); !(a <= m) {
						m = a
					}
				}
				return m
			}
		}), sweepOf("Amax"), "Amax[amax-nan-wins]"},
		{mutant("nrm2-unscaled", func(im *implementation) {
			im.nrm2 = func(x []float64) float64 { return math.Sqrt(generic.Dot(x, x)) }
		}), sweepOf("Nrm2"), "Nrm2[nrm2-unscaled]"},
		{mutant("lossgrad-keeps-old-g", func(im *implementation) {
			// Accumulates into the caller's g instead of starting at +0.
			im.lossGrad = func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (float64, float64) {
				old := slices.Clone(g)
				ssr, sr := generic.LossGrad(m, n, a, lda, w, c, y, g)
				for j := range g {
					g[j] += old[j]
				}
				return ssr, sr
			}
		}), sweepOf("LossGrad"), "LossGrad[lossgrad-keeps-old-g]"},
		{mutant("lossgrad-residual-reassociated", func(im *implementation) {
			// r = Dot + (c − y) instead of (Dot + c) − y: one rounding
			// in another place.
			im.lossGrad = func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (float64, float64) {
				yy := make([]float64, len(y))
				for i := range y {
					yy[i] = -(c - y[i])
				}
				return generic.LossGrad(m, n, a, lda, w, 0, yy, g)
			}
		}), sweepOf("LossGrad"), "LossGrad[lossgrad-residual-reassociated]"},
		{mutant("axpy-unfused", func(im *implementation) {
			im.axpy = func(alpha float64, x, y []float64) {
				for i := range x {
					p := alpha * x[i]
					y[i] = float64(p) + y[i]
				}
			}
		}), sweepOf("Axpy"), "Axpy[axpy-unfused]"},
		{mutant("axpy-unfused-rounding", func(im *implementation) {
			im.axpy = func(alpha float64, x, y []float64) {
				for i := range x {
					p := alpha * x[i]
					y[i] = float64(p) + y[i]
				}
			}
		}), roundingAxpy, "correctly rounded"},
		{mutant("axpy-writes-past-end", func(im *implementation) {
			// A full-width store of the last block: writes into cap.
			im.axpy = func(alpha float64, x, y []float64) {
				generic.Axpy(alpha, x, y)
				if len(y) < cap(y) {
					y[:len(y)+1][len(y)] = 0
				}
			}
		}), sweepOf("Axpy"), "outside the slice"},
		{mutant("scal-zero-clears", func(im *implementation) {
			// alpha = 0 must give NaN for NaN and Inf elements.
			im.scal = func(alpha float64, x []float64) {
				if alpha == 0 {
					for i, v := range x { // right sign, but NaN·0 and Inf·0 → ±0
						x[i] = math.Copysign(0, alpha*math.Copysign(1, v))
					}
					return
				}
				generic.Scal(alpha, x)
			}
		}), sweepOf("Scal"), "want NaN"},
		{mutant("gemvn-reads-padding", func(im *implementation) {
			// Rounds n up to a whole vector and multiplies the padding
			// by zeros: the guard NaN in the padding shows it.
			im.gemvN = func(m, n int, a []float64, lda int, x, y []float64) {
				if lda == n || m == 0 {
					generic.GemvN(m, n, a, lda, x, y)
					return
				}
				xp := append(append([]float64(nil), x...), 0)
				for i := range y[:m] {
					if i == m-1 {
						y[i] = generic.Dot(a[i*lda:i*lda+n], x)
						continue
					}
					y[i] = generic.Dot(a[i*lda:i*lda+n+1], xp)
				}
			}
		}), sweepOf("GemvN"), "GemvN[gemvn-reads-padding]"},
		{mutant("gemvt-accumulates-into-y", func(im *implementation) {
			im.gemvT = func(m, n int, a []float64, lda int, x, y []float64) {
				for i, xi := range x[:m] {
					for j, v := range a[i*lda : i*lda+n] {
						y[j] = math.FMA(xi, v, y[j])
					}
				}
			}
		}), sweepOf("GemvT"), "GemvT[gemvt-accumulates-into-y]"},
		{mutant("gemvt-rows-reversed", func(im *implementation) {
			im.gemvT = func(m, n int, a []float64, lda int, x, y []float64) {
				clear(y[:n])
				for i := m - 1; i >= 0; i-- {
					for j, v := range a[i*lda : i*lda+n] {
						y[j] = math.FMA(x[i], v, y[j])
					}
				}
			}
		}), sweepOf("GemvT"), "GemvT[gemvt-rows-reversed]"},
		{mutant("gram-skips-last-row-of-chunk", func(im *implementation) {
			// A tiled kernel whose row loop stops one row short in every
			// chunk of 128 rows but the last.
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				for i0 := 0; i0 < m && n > 0; i0 += 128 {
					rows := min(128, m-i0)
					if i0+rows < m {
						rows--
					}
					generic.Gram(rows, n, a[i0*lda:], lda, g)
				}
			}
		}), sweepOf("Gram"), "Gram[gram-skips-last-row-of-chunk] m=129"},
		{mutant("gram-writes-lower-triangle", func(im *implementation) {
			// Stores whole square tiles: the diagonal tile's lower half,
			// which is never to be written, gets the mirror of the upper.
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				generic.Gram(m, n, a, lda, g)
				for j := 0; j+1 < n; j += 2 {
					g[(j+1)*n+j] = g[j*n+j+1]
				}
			}
		}), sweepOf("Gram"), "first difference at g["},
		{mutant("gram-starts-at-zero", func(im *implementation) {
			// Ignores the g it is given: no accumulation across calls.
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				for j := range n {
					clear(g[j*n+j : j*n+n])
				}
				generic.Gram(m, n, a, lda, g)
			}
		}), sweepOf("Gram"), "Gram[gram-starts-at-zero]"},
		{mutant("gram-rows-reversed", func(im *implementation) {
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				for i := m - 1; i >= 0 && n > 0; i-- {
					generic.Gram(1, n, a[i*lda:], lda, g)
				}
			}
		}), sweepOf("Gram"), "Gram[gram-rows-reversed]"},
		{mutant("gram-unfused", func(im *implementation) {
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				for i := range m {
					for j := range n {
						for k := j; k < n; k++ {
							p := a[i*lda+j] * a[i*lda+k]
							g[j*n+k] += float64(p)
						}
					}
				}
			}
		}), sweepOf("Gram"), "Gram[gram-unfused]"},
		{mutant("gram-skips-first-row", func(im *implementation) {
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				if m > 1 && n > 0 {
					generic.Gram(m-1, n, a[lda:], lda, g)
				}
			}
		}), accuracyGram, "exceeds the bound"},
		{mutant("shiftscale-distributed", func(im *implementation) {
			// a·scale − shift·scale: the same number, other roundings.
			im.shiftScale = func(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
				for i := range m {
					for j := range n {
						p, q := a[i*lda+j]*scale[j], shift[j]*scale[j]
						z[i*ldz+j] = float64(p) - float64(q)
					}
				}
			}
		}), sweepOf("ShiftScale"), "ShiftScale[shiftscale-distributed]"},
		{mutant("shiftscale-writes-row-padding", func(im *implementation) {
			// Writes whole rows of ldz elements, a vector store past n.
			im.shiftScale = func(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
				generic.ShiftScale(m, n, a, lda, shift, scale, z, ldz)
				for i := 0; i+1 < m && 0 < n && n < ldz; i++ {
					z[i*ldz+n] = 0
				}
			}
		}), sweepOf("ShiftScale"), "first difference at z["},
		{mutant("gramdiag-unfused", func(im *implementation) {
			// The square rounded before it is added: two roundings.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				for i := range m {
					for j := range n {
						v := a[i*lda+j]
						p := v * v
						sums[j] += v
						squares[j] += float64(p)
					}
				}
			}
		}), sweepOf("GramDiag"), "GramDiag[gramdiag-unfused]"},
		{mutant("gramdiag-rows-reversed", func(im *implementation) {
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				for i := m - 1; i >= 0 && n > 0; i-- {
					generic.GramDiag(1, n, a[i*lda:], lda, sums, squares)
				}
			}
		}), sweepOf("GramDiag"), "GramDiag[gramdiag-rows-reversed]"},
		{mutant("gramdiag-starts-at-zero", func(im *implementation) {
			// Ignores the sums and squares it is given.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				clear(sums)
				clear(squares)
				generic.GramDiag(m, n, a, lda, sums, squares)
			}
		}), sweepOf("GramDiag"), "GramDiag[gramdiag-starts-at-zero]"},
		{mutant("gramdiag-skips-last-row-of-chunk", func(im *implementation) {
			// A chunked kernel whose row loop stops one row short in every
			// chunk but the last.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				for i0 := 0; i0 < m && n > 0; i0 += gramDiagChunk {
					rows := min(gramDiagChunk, m-i0)
					if i0+rows < m {
						rows--
					}
					generic.GramDiag(rows, n, a[i0*lda:], lda, sums, squares)
				}
			}
		}), sweepOf("GramDiag"), fmt.Sprintf("GramDiag[gramdiag-skips-last-row-of-chunk] m=%d", gramDiagChunk+1)},
		{mutant("gramdiag-reads-row-padding", func(im *implementation) {
			// A vector kernel whose last vector runs one column past n
			// into the row padding, its sum of that lane kept.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				generic.GramDiag(m, n, a, lda, sums, squares)
				for i := 0; i+1 < m && 0 < n && n < lda; i++ {
					sums[n-1] += 0 * a[i*lda+n]
				}
			}
		}), sweepOf("GramDiag"), "first difference at sums["},
		{mutant("gramdiag-writes-past-n", func(im *implementation) {
			// Stores a whole vector of squares past the last column.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				generic.GramDiag(m, n, a, lda, sums, squares)
				if n%4 != 0 {
					squares[:n+1][n] = 0 // the slice's capacity runs on into the guards
				}
			}
		}), sweepOf("GramDiag"), "was changed outside the slice"},
		{mutant("sum-drops-last", func(im *implementation) {
			im.sum = func(x []float64) float64 {
				if len(x) == 0 {
					return 0
				}
				return generic.Sum(x[:len(x)-1])
			}
		}), accuracySum, "exceeds the bound"},
		{mutant("dot-float32-lanes", func(im *implementation) {
			// Accumulates in float32: within 2^-24, far outside γ_k.
			im.dot = func(x, y []float64) float64 {
				var acc [generic.Lanes]float32
				for i := range x {
					acc[i%generic.Lanes] += float32(x[i] * y[i])
				}
				s := 0.0
				for _, v := range acc {
					s += float64(v)
				}
				return s
			}
		}), accuracyDot, "exceeds the bound"},
	}
}

// foldLanes is the halving tree of the specification without its final
// + 0, so mutants can choose to forget it.
func foldLanes(acc *[generic.Lanes]float64) float64 {
	for w := generic.Lanes / 2; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			acc[j] = acc[j] + acc[j+w]
		}
	}
	return acc[0]
}
