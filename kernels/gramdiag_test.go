package kernels

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// TestGramDiagIsGramOfOnes proves GramDiag's contract on every
// implementation: its sums and squares are, bit for bit, the elements
// (j, n) and (j, j) that Gram gives [A | 1], starting from the same
// values, for every data class, every column count up to 13 (each
// remainder of its four-column groups, several times), row counts on both
// sides of a group, and row strides whose padding holds NaN, which a read
// of it would spread.
func TestGramDiagIsGramOfOnes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *implementation) { gramDiagIsGramOfOnes(t) })
}

func gramDiagIsGramOfOnes(t *testing.T) {
	for _, c := range classes {
		p := newPool(c)
		for _, m := range []int{0, 1, 2, 3, 7, 64, 257} {
			for n := 0; n <= 13; n++ {
				for _, pad := range []int{0, 3} {
					lda := max(1, n+pad)
					key := 131*m + 17*n + pad
					a := make([]float64, max(0, (m-1)*lda+n))
					ones := make([]float64, m*(n+1)) // [A | 1], row stride n+1
					for i := range a {
						a[i] = math.NaN()
					}
					for i := range m {
						for j := range n {
							v, _ := p.at(key + i*n + j)
							a[i*lda+j], ones[i*(n+1)+j] = v, v
						}
						ones[i*(n+1)+n] = 1
					}
					sums, squares := make([]float64, n), make([]float64, n)
					g := make([]float64, (n+1)*(n+1))
					for j := range n {
						_, s0 := p.at(key + 7*j)
						_, q0 := p.at(key + 7*j + 3)
						sums[j], squares[j] = s0, q0
						g[j*(n+1)+n], g[j*(n+1)+j] = s0, q0
					}
					GramDiag(m, n, a, lda, sums, squares)
					generic.Gram(m, n+1, ones, n+1, g)
					for j := range n {
						if !sameBits(sums[j], g[j*(n+1)+n]) || !sameBits(squares[j], g[j*(n+1)+j]) {
							t.Fatalf("%s m=%d n=%d lda=%d column %d: sums %s squares %s, Gram of [A|1] gives %s and %s",
								c, m, n, lda, j, fmtBits(sums[j]), fmtBits(squares[j]), fmtBits(g[j*(n+1)+n]), fmtBits(g[j*(n+1)+j]))
						}
					}
				}
			}
		}
	}
}

// TestGramDiagAccumulates: calls on rows [0, p) and then [p, m) give the
// bits of one call on [0, m), the property the block passes rely on.
func TestGramDiagAccumulates(t *testing.T) {
	p := newPool(classCancel)
	const m, n = 300, 9
	a := make([]float64, m*n)
	for i := range a {
		a[i], _ = p.at(i)
	}
	whole := [2][]float64{make([]float64, n), make([]float64, n)}
	GramDiag(m, n, a, n, whole[0], whole[1])
	for _, split := range []int{1, 4, 150, 299} {
		parts := [2][]float64{make([]float64, n), make([]float64, n)}
		GramDiag(split, n, a, n, parts[0], parts[1])
		GramDiag(m-split, n, a[split*n:], n, parts[0], parts[1])
		for k := range parts {
			for j := range n {
				if !sameBits(parts[k][j], whole[k][j]) {
					t.Fatalf("split at row %d, output %d column %d: %s, one call gives %s", split, k, j, fmtBits(parts[k][j]), fmtBits(whole[k][j]))
				}
			}
		}
	}
}

func TestGramDiagPanics(t *testing.T) {
	a := make([]float64, 12)
	s, q := make([]float64, 3), make([]float64, 3)
	for _, c := range []struct {
		name, want string
		call       func()
	}{
		{"short sums", "len(sums)=2, len(squares)=3, want n=3", func() { GramDiag(4, 3, a, 3, s[:2], q) }},
		{"short squares", "len(sums)=3, len(squares)=1, want n=3", func() { GramDiag(4, 3, a, 3, s, q[:1]) }},
		{"short a", "len(a)=12 < (m-1)*lda+n for m=5", func() { GramDiag(5, 3, a, 3, s, q) }},
		{"small lda", "lda=2 < max(1, n=3)", func() { GramDiag(4, 3, a, 2, s, q) }},
		{"sums in a", "a and sums overlap", func() { GramDiag(2, 3, a, 3, a[3:6], q) }},
		{"squares in a", "a and squares overlap", func() { GramDiag(2, 3, a, 3, s, a[0:3]) }},
		{"sums on squares", "sums and squares overlap", func() { GramDiag(2, 3, a, 3, s, s) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "kernels.GramDiag") || !strings.Contains(msg, c.want) {
					t.Fatalf("panic %q, want kernels.GramDiag and %q", msg, c.want)
				}
			}()
			c.call()
		})
	}
}

