package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// These tests run, in the emulator, every kernel that has a float32 twin
// (spec.For(spec.Float32)), for both element types, and compare it bit
// for bit (NaN payloads aside) with the reference of package
// kernels/generic: the float32 kernels DotF32AVX512 … are proved here on
// machines without AVX-512, and the float64 ones prove the emulator's
// reductions, folds, masks and searches on kernels that run on AVX-512
// hardware. The module of the generators does not require the main
// module, so the reference is written out below from generic's code: the
// lanes, the halving fold and the final + 0 of its package doc, and
// fma32, a copy of generic.FMA32 (the emulator computes its FMAs with
// math/big instead, so each checks the other).
//
// Every vector has lengths 0 … 200 and some long ones, several offsets
// into its allocation, and data of mixed magnitude with signed zeros,
// subnormals, infinities and NaNs mixed in; every slice is exactly as
// long as the kernel may read, so any stray lane fails the emulator.

type float interface{ float32 | float64 }

// twin is the element type T under test with its reference operations.
type twin[T float] struct {
	e    spec.Elem
	fma  func(a, b, c T) T
	abs  func(T) T
	bits func(T) uint64
	from func(uint64) T // a result's bits
	rand func(r *rand.Rand, n, d int) []T
}

var twin64 = twin[float64]{
	e:    spec.Float64,
	fma:  math.FMA,
	abs:  math.Abs,
	bits: math.Float64bits,
	from: math.Float64frombits,
	rand: emuData,
}

var twin32 = twin[float32]{
	e:    spec.Float32,
	fma:  fma32,
	abs:  func(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) },
	bits: func(v float32) uint64 { return uint64(math.Float32bits(v)) },
	from: func(u uint64) float32 { return math.Float32frombits(uint32(u)) },
	rand: emuData32,
}

// emuData32 is emuData for float32, with float32's specials: signed
// zeros, infinities, NaN, the smallest subnormal, a larger negative one,
// the largest finite value, and numbers whose squares underflow.
func emuData32(r *rand.Rand, n, d int) []float32 {
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		0x1p-149, -0x1.8p-130, math.MaxFloat32, 0x1p-80, -0x1.4p-76}
	s := make([]float32, n)
	for i := range s {
		s[i] = (r.Float32()*2 - 1) * float32(math.Ldexp(1, r.IntN(30)-15))
		if d > 0 && r.IntN(d) == 0 {
			s[i] = specials[r.IntN(len(specials))]
		}
	}
	return s
}

// fma32 is generic.FMA32: a·b + c computed exactly and rounded once to
// float32. The product of two float32 values is exact in float64, so the
// float64 sum is the exact result rounded once, and the second rounding
// is right unless that sum is a float32 halfway point and was inexact;
// then it moves one float64 step towards the exact result first.
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	c64 := float64(c)
	s := p + c64
	bits := math.Float64bits(s)
	exp := int(bits>>52) & 0x7ff
	if exp >= 1023-126 && exp < 1023+128 && bits&(1<<29-1) != 1<<28 {
		return float32(s)
	}
	if s != s || !halfway32(s) {
		return float32(s)
	}
	pv := s - c64
	cv := s - pv
	e := (p - pv) + (c64 - cv)
	switch {
	case e > 0:
		s = math.Nextafter(s, math.Inf(1))
	case e < 0:
		s = math.Nextafter(s, math.Inf(-1))
	}
	return float32(s)
}

// halfway32 is generic's: whether s lies exactly halfway between two
// adjacent float32 values, or between the largest float32 and 2¹²⁸.
func halfway32(s float64) bool {
	f := float32(s)
	fd := float64(f)
	if fd == s {
		return false
	}
	var other float64
	switch {
	case math.IsInf(fd, 0):
		fd = math.Copysign(0x1p128, s)
		other = math.Copysign(math.MaxFloat32, s)
	case fd > s:
		other = float64(math.Nextafter32(f, float32(math.Inf(-1))))
	default:
		other = float64(math.Nextafter32(f, float32(math.Inf(1))))
	}
	if math.IsInf(other, 0) {
		other = math.Copysign(0x1p128, other)
	}
	return s == (fd+other)/2
}

