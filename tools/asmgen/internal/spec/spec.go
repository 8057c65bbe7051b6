// Package spec is the one description of every lanes kernel that the
// generators share: its name, its Go signature for an element type, and
// the plain loop it implements; and the instruction sets there is assembly
// for, with the CPU features each may use. The canonical order itself is
// specified in the package doc of github.com/lanes-go/lanes/kernels/generic;
// generators reproduce it, and the tests in package kernels prove they do.
//
// Adding a kernel is an entry in Kernels; an emitter for each instruction
// set (registered in each generator's emitters map); its twin in package
// generic, with its order in the package doc there; and an entry and a
// fuzz target in the kernel table of package kernels' tests
// (kernels/table_test.go). go generate writes the rest: the assembly, its
// Go declarations, and the dispatch and function table of package kernels.
package spec

import (
	"fmt"
	"slices"
	"strings"
)

// Elem is the element type a kernel is generated for.
type Elem struct {
	GoType string // "float64"
	Size   int    // bytes per element
	// Infix goes between a kernel's name and its ISA in symbols: float64
	// kernels have none (DotAVX2, like kernels.Dot), float32 ones "F32"
	// (DotF32AVX2), so both can live in one package.
	Infix string
}

// Float64 is the element type of every kernel today.
var Float64 = Elem{GoType: "float64", Size: 8}

// Float32 is the element type of package kernels/f32: the kernels whose
// Float32 field is set have a float32 twin (DotF32AVX2, generic.DotF32),
// in the same order with L = 64 lanes. An instruction set generates them
// once its ISA.Float32 is set.
var Float32 = Elem{GoType: "float32", Size: 4, Infix: "F32"}

// BlockBytes is the width of the accumulator block of every reduction:
// L = BlockBytes/Size lanes.
const BlockBytes = 256

// Lanes is L, the number of independent partial sums of a reduction.
func (e Elem) Lanes() int { return BlockBytes / e.Size }

// Kernel describes one kernel.
type Kernel struct {
	Name string
	// Params is the Go parameter list with the element type written as T.
	Params string
	// Result is the Go result type with the element type written as T, or "".
	Result string
	// Loop is the plain Go loop the kernel computes, in the canonical
	// order, for the stub's doc comment.
	Loop []string
	// Float32 reports that the kernel has a float32 twin in package
	// kernels/f32, besides the float64 one in package kernels.
	Float32 bool
	// NoFloat64 marks a kernel that exists for float32 alone.
	NoFloat64 bool
	// Pending lists the instruction sets whose generators do not emit
	// the kernel yet: package kernels runs generic for it on those, with
	// the same bits, only slower.
	Pending []string
}

// For returns the kernels that exist for element type e, in the order of
// Kernels: those without NoFloat64 for float64, those with Float32 for
// float32.
func For(e Elem) []Kernel {
	var out []Kernel
	for _, k := range Kernels {
		if e == Float32 && k.Float32 || e != Float32 && !k.NoFloat64 {
			out = append(out, k)
		}
	}
	return out
}

// ForISA returns the kernels of For(e) that the generator of the
// instruction set named isa emits: all but those pending for it.
func ForISA(e Elem, isa string) []Kernel {
	var out []Kernel
	for _, k := range For(e) {
		if k.EmittedBy(isa) {
			out = append(out, k)
		}
	}
	return out
}

// EmittedBy reports whether the generator of the instruction set named
// isa emits k.
func (k Kernel) EmittedBy(isa string) bool { return !slices.Contains(k.Pending, isa) }

// Signature returns the Go signature "func(...) result" for element type e.
func (k Kernel) Signature(e Elem) string {
	s := "func(" + k.GoParams(e) + ")"
	if r := k.GoResult(e); r != "" {
		s += " " + r
	}
	return s
}

// GoParams returns the Go parameter list for element type e: "x, y
// []float64".
func (k Kernel) GoParams(e Elem) string { return strings.ReplaceAll(k.Params, "T", e.GoType) }

