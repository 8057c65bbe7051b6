// Command avx2 generates the AVX2+FMA kernels of package
// github.com/lanes-go/lanes/kernels/internal/amd64 with avo.
//
// Every reduction reproduces the canonical order of package
// github.com/lanes-go/lanes/kernels/generic bit for bit: the L = 256/Size
// lanes live in eight YMM accumulators (register k holds lanes k·V …
// k·V+V−1, V elements per register), the last partial block feeds lanes
// 0 … r−1 (whole registers first, then one masked load whose masked lanes
// read as zero), and the lanes are folded in halves: Y0+=Y4 … Y3+=Y7,
// Y0+=Y2, Y1+=Y3, Y0+=Y1, then 256→128 bits and so on down to one lane,
// and Dot adds the final + 0.
//
// Register conventions: Dot, Sum and SumSqDiff accumulate in Y0 … Y7, use
// Y8 … Y14 as scratch and keep the mask of the partial register in Y15.
// Asum, Amax and ScaledSumSq do the same with scratch narrowed to
// Y8 … Y13, keeping the abs mask (all bits but the sign) or alpha in Y14. Amax is not bound to the canonical order but shares it
// (any order gives the same maximum): its lanes take maxima instead of
// sums. IndexAbs keeps v in Y13, the abs mask in Y14 and the partial mask
// in Y15. GemvN keeps the mask in Y15 too; GemvT keeps it in Y14 and
// broadcasts x[i] into Y15. Axpy and Scal keep alpha in Y0. DotNorms
// feeds its three reductions in two passes over half the lanes each, in
// Y0 … Y11, and keeps the other pass's in its frame (see dotnorms.go);
// LossGrad keeps its buffers in a frame too. All functions are NOSPLIT
// leaves (only those two with a frame), touch no memory outside their slices
// and end in VZEROUPPER once a YMM register was touched: the check pass of
// package avogen refuses any path that does not, and any extension beyond
// AVX, AVX2 and FMA3 and the amd64 baseline.
//
// The element type is a parameter (see elem.go): every kernel is generated
// for float64 (V = 4 elements per register, L = 32 lanes) and, as
// isa.Float32 says, the kernels of spec.For(spec.Float32) for float32 too
// (V = 8, L = 64, symbols DotF32AVX2 …), from the same emitters. Only the
// widths change: the fold has one more 128-bit step for float32 (lanes
// j + 2, then j + 1, see foldXMM).
package main

//go:generate go run .

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// isa is the instruction set this program generates.
var isa = spec.LookupISA("AVX2")

// vecBytes is the width of one YMM register.
const vecBytes = 32

// numAcc is the number of YMM accumulators: spec.BlockBytes / vecBytes.
const numAcc = spec.BlockBytes / vecBytes

// emitters maps a kernel name from spec.Kernels to the function that emits
// its body. The TEXT header, doc and pragmas are written by avogen.
var emitters = map[string]func(g *gen){
	"Dot":         reductionOf(redDot),
	"Sum":         reductionOf(redSum),
	"SumSqDiff":   reductionOf(redSumSqDiff),
	"Axpy":        (*gen).axpy,
	"Scal":        (*gen).scal,
	"Asum":        reductionOf(redAsum),
	"Amax":        reductionOf(redAmax),
	"IndexAbs":    (*gen).indexAbs,
	"ScaledSumSq": reductionOf(redScaledSumSq),
	"GemvN":       (*gen).gemvN,
	"GemvT":       (*gen).gemvT,
	"LossGrad":    (*gen).lossGrad,
	"Gram":        (*gen).gram,
	"ShiftScale":  (*gen).shiftScale,
	"GramDiag":    (*gen).gramDiag,
	"DotNorms":    (*gen).dotNorms,
}

func reductionOf(kind redKind) func(g *gen) {
	return func(g *gen) { g.reduction(kind) }
}

// files are the outputs, from this directory.
var files = avogen.Files{
	Asm:   "../../../kernels/internal/amd64/avx2_amd64.s",
	Stubs: "../../../kernels/internal/amd64/avx2_amd64.go",
	Pkg:   "amd64",
}

func main() { avogen.Main("avx2", files, avogen.Check(isa), emit) }

// emit writes, for float64 and then, if isa.Float32, for float32, the
// mask tables of the element type and every kernel of spec.For of it.
func emit(ctx *build.Context) error {
	elems := []elem{f64}
	if isa.Float32 {
		elems = append(elems, f32)
	}
	for _, e := range elems {
		mask := maskTable(ctx, e)
		// Gram's table only where Gram is generated (float64 alone).
		var gramMask operand.Mem
		if hasKernel(e, "Gram") {
			gramMask = gramMaskTable(ctx, e)
		}
		err := avogen.Kernels(ctx, isa, e.Elem, emitters, func(sym string) *gen {
			return &gen{Context: ctx, e: e, name: sym, mask: mask, gramMask: gramMask}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// hasKernel reports whether the kernel named name exists for e.
func hasKernel(e elem, name string) bool {
	for _, k := range spec.For(e.Elem) {
		if k.Name == name {
			return true
		}
	}
	return false
}

// maskTable emits the constant table of the partial-register masks.
func maskTable(ctx *build.Context, e elem) operand.Mem {
	m := ctx.StaticGlobal(fmt.Sprintf("avx2mask%d", e.Size*8))
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	for i := 0; i < 2*e.PerVec(); i++ {
		var ones uint64
		if i < e.PerVec() {
			ones = ^uint64(0)
		}
		switch e.Size {
		case 8:
			ctx.AddDatum(i*8, operand.U64(ones))
		case 4:
			ctx.AddDatum(i*4, operand.U32(uint32(ones)))
		default:
			panic("unsupported element size")
		}
	}
	return m
}