// lanes returns the canonical reduction over n elements: acc[i mod L] =
// update(acc[i mod L], i), the halving fold, then + 0.
func (tw twin[T]) lanes(n int, update func(acc T, i int) T) T {
	acc := make([]T, tw.e.Lanes())
	for i := range n {
		acc[i%len(acc)] = update(acc[i%len(acc)], i)
	}
	for w := len(acc) / 2; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = acc[j] + acc[j+w]
		}
	}
	return acc[0] + 0 // never −0
}

func (tw twin[T]) dot(x, y []T) T {
	return tw.lanes(len(x), func(acc T, i int) T { return tw.fma(x[i], y[i], acc) })
}

func (tw twin[T]) same(a, b T) bool { return tw.bits(a) == tw.bits(b) || a != a && b != b }

func (tw twin[T]) diff(got, want []T) string {
	for i := range got {
		if !tw.same(got[i], want[i]) {
			return fmt.Sprintf("element %d: got %v (%#x), want %v (%#x)", i, got[i], tw.bits(got[i]), want[i], tw.bits(want[i]))
		}
	}
	return ""
}

// twinLengths are the vector lengths every kernel is run on.
func twinLengths() []int {
	var ns []int
	for n := range 201 {
		ns = append(ns, n)
	}
	return append(ns, 255, 256, 257, 320, 383, 384, 511, 512, 513, 1000, 1024, 1031, 4099)
}

// place copies s to offset off of a fresh allocation and returns the copy,
// its capacity cut at its length: the emulator allows exactly len(s)
// elements.
func place[T float](s []T, off int) []T {
	buf := make([]T, off+len(s)+3)
	c := buf[off : off+len(s) : off+len(s)]
	copy(c, s)
	return c
}

// vectorCase is one run of a vector kernel: a length, an offset into
// the allocation, the density of specials and which specials.
type vectorCase struct{ n, off, d int }

func vectorCases() []vectorCase {
	var cs []vectorCase
	for i, n := range twinLengths() {
		cs = append(cs, vectorCase{n, []int{0, 1, 5, 14, 3, 15, 8}[i%7], []int{0, 5, 30, 0, 200}[i%5]})
	}
	return cs
}

