package main

import (
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// absMask sets every lane of dst to all bits but the sign bit: And with it
// is |x| (a NaN stays a NaN). Built in registers, so it needs no constant
// table.
func (g *gen) absMask(dst VecPhysical) {
	g.allOnes(dst, dst, dst)
	g.shrLanes(U8(1), dst, dst)
}

// cmpEQOQ is the VCMPPD/VCMPPS predicate "equal, ordered, quiet": false
// whenever an operand is NaN, as Go's ==.
const cmpEQOQ = 0x00

// indexAbsUnroll is the number of YMM registers IndexAbs compares per
// iteration before it tests for a match.
const indexAbsUnroll = 4

// indexAbs emits IndexAbs(v, x): the first i with |x[i]| == v, or −1.
//
// Registers: Y13 holds v, Y14 the abs mask, Y15 the mask of the partial
// register; Y0 … Y3 take the comparisons of a group, Y4 and Y5 their OR.
// RSI is the cursor, RDI the start of x, RCX the length, RBX a counter and
// RAX the bits of the matching lanes (lane 0 of the cursor in bit 0).
func (g *gen) indexAbs() {
	x, base, n, cnt, bits, tmp := RSI, RDI, RCX, RBX, RAX, RDX
	g.Load(g.Param("x").Base(), x)
	g.MOVQ(x, base)
	g.Load(g.Param("x").Len(), n)
	v, err := g.Param("v").Resolve()
	if err != nil {
		panic(err)
	}
	vr, abs, mask := Y13, Y14, Y15
	g.broadcast(v.Addr, vr)
	g.absMask(abs)
	V := g.e.PerVec()
	group := indexAbsUnroll * V

	// eq sets t to all ones in the lanes where |src| == v.
	eq := func(src Op, t VecPhysical) {
		g.and(src, abs, t)
		g.cmp(U8(cmpEQOQ), vr, t, t)
	}

	// Groups of indexAbsUnroll registers; one test per group.
	g.MOVQ(n, cnt)
	g.SHRQ(U8(log2(group)), cnt)
	g.JZ(LabelRef("regs"))
	g.Label("group")
	for j := 0; j < indexAbsUnroll; j++ {
		eq(Mem{Base: x}.Offset(vecBytes*j), ymm[j])
	}
	g.or(Y1, Y0, Y4)
	g.or(Y3, Y2, Y5)
	g.or(Y5, Y4, Y4)
	g.movMsk(Y4, bits.As32())
	g.TESTL(bits.As32(), bits.As32())
	g.JNZ(LabelRef("groupfound"))
	g.ADDQ(U32(indexAbsUnroll*vecBytes), x)
	g.DECQ(cnt)
	g.JNZ(LabelRef("group"))

	// The whole registers after the groups, one at a time.
	g.Label("regs")
	g.MOVQ(n, cnt)
	g.ANDQ(U32(group-1), cnt)
	g.SHRQ(U8(log2(V)), cnt)
	g.JZ(LabelRef("partial"))
	g.Label("reg")
	eq(Mem{Base: x}, Y0)
	g.movMsk(Y0, bits.As32())
	g.TESTL(bits.As32(), bits.As32())
	g.JNZ(LabelRef("found"))
	g.ADDQ(U32(vecBytes), x)
	g.DECQ(cnt)
	g.JNZ(LabelRef("reg"))

	// The last n mod V elements, under a mask.
	g.Label("partial")
	g.ANDQ(U32(V-1), n)
	g.JZ(LabelRef("notfound"))
	g.SHLQ(U8(g.e.Shift()), n)
	g.LEAQ(g.mask.Offset(vecBytes), tmp)
	g.SUBQ(n, tmp)
	g.movu(Mem{Base: tmp}, mask)
	g.maskMov(Mem{Base: x}, mask, Y0)
	eq(Y0, Y0)
	// The masked lanes read +0, and |+0| == v when v is ±0: keep only the
	// lanes that were loaded.
	g.and(mask, Y0, Y0)
	g.movMsk(Y0, bits.As32())
	g.TESTL(bits.As32(), bits.As32())
	g.JNZ(LabelRef("found"))

	g.Label("notfound")
	g.MOVQ(I32(-1), x)
	g.retInt(x)

	// A match in the group at x: gather the lane bits of its registers.
	g.Label("groupfound")
	g.movMsk(Y0, bits.As32())
	for j := 1; j < indexAbsUnroll; j++ {
		g.movMsk(ymm[j], tmp.As32())
		g.SHLL(U8(j*V), tmp.As32())
		g.ORL(tmp.As32(), bits.As32())
	}

	// bits ≠ 0: the first set bit is the first match after x.
	g.Label("found")
	g.BSFQ(bits, bits)
	g.SUBQ(base, x)
	g.SHRQ(U8(g.e.Shift()), x)
	g.ADDQ(bits, x)
	g.retInt(x)
}

// retInt stores the integer in r as the result and returns.
func (g *gen) retInt(r GPPhysical) {
	g.Store(r, g.ReturnIndex(0))
	g.VZEROUPPER()
	g.RET()
}
