package main

import (
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// TestGeneratedFunctionsPassCheck runs every emitter and the check on its
// output, so a generator change that breaks a rule fails here before it
// reaches the assembler.
func TestGeneratedFunctionsPassCheck(t *testing.T) {
	for _, k := range spec.Kernels {
		sym := k.Symbol(float64Elem.Elem, isa)
		a := &asm{e: float64Elem, prefix: sym + "_"}
		emitters[k.Name](a, layout(k, float64Elem))
		if err := check(sym, a.b.String()); err != nil {
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
	} {
		f := layout(byName[c.kernel], c.e)
		if f.slots[c.slot] != c.off || f.size != c.size {
			t.Errorf("%s(%s): %s at %d, frame %d; want %d, %d", c.kernel, c.e.GoType, c.slot, f.slots[c.slot], f.size, c.off, c.size)
		}
	}
}