// testVectorKernels checks Dot, Sum, SumSqDiff, Asum, ScaledSumSq, Amax,
// IndexAbs, Axpy and Scal for element type T.
func testVectorKernels[T float](t *testing.T, tw twin[T]) {
	r := rand.New(rand.NewPCG(11, uint64(tw.e.Size)))
	fn := func(name string) func(args ...emuArg) uint64 {
		f, k := emuKernelOf(t, name, tw.e)
		return func(args ...emuArg) uint64 {
			t.Helper()
			out, err := emulateResults(f, k, args...)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if len(out) == 1 {
				return out[0]
			}
			return 0
		}
	}
	dot, sum, sumSqDiff := fn("Dot"), fn("Sum"), fn("SumSqDiff")
	asum, scaledSumSq, amax, indexAbs := fn("Asum"), fn("ScaledSumSq"), fn("Amax"), fn("IndexAbs")
	axpy, scal := fn("Axpy"), fn("Scal")
	alphas := []T{0.75, -3, 1, 0x1p-60, 0x1p40, 0, T(math.Inf(1)), T(math.NaN())}

	check := func(c vectorCase, name string, got uint64, want T) {
		t.Helper()
		if g := tw.from(got); !tw.same(g, want) {
			t.Fatalf("%s n=%d off=%d d=%d: got %v (%#x), want %v (%#x)", name, c.n, c.off, c.d, g, tw.bits(g), want, tw.bits(want))
		}
	}
	for _, c := range vectorCases() {
		n := c.n
		x, y := tw.rand(r, n, c.d), tw.rand(r, n, c.d)
		xs, ys := place(x, c.off), place(y, (c.off+7)%16)

		check(c, "Dot", dot(xs, ys), tw.dot(x, y))
		// Products that round to −0, so that every lane fed is −0: the
		// fold gives −0 only when all L lanes are, and the result must
		// still be +0, also when the kernel skips untouched lanes.
		tiny, negTiny := make([]T, n), make([]T, n)
		for i := range n {
			tiny[i], negTiny[i] = 0x1p-80, T(math.Copysign(0x1p-1000, -1))
			if tw.e.Size == 4 {
				negTiny[i] = -0x1p-80
			}
		}
		check(c, "Dot of −0 products", dot(place(tiny, c.off), place(negTiny, c.off)), tw.dot(tiny, negTiny))
		check(c, "Sum", sum(xs), tw.lanes(n, func(acc T, i int) T { return acc + x[i] }))
		check(c, "SumSqDiff", sumSqDiff(xs, ys), tw.lanes(n, func(acc T, i int) T {
			d := x[i] - y[i]
			return tw.fma(d, d, acc)
		}))
		check(c, "Asum", asum(xs), tw.lanes(n, func(acc T, i int) T { return acc + tw.abs(x[i]) }))
		alpha := alphas[r.IntN(len(alphas))]
		check(c, "ScaledSumSq", scaledSumSq(alpha, xs), tw.lanes(n, func(acc T, i int) T {
			s := alpha * x[i]
			return tw.fma(s, s, acc)
		}))

		var m T
		for _, v := range x {
			if a := tw.abs(v); a > m {
				m = a
			}
		}
		check(c, "Amax", amax(xs), m)
		// NaN never wins, wherever it is: many of them, the last element
		// always one.
		if n > 0 {
			xn := append([]T(nil), x...)
			for i := range xn {
				if r.IntN(3) == 0 || i == n-1 {
					xn[i] = T(math.NaN())
				}
			}
			var mn T
			for _, v := range xn {
				if a := tw.abs(v); a > mn {
					mn = a
				}
			}
			check(c, "Amax with NaNs", amax(place(xn, c.off)), mn)
		}

		// IndexAbs: v from an element (any chunk, the tail included),
		// the maximum, ±0, NaN, Inf and a value that is not there.
		vs := []T{m, 0, T(math.Copysign(0, -1)), T(math.NaN()), T(math.Inf(1)), 12345.5}
		for range 3 {
			if n > 0 {
				vs = append(vs, tw.abs(x[r.IntN(n)]))
			}
		}
		if n > 0 {
			vs = append(vs, tw.abs(x[n-1]))
		}
		for _, v := range vs {
			want := -1
			for i, e := range x {
				if tw.abs(e) == v {
					want = i
					break
				}
			}
			if got := int(indexAbs(v, xs)); got != want {
				t.Fatalf("IndexAbs(%v) n=%d off=%d d=%d: got %d, want %d", v, n, c.off, c.d, got, want)
			}
		}

		wantY, wantX := make([]T, n), make([]T, n)
		for i := range n {
			wantY[i] = tw.fma(alpha, x[i], y[i])
			wantX[i] = x[i] * alpha
		}
		axpy(alpha, xs, ys)
		if d := tw.diff(ys, wantY); d != "" {
			t.Fatalf("Axpy n=%d off=%d alpha=%v: %s", n, c.off, alpha, d)
		}
		scal(alpha, xs)
		if d := tw.diff(xs, wantX); d != "" {
			t.Fatalf("Scal n=%d off=%d alpha=%v: %s", n, c.off, alpha, d)
		}
	}
}

