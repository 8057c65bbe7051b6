// Command xstate generates the assembly of package
// github.com/lanes-go/lanes/kernels/internal/xstate, which the kernels tests
// use to prove that every AVX kernel returns with clean upper registers
// (VZEROUPPER): a dirty upper state makes every later SSE instruction of
// the caller pay a transition penalty or a false dependency.
//
// Run go generate in this directory; never edit the generated files.
package main

//go:generate go run .

import (
	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
)

// main writes the functions with the same build constraint as the
// kernels (-tags purego or noasm leaves all assembly out, and
// xstate_other.go takes over), but without their check pass: ZeroHi16
// writes Z16–Z31 on purpose, and nothing here needs VZEROUPPER.
func main() { avogen.Main("xstate", files, nil, emit) }

// files are the outputs, from this directory.
var files = avogen.Files{
	Asm:   "../../../kernels/internal/xstate/xstate_amd64.s",
	Stubs: "../../../kernels/internal/xstate/xstate_amd64.go",
	Pkg:   "xstate",
}

func emit(ctx *build.Context) error {
	text := func(name, signature string) {
		ctx.Function(name)
		ctx.Attributes(attr.NOSPLIT)
		ctx.SignatureExpr(signature)
	}

	// avo v0.6.0 knows XGETBV (and the Go assembler accepts it), so no
	// BYTE encoding is needed. ECX = 1 selects XINUSE rather than XCR0.
	text("InUse", "func() uint64")
	ctx.Doc(
		"InUse returns XINUSE, the result of XGETBV with ECX = 1: bit i is set",
		"when state component i may differ from its initial configuration.",
		"Bits YMMUpper, ZMMHi256 and Hi16ZMM are the upper halves of the vector",
		"registers. Call it only when Supported returns true: otherwise XGETBV",
		"with ECX = 1 raises #GP and the program crashes.",
	)
	ctx.MOVL(U32(1), ECX)
	ctx.XGETBV()
	ctx.SHLQ(U8(32), RDX)
	ctx.ORQ(RDX, RAX)
	ctx.Store(RAX, ctx.ReturnIndex(0))
	ctx.RET()

	text("ZeroUpper", "func()")
	ctx.Doc(
		"ZeroUpper executes VZEROUPPER, returning the upper halves of YMM0-15 and",
		"ZMM0-15 to their initial state, so that a following InUse reports only",
		"what ran in between. The CPU must support AVX.",
	)
	ctx.VZEROUPPER()
	ctx.RET()

	text("ZeroHi16", "func()")
	ctx.Doc(
		"ZeroHi16 zeroes ZMM16-31, which VZEROUPPER leaves alone, so that a",
		"processor that tracks them by value (AMD Zen 4 does) reports Hi16ZMM",
		"clean again. glibc's EVEX string functions use these registers, so",
		"under -race or cgo they are in use before any kernel runs. The CPU must",
		"support AVX-512F.",
	)
	for _, z := range []VecPhysical{Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31} {
		ctx.VPXORD(z, z, z)
	}
	ctx.RET()

	text("cpuid", "func(leaf, sub uint32) (eax, ebx, ecx, edx uint32)")
	ctx.Doc("cpuid executes CPUID with EAX = leaf and ECX = sub.")
	ctx.Load(ctx.Param("leaf"), EAX)
	ctx.Load(ctx.Param("sub"), ECX)
	ctx.CPUID()
	ctx.Store(EAX, ctx.Return("eax"))
	ctx.Store(EBX, ctx.Return("ebx"))
	ctx.Store(ECX, ctx.Return("ecx"))
	ctx.Store(EDX, ctx.Return("edx"))
	ctx.RET()
	return nil
}
