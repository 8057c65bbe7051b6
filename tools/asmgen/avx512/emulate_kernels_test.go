package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mmcloughlin/avo/ir"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// These tests run AVX-512 kernels in the emulator of emulate_test.go and
// compare them bit for bit (NaN payloads aside) with plain loops of the
// specification (kernels/generic), on data with signed zeros, infinities,
// NaNs and subnormals, with every slice exactly as long as the kernel may
// read: the emulator refuses any access outside. GemvT, Axpy and Scal
// have run on AVX-512 hardware and pass package kernels' tests there, so
// their passing here checks the emulator; Gram, ShiftScale and GramDiag
// are then checked by it on machines without AVX-512. Package kernels
// runs the real thing wherever the CPU has AVX-512.

var emuFns = func() map[string]*ir.Function {
	fns, err := emuFunctions()
	if err != nil {
		panic(err)
	}
	return fns
}()

func emuKernel(t *testing.T, name string) (*ir.Function, spec.Kernel) {
	t.Helper()
	return emuKernelOf(t, name, spec.Float64)
}

// emuKernelOf returns the compiled kernel name for element type e.
func emuKernelOf(t *testing.T, name string, e spec.Elem) (*ir.Function, spec.Kernel) {
	t.Helper()
	for _, k := range spec.For(e) {
		if k.Name == name {
			fn := emuFns[k.Symbol(e, isa.Name)]
			if fn == nil {
				t.Fatalf("no function for %s", k.Symbol(e, isa.Name))
			}
			return fn, k
		}
	}
	t.Fatalf("no kernel %s for %s", name, e.GoType)
	return nil, spec.Kernel{}
}