// The GramDiag family proves GramDiag gives the bits of package generic
// for every column count up to two AVX-512 column blocks and more (every
// remainder of the AVX2 and NEON blocks of 24 columns and the AVX-512
// block of 48 several times, so every tail of every vector width), row
// counts on both sides of the chunks of gramDiagChunk rows the vector
// kernels take through their column blocks, row strides lda > n and every
// alignment of
// a, sums and squares, on every data class. Row padding of a holds the
// guard NaN, which a read of it would spread; sums and squares start from
// pool values, which GramDiag accumulates into, and the guards around
// them catch a stray write.

// gramDiagChunk is the number of rows the vector kernels of GramDiag take
// through all their column blocks before the next rows (the generators'
// gramDiagChunkRows): the shapes of the tests straddle its multiples.
const gramDiagChunk = 32

// gramDiagTest is the family of GramDiag.
type gramDiagTest struct {
	run func(im *implementation, m, n int, a []float64, lda int, sums, squares []float64)
	ref func(m, n int, a []float64, lda int, sums, squares []float64)
}

// gdScratch is the reusable storage of a GramDiag check.
type gdScratch struct{ a, sums, squares, a0, wantS, wantQ vecBuf }

// gdProblem is one placed GramDiag input.
type gdProblem struct {
	m, n, lda        int
	a, sums, squares vec
}

func (p gdProblem) String() string {
	return fmt.Sprintf("m=%d n=%d lda=%d offset a=%d sums=%d squares=%d",
		p.m, p.n, p.lda, p.a.lo-guardLen, p.sums.lo-guardLen, p.squares.lo-guardLen)
}

// gramDiagShapes returns the m×n shapes of the sweep.
func gramDiagShapes() [][2]int {
	c := gramDiagChunk
	ms, maxN := []int{0, 1, 2, 3, 5, 17, c - 1, c, c + 1, 2*c + 1, 8*c + 1}, 110
	large := [][2]int{{1000, 70}, {3, 1100}, {300, 130}, {520, 9}, {129, 200}}
	if testing.Short() {
		ms, maxN = []int{0, 1, 3, 17, c + 1, 4*c + 1}, 100
		large = [][2]int{{300, 66}, {3, 500}}
	}
	var shapes [][2]int
	for _, m := range ms {
		for n := 0; n <= maxN; n++ {
			shapes = append(shapes, [2]int{m, n})
		}
	}
	return append(shapes, large...)
}

// place places an m×n problem from pool p with layout l: a's elements
// from the pool and its row padding the guard NaN, sums and squares
// starting from pool values, at the offsets of x and y.
func (sc *gdScratch) place(p pool, key, m, n int, l gemvLayout) gdProblem {
	pr := gdProblem{m: m, n: n, lda: l.lda}
	pr.a = sc.a.place(matrixLen(m, n, l.lda), l.offA)
	as := pr.a.s()
	fillGuard(as)
	for i := 0; i < m && n > 0; i++ {
		for j := 0; j < n; j++ {
			as[i*l.lda+j], _ = p.at(key + i*n + j)
		}
	}
	pr.sums, pr.squares = sc.sums.place(n, l.offX), sc.squares.place(n, l.offY)
	for j := range n {
		_, pr.sums.s()[j] = p.at(key + 3*j + 1)
		pr.squares.s()[j], _ = p.at(key + 5*j + 2)
	}
	return pr
}

// check runs im's GramDiag and the reference on the same inputs and
// describes the first difference in sums, squares or their guards, or a
// changed a.
func (sc *gdScratch) check(gt *gramDiagTest, im *implementation, pr gdProblem) string {
	a0, ws, wq := pr.a.copyInto(&sc.a0), pr.sums.copyInto(&sc.wantS), pr.squares.copyInto(&sc.wantQ)
	if p := panicOf(func() { gt.run(im, pr.m, pr.n, pr.a.s(), pr.lda, pr.sums.s(), pr.squares.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	if d := diffOut("a", pr.a, a0, true); d != "" {
		return "input modified: " + d
	}
	if p := panicOf(func() { gt.ref(pr.m, pr.n, a0.s(), pr.lda, ws.s(), wq.s()) }); p != "" {
		return "reference generic panicked: " + p
	}
	if d := diffOut("sums", pr.sums, ws, false); d != "" {
		return d
	}
	return diffOut("squares", pr.squares, wq, false)
}

// sweep is the bitwise sweep of GramDiag: every shape and layout, the
// data class changing from one shape to the next.
func (gt *gramDiagTest) sweep(tb failer, name string, im *implementation) {
	tb.Helper()
	sc := new(gdScratch)
	sweepMatrices(tb, name, im, gramDiagShapes(), func(p pool, key, m, n int, l gemvLayout) (fmt.Stringer, string) {
		pr := sc.place(p, key, m, n, l)
		return pr, sc.check(gt, im, pr)
	})
}

// golden returns the cases of GramDiag: shapes around every vector width
// and column block and across a chunk of rows, every class, rows padded
// (lda > n, the padding NaN) in half of them, a, sums and squares at
// different offsets, sums and squares starting from values. The output
// is sums, then squares.
func (gt *gramDiagTest) golden(name string) []goldenCase {
	ms := []int{0, 1, 2, 5, 17, 130} // 130 = 4 chunks of 32 rows and 2
	ns := []int{0, 1, 2, 3, 5, 8, 9, 16, 17, 24, 25, 33, 47, 48, 49, 66}
	var cases []goldenCase
	for i, m := range ms {
		for j, n := range ns {
			for c, class := range goldenClasses {
				lda := max(1, n) + 3*((i+j+c)%2)
				off := (i + j + c) % 4
				desc := fmt.Sprintf("%s %dx%d lda=%d off=%d %s", name, m, n, lda, off, class)
				cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
					as, vs := goldenFill(goldenRand(desc), c, max(m*n, 2*n))
					a := make([]float64, matrixLen(m, n, lda))
					for r := range a {
						a[r] = math.NaN() // padding
					}
					for r := 0; r < m && n > 0; r++ {
						copy(a[r*lda:r*lda+n], as[r*n:])
					}
					sums, squares := goldenPlace(vs[:n], (off+1)%4), goldenPlace(vs[n:2*n], (off+2)%4)
					gt.run(im, m, n, goldenPlace(a, off), lda, sums, squares)
					return append(append([]float64(nil), sums...), squares...)
				}})
			}
		}
	}
	return cases
}

