package kernels

import (
	"fmt"
	"math"
	"math/big"
	"testing"
)

// The Gram tests prove Gram gives the bits of package generic for every
// small shape (each remainder of any register tile up to 24 columns, twice
// over, and row counts on both sides of a chunk of 128 rows), for row
// strides lda > n and every alignment of a and g, on every data class.
// Row padding holds the guard NaN, so a kernel that reads it poisons an
// element; g starts with pool values in its upper triangle, which Gram
// accumulates into, and the guard NaN in its lower triangle, which Gram
// must leave alone; the guards around g catch stray writes.

// gramTest is the family of Gram.
type gramTest struct {
	run func(im *implementation, m, n int, a []float64, lda int, g []float64)
	ref func(m, n int, a []float64, lda int, g []float64)
}

// gramShapes returns the m×n shapes of the sweep.
func gramShapes() [][2]int {
	ms := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 127, 128, 129, 257}
	ns := []int{}
	maxN, large := 75, [][2]int{{300, 130}, {1000, 16}, {40, 200}, {520, 9}}
	if testing.Short() {
		ms = []int{0, 1, 2, 3, 5, 17, 129}
		maxN, large = 52, [][2]int{{300, 70}, {260, 8}}
	}
	for n := 0; n <= maxN; n++ {
		ns = append(ns, n)
	}
	var shapes [][2]int
	for _, m := range ms {
		for _, n := range ns {
			shapes = append(shapes, [2]int{m, n})
		}
	}
	return append(shapes, large...)
}

// placeGram places an m×n Gram problem with layout l in sc, filled from p:
// the matrix from the pool with the row padding left at the guard NaN, g's
// upper triangle from the pool and its lower triangle the guard NaN.
func placeGram(sc *scratch, p pool, key, m, n int, l gemvLayout) (a, g vec) {
	a = sc.a.place(matrixLen(m, n, l.lda), l.offA)
	as := a.s()
	fillGuard(as)
	for i := 0; i < m && n > 0; i++ {
		for j := 0; j < n; j++ {
			as[i*l.lda+j], _ = p.at(key + i*n + j)
		}
	}
	g = sc.y.place(n*n, l.offY)
	gs := g.s()
	fillGuard(gs)
	for j := 0; j < n; j++ {
		for k := j; k < n; k++ {
			_, gs[j*n+k] = p.at(key + 3*(j*n+k) + 1)
		}
	}
	return a, g
}