// emuData returns n values: mostly random of mixed magnitude, with
// specials mixed in at density 1/d (none for d = 0).
func emuData(r *rand.Rand, n, d int) []float64 {
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, -2.2e-308, math.MaxFloat64}
	s := make([]float64, n)
	for i := range s {
		s[i] = (r.Float64()*2 - 1) * math.Ldexp(1, r.IntN(40)-20)
		if d > 0 && r.IntN(d) == 0 {
			s[i] = specials[r.IntN(len(specials))]
		}
	}
	return s
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func firstDiff(got, want []float64) string {
	for i := range got {
		if !sameBits(got[i], want[i]) {
			return fmt.Sprintf("element %d: got %v (%#x), want %v (%#x)", i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
	return ""
}

func matrixLen(m, n, lda int) int {
	if m == 0 || n == 0 {
		return 0
	}
	return (m-1)*lda + n
}

// TestEmulatorOnHardwareKernels runs kernels known to be right on AVX-512
// hardware: a wrong emulator fails here.
func TestEmulatorOnHardwareKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gemvT, kT := emuKernel(t, "GemvT")
	axpy, kA := emuKernel(t, "Axpy")
	scal, kS := emuKernel(t, "Scal")
	for _, m := range []int{0, 1, 2, 5, 9} {
		for n := 0; n <= 70; n++ {
			lda := max(1, n) + m%3
			a := emuData(r, matrixLen(m, n, lda), 8)
			x := emuData(r, m, 8)
			y, want := emuData(r, n, 0), make([]float64, n)
			for i := range m {
				for j := range n {
					want[j] = math.FMA(x[i], a[i*lda+j], want[j])
				}
			}
			if err := emulate(gemvT, kT, m, n, a, lda, x, y); err != nil {
				t.Fatalf("GemvT %dx%d: %v", m, n, err)
			}
			if d := firstDiff(y, want); d != "" {
				t.Fatalf("GemvT %dx%d: %s", m, n, d)
			}
		}
	}
	for n := 0; n <= 80; n++ {
		x, y := emuData(r, n, 6), emuData(r, n, 6)
		alpha := []float64{0.75, -3, 0, math.Inf(1)}[n%4]
		want, wantS := make([]float64, n), make([]float64, n)
		for i := range n {
			want[i] = math.FMA(alpha, x[i], y[i])
			wantS[i] = x[i] * alpha
		}
		if err := emulate(axpy, kA, alpha, x, y); err != nil {
			t.Fatalf("Axpy n=%d: %v", n, err)
		}
		if d := firstDiff(y, want); d != "" {
			t.Fatalf("Axpy n=%d: %s", n, d)
		}
		if err := emulate(scal, kS, alpha, x); err != nil {
			t.Fatalf("Scal n=%d: %v", n, err)
		}
		if d := firstDiff(x, wantS); d != "" {
			t.Fatalf("Scal n=%d: %s", n, d)
		}
	}
}

// TestEmulatorRefusesStrayAccess: the emulator must catch a read of one
// element past a slice, which is what it is for.
func TestEmulatorRefusesStrayAccess(t *testing.T) {
	gemvT, k := emuKernel(t, "GemvT")
	a := make([]float64, 3*5)
	// len(a) is one short of the matrix; the last element is read.
	if err := emulate(gemvT, k, 3, 5, a[:14], 5, make([]float64, 3), make([]float64, 5)); err == nil {
		t.Fatal("GemvT read past a without an error")
	} else {
		t.Logf("caught: %v", err)
	}
}

// TestGramEmulated: GramAVX512 against the loop of the specification, for
// every n up to three column blocks and a remainder, row counts across a
// chunk, row padding, g accumulating from its values and its lower
// triangle (NaN) untouched.
func TestGramEmulated(t *testing.T) {
	fn, k := emuKernel(t, "Gram")
	r := rand.New(rand.NewPCG(3, 4))
	ms := []int{0, 1, 2, 3, 5, 9}
	for n := 0; n <= 3*gramShape.Block()+5; n++ {
		for _, m := range append(ms, []int{129, 257}[n%2]) {
			lda := max(1, n) + (m+n)%3
			a := emuData(r, matrixLen(m, n, lda), []int{0, 5, 40}[n%3])
			g := emuData(r, n*n, 0)
			for j := range n {
				for l := range j {
					g[j*n+l] = math.NaN()
				}
			}
			want := append([]float64(nil), g...)
			for i := range m {
				for j := range n {
					for l := j; l < n; l++ {
						want[j*n+l] = math.FMA(a[i*lda+j], a[i*lda+l], want[j*n+l])
					}
				}
			}
			if err := emulate(fn, k, m, n, a, lda, g); err != nil {
				t.Fatalf("Gram %dx%d lda=%d: %v", m, n, lda, err)
			}
			for i := range g {
				if !sameBits(g[i], want[i]) || math.IsNaN(want[i]) != math.IsNaN(g[i]) {
					t.Fatalf("Gram %dx%d lda=%d: g[%d,%d] = %v, want %v", m, n, lda, i/n, i%n, g[i], want[i])
				}
			}
		}
	}
}

// TestShiftScaleEmulated: ShiftScaleAVX512 against the loop of the
// specification for every n up to ten vectors, padded rows of a and z,
// and z's padding untouched.
func TestShiftScaleEmulated(t *testing.T) {
	fn, k := emuKernel(t, "ShiftScale")
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n <= 80; n++ {
		for _, m := range []int{0, 1, 2, 7} {
			lda, ldz := max(1, n)+m%3, max(1, n)+(m+n)%4
			a := emuData(r, matrixLen(m, n, lda), []int{0, 6}[n%2])
			shift, scale := emuData(r, n, 10), emuData(r, n, 10)
			z := emuData(r, matrixLen(m, n, ldz), 0)
			want := append([]float64(nil), z...)
			for i := range m {
				for j := range n {
					d := a[i*lda+j] - shift[j]
					want[i*ldz+j] = d * scale[j]
				}
			}
			if err := emulate(fn, k, m, n, a, lda, shift, scale, z, ldz); err != nil {
				t.Fatalf("ShiftScale %dx%d: %v", m, n, err)
			}
			if d := firstDiff(z, want); d != "" {
				t.Fatalf("ShiftScale %dx%d lda=%d ldz=%d: %s", m, n, lda, ldz, d)
			}
		}
	}
}

// TestGramDiagEmulated: GramDiagAVX512 against the loop of the
// specification, for every n up to three column blocks of 48 and a
// remainder (so every tail of the vector and of the block), row counts
// across a chunk of rows, row padding, and sums and squares accumulating
// from their values.
func TestGramDiagEmulated(t *testing.T) {
	fn, k := emuKernel(t, "GramDiag")
	r := rand.New(rand.NewPCG(7, 8))
	B := gramDiagVecs * float64Elem.V()
	ms := []int{0, 1, 2, 3, 5, 9}
	for n := 0; n <= 3*B+9; n++ {
		for _, m := range append(ms, []int{gramDiagChunkRows, gramDiagChunkRows + 1, 2*gramDiagChunkRows + 1}[n%3]) {
			lda := max(1, n) + (m+n)%3
			a := emuData(r, matrixLen(m, n, lda), []int{0, 5, 40}[n%3])
			sums, squares := emuData(r, n, 10), emuData(r, n, 10)
			wantS, wantQ := append([]float64(nil), sums...), append([]float64(nil), squares...)
			for i := range m {
				for j := range n {
					v := a[i*lda+j]
					wantS[j] = wantS[j] + v
					wantQ[j] = math.FMA(v, v, wantQ[j])
				}
			}
			if err := emulate(fn, k, m, n, a, lda, sums, squares); err != nil {
				t.Fatalf("GramDiag %dx%d lda=%d: %v", m, n, lda, err)
			}
			if d := firstDiff(sums, wantS); d != "" {
				t.Fatalf("GramDiag %dx%d lda=%d: sums: %s", m, n, lda, d)
			}
			if d := firstDiff(squares, wantQ); d != "" {
				t.Fatalf("GramDiag %dx%d lda=%d: squares: %s", m, n, lda, d)
			}
		}
	}
}
