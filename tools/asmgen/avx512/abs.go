package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The kernels on |x| that are not canonical reductions, Amax and IndexAbs,
// share one register plan: x base in SI, n in BX, element index in AX,
// the sign-clearing mask in Z15, scratch Z4–Z7 (one per chunk of a
// block), tail mask in K1. Both walk x one L-element block (four chunks)
// per iteration and finish with tailChain, the last chunk masked.

// absChunk loads the chunk at x into dst with its sign bits cleared. With
// a mask k, the other elements are not read and come out +0.
func (g *gen) absChunk(x operand.Mem, abs, dst reg.VecPhysical, k reg.OpmaskPhysical) {
	if k == nil {
		g.and(x, abs, dst)
		return
	}
	g.andZ(x, abs, k, dst)
}

// absLoop emits the walk shared by Amax and IndexAbs: it loads x and n,
// the mask into abs and the tail mask into K1, then emits block once as
// the body of the loop over the whole L-element blocks (block at index AX),
// and the r = n mod L elements left (in R8) through tailChain with chunk.
// Both may jump out early; otherwise control reaches label "done", which
// absLoop emits last.
func (g *gen) absLoop(abs reg.VecPhysical, block func(), chunk func(c int, masked bool)) {
	var (
		x, n, i = reg.RSI, reg.RBX, reg.RAX
		end, r  = reg.R8, reg.R8
		L       = g.e.Lanes()
	)
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("x").Len(), n)
	g.loadAbsMask(abs)
	g.loadTailMask(n, reg.RDX, reg.K1)
	g.XORL(i.As32(), i.As32())
	g.MOVQ(n, end)
	g.ANDQ(operand.I32(-L), end)
	g.JZ(g.ref("tail"))
	g.at("loop")
	block()
	g.ADDQ(operand.U32(L), i)
	g.CMPQ(i, end)
	g.JB(g.ref("loop"))
	g.at("tail")
	g.MOVQ(n, r)
	g.ANDQ(operand.U32(L-1), r)
	g.JZ(g.ref("done"))
	g.tailChain("tail", r, to("done"), chunk)
	g.at("done")
}

// amax: m = max(m, |x[i]|) over four independent accumulators Z0–Z3, one
// per chunk of a block, all starting at +0.
//
// VMAXPD src2, src1, dst (Go operand order) computes src1 > src2 ? src1 :
// src2, and returns src2 when either is NaN. So |x| goes in src1 and the
// accumulator in src2: a NaN |x| compares false and leaves the
// accumulator, which therefore never becomes NaN. The accumulators hold
// only +0 and values of |x|, never −0, so equal candidates have equal bits
// and the order of comparisons, including the final fold, cannot matter.
// The masked tail zeroes the lanes beyond n: +0 never beats an
// accumulator.
func (g *gen) amax() {
	var (
		x, i = reg.RSI, reg.RAX
		abs  = z(15)
		V, S = g.e.V(), g.e.Size
	)
	for k := range 4 {
		g.zero(k)
	}
	chunk := func(c int, masked bool) {
		k := reg.OpmaskPhysical(nil)
		if masked {
			k = reg.K1
		}
		g.absChunk(g.mem(x, i, c*V*S), abs, z(4+c), k)
		g.max(z(c), z(4+c), z(c))
	}
	g.absLoop(abs, func() {
		for c := range 4 {
			chunk(c, false)
		}
	}, chunk)

	// Fold with max: no NaN is left, so any order gives the same bits.
	g.max(z(2), z(0), z(0))
	g.max(z(3), z(1), z(1))
	g.max(z(1), z(0), z(0))
	g.VEXTRACTF64X4(operand.U8(1), z(0), z(4).AsY())
	g.max(z(4).AsY(), z(0).AsY(), z(0).AsY())
	g.VEXTRACTF128(operand.U8(1), z(0).AsY(), z(4).AsX())
	g.max(z(4).AsX(), z(0).AsX(), z(0).AsX())
	g.e.max128(g, z(0).AsX(), z(4).AsX())
	g.retFloat(z(0).AsX())
}

// indexAbs: the first i with |x[i]| == v, or −1. v is broadcast into
// Z14; chunk c of a block compares into K(2+c) with EQ_OQ, which is false
// for NaN, so v = NaN finds nothing and NaN elements never match. A block
// is tested with two KORWs and one KORTESTW, and only a block with a match
// is searched further.
//
// In the tail, the masked chunk compares under the tail mask K1: its
// zeroed lanes beyond n are +0 and would otherwise match v = ±0.
func (g *gen) indexAbs() {
	var (
		x, i   = reg.RSI, reg.RAX
		abs, v = z(15), z(14)
		V, S   = g.e.V(), g.e.Size
		eqOQ   = operand.U8(0)
	)
	ks := [4]reg.OpmaskPhysical{reg.K2, reg.K3, reg.K4, reg.K5}
	va, err := g.Param("v").Resolve()
	if err != nil {
		panic(err)
	}
	g.bcast(va.Addr, v)
	// "found" reads all four chunk masks. The tail sets only those of the
	// chunks it reaches and leaves on the first match, so the others must
	// be clear: the main loop only ever exits with all four clear, and
	// they start clear for vectors shorter than a block.
	for _, k := range ks {
		g.KXORW(k, k, k)
	}
	g.absLoop(abs, func() {
		for c, k := range ks {
			g.absChunk(g.mem(x, i, c*V*S), abs, z(4+c), nil)
			g.cmp(eqOQ, v, z(4+c), k)
		}
		g.KORW(ks[0], ks[1], reg.K6)
		g.KORW(ks[2], ks[3], reg.K7)
		g.KORTESTW(reg.K6, reg.K7)
		g.JNZ(g.ref("found"))
	}, func(c int, masked bool) {
		if masked {
			g.absChunk(g.mem(x, i, c*V*S), abs, z(4+c), reg.K1)
			g.cmp(eqOQ, v, z(4+c), reg.K1, ks[c])
		} else {
			g.absChunk(g.mem(x, i, c*V*S), abs, z(4+c), nil)
			g.cmp(eqOQ, v, z(4+c), ks[c])
		}
		g.KORTESTW(ks[c], ks[c])
		g.JNZ(g.ref("found"))
	})
	g.MOVQ(operand.I32(-1), i)
	g.JMP(g.ref("ret"))

	// The block at i has a match: join the four chunk masks into one
	// 4V-bit word, chunk 0 lowest, and add the position of its lowest set
	// bit. BSF, not TZCNT, which would need BMI1; the word is never 0.
	g.at("found")
	g.KMOVW(ks[0], reg.EDX)
	for c := 1; c < 4; c++ {
		g.KMOVW(ks[c], reg.ECX)
		g.SHLQ(operand.U8(c*V), reg.RCX)
		g.ORQ(reg.RCX, reg.RDX)
	}
	g.BSFQ(reg.RDX, reg.RDX)
	g.ADDQ(reg.RDX, i)
	g.at("ret")
	g.VZEROUPPER()
	g.Store(i, g.ReturnIndex(0))
	g.RET()
}