// checkGram runs Gram of im and the reference on the same inputs and
// describes the first difference in g or its guards, or a changed a.
func (sc *scratch) checkGram(gt *gramTest, im *implementation, m, n int, a vec, lda int, g vec) string {
	a0, want := a.copyInto(&sc.a0), g.copyInto(&sc.want)
	if p := panicOf(func() { gt.run(im, m, n, a.s(), lda, g.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("a", a, a0, true); d != "" {
		return "input modified: " + d
	}
	if p := panicOf(func() { gt.ref(m, n, a.s(), lda, want.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	if d := diffOut("g", g, want, false); d != "" {
		if n > 0 {
			// Name the element of G, which says which tile went wrong.
			return d + fmt.Sprintf(" (n=%d: g[j*n+k] is row j, column k)", n)
		}
		return d
	}
	return ""
}

// sweep is the bitwise sweep of Gram: every shape and layout, the data
// class changing from one shape to the next.
func (gt *gramTest) sweep(tb failer, name string, im *implementation) {
	tb.Helper()
	sc := new(scratch)
	sweepMatrices(tb, name, im, gramShapes(), func(p pool, key, m, n int, l gemvLayout) (fmt.Stringer, string) {
		a, g := placeGram(sc, p, key, m, n, l)
		return gramProblem{m, n, l}, sc.checkGram(gt, im, m, n, a, l.lda, g)
	})
}

// gramProblem names a problem of the Gram sweep in its messages.
type gramProblem struct {
	m, n int
	l    gemvLayout
}

func (p gramProblem) String() string {
	return fmt.Sprintf("m=%d n=%d lda=%d offset a=%d g=%d", p.m, p.n, p.l.lda, p.l.offA, p.l.offY)
}

// golden returns the cases of Gram: m×n shapes around the tiles and
// chunks, every class, rows padded (lda > n, the padding NaN) in half of
// them, a and g at different offsets; g starts with values in its upper
// triangle and NaN in its lower one. The output is all of g.
func (gt *gramTest) golden(name string) []goldenCase {
	ms := []int{0, 1, 2, 5, 17, 33, 130}
	ns := []int{0, 1, 2, 3, 5, 8, 9, 13, 17, 24, 25, 33, 49, 64}
	var cases []goldenCase
	for i, m := range ms {
		for j, n := range ns {
			for c, class := range goldenClasses {
				lda := max(1, n) + 3*((i+j+c)%2)
				off := (i + j + c) % 4
				desc := fmt.Sprintf("%s %dx%d lda=%d off=%d,%d %s", name, m, n, lda, off, (off+1)%4, class)
				cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
					as, gs := goldenFill(goldenRand(desc), c, max(m*n, n*n))
					a := make([]float64, matrixLen(m, n, lda))
					for r := range a {
						a[r] = math.NaN() // padding
					}
					for r := 0; r < m && n > 0; r++ {
						copy(a[r*lda:r*lda+n], as[r*n:])
					}
					g := goldenPlace(gs[:n*n], (off+1)%4)
					for j := range n {
						for k := range j {
							g[j*n+k] = math.NaN() // the lower triangle, never touched
						}
					}
					gt.run(im, m, n, goldenPlace(a, off), lda, g)
					return g
				}})
			}
		}
	}
	return cases
}

// fuzz is the body of FuzzGram: the bytes give a, and g's upper triangle
// cycles through the same values; m goes past one chunk of rows.
func (gt *gramTest) fuzz(f *testing.F, name string) {
	gemvSeeds(f)
	f.Add(encodeFloats(pools[classRandom].x[:50]...), uint8(200), uint8(27), uint8(3), uint8(0x2d))
	f.Fuzz(func(t *testing.T, data []byte, mArg, nArg, pad, off uint8) {
		vals := decodeFloats(data)
		m, n := int(mArg), int(nArg)%(maxFuzzDim+1)
		l := gemvLayout{lda: max(1, n) + int(pad)%9, offA: int(off & 7), offY: int(off >> 3 & 7)}
		sc := new(scratch)
		for _, im := range supported() {
			a := sc.a.place(matrixLen(m, n, l.lda), l.offA)
			as := a.s()
			fillGuard(as)
			k := 0
			for i := 0; i < m && n > 0; i++ {
				for j := 0; j < n; j++ {
					as[i*l.lda+j] = 0
					if len(vals) > 0 {
						as[i*l.lda+j] = vals[k%len(vals)]
					}
					k++
				}
			}
			g := fuzzVec(&sc.y, vals, n*n, l.offY, 3)
			for j := range n {
				for k := range j {
					g.s()[j*n+k] = guard
				}
			}
			if d := sc.checkGram(gt, im, m, n, a, l.lda, g); d != "" {
				t.Fatalf("%s[%s] m=%d n=%d lda=%d offset a=%d g=%d, %d decoded values: %s",
					name, im.name, m, n, l.lda, l.offA, l.offY, len(vals), d)
			}
		}
	})
}

// TestGramAccumulates proves the promise of the package doc: Gram on rows
// [0, p) and then on [p, m) gives the bits of one call on [0, m), for
// every split, on every implementation, and starting from g = 0 gives a
// symmetric AᵀA's upper triangle.
func TestGramAccumulates(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		p := pools[classRandom]
		for _, shape := range [][2]int{{7, 5}, {300, 13}, {140, 33}, {30, 64}} {
			m, n := shape[0], shape[1]
			lda := n + 2
			a := make([]float64, matrixLen(m, n, lda))
			for i := range a {
				a[i], _ = p.at(3*i + m)
			}
			whole := make([]float64, n*n)
			im.gram(m, n, a, lda, whole)
			for _, split := range []int{0, 1, m / 3, 127, 128, 129, m - 1, m} {
				if split < 0 || split > m {
					continue
				}
				g := make([]float64, n*n)
				im.gram(split, n, a, lda, g)
				if split < m {
					im.gram(m-split, n, a[split*lda:], lda, g)
				}
				if d := firstDiffSame("g", g, whole); d != "" {
					t.Fatalf("%dx%d split at row %d: %s", m, n, split, d)
				}
			}
		}
	})
}

// TestGramAccuracy checks Gram against exact arithmetic, independently of
// package generic. Each element of the upper triangle is a sequential sum
// of m products, each added by one FMA, rounded once; starting from +0
// the first addition is exact, so by Higham's Lemma 3.1 the error is at
// most γ_m·Σ_i |a_ij·a_ik|.
func TestGramAccuracy(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { accuracyGram(t, im) })
}

func accuracyGram(tb failer, im *implementation) {
	tb.Helper()
	worst := 0.0
	for _, c := range []class{classRandom, classCancel} {
		p := pools[c]
		for _, shape := range [][2]int{{1, 3}, {5, 9}, {130, 17}, {300, 26}, {33, 40}} {
			m, n := shape[0], shape[1]
			a := make([]float64, m*n)
			for i := range a {
				a[i], _ = p.at(i + 7*m)
			}
			g := make([]float64, n*n)
			im.gram(m, n, a, n, g)
			for j := range n {
				for k := j; k < n; k++ {
					sum, abs, t := newExact(), newExact(), newExact()
					for i := range m {
						t.Mul(exact(a[i*n+j]), exact(a[i*n+k]))
						sum.Add(sum, t)
						abs.Add(abs, t.Abs(t))
					}
					what := fmt.Sprintf("Gram[%s] class=%s %dx%d g[%d,%d]", im.name, c, m, n, j, k)
					worst = max(worst, checkBound(tb, what, m, m, g[j*n+k], sum, abs))
				}
			}
		}
	}
	logf(tb, "Gram[%s]: worst error %.3f of the bound", im.name, worst)
}

// TestGramExact: on small integers every product and sum is exact, so
// every implementation gives AᵀA itself, which this test computes with
// math/big; the lower triangle is left as it was.
func TestGramExact(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, shape := range [][2]int{{3, 2}, {50, 31}, {200, 64}} {
			m, n := shape[0], shape[1]
			a := make([]float64, m*n)
			for i := range a {
				a[i] = float64(i%7 - 3)
			}
			g := make([]float64, n*n)
			for i := range g {
				g[i] = -1 // lower triangle: must stay; upper: the start
			}
			Gram(m, n, a, n, g)
			for j := range n {
				for k := range n {
					want := big.NewInt(-1)
					if k >= j {
						for i := range m {
							want.Add(want, big.NewInt(int64(a[i*n+j]*a[i*n+k])))
						}
					}
					if got := g[j*n+k]; got != float64(want.Int64()) {
						t.Fatalf("%dx%d: g[%d,%d] = %v, want %v", m, n, j, k, got, want)
					}
				}
			}
		}
	})
}
