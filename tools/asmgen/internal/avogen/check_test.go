package avogen

import (
	"strings"
	"testing"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// checkBody runs the check pass of isa on one function with the given
// body and returns its error.
func checkBody(isa spec.ISA, body func(ctx *build.Context)) error {
	_, _, err := Generate("test", "test", Check(isa), func(ctx *build.Context) error {
		ctx.Function("F")
		ctx.Attributes(attr.NOSPLIT)
		ctx.SignatureExpr("func(n int)")
		body(ctx)
		return nil
	})
	return err
}

func TestCheckAccepts(t *testing.T) {
	avx2 := spec.LookupISA("AVX2")
	for name, body := range map[string]func(ctx *build.Context){
		"vector then VZEROUPPER": func(ctx *build.Context) {
			ctx.VXORPD(reg.Y0, reg.Y0, reg.Y0)
			ctx.VZEROUPPER()
			ctx.RET()
		},
		"no vector code": func(ctx *build.Context) {
			ctx.MOVQ(operand.U32(1), reg.RAX)
			ctx.RET()
		},
		// Both paths after the vector code pass a VZEROUPPER; a path
		// that never touched a vector register needs none.
		"every path cleaned": func(ctx *build.Context) {
			ctx.Load(ctx.Param("n"), reg.RAX)
			ctx.TESTQ(reg.RAX, reg.RAX)
			ctx.JZ(operand.LabelRef("empty"))
			ctx.VXORPD(reg.Y0, reg.Y0, reg.Y0)
			ctx.CMPQ(reg.RAX, operand.U8(3))
			ctx.JE(operand.LabelRef("three"))
			ctx.VZEROUPPER()
			ctx.RET()
			ctx.Label("three")
			ctx.VZEROUPPER()
			ctx.Label("empty")
			ctx.RET()
		},
	} {
		if err := checkBody(avx2, body); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	avx2, avx512 := spec.LookupISA("AVX2"), spec.LookupISA("AVX512")
	for _, c := range []struct {
		name string
		isa  spec.ISA
		body func(ctx *build.Context)
		want string
	}{
		{"no VZEROUPPER", avx2, func(ctx *build.Context) {
			ctx.VXORPD(reg.Y0, reg.Y0, reg.Y0)
			ctx.RET()
		}, "without VZEROUPPER"},
		// The VZEROUPPER that precedes the second RET in the text is not
		// on the path from the jump: only following the jumps finds it.
		{"a jump around VZEROUPPER", avx2, func(ctx *build.Context) {
			ctx.Load(ctx.Param("n"), reg.RAX)
			ctx.VXORPD(reg.Y0, reg.Y0, reg.Y0)
			ctx.TESTQ(reg.RAX, reg.RAX)
			ctx.JZ(operand.LabelRef("out"))
			ctx.VZEROUPPER()
			ctx.RET()
			ctx.Label("out")
			ctx.RET()
		}, "without VZEROUPPER"},
		{"Z16", avx512, func(ctx *build.Context) {
			ctx.VPXORD(reg.Z16, reg.Z16, reg.Z16)
			ctx.VZEROUPPER()
			ctx.RET()
		}, "uses Z16"},
		{"AVX-512F in the AVX2 code", avx2, func(ctx *build.Context) {
			ctx.VPXORD(reg.Z1, reg.Z1, reg.Z1)
			ctx.VZEROUPPER()
			ctx.RET()
		}, "uses AVX512F, which AVX2 does not require"},
		{"AVX-512BW", avx512, func(ctx *build.Context) {
			ctx.VPADDB(reg.Z1, reg.Z1, reg.Z1)
			ctx.VZEROUPPER()
			ctx.RET()
		}, "uses AVX512BW"},
	} {
		err := checkBody(c.isa, c.body)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