// GoResult returns the Go result type for element type e, or "".
func (k Kernel) GoResult(e Elem) string { return strings.ReplaceAll(k.Result, "T", e.GoType) }

// Symbol returns the assembly function name for an element type and an
// instruction set, such as "DotAVX2" or "DotF32AVX2".
func (k Kernel) Symbol(e Elem, isa string) string { return k.Name + e.Infix + isa }

// Doc returns the doc comment lines for the generated declaration.
func (k Kernel) Doc(e Elem, isa string) []string {
	doc := []string{
		fmt.Sprintf("%s is the %s twin of generic.%s. It computes", k.Symbol(e, isa), isa, k.Name),
		"exactly what this loop computes, where fma rounds once and, for",
		fmt.Sprintf("reductions, L = %d lanes and fold is the tree of package generic:", e.Lanes()),
		"",
	}
	for _, l := range k.Loop {
		doc = append(doc, "\t"+l)
	}
	return append(doc, "",
		"It does not check its arguments: package kernels checks the lengths",
		"before it calls this function.")
}

// Param is one parameter or named result of a kernel, its type written
// with the element type as T: "x []T", "lda int".
type Param struct{ Name, Type string }

// ParseParams parses a Go parameter list as Kernel.Params and a
// parenthesised Kernel.Result are written, names grouped before their
// type: "m, n int, a []T".
func ParseParams(list string) ([]Param, error) {
	var out []Param
	var pending []string
	for _, p := range strings.Split(list, ",") {
		fields := strings.Fields(p)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, fmt.Errorf("parameter %q", p)
		}
		pending = append(pending, fields[0])
		if len(fields) == 1 {
			continue // the type comes with a later name
		}
		for _, name := range pending {
			out = append(out, Param{name, fields[1]})
		}
		pending = nil
	}
	if pending != nil {
		return nil, fmt.Errorf("parameters %v have no type", pending)
	}
	return out, nil
}

