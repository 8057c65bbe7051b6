// Command avx2 generates the AVX2+FMA kernels of package
// github.com/lanes-go/lanes/kernels/amd64 with avo.
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
// Y8 … Y13, keeping the abs mask (all bits but the sign) or alpha in Y14.
// Amax is not bound to the canonical order but shares it (any order gives
// the same maximum): its lanes take maxima instead of sums. IndexAbs keeps
// v in Y13, the abs mask in Y14 and the partial mask in Y15.
// GemvN keeps the mask in Y15 too; GemvT keeps it in Y14 and broadcasts
// x[i] into Y15. Axpy and Scal keep alpha in Y0. All functions are NOSPLIT
// leaves without a frame, touch no memory outside their slices and end in
// VZEROUPPER once a YMM register was touched.
//
// The element type is a parameter (see elem.go); only float64 is
// generated today.
package main

//go:generate go run . -out ../../../kernels/amd64/avx2_amd64.s -stubs ../../../kernels/amd64/avx2_amd64.go -pkg amd64

import (
	"fmt"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
)

// isa is the suffix of every generated symbol.
const isa = "AVX2"

// vecBytes is the width of one YMM register.
const vecBytes = 32

// numAcc is the number of YMM accumulators: spec.BlockBytes / vecBytes.
const numAcc = spec.BlockBytes / vecBytes

func main() {
	ConstraintExpr("!purego,!noasm") // avo v0.6 syntax: "!purego && !noasm"
	e := elems[spec.Float64.GoType]
	g := &gen{elem: e, mask: maskTable(e)}
	for _, k := range spec.Kernels {
		TEXT(k.Symbol(e.Elem, isa), NOSPLIT, k.Signature(e.Elem))
		Doc(k.Doc(e.Elem, isa)...)
		// The kernels keep no pointer to their slices; without this the
		// compiler moves every caller's stack array to the heap.
		Pragma("noescape")
		switch k.Name {
		case "Dot":
			g.reduction(redDot)
		case "Sum":
			g.reduction(redSum)
		case "SumSqDiff":
			g.reduction(redSumSqDiff)
		case "Asum":
			g.reduction(redAsum)
		case "Amax":
			g.reduction(redAmax)
		case "IndexAbs":
			g.indexAbs()
		case "ScaledSumSq":
			g.reduction(redScaledSumSq)
		case "Axpy":
			g.axpy()
		case "Scal":
			g.scal()
		case "GemvN":
			g.gemvN()
		case "GemvT":
			g.gemvT()
		case "LossGrad":
			g.lossGrad()
		default:
			panic(fmt.Sprintf("no AVX2 generator for kernel %s", k.Name))
		}
	}
	Generate()
}

// gen emits the kernels for one element type.
type gen struct {
	elem
	// mask is the partial-register mask table: PerVec all-ones elements
	// followed by PerVec zero elements. The mask whose first p lanes are
	// set starts p elements before the middle.
	mask operand.Mem
}

// maskTable emits the constant table of the partial-register masks.
func maskTable(e elem) operand.Mem {
	m := GLOBL(fmt.Sprintf("avx2mask%d", e.Size*8), RODATA|NOPTR)
	for i := 0; i < 2*e.PerVec(); i++ {
		var ones uint64
		if i < e.PerVec() {
			ones = ^uint64(0)
		}
		switch e.Size {
		case 8:
			DATA(i*8, operand.U64(ones))
		case 4:
			DATA(i*4, operand.U32(uint32(ones)))
		default:
			panic("unsupported element size")
		}
	}
	return m
}