// testGemv checks GemvN and GemvT for element type T: every n up to 200
// (GemvT keeps up to 12 chunks of y in registers, 96 float64 or 192
// float32 columns, and sweeps wider ones), some long rows, row counts
// around the groups of both (3 rows of short GemvN, 2 of narrow GemvT,
// 5 of wide GemvT), row padding, and y's old contents overwritten.
func testGemv[T float](t *testing.T, tw twin[T]) {
	r := rand.New(rand.NewPCG(13, uint64(tw.e.Size)))
	gemvN, kN := emuKernelOf(t, "GemvN", tw.e)
	gemvT, kT := emuKernelOf(t, "GemvT", tw.e)
	ns := twinLengths()[:201]
	ns = append(ns, 255, 256, 257, 700)
	for ni, n := range ns {
		ms := []int{0, 1, 2, 3, 4, 5, 6, 7, 11}
		if n > 200 {
			ms = []int{1, 4, 6}
		}
		for mi, m := range ms {
			lda := max(1, n) + (m+n)%3
			d := []int{0, 6, 40}[(ni+mi)%3]
			a := tw.rand(r, matrixLen(m, n, lda), d)
			xN, xT := tw.rand(r, n, d), tw.rand(r, m, d)
			yN, yT := tw.rand(r, m, 3), tw.rand(r, n, 3) // old contents, overwritten
			off := (ni + 3*mi) % 16

			wantN := make([]T, m)
			for i := range m {
				if n > 0 { // n = 0: y = +0, the fold of untouched lanes
					wantN[i] = tw.dot(a[i*lda:i*lda+n], xN)
				}
			}
			wantT := make([]T, n)
			for i := range m {
				for j := range n {
					wantT[j] = tw.fma(xT[i], a[i*lda+j], wantT[j])
				}
			}

			as := place(a, off)
			ys := place(yN, (off+5)%16)
			if err := emulate(gemvN, kN, m, n, as, lda, place(xN, (off+9)%16), ys); err != nil {
				t.Fatalf("%s %dx%d lda=%d: %v", gemvN.Name, m, n, lda, err)
			}
			if diff := tw.diff(ys, wantN); diff != "" {
				t.Fatalf("%s %dx%d lda=%d d=%d: %s", gemvN.Name, m, n, lda, d, diff)
			}
			ys = place(yT, (off+11)%16)
			if err := emulate(gemvT, kT, m, n, as, lda, place(xT, (off+2)%16), ys); err != nil {
				t.Fatalf("%s %dx%d lda=%d: %v", gemvT.Name, m, n, lda, err)
			}
			if diff := tw.diff(ys, wantT); diff != "" {
				t.Fatalf("%s %dx%d lda=%d d=%d: %s", gemvT.Name, m, n, lda, d, diff)
			}
		}
	}
}

// testDotNorms checks DotNorms, which exists for float32 alone: each of
// its three results must be the bits of Dot(x, y), Dot(x, x) and Dot(y,
// y), on the lengths and offsets of the other vector kernels and more
// long ones (every whole-block count of the unrolled loop with every
// tail), the densities of specials (signed zeros, subnormals, infinities,
// NaN) of vectorCases and a dense one, x and y the same slice, and
// products that round to −0.
func testDotNorms(t *testing.T, tw twin[float32]) {
	fn, k := emuKernelOf(t, "DotNorms", tw.e)
	r := rand.New(rand.NewPCG(23, 29))
	cases := vectorCases()
	for i, n := range []int{4031, 4032, 4033, 4047, 4048, 4063, 4064, 4065, 4095, 4096, 4097, 4111, 4112, 4127, 4128} {
		cases = append(cases, vectorCase{n, []int{0, 3, 9, 15}[i%4], []int{0, 5, 30, 200, 2}[i%5]})
	}
	for _, n := range []int{1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 191, 200} {
		cases = append(cases, vectorCase{n, n % 16, 2})
	}
	run := func(c vectorCase, what string, x, y, xs, ys []float32) {
		t.Helper()
		out, err := emulateResults(fn, k, xs, ys)
		if err != nil {
			t.Fatalf("%s %s n=%d off=%d d=%d: %v", fn.Name, what, c.n, c.off, c.d, err)
		}
		if len(out) != 3 {
			t.Fatalf("%s: %d results", fn.Name, len(out))
		}
		for j, want := range []float32{tw.dot(x, y), tw.dot(x, x), tw.dot(y, y)} {
			if g := tw.from(out[j]); !tw.same(g, want) {
				t.Fatalf("%s %s n=%d off=%d d=%d: %s = %v (%#x), want %v (%#x)", fn.Name, what, c.n, c.off, c.d,
					[]string{"xy", "xx", "yy"}[j], g, tw.bits(g), want, tw.bits(want))
			}
		}
	}
	for _, c := range cases {
		n := c.n
		x, y := tw.rand(r, n, c.d), tw.rand(r, n, c.d)
		run(c, "random", x, y, place(x, c.off), place(y, (c.off+7)%16))
		xs := place(x, (c.off+4)%16)
		run(c, "with y = x", x, x, xs, xs)
		// x·y rounds to −0 in every lane fed, and must still be +0.
		tiny, negTiny := make([]float32, n), make([]float32, n)
		for i := range n {
			tiny[i], negTiny[i] = 0x1p-80, -0x1p-80
		}
		run(c, "of −0 products", tiny, negTiny, place(tiny, c.off), place(negTiny, c.off))
	}
}

