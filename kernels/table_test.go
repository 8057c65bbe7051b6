package kernels

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// kernelTests is the one list of kernels that the tests loop over: the
// bitwise sweeps (bitwise_test.go), the fuzz targets (below), the
// golden table (golden_test.go), the guard pages and the upper register
// state. It holds every kernel of the specification, which is a field of
// implementation (TestKernelTableComplete checks that none is missing), and
// the compositions Nrm2 and Iamax.
//
// An entry names the kernel and says how to call it on an implementation
// and what it must equal, bit for bit: the reference, package generic's
// twin or an independent loop. Its family (vecTest, gemvTest,
// lossGradTest, gramTest, shiftScaleTest or gramDiagTest) brings the
// sizes, placements and data of each test; every
// kernel runs on every data class (data_test.go, and the golden classes).
//
// The order is the order of the golden table: a new kernel goes where it
// adds lines to testdata/golden/table.txt without moving others.
var kernelTests = []kernelTest{
	{"Dot", &vecTest{inputs: 2,
		run: func(im *implementation, _ float64, x, y []float64) []float64 { return one(im.dot(x, y)) },
		ref: func(_ float64, x, y []float64) []float64 { return one(generic.Dot(x, y)) }}},
	{"Sum", &vecTest{inputs: 1,
		run: func(im *implementation, _ float64, x, _ []float64) []float64 { return one(im.sum(x)) },
		ref: func(_ float64, x, _ []float64) []float64 { return one(generic.Sum(x)) }}},
	{"SumSqDiff", &vecTest{inputs: 2,
		run: func(im *implementation, _ float64, x, y []float64) []float64 { return one(im.sumSqDiff(x, y)) },
		ref: func(_ float64, x, y []float64) []float64 { return one(generic.SumSqDiff(x, y)) }}},
	{"Axpy", &vecTest{inputs: 2, scalar: alphaScalar, out: "y",
		run: func(im *implementation, a float64, x, y []float64) []float64 { im.axpy(a, x, y); return nil },
		ref: func(a float64, x, y []float64) []float64 { generic.Axpy(a, x, y); return nil }}},
	{"Scal", &vecTest{inputs: 1, scalar: alphaScalar, out: "x",
		run: func(im *implementation, a float64, x, _ []float64) []float64 { im.scal(a, x); return nil },
		ref: func(a float64, x, _ []float64) []float64 { generic.Scal(a, x); return nil }}},
	{"Asum", &vecTest{inputs: 1,
		run: func(im *implementation, _ float64, x, _ []float64) []float64 { return one(im.asum(x)) },
		ref: func(_ float64, x, _ []float64) []float64 { return one(generic.Asum(x)) }}},
	{"Amax", &vecTest{inputs: 1,
		run: func(im *implementation, _ float64, x, _ []float64) []float64 { return one(im.amax(x)) },
		ref: func(_ float64, x, _ []float64) []float64 { return one(generic.Amax(x)) }}},
	{"ScaledSumSq", &vecTest{inputs: 1, scalar: alphaScalar,
		run: func(im *implementation, a float64, x, _ []float64) []float64 { return one(im.scaledSumSq(a, x)) },
		ref: func(a float64, x, _ []float64) []float64 { return one(generic.ScaledSumSq(a, x)) }}},
	// Nrm2 is a composition of kernels: its reference is the same
	// composition of the generic ones.
	{"Nrm2", &vecTest{inputs: 1,
		run: func(im *implementation, _ float64, x, _ []float64) []float64 { return one(im.nrm2(x)) },
		ref: func(_ float64, x, _ []float64) []float64 { return one(nrm2Kind(kindGeneric, x)) }}},
	// Iamax is compared with BLAS's own loop, which shares no code with it.
	{"Iamax", &vecTest{inputs: 1, index: true,
		run: func(im *implementation, _ float64, x, _ []float64) []float64 { return one(float64(im.iamax(x))) },
		ref: func(_ float64, x, _ []float64) []float64 { return one(float64(blasIamax(x))) }}},
	{"IndexAbs", &vecTest{inputs: 1, scalar: searchScalar, index: true,
		run: func(im *implementation, v float64, x, _ []float64) []float64 { return one(float64(im.indexAbs(v, x))) },
		ref: func(v float64, x, _ []float64) []float64 { return one(float64(generic.IndexAbs(v, x))) }}},
	{"LossGrad", &lossGradTest{
		run: func(im *implementation, m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (float64, float64) {
			return im.lossGrad(m, n, a, lda, w, c, y, g)
		},
		ref: generic.LossGrad}},
	{"GemvN", &gemvTest{
		run: func(im *implementation, m, n int, a []float64, lda int, x, y []float64) { im.gemvN(m, n, a, lda, x, y) },
		ref: generic.GemvN}},
	{"GemvT", &gemvTest{trans: true,
		run: func(im *implementation, m, n int, a []float64, lda int, x, y []float64) { im.gemvT(m, n, a, lda, x, y) },
		ref: generic.GemvT}},
	{"Gram", &gramTest{
		run: func(im *implementation, m, n int, a []float64, lda int, g []float64) { im.gram(m, n, a, lda, g) },
		ref: generic.Gram}},
	{"ShiftScale", &shiftScaleTest{
		run: func(im *implementation, m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
			im.shiftScale(m, n, a, lda, shift, scale, z, ldz)
		},
		ref: generic.ShiftScale}},
	{"GramDiag", &gramDiagTest{
		run: func(im *implementation, m, n int, a []float64, lda int, sums, squares []float64) {
			im.gramDiag(m, n, a, lda, sums, squares)
		},
		ref: generic.GramDiag}},
}

// The fuzz targets of the kernels, one for each entry of kernelTests (Go
// finds fuzz targets by name alone; TestKernelTableComplete checks that
// none is missing). The bodies are in fuzz_test.go.

func FuzzDot(f *testing.F)         { fuzzKernel(f, "Dot") }
func FuzzSum(f *testing.F)         { fuzzKernel(f, "Sum") }
func FuzzSumSqDiff(f *testing.F)   { fuzzKernel(f, "SumSqDiff") }
func FuzzAxpy(f *testing.F)        { fuzzKernel(f, "Axpy") }
func FuzzScal(f *testing.F)        { fuzzKernel(f, "Scal") }
func FuzzAsum(f *testing.F)        { fuzzKernel(f, "Asum") }
func FuzzAmax(f *testing.F)        { fuzzKernel(f, "Amax") }
func FuzzScaledSumSq(f *testing.F) { fuzzKernel(f, "ScaledSumSq") }
func FuzzNrm2(f *testing.F)        { fuzzKernel(f, "Nrm2") }
func FuzzIamax(f *testing.F)       { fuzzKernel(f, "Iamax") }
func FuzzIndexAbs(f *testing.F)    { fuzzKernel(f, "IndexAbs") }
func FuzzLossGrad(f *testing.F)    { fuzzKernel(f, "LossGrad") }
func FuzzGemvN(f *testing.F)       { fuzzKernel(f, "GemvN") }
func FuzzGemvT(f *testing.F)       { fuzzKernel(f, "GemvT") }
func FuzzGram(f *testing.F)        { fuzzKernel(f, "Gram") }
func FuzzShiftScale(f *testing.F)  { fuzzKernel(f, "ShiftScale") }
func FuzzGramDiag(f *testing.F)    { fuzzKernel(f, "GramDiag") }

// kernelTest is an entry of kernelTests.
type kernelTest struct {
	name string
	family
}

// family is what the tests of a kind of kernel share. The guard-page and
// upper-state tests, built only where they run, add methods of their own
// (guardPager, upperStater).
type family interface {
	// sweep runs the bitwise sweep of the kernel on im: every size,
	// placement and data class, compared with the reference. It stops at
	// the first difference.
	sweep(tb failer, name string, im *implementation)
	// golden returns the kernel's cases of the golden table.
	golden(name string) []goldenCase
	// fuzz is the body of the kernel's fuzz target.
	fuzz(f *testing.F, name string)
}

// one wraps a single result.
func one(v float64) []float64 { return []float64{v} }

// kernelByName returns the entry of kernelTests for name.
func kernelByName(name string) kernelTest {
	for _, k := range kernelTests {
		if k.name == name {
			return k
		}
	}
	panic("no kernel " + name + " in kernelTests")
}

// sweepOf returns the bitwise sweep of the named kernel, for tests that
// feed it broken implementations.
func sweepOf(name string) func(tb failer, im *implementation) {
	k := kernelByName(name)
	return func(tb failer, im *implementation) {
		tb.Helper()
		k.sweep(tb, k.name, im)
	}
}

// vecTest is the family of kernels of one or two vectors x and y of equal
// length.
type vecTest struct {
	inputs int // 1: x alone (y is placed but not passed); 2: x and y
	scalar scalarKind
	// out names the slice the kernel writes, "x" or "y", or is "" for a
	// kernel that returns its results.
	out string
	// index says the results are indices, for messages.
	index bool
	// run calls the kernel of im with scalar s (when it takes one) and
	// returns its results (nil if it writes out); ref computes the same
	// without im, writing into its own copy of out.
	run func(im *implementation, s float64, x, y []float64) []float64
	ref func(s float64, x, y []float64) []float64
}

// scalarKind is what the scalar argument of a vector kernel is.
type scalarKind int

const (
	noScalar scalarKind = iota
	// alphaScalar: a coefficient, drawn from the list of each data class
	// (pool.alpha, goldenAlphas) or by the fuzzer.
	alphaScalar
	// searchScalar: the value IndexAbs searches for: every one of
	// indexAbsTargets(x), and the fuzzer's.
	searchScalar
)

// scalars returns the scalar arguments a sweep tries on x: the class's
// alpha for key, every target of a search, or just 0 for a kernel that
// takes none.
func (v *vecTest) scalars(p pool, key int, x []float64) []float64 {
	switch v.scalar {
	case alphaScalar:
		return []float64{p.alpha(key)}
	case searchScalar:
		return indexAbsTargets(x)
	}
	return []float64{0}
}

// scalarNote prefixes a difference found with scalar s with its value.
func (v *vecTest) scalarNote(s float64, d string) string {
	switch v.scalar {
	case alphaScalar:
		return "alpha=" + fmtBits(s) + ": " + d
	case searchScalar:
		return "v=" + fmtBits(s) + ": " + d
	}
	return d
}

// diffResults describes the first result that differs, or returns "".
func (v *vecTest) diffResults(got, want []float64) string {
	if len(got) != len(want) {
		return "results " + fmtFloats(got) + ", want " + fmtFloats(want)
	}
	for i := range got {
		if sameBits(got[i], want[i]) {
			continue
		}
		if v.index {
			return "index " + fmtIndex(got[i]) + ", want " + fmtIndex(want[i])
		}
		return "result " + fmtBits(got[i]) + ", want " + fmtBits(want[i])
	}
	return ""
}

// output runs the kernel of im and returns what it computes: its results
// or the slice it writes, and for a search the result for each target of
// indexAbsTargets(x) in turn.
func (v *vecTest) output(im *implementation, s float64, x, y []float64) []float64 {
	if v.scalar == searchScalar {
		var out []float64
		for _, t := range indexAbsTargets(x) {
			out = append(out, v.run(im, t, x, y)...)
		}
		return out
	}
	res := v.run(im, s, x, y)
	switch v.out {
	case "x":
		return x
	case "y":
		return y
	}
	return res
}

// gemvTest is the family of GemvN and GemvT.
type gemvTest struct {
	trans bool // GemvT: x has m elements and y has n
	run   func(im *implementation, m, n int, a []float64, lda int, x, y []float64)
	ref   func(m, n int, a []float64, lda int, x, y []float64)
}

// lens returns the lengths of x and y for an m×n matrix.
func (g *gemvTest) lens(m, n int) (xLen, yLen int) {
	if g.trans {
		return m, n
	}
	return n, m
}

// lossGradTest is the family of LossGrad, whose shapes are GemvN's and
// whose outputs are g, ssr and sr.
type lossGradTest struct {
	run func(im *implementation, m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64)
	ref func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64)
}

