package main

import (
	"fmt"
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/generated"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// TestGeneratedFunctionsPassCheck runs every emitter for each element type
// it has a twin for, float32 included whether or not the instruction set
// generates it yet, and the check on its output, so a generator change
// that breaks a rule fails here before it reaches the assembler.
func TestGeneratedFunctionsPassCheck(t *testing.T) {
	for _, e := range []elem{float64Elem, float32Elem} {
		for _, k := range spec.ForISA(e.Elem, isa.Name) {
			sym := k.Symbol(e.Elem, isa.Name)
			a := &asm{e: e, prefix: sym + "_"}
			emitters[k.Name](a, layout(k, e))
			if err := check(sym, a.b.String()); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestFilesUpToDate proves the files in the tree are what the generator
// writes now: a generator changed but not rerun fails here.
func TestFilesUpToDate(t *testing.T) {
	text, decls, err := generate(stubsPkg)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]byte{asmFile: text, stubsFile: decls} {
		if err := generated.Same(path, want); err != nil {
			t.Error(err)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	for _, body := range []string{
		"\tMOVD R0, R18\n\tRET\n",
		"\tMOVD R29, R0\n\tRET\n",
		"\tMOVD g, R0\n\tRET\n",
		"\tMOVD R0, R1\n",
	} {
		if check("F", body) == nil {
			t.Errorf("check accepted %q", body)
		}
	}
	if err := check("F", "\tMOVD R0, R1 // not R18\n\tRET\n"); err != nil {
		t.Errorf("check refused a comment: %v", err)
	}
}

// TestFrameLayout pins the ABI0 offsets that go vet's asmdecl also checks
// on GOARCH=arm64, for both element types.
func TestFrameLayout(t *testing.T) {
	byName := map[string]spec.Kernel{}
	for _, k := range spec.Kernels {
		byName[k.Name] = k
	}
	for _, c := range []struct {
		kernel string
		e      elem
		slot   string
		off    int
		size   int
	}{
		{"Dot", float64Elem, "ret", 48, 56},
		{"Dot", float32Elem, "ret", 48, 52},
		{"Axpy", float64Elem, "y_base", 32, 56},
		{"Axpy", float32Elem, "x_base", 8, 56},
		{"GemvT", float64Elem, "lda", 40, 96},
		{"GemvT", float64Elem, "y_base", 72, 96},
		{"IndexAbs", float64Elem, "ret", 32, 40},
		{"IndexAbs", float32Elem, "x_base", 8, 40},
		{"ScaledSumSq", float64Elem, "ret", 32, 40},
		{"LossGrad", float64Elem, "c", 72, 144},
		{"LossGrad", float64Elem, "y_base", 80, 144},
		{"LossGrad", float64Elem, "g_cap", 120, 144},
		{"LossGrad", float64Elem, "ssr", 128, 144},
		{"LossGrad", float64Elem, "sr", 136, 144},
		{"LossGrad", float32Elem, "c", 72, 136},
		{"LossGrad", float32Elem, "y_base", 80, 136},
		{"LossGrad", float32Elem, "ssr", 128, 136},
		{"LossGrad", float32Elem, "sr", 132, 136},
	} {
		f := layout(byName[c.kernel], c.e)
		if f.slots[c.slot] != c.off || f.size != c.size {
			t.Errorf("%s(%s): %s at %d, frame %d; want %d, %d", c.kernel, c.e.GoType, c.slot, f.slots[c.slot], f.size, c.off, c.size)
		}
	}
}

// TestFrameNamedResults lays out parenthesised result lists: named results
// in order after the pointer-aligned end of the parameters, each aligned
// to its size, as asmdecl names and places them; a list without names
// (which asmdecl would call ret, ret1, …) is refused.
func TestFrameNamedResults(t *testing.T) {
	for _, c := range []struct {
		result string
		e      elem
		slots  map[string]int
		size   int
	}{
		{"(s T, i int)", float64Elem, map[string]int{"x_cap": 16, "s": 24, "i": 32}, 40},
		{"(s T, i int)", float32Elem, map[string]int{"s": 24, "i": 32}, 40},
		{"(i int, s, t T)", float32Elem, map[string]int{"i": 24, "s": 32, "t": 36}, 40},
		{"(v []T)", float64Elem, map[string]int{"v_base": 24, "v_len": 32, "v_cap": 40}, 48},
	} {
		f := layout(spec.Kernel{Name: "K", Params: "x []T", Result: c.result}, c.e)
		for name, off := range c.slots {
			if got, ok := f.slots[name]; !ok || got != off {
				t.Errorf("%s(%s): %s at %d (present %v), want %d", c.result, c.e.GoType, name, got, ok, off)
			}
		}
		if f.size != c.size {
			t.Errorf("%s(%s): frame %d, want %d", c.result, c.e.GoType, f.size, c.size)
		}
		if off, ok := c.slots["s"]; ok {
			if got, want := f.arg("s"), fmt.Sprintf("s+%d(FP)", off); got != want {
				t.Errorf("%s: arg(s) = %s, want %s", c.result, got, want)
			}
		}
	}
	for _, bad := range []string{"(T, T)", "(s T, t)", "(x T)", "(s float64)"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("layout accepted result %q", bad)
				}
			}()
			layout(spec.Kernel{Name: "K", Params: "x []T", Result: bad}, float64Elem)
		}()
	}
}
