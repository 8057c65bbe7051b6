package main

import (
	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
	"github.com/lanes-go/lanes/tools/asmgen/internal/gramplan"
)

// gramShape is the register tile of Gram: 4 rows of G (a[i][j] broadcast
// in Y15) by 3 vectors of 4 columns (A's row in Y12 … Y14), 12
// accumulators in Y0 … Y11. Per row of A that is 7 loads for 12 FMAs, so
// the two FMA pipes, not the loads, set the pace.
var gramShape = gramplan.Shape{W: 4, R: 4, C: 3}

// gramChunkRows is the number of rows of A a chunk holds: a column block
// reads 128 bytes of each row, 16 KiB per chunk, which stays in L1 while
// the tiles of the block pass over it.
const gramChunkRows = 128

// gramMaskTable emits the masks of Gram's partial vectors: the entry for
// lanes [lo, hi) is at (lo·5 + hi)·32 bytes.
func gramMaskTable(ctx *build.Context, e elem) Mem {
	m := ctx.StaticGlobal("avx2grammask64")
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	W := e.PerVec()
	for lo := 0; lo <= W; lo++ {
		for hi := 0; hi <= W; hi++ {
			for l := 0; l < W; l++ {
				var v uint64
				if lo <= l && l < hi {
					v = ^uint64(0)
				}
				ctx.AddDatum(((lo*(W+1)+hi)*W+l)*8, U64(v))
			}
		}
	}
	return m
}

// gramISA is the AVX2 side of avogen.Gram.
type gramISA struct{ *gen }

func (g gramISA) Shape() gramplan.Shape              { return gramShape }
func (g gramISA) Acc(q, u int) VecPhysical           { return ymm[q*gramShape.C+u] }
func (g gramISA) K(u int) VecPhysical                { return ymm[12+u] }
func (g gramISA) Bcast() VecPhysical                 { return Y15 }
func (g gramISA) Broadcast(src Mem, dst VecPhysical) { g.broadcast(src, dst) }
func (g gramISA) FMA(k, b, acc VecPhysical)          { g.fma231(k, b, acc) }

// maskOf loads the mask of lanes [lo, hi) into Y15.
func (g gramISA) maskOf(lo, hi int) {
	W := g.e.PerVec()
	g.movu(g.gramMask.Offset((lo*(W+1)+hi)*vecBytes), Y15)
}

func (g gramISA) Load(src Mem, sp gramplan.Span, dst VecPhysical, _ GPPhysical) {
	if sp.Full(g.e.PerVec()) {
		g.movu(src, dst)
		return
	}
	g.maskOf(sp.Lo, sp.Hi)
	g.maskMov(src, Y15, dst)
}

func (g gramISA) Store(src VecPhysical, sp gramplan.Span, dst Mem, _ GPPhysical) {
	if sp.Full(g.e.PerVec()) {
		g.movu(src, dst)
		return
	}
	g.maskOf(sp.Lo, sp.Hi)
	g.maskMov(src, Y15, dst)
}

// LoopMask has nothing to prepare: LoadK reloads the mask into Y15, free
// until the first broadcast of the row.
func (g gramISA) LoopMask(int, GPPhysical) {}

func (g gramISA) LoadK(src Mem, lanes int, dst VecPhysical) {
	if lanes == g.e.PerVec() {
		g.movu(src, dst)
		return
	}
	g.maskOf(0, lanes)
	g.maskMov(src, Y15, dst)
}

// gram emits Gram with the driver of package avogen.
func (g *gen) gram() { avogen.Gram(g.Context, gramISA{g}, gramChunkRows) }