// TestKernelTableComplete proves that the table misses no kernel: every
// function of an implementation (the fields the generator writes from the
// specification, and the compositions) has an entry, every entry is one of
// them, and every entry has its fuzz target in this file, where Go finds
// fuzz targets by name alone.
func TestKernelTableComplete(t *testing.T) {
	want := map[string]bool{}
	ty := reflect.TypeFor[implementation]()
	for i := range ty.NumField() {
		f := ty.Field(i)
		if f.Type.Kind() == reflect.Func {
			want[strings.ToUpper(f.Name[:1])+f.Name[1:]] = true
		}
	}
	dt := reflect.TypeFor[direct]()
	for i := range dt.NumField() {
		f := dt.Field(i)
		want[strings.ToUpper(f.Name[:1])+f.Name[1:]] = true
	}
	if len(want) < 14 {
		t.Fatalf("found only %d kernels among the fields of implementation: %v", len(want), want)
	}
	have := map[string]bool{}
	for _, k := range kernelTests {
		if have[k.name] {
			t.Errorf("kernelTests lists %s twice", k.name)
		}
		have[k.name] = true
		if !want[k.name] {
			t.Errorf("kernelTests lists %s, which is no function of implementation", k.name)
		}
	}
	for name := range want {
		if !have[name] {
			t.Errorf("implementation has %s, which kernelTests lacks: no test compares it with its reference", name)
		}
	}

	f, err := parser.ParseFile(token.NewFileSet(), "table_test.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Fuzz") {
			targets[strings.TrimPrefix(fn.Name.Name, "Fuzz")] = true
		}
	}
	for _, k := range kernelTests {
		if !targets[k.name] {
			t.Errorf("table_test.go has no Fuzz%s: declare one that calls fuzzKernel(f, %q)", k.name, k.name)
		}
	}
	for name := range targets {
		if !have[name] {
			t.Errorf("table_test.go has Fuzz%s, but kernelTests has no %s", name, name)
		}
	}
}

// fmtIndex prints an index result.
func fmtIndex(v float64) string { return strconv.Itoa(int(v)) }

// fmtFloats prints a list of results with their bits.
func fmtFloats(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmtBits(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