// fuzz is the body of FuzzGramDiag: the bytes give a, and sums and
// squares cycle through the same values; m goes past several chunks of
// rows.
func (gt *gramDiagTest) fuzz(f *testing.F, name string) {
	gemvSeeds(f)
	f.Add(encodeFloats(pools[classRandom].x[:50]...), uint8(200), uint8(57), uint8(3), uint8(0x2d))
	f.Fuzz(func(t *testing.T, data []byte, mArg, nArg, pad, off uint8) {
		vals := decodeFloats(data)
		m, n := int(mArg), int(nArg)%(maxFuzzDim+1)
		lda := max(1, n) + int(pad)%9
		sc := new(gdScratch)
		for _, im := range supported() {
			pr := gdProblem{m: m, n: n, lda: lda}
			pr.a = sc.a.place(matrixLen(m, n, lda), int(off&7))
			as := pr.a.s()
			fillGuard(as)
			k := 0
			for i := 0; i < m && n > 0; i++ {
				for j := 0; j < n; j++ {
					as[i*lda+j] = 0
					if len(vals) > 0 {
						as[i*lda+j] = vals[k%len(vals)]
					}
					k++
				}
			}
			pr.sums = fuzzVec(&sc.sums, vals, n, int(off>>3&7), 1)
			pr.squares = fuzzVec(&sc.squares, vals, n, [...]int{0, 3, 5, 7}[off>>6], 2)
			if d := sc.check(gt, im, pr); d != "" {
				t.Fatalf("%s[%s] %v, %d decoded values: %s", name, im.name, pr, len(vals), d)
			}
		}
	})
}

// TestGramDiagAccumulatesEverywhere: on every implementation, calls on
// rows [0, p) and then [p, m) give the bits of one call on [0, m), for
// splits on both sides of a chunk of rows, and every implementation gives
// generic's bits.
func TestGramDiagAccumulatesEverywhere(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		p := pools[classCancel]
		for _, shape := range [][2]int{{7, 5}, {300, 13}, {260, 66}, {140, 49}} {
			m, n := shape[0], shape[1]
			lda := n + 2
			a := make([]float64, matrixLen(m, n, lda))
			for i := range a {
				a[i], _ = p.at(3*i + m)
			}
			whole := [2][]float64{make([]float64, n), make([]float64, n)}
			im.gramDiag(m, n, a, lda, whole[0], whole[1])
			want := [2][]float64{make([]float64, n), make([]float64, n)}
			generic.GramDiag(m, n, a, lda, want[0], want[1])
			for k := range whole {
				if d := firstDiffSame("output", whole[k], want[k]); d != "" {
					t.Fatalf("%dx%d, output %d against generic: %s", m, n, k, d)
				}
			}
			c := gramDiagChunk
			for _, split := range []int{0, 1, m / 3, c - 1, c, c + 1, 4*c + 1, m - 1, m} {
				if split > m {
					continue
				}
				parts := [2][]float64{make([]float64, n), make([]float64, n)}
				im.gramDiag(split, n, a, lda, parts[0], parts[1])
				if split < m {
					im.gramDiag(m-split, n, a[split*lda:], lda, parts[0], parts[1])
				}
				for k := range parts {
					if d := firstDiffSame("output", parts[k], whole[k]); d != "" {
						t.Fatalf("%dx%d split at row %d, output %d: %s", m, n, split, k, d)
					}
				}
			}
		}
	})
}
