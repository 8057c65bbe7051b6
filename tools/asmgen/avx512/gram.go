package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
	"github.com/lanes-go/lanes/tools/asmgen/internal/gramplan"
)

// gramShape is the register tile of Gram: 4 rows of G (a[i][j] broadcast
// in Z15) by 3 vectors of 8 columns (A's row in Z12 … Z14), 12
// accumulators in Z0 … Z11: every register is one of Z0–Z15. Per row of A
// that is 7 loads for 12 FMAs.
var gramShape = gramplan.Shape{W: 8, R: 4, C: 3}

// gramChunkRows is the number of rows of A a chunk holds: a column block
// reads 224 bytes of each row, 28 KiB per chunk.
const gramChunkRows = 128

// gramISA is the AVX-512 side of avogen.Gram. Partial vectors use opmask
// registers: K1 for the last vector of A's row inside the row loop, K2 for
// a vector of G.
type gramISA struct{ *gen }

func (g gramISA) Shape() gramplan.Shape                          { return gramShape }
func (g gramISA) Acc(q, u int) reg.VecPhysical                   { return z(q*gramShape.C + u) }
func (g gramISA) K(u int) reg.VecPhysical                        { return z(12 + u) }
func (g gramISA) Bcast() reg.VecPhysical                         { return z(15) }
func (g gramISA) FMA(k, b, acc reg.VecPhysical)                  { g.fma231(k, b, acc) }
func (g gramISA) Broadcast(src operand.Mem, dst reg.VecPhysical) { g.bcast(src, dst) }

// setMask sets k to the lanes [lo, hi).
func (g gramISA) setMask(lo, hi int, k reg.OpmaskPhysical, tmp reg.GPPhysical) {
	g.MOVL(operand.U32((1<<hi-1)&^(1<<lo-1)), tmp.As32())
	g.KMOVW(tmp.As32(), k)
}

func (g gramISA) Load(src operand.Mem, sp gramplan.Span, dst reg.VecPhysical, tmp reg.GPPhysical) {
	if sp.Full(g.e.V()) {
		g.movu(src, dst)
		return
	}
	g.setMask(sp.Lo, sp.Hi, reg.K2, tmp)
	g.movuZ(src, reg.K2, dst)
}

func (g gramISA) Store(src reg.VecPhysical, sp gramplan.Span, dst operand.Mem, tmp reg.GPPhysical) {
	if sp.Full(g.e.V()) {
		g.movu(src, dst)
		return
	}
	g.setMask(sp.Lo, sp.Hi, reg.K2, tmp)
	g.movu(src, reg.K2, dst)
}

func (g gramISA) LoopMask(lanes int, tmp reg.GPPhysical) { g.setMask(0, lanes, reg.K1, tmp) }

func (g gramISA) LoadK(src operand.Mem, lanes int, dst reg.VecPhysical) {
	if lanes == g.e.V() {
		g.movu(src, dst)
		return
	}
	g.movuZ(src, reg.K1, dst)
}

// gram emits Gram with the driver of package avogen.
func (g *gen) gram() { avogen.Gram(g.Context, gramISA{g}, gramChunkRows) }