// Args returns the names of k's parameters in order, the arguments of a
// call that passes them on.
func (k Kernel) Args() []string {
	ps, err := ParseParams(k.Params)
	if err != nil {
		panic(fmt.Sprintf("spec: %s: %v", k.Name, err))
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

// Kernels lists every kernel in the order the generators emit them.
var Kernels = []Kernel{
	{
		Name: "Dot", Params: "x, y []T", Result: "T",
		Float32: true,
		Loop: []string{
			"for i := range x { acc[i%L] = fma(x[i], y[i], acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Sum", Params: "x []T", Result: "T",
		Float32: true,
		Loop: []string{
			"for i := range x { acc[i%L] += x[i] }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "SumSqDiff", Params: "x, y []T", Result: "T",
		Float32: true,
		Loop: []string{
			"for i := range x { d := x[i] - y[i]; acc[i%L] = fma(d, d, acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Axpy", Params: "alpha T, x, y []T",
		Float32: true,
		Loop: []string{
			"for i := range x { y[i] = fma(alpha, x[i], y[i]) }",
		},
	},
	{
		Name: "Scal", Params: "alpha T, x []T",
		Float32: true,
		Loop: []string{
			"for i := range x { x[i] *= alpha }",
		},
	},
	{
		Name: "Asum", Params: "x []T", Result: "T",
		Float32: true,
		Loop: []string{
			"for i := range x { acc[i%L] += abs(x[i]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Amax", Params: "x []T", Result: "T",
		Float32: true,
		Loop: []string{
			"m := +0",
			"for i := range x { if abs(x[i]) > m { m = abs(x[i]) } } // NaN never wins",
			"return m",
		},
	},
	{
		Name: "IndexAbs", Params: "v T, x []T", Result: "int",
		Float32: true,
		Loop: []string{
			"for i := range x { if abs(x[i]) == v { return i } }",
			"return -1",
		},
	},
	{
		Name: "ScaledSumSq", Params: "alpha T, x []T", Result: "T",
		Float32: true,
		Loop: []string{
			"for i := range x { t := alpha * x[i]; acc[i%L] = fma(t, t, acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "GemvN", Params: "m, n int, a []T, lda int, x, y []T",
		Float32: true,
		Loop: []string{
			"for i := 0; i < m; i++ { y[i] = Dot(a[i*lda:i*lda+n], x) }",
		},
	},
	{
		Name: "LossGrad", Params: "m, n int, a []T, lda int, w []T, c T, y, g []T", Result: "(ssr, sr T)",
		Loop: []string{
			"for j := 0; j < n; j++ { g[j] = 0 }",
			"for i := 0; i < m; i++ {",
			"\trow := a[i*lda : i*lda+n]",
			"\tr := (Dot(row, w) + c) - y[i]",
			"\taccS[i%L] = fma(r, r, accS[i%L]); accR[i%L] += r",
			"\tfor j := 0; j < n; j++ { g[j] = fma(r, row[j], g[j]) }",
			"}",
			"return fold(accS) + 0, fold(accR) + 0",
		},
	},
	{
		Name: "GemvT", Params: "m, n int, a []T, lda int, x, y []T",
		Float32: true,
		Loop: []string{
			"for j := 0; j < n; j++ { y[j] = 0 }",
			"for i := 0; i < m; i++ {",
			"\tfor j := 0; j < n; j++ { y[j] = fma(x[i], a[i*lda+j], y[j]) }",
			"}",
		},
	},
	{
		// G = AᵀA, upper triangle only, accumulated into g: every element
		// takes the rows in increasing order, one FMA each, starting from
		// its previous value, so any blocking of rows, any tile of (j, k)
		// and any order of tiles gives the same bits.
		Name: "Gram", Params: "m, n int, a []T, lda int, g []T",
		Loop: []string{
			"for i := 0; i < m; i++ {",
			"\tfor j := 0; j < n; j++ {",
			"\t\tfor k := j; k < n; k++ { g[j*n+k] = fma(a[i*lda+j], a[i*lda+k], g[j*n+k]) }",
			"\t}",
			"} // g[j*n+k] with k < j is never read or written",
		},
	},
	{
		// Centre and scale rows into a scratch matrix, two roundings per
		// element, never fused.
		Name: "ShiftScale", Params: "m, n int, a []T, lda int, shift, scale, z []T, ldz int",
		Loop: []string{
			"for i := 0; i < m; i++ {",
			"\tfor j := 0; j < n; j++ { z[i*ldz+j] = (a[i*lda+j] - shift[j]) * scale[j] }",
			"}",
		},
	},
	{
		// Column sums and sums of squares, accumulated: every column
		// takes the rows in increasing order, one add and one FMA each,
		// starting from the values given. Columns are independent, so any
		// blocking of rows or columns gives the same bits: the bits Gram
		// gives its elements (j, n) and (j, j) for A with a column of ones
		// appended.
		Name: "GramDiag", Params: "m, n int, a []T, lda int, sums, squares []T",
		Loop: []string{
			"for i := 0; i < m; i++ {",
			"\tfor j := 0; j < n; j++ {",
			"\t\tsums[j] = sums[j] + a[i*lda+j]",
			"\t\tsquares[j] = fma(a[i*lda+j], a[i*lda+j], squares[j])",
			"\t}",
			"}",
		},
	},
	{
		// x·y, x·x and y·y in one pass, each in the order of Dot: the
		// bits of Dot(x, y), Dot(x, x) and Dot(y, y), for Cosine.
		Name: "DotNorms", Params: "x, y []T", Result: "(xy, xx, yy T)",
		Loop: []string{
			"for i := range x {",
			"\taccXY[i%L] = fma(x[i], y[i], accXY[i%L])",
			"\taccXX[i%L] = fma(x[i], x[i], accXX[i%L])",
			"\taccYY[i%L] = fma(y[i], y[i], accYY[i%L])",
			"}",
			"return fold(accXY) + 0, fold(accXX) + 0, fold(accYY) + 0",
		},
		Float32: true, NoFloat64: true,
	},
}

// Feature is a CPU feature that an instruction set needs beyond what every
// CPU of its GOARCH has.
type Feature struct {
	Name string // as package kernels reports it: "AVX-512F"
	// Avo is avo's name for the extension, which the check pass of the
	// avo generators allows ("AVX512F"); "" for arm64, which avo lacks.
	Avo string
	// Go is the golang.org/x/sys/cpu field that reports it, after GODEBUG:
	// "X86.HasAVX512F". Dispatch reads it.
	Go string
}

// The features the instruction sets below require. x/sys/cpu reports AVX,
// AVX2 and AVX-512F only when the OS also saves the YMM (or ZMM and
// opmask) registers, so a requirement met is one the code can use.
var (
	AVX     = Feature{Name: "AVX", Avo: "AVX", Go: "X86.HasAVX"}
	AVX2    = Feature{Name: "AVX2", Avo: "AVX2", Go: "X86.HasAVX2"}
	FMA     = Feature{Name: "FMA", Avo: "FMA3", Go: "X86.HasFMA"}
	AVX512F = Feature{Name: "AVX-512F", Avo: "AVX512F", Go: "X86.HasAVX512F"}
	ASIMD   = Feature{Name: "ASIMD", Go: "ARM64.HasASIMD"}
	FP      = Feature{Name: "FP", Go: "ARM64.HasFP"}
)

// ISA is an instruction set that kernels are generated for.
type ISA struct {
	// Name is the suffix of every symbol (DotAVX2), and names the
	// implementation's kind in package kernels (kindAVX2).
	Name   string
	GOARCH string // the code is built for this GOARCH alone
	// Requires lists every feature the code may use beyond its GOARCH's
	// baseline: the avo generators refuse any other extension, and
	// package kernels runs the code only where x/sys/cpu reports all of
	// them.
	Requires []Feature
	// Float32 reports that the generator emits the float32 twins (the
	// kernels of For(Float32)) as well, and package kernels/f32 calls them.
	Float32 bool
}

// Package is the import path of the generated Go package that holds the
// instruction set's kernels. It is internal: the kernels do not check their
// arguments, so only package kernels may call them.
func (isa ISA) Package() string {
	return "github.com/lanes-go/lanes/kernels/internal/" + isa.GOARCH
}

// ISAs lists the instruction sets in order of preference, which is the
// order the dispatch switches test them in.
var ISAs = []ISA{
	// AVX-512F for the ZMM and opmask instructions and its FMAs, and
	// VEX-encoded AVX for the fold and VZEROUPPER; the generator also
	// allows AVX2 and FMA3. Every CPU with AVX-512F has all of them.
	{Name: "AVX512", GOARCH: "amd64", Requires: []Feature{AVX512F, AVX, AVX2, FMA}, Float32: true},
	// AVX for the VEX encoding, YMM registers, masked loads and stores;
	// AVX2, the level the code is written for; and FMA3.
	{Name: "AVX2", GOARCH: "amd64", Requires: []Feature{AVX, AVX2, FMA}, Float32: true},
	// Advanced SIMD with double-precision lanes is part of every ARMv8-A
	// core Linux runs on, but the kernel still reports it, and a missing
	// bit means the code must not run.
	{Name: "NEON", GOARCH: "arm64", Requires: []Feature{ASIMD, FP}, Float32: true},
}

// LookupISA returns the instruction set named name; it panics if there is
// none, which is a generator's programming error.
func LookupISA(name string) ISA {
	for _, isa := range ISAs {
		if isa.Name == name {
			return isa
		}
	}
	panic("spec: no instruction set " + name)
}
