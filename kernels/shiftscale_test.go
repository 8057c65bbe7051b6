package kernels

import (
	"fmt"
	"math"
	"testing"
)

// The ShiftScale tests prove ShiftScale gives the bits of package generic
// for every row length up to ten AVX-512 vectors, row counts from none to
// many, row strides lda and ldz > n and every alignment of a, shift, scale
// and z, on every data class. Row padding of a holds the guard NaN; z
// starts as garbage, and its padding between rows, which ShiftScale must
// not write, is compared too.

// shiftScaleTest is the family of ShiftScale.
type shiftScaleTest struct {
	run func(im *implementation, m, n int, a []float64, lda int, shift, scale, z []float64, ldz int)
	ref func(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int)
}

// ssScratch is the reusable storage of a ShiftScale check.
type ssScratch struct{ a, shift, scale, z, a0, shift0, scale0, want vecBuf }

// ssProblem is one placed ShiftScale input.
type ssProblem struct {
	m, n, lda, ldz     int
	a, shift, scale, z vec
}

func (p ssProblem) String() string {
	return fmt.Sprintf("m=%d n=%d lda=%d ldz=%d offset a=%d shift=%d scale=%d z=%d",
		p.m, p.n, p.lda, p.ldz, p.a.lo-guardLen, p.shift.lo-guardLen, p.scale.lo-guardLen, p.z.lo-guardLen)
}

// shiftScaleShapes returns the m×n shapes of the sweep.
func shiftScaleShapes() [][2]int {
	ms, maxN := []int{0, 1, 2, 3, 5, 17}, 80
	if testing.Short() {
		ms, maxN = []int{0, 1, 3, 17}, 70
	}
	var shapes [][2]int
	for _, m := range ms {
		for n := 0; n <= maxN; n++ {
			shapes = append(shapes, [2]int{m, n})
		}
	}
	return append(shapes, [2]int{1000, 8}, [2]int{3, 1100}, [2]int{100, 37})
}

// place places an m×n problem from pool p: a's elements, shift and scale
// from the pool, a's row padding the guard NaN, z all pool garbage.
func (sc *ssScratch) place(p pool, key, m, n int, l gemvLayout) ssProblem {
	ldz := max(1, n) + (key*7)%5
	pr := ssProblem{m: m, n: n, lda: l.lda, ldz: ldz}
	pr.a = sc.a.place(matrixLen(m, n, l.lda), l.offA)
	as := pr.a.s()
	fillGuard(as)
	for i := 0; i < m && n > 0; i++ {
		for j := 0; j < n; j++ {
			as[i*l.lda+j], _ = p.at(key + i*n + j)
		}
	}
	pr.shift, pr.scale = sc.shift.place(n, l.offX), sc.scale.place(n, l.offY)
	for j := range n {
		_, pr.shift.s()[j] = p.at(key + 3*j + 1)
		pr.scale.s()[j], _ = p.at(key + 5*j + 2)
	}
	pr.z = sc.z.place(matrixLen(m, n, ldz), (l.offA+5)%8)
	for i := range pr.z.s() {
		_, pr.z.s()[i] = p.at(key + 7*i + 3)
	}
	return pr
}

// check runs im's ShiftScale and the reference on the same inputs and
// describes the first difference in z, its padding or its guards, or a
// changed input.
func (sc *ssScratch) check(st *shiftScaleTest, im *implementation, pr ssProblem) string {
	a0, sh0, sc0, want := pr.a.copyInto(&sc.a0), pr.shift.copyInto(&sc.shift0), pr.scale.copyInto(&sc.scale0), pr.z.copyInto(&sc.want)
	if p := panicOf(func() {
		st.run(im, pr.m, pr.n, pr.a.s(), pr.lda, pr.shift.s(), pr.scale.s(), pr.z.s(), pr.ldz)
	}); p != "" {
		return "implementation panicked: " + p
	}
	for _, in := range []struct {
		name      string
		got, want vec
	}{{"a", pr.a, a0}, {"shift", pr.shift, sh0}, {"scale", pr.scale, sc0}} {
		if d := diffOut(in.name, in.got, in.want, true); d != "" {
			return "input modified: " + d
		}
	}
	if p := panicOf(func() {
		st.ref(pr.m, pr.n, pr.a.s(), pr.lda, pr.shift.s(), pr.scale.s(), want.s(), pr.ldz)
	}); p != "" {
		return "reference generic panicked: " + p
	}
	return diffOut("z", pr.z, want, false)
}

// sweep is the bitwise sweep of ShiftScale.
func (st *shiftScaleTest) sweep(tb failer, name string, im *implementation) {
	tb.Helper()
	sc := new(ssScratch)
	sweepMatrices(tb, name, im, shiftScaleShapes(), func(p pool, key, m, n int, l gemvLayout) (fmt.Stringer, string) {
		pr := sc.place(p, key, m, n, l)
		return pr, sc.check(st, im, pr)
	})
}

