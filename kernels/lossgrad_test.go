package kernels

import (
	"fmt"
	"math"
	"testing"
)

// The LossGrad tests prove the fused pass gives the bits of package
// generic for every small shape and layout (its sweep, which TestBitwise
// runs: the gemv sweep's shapes, row padding holding the guard NaN, g
// starting as garbage that must be overwritten, guards around every
// slice), and that generic's bits are those of the two-pass composition
// the specification names.

// lgScratch is the reusable storage of a LossGrad sweep.
type lgScratch struct{ a, w, y, g, a0, w0, y0, want vecBuf }

// lgProblem is one placed LossGrad input.
type lgProblem struct {
	m, n, lda int
	a, w, y   vec
	g         vec // starts as garbage
	c         float64
}

func (p lgProblem) String() string {
	return fmt.Sprintf("m=%d n=%d lda=%d offset a=%d w=%d y=%d g=%d c=%s",
		p.m, p.n, p.lda, p.a.lo-guardLen, p.w.lo-guardLen, p.y.lo-guardLen, p.g.lo-guardLen, fmtBits(p.c))
}

// placeLossGrad places an m×n problem with layout l from pool p.
func (sc *lgScratch) place(p pool, key, m, n int, l gemvLayout) lgProblem {
	pr := lgProblem{m: m, n: n, lda: l.lda}
	pr.a = sc.a.place(matrixLen(m, n, l.lda), l.offA)
	as := pr.a.s()
	fillGuard(as)
	for i := 0; i < m && n > 0; i++ {
		for j := 0; j < n; j++ {
			as[i*l.lda+j], _ = p.at(key + i*n + j)
		}
	}
	pr.w, pr.y, pr.g = sc.w.place(n, l.offX), sc.y.place(m, l.offY), sc.g.place(n, (l.offX+3)%8)
	for i := range pr.w.s() {
		_, pr.w.s()[i] = p.at(key + 3*i + 1)
	}
	for i := range pr.y.s() {
		pr.y.s()[i], _ = p.at(key + 5*i + 2)
	}
	for i := range pr.g.s() {
		pr.g.s()[i], _ = p.at(key + 7*i + 3)
	}
	pr.c = p.alpha(key)
	return pr
}

// check runs im's LossGrad and the reference on the same inputs and
// describes the first difference in ssr, sr, g or the guards, or a
// changed input.
func (sc *lgScratch) check(l *lossGradTest, im *implementation, pr lgProblem) string {
	a0, w0, y0, want := pr.a.copyInto(&sc.a0), pr.w.copyInto(&sc.w0), pr.y.copyInto(&sc.y0), pr.g.copyInto(&sc.want)
	var ssr, sr float64
	if p := panicOf(func() { ssr, sr = l.run(im, pr.m, pr.n, pr.a.s(), pr.lda, pr.w.s(), pr.c, pr.y.s(), pr.g.s()) }); p != "" {
		return "implementation panicked: " + p
	}
	for _, in := range []struct {
		name      string
		got, want vec
	}{{"a", pr.a, a0}, {"w", pr.w, w0}, {"y", pr.y, y0}} {
		if d := diffOut(in.name, in.got, in.want, true); d != "" {
			return "input modified: " + d
		}
	}
	var wssr, wsr float64
	if p := panicOf(func() {
		wssr, wsr = l.ref(pr.m, pr.n, pr.a.s(), pr.lda, pr.w.s(), pr.c, pr.y.s(), want.s())
	}); p != "" {
		return "reference generic panicked: " + p
	}
	if !sameBits(ssr, wssr) || !sameBits(sr, wsr) {
		return fmt.Sprintf("ssr, sr = %s, %s; want %s, %s", fmtBits(ssr), fmtBits(sr), fmtBits(wssr), fmtBits(wsr))
	}
	return diffOut("g", pr.g, want, false)
}

// sweepLossGrad runs LossGrad of im on every shape and layout of the gemv
// sweep and compares it with the reference.
func sweepLossGrad(tb failer, l *lossGradTest, im *implementation) {
	tb.Helper()
	sc := new(lgScratch)
	for s, shape := range gemvShapes() {
		m, n := shape[0], shape[1]
		for v, lay := range gemvLayouts(n, s) {
			p := pools[(s+v)%len(pools)]
			pr := sc.place(p, s*3+v, m, n, lay)
			if d := sc.check(l, im, pr); d != "" {
				tb.Fatalf("LossGrad[%s] %v class=%s: %s", im.name, pr, p.class, d)
			}
		}
	}
}