func TestFloat32KernelsEmulated(t *testing.T) {
	if !isa.Float32 {
		t.Skip("the generator does not emit the float32 kernels")
	}
	t.Run("vector", func(t *testing.T) { testVectorKernels(t, twin32) })
	t.Run("gemv", func(t *testing.T) { testGemv(t, twin32) })
	t.Run("dotnorms", func(t *testing.T) { testDotNorms(t, twin32) })
}

func TestFloat64TwinsEmulated(t *testing.T) {
	t.Run("vector", func(t *testing.T) { testVectorKernels(t, twin64) })
	t.Run("gemv", func(t *testing.T) { testGemv(t, twin64) })
}

// TestFloat32Lanes: every float32 kernel the generator writes is one of
// spec.For(spec.Float32), and the tests above cover all of them.
func TestFloat32Lanes(t *testing.T) {
	if !isa.Float32 {
		t.Skip("the generator does not emit the float32 kernels")
	}
	tested := map[string]bool{"Dot": true, "Sum": true, "SumSqDiff": true, "Axpy": true, "Scal": true, "Asum": true,
		"Amax": true, "IndexAbs": true, "ScaledSumSq": true, "GemvN": true, "GemvT": true, "DotNorms": true}
	n := 0
	for _, k := range spec.ForISA(spec.Float32, isa.Name) {
		if !tested[k.Name] {
			t.Errorf("%s has a float32 twin that no emulator test runs", k.Name)
		}
		if emuFns[k.Symbol(spec.Float32, isa.Name)] == nil {
			t.Errorf("no function %s", k.Symbol(spec.Float32, isa.Name))
		}
		n++
	}
	for name := range emuFns {
		if len(name) > 9 && name[len(name)-9:] == "F32AVX512" {
			n--
		}
	}
	if n != 0 {
		t.Errorf("the generator writes float32 functions that spec.For(spec.Float32) does not list")
	}
}

// TestEmuFMA32: the emulator's float32 FMA (math/big) against fma32, the
// reference's copy of generic.FMA32, on the cases where rounding the
// float64 result again goes wrong, overflow, subnormals and zeros, and
// random operands.
func TestEmuFMA32(t *testing.T) {
	check := func(a, b, c float32) {
		t.Helper()
		got, want := emuFMA32(a, b, c), fma32(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) && !(got != got && want != want) {
			t.Fatalf("fma(%g, %g, %g): emulator %g (%#x), reference %g (%#x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	h := float32(1 + 0x1p-12) // h² = 1 + 2⁻¹¹ + 2⁻²⁴, a float32 halfway point
	check(h, h, 0x1p-60)
	check(h, h, -0x1p-60)
	check(-h, h, 0x1p-60)
	if float32(math.FMA(float64(h), float64(h), 0x1p-60)) == emuFMA32(h, h, 0x1p-60) {
		t.Fatal("the double-rounding case is not one")
	}
	check(math.MaxFloat32, 1, 0x1p103)
	check(math.MaxFloat32, 1, 0x1p103*(1-0x1p-23))
	check(0x1p-75, 0x1p-75, 0x1p-149)
	check(0x1p-75, 0x1p-74, -0x1p-149)
	check(0x1.8p-75, 0x1p-75, 0)
	check(0, -1, 0)
	check(float32(math.Copysign(0, -1)), 1, float32(math.Copysign(0, -1)))
	check(float32(math.Inf(1)), 0, 1)
	check(float32(math.Inf(1)), 1, float32(math.Inf(-1)))
	r := rand.New(rand.NewPCG(17, 19))
	for range 200_000 {
		a, b, c := math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32())
		check(a, b, c)
		check(a, b, -float32(float64(a)*float64(b)))
		x := float32(1 + float64(r.IntN(1<<11))*0x1p-12)
		check(x, x*float32(1+r.IntN(4)), float32(r.NormFloat64())*0x1p-40)
	}
}
