// Package spec is the one description of every lanes kernel that the
// assembly generators share: its name, its Go signature for an element
// type, and the plain loop it implements. The canonical order itself is
// specified in the package doc of github.com/lanes-go/lanes/kernels/generic;
// generators reproduce it, and the tests in package kernels prove they do.
package spec

import (
	"fmt"
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

// Float32 is the element type of the float32 kernels to come; generators
// keep it compiling so the element type stays a real parameter.
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
}

// Signature returns the Go signature "func(...) result" for element type e.
func (k Kernel) Signature(e Elem) string {
	s := "func(" + strings.ReplaceAll(k.Params, "T", e.GoType) + ")"
	if k.Result != "" {
		s += " " + strings.ReplaceAll(k.Result, "T", e.GoType)
	}
	return s
}

// Symbol returns the assembly function name for an element type and an
// instruction set, such as "DotAVX2" or "DotF32AVX2".
func (k Kernel) Symbol(e Elem, isa string) string { return k.Name + e.Infix + isa }

// Doc returns the doc comment lines for the generated declaration.
func (k Kernel) Doc(e Elem, isa string) []string {
	doc := []string{
		fmt.Sprintf("%s is the %s implementation of kernels.%s. It computes", k.Symbol(e, isa), isa, k.Name),
		"exactly what this loop computes, where fma rounds once and, for",
		fmt.Sprintf("reductions, L = %d lanes and fold is the tree of package generic:", e.Lanes()),
		"",
	}
	for _, l := range k.Loop {
		doc = append(doc, "\t"+l)
	}
	return append(doc, "",
		"It does not check its arguments: the caller guarantees the lengths",
		"stated in package kernels. Use package kernels, not this function.")
}

// Kernels lists every kernel in the order the generators emit them.
var Kernels = []Kernel{
	{
		Name: "Dot", Params: "x, y []T", Result: "T",
		Loop: []string{
			"for i := range x { acc[i%L] = fma(x[i], y[i], acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Sum", Params: "x []T", Result: "T",
		Loop: []string{
			"for i := range x { acc[i%L] += x[i] }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "SumSqDiff", Params: "x, y []T", Result: "T",
		Loop: []string{
			"for i := range x { d := x[i] - y[i]; acc[i%L] = fma(d, d, acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Axpy", Params: "alpha T, x, y []T",
		Loop: []string{
			"for i := range x { y[i] = fma(alpha, x[i], y[i]) }",
		},
	},
	{
		Name: "Scal", Params: "alpha T, x []T",
		Loop: []string{
			"for i := range x { x[i] *= alpha }",
		},
	},
	{
		Name: "Asum", Params: "x []T", Result: "T",
		Loop: []string{
			"for i := range x { acc[i%L] += abs(x[i]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "Amax", Params: "x []T", Result: "T",
		Loop: []string{
			"m := +0",
			"for i := range x { if abs(x[i]) > m { m = abs(x[i]) } } // NaN never wins",
			"return m",
		},
	},
	{
		Name: "IndexAbs", Params: "v T, x []T", Result: "int",
		Loop: []string{
			"for i := range x { if abs(x[i]) == v { return i } }",
			"return -1",
		},
	},
	{
		Name: "ScaledSumSq", Params: "alpha T, x []T", Result: "T",
		Loop: []string{
			"for i := range x { t := alpha * x[i]; acc[i%L] = fma(t, t, acc[i%L]) }",
			"return fold(acc) + 0 // never -0",
		},
	},
	{
		Name: "GemvN", Params: "m, n int, a []T, lda int, x, y []T",
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
		Loop: []string{
			"for j := 0; j < n; j++ { y[j] = 0 }",
			"for i := 0; i < m; i++ {",
			"\tfor j := 0; j < n; j++ { y[j] = fma(x[i], a[i*lda+j], y[j]) }",
			"}",
		},
	},
}