// TestLossGradIsTheComposition proves the specification's claim: the
// fused pass has the bits of GemvN, the residual arithmetic, GemvT,
// Dot(r, r) and Sum(r), for every implementation.
func TestLossGradIsTheComposition(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		sc := new(lgScratch)
		for s, shape := range gemvShapes() {
			m, n := shape[0], shape[1]
			l := gemvLayouts(n, s)[1]
			p := pools[s%len(pools)]
			pr := sc.place(p, s, m, n, l)
			r := make([]float64, m)
			im.gemvN(m, n, pr.a.s(), pr.lda, pr.w.s(), r)
			for i, yi := range pr.y.s() {
				r[i] = (r[i] + pr.c) - yi
			}
			g := make([]float64, n)
			im.gemvT(m, n, pr.a.s(), pr.lda, r, g)
			wssr, wsr := im.dot(r, r), im.sum(r)
			ssr, sr := im.lossGrad(m, n, pr.a.s(), pr.lda, pr.w.s(), pr.c, pr.y.s(), pr.g.s())
			if !sameBits(ssr, wssr) || !sameBits(sr, wsr) {
				t.Fatalf("%v class=%s: ssr, sr = %s, %s; the composition gives %s, %s", pr, p.class, fmtBits(ssr), fmtBits(sr), fmtBits(wssr), fmtBits(wsr))
			}
			if d := firstDiffSame("g", pr.g.s(), g); d != "" {
				t.Fatalf("%v class=%s: %s", pr, p.class, d)
			}
		}
	})
}

// firstDiffSame describes the first element where got and want differ,
// NaN payloads aside.
func firstDiffSame(name string, got, want []float64) string {
	for i := range got {
		if !sameBits(got[i], want[i]) {
			return fmt.Sprintf("first difference at %s[%d]: got %s, want %s", name, i, fmtBits(got[i]), fmtBits(want[i]))
		}
	}
	return ""
}

func TestLossGradPanics(t *testing.T) {
	a := make([]float64, 12)
	w, y, g := make([]float64, 3), make([]float64, 4), make([]float64, 3)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"short w", func() { LossGrad(4, 3, a, 3, w[:2], 0, y, g) }, "len(w)=2"},
		{"short g", func() { LossGrad(4, 3, a, 3, w, 0, y, g[:1]) }, "len(g)=1"},
		{"short y", func() { LossGrad(4, 3, a, 3, w, 0, y[:3], g) }, "len(y)=3"},
		{"short a", func() { LossGrad(4, 3, a[:11], 3, w, 0, y, g) }, "len(a)=11"},
		{"bad lda", func() { LossGrad(4, 3, a, 2, w, 0, y, g) }, "lda=2"},
	} {
		p := panicOf(c.f)
		if p == "" || !containsAll(p, "kernels.LossGrad", c.want) {
			t.Errorf("%s: panic %q, want one naming kernels.LossGrad and %q", c.name, p, c.want)
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !contains(s, sub) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// fuzz is the body of FuzzLossGrad. It decodes a problem as the gemv
// targets do: the bytes give a, then w, y, g (garbage) and c cycle
// through the same values.
func (l *lossGradTest) fuzz(f *testing.F, name string) {
	gemvSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, mArg, nArg, pad, off uint8) {
		vals := decodeFloats(data)
		m, n := int(mArg)%(maxFuzzDim+1), int(nArg)%(maxFuzzDim+1)
		lay := gemvLayout{lda: max(1, n) + int(pad)%9, offA: int(off & 7), offX: int(off >> 3 & 7), offY: [...]int{0, 3, 5, 7}[off>>6]}
		sc := new(lgScratch)
		for _, im := range supported() {
			pr := lgProblem{m: m, n: n, lda: lay.lda}
			pr.a = sc.a.place(matrixLen(m, n, lay.lda), lay.offA)
			as := pr.a.s()
			fillGuard(as)
			k := 0
			for i := 0; i < m && n > 0; i++ {
				for j := 0; j < n; j++ {
					as[i*lay.lda+j] = 0
					if len(vals) > 0 {
						as[i*lay.lda+j] = vals[k%len(vals)]
					}
					k++
				}
			}
			pr.w = fuzzVec(&sc.w, vals, n, lay.offX, 1)
			pr.y = fuzzVec(&sc.y, vals, m, lay.offY, 2)
			pr.g = fuzzVec(&sc.g, vals, n, (lay.offX+3)%8, 3)
			if len(vals) > 0 {
				pr.c = vals[len(vals)/3]
			}
			if d := sc.check(l, im, pr); d != "" {
				t.Fatalf("%s[%s] %v, %d decoded values: %s", name, im.name, pr, len(vals), d)
			}
		}
	})
}

// TestLossGradNaNResidual: a NaN row poisons ssr, sr and every g[j] it
// touches, as the composition does; sanity for the special classes.
func TestLossGradNaNResidual(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		a := []float64{1, 2, math.NaN(), 4}
		g := make([]float64, 2)
		ssr, sr := im.lossGrad(2, 2, a, 2, []float64{1, 1}, 0, []float64{0, 0}, g)
		if !math.IsNaN(ssr) || !math.IsNaN(sr) || !math.IsNaN(g[0]) || !math.IsNaN(g[1]) {
			t.Errorf("ssr %v, sr %v, g %v: want NaN everywhere", ssr, sr, g)
		}
	})
}