// golden returns the cases of ShiftScale: shapes around every vector
// width, every class, padded rows of a (NaN) and z (NaN, which must stay)
// in half of them. The output is all of z.
func (st *shiftScaleTest) golden(name string) []goldenCase {
	ms := []int{0, 1, 2, 5, 17}
	ns := []int{0, 1, 2, 3, 5, 8, 9, 16, 17, 32, 33, 64, 65}
	var cases []goldenCase
	for i, m := range ms {
		for j, n := range ns {
			for c, class := range goldenClasses {
				pad := 3 * ((i + j + c) % 2)
				lda, ldz := max(1, n)+pad, max(1, n)+2*pad
				off := (i + j + c) % 4
				desc := fmt.Sprintf("%s %dx%d lda=%d ldz=%d off=%d %s", name, m, n, lda, ldz, off, class)
				cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
					as, vs := goldenFill(goldenRand(desc), c, max(m*n, 2*n))
					a := make([]float64, matrixLen(m, n, lda))
					z := make([]float64, matrixLen(m, n, ldz))
					for r := range a {
						a[r] = math.NaN() // padding
					}
					for r := range z {
						z[r] = math.NaN() // garbage, and padding that must stay
					}
					for r := 0; r < m && n > 0; r++ {
						copy(a[r*lda:r*lda+n], as[r*n:])
					}
					z = goldenPlace(z, (off+3)%4)
					st.run(im, m, n, goldenPlace(a, off), lda,
						goldenPlace(vs[:n], (off+1)%4), goldenPlace(vs[n:2*n], (off+2)%4), z, ldz)
					return z
				}})
			}
		}
	}
	return cases
}

// fuzz is the body of FuzzShiftScale: the bytes give a, and shift, scale
// and z's garbage cycle through the same values.
func (st *shiftScaleTest) fuzz(f *testing.F, name string) {
	gemvSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, mArg, nArg, pad, off uint8) {
		vals := decodeFloats(data)
		m, n := int(mArg)%(maxFuzzDim+1), int(nArg)%(maxFuzzDim+1)
		lda, ldz := max(1, n)+int(pad)%9, max(1, n)+int(pad>>4)%5
		sc := new(ssScratch)
		for _, im := range supported() {
			pr := ssProblem{m: m, n: n, lda: lda, ldz: ldz}
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
			pr.shift = fuzzVec(&sc.shift, vals, n, int(off>>3&7), 1)
			pr.scale = fuzzVec(&sc.scale, vals, n, [...]int{0, 3, 5, 7}[off>>6], 2)
			pr.z = fuzzVec(&sc.z, vals, matrixLen(m, n, ldz), int(off+3)&7, 3)
			if d := sc.check(st, im, pr); d != "" {
				t.Fatalf("%s[%s] %v, %d decoded values: %s", name, im.name, pr, len(vals), d)
			}
		}
	})
}

// TestShiftScaleTwoRoundings checks ShiftScale against exact arithmetic,
// independently of package generic: each element must be the difference
// a − shift rounded to nearest even, times scale, rounded again, over the
// finite values of every pool. A kernel that distributed the product
// (a·scale − shift·scale) or kept the difference unrounded would not
// match.
func TestShiftScaleTwoRoundings(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, p := range pools {
			n := 37
			m := 40
			a := make([]float64, m*n)
			for i := range a {
				a[i], _ = p.at(i)
			}
			shift, scale := make([]float64, n), make([]float64, n)
			for j := range n {
				_, shift[j] = p.at(5*j + 1)
				scale[j], _ = p.at(11*j + 2)
			}
			z := make([]float64, m*n)
			im.shiftScale(m, n, a, n, shift, scale, z, n)
			for i := range m {
				for j := range n {
					x, s, c := a[i*n+j], shift[j], scale[j]
					if !finite(x, s, c) {
						continue
					}
					d, _ := newExact().Sub(exact(x), exact(s)).Float64()
					if math.IsInf(d, 0) {
						continue // big.Float does not round to ±Inf the IEEE way
					}
					want, _ := newExact().Mul(exact(d), exact(c)).Float64()
					if d == 0 || want == 0 || math.IsInf(want, 0) {
						continue // signs of zero and overflow are the bitwise tests' business
					}
					if got := z[i*n+j]; !sameBits(got, want) {
						t.Fatalf("class=%s: z[%d,%d] = (%v − %v)·%v = %s, want %s", p.class, i, j, x, s, c, fmtBits(got), fmtBits(want))
					}
				}
			}
		}
	})
}
