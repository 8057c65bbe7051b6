package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// absMask sets every lane of dst to all bits but the sign bit: And with it
// is |x| (a NaN stays a NaN). Built in registers, so it needs no constant
// table.
func (g *gen) absMask(dst VecPhysical) {
	g.AllOnes(dst, dst, dst)
	g.ShrLanes(U8(1), dst, dst)
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
	Load(Param("x").Base(), x)
	MOVQ(x, base)
	Load(Param("x").Len(), n)
	v, err := Param("v").Resolve()
	if err != nil {
		panic(err)
	}
	vr, abs, mask := Y13, Y14, Y15
	g.Broadcast(v.Addr, vr)
	g.absMask(abs)
	V := g.PerVec()
	group := indexAbsUnroll * V

	// eq sets t to all ones in the lanes where |src| == v.
	eq := func(src Op, t VecPhysical) {
		g.And(src, abs, t)
		g.Cmp(U8(cmpEQOQ), vr, t, t)
	}

	// Groups of indexAbsUnroll registers; one test per group.
	MOVQ(n, cnt)
	SHRQ(U8(log2(group)), cnt)
	JZ(LabelRef("regs"))
	Label("group")
	for j := 0; j < indexAbsUnroll; j++ {
		eq(Mem{Base: x}.Offset(vecBytes*j), ymm[j])
	}
	g.Or(Y1, Y0, Y4)
	g.Or(Y3, Y2, Y5)
	g.Or(Y5, Y4, Y4)
	g.MovMsk(Y4, bits.As32())
	TESTL(bits.As32(), bits.As32())
	JNZ(LabelRef("groupfound"))
	ADDQ(U32(indexAbsUnroll*vecBytes), x)
	DECQ(cnt)
	JNZ(LabelRef("group"))

	// The whole registers after the groups, one at a time.
	Label("regs")
	MOVQ(n, cnt)
	ANDQ(U32(group-1), cnt)
	SHRQ(U8(log2(V)), cnt)
	JZ(LabelRef("partial"))
	Label("reg")
	eq(Mem{Base: x}, Y0)
	g.MovMsk(Y0, bits.As32())
	TESTL(bits.As32(), bits.As32())
	JNZ(LabelRef("found"))
	ADDQ(U32(vecBytes), x)
	DECQ(cnt)
	JNZ(LabelRef("reg"))

	// The last n mod V elements, under a mask.
	Label("partial")
	ANDQ(U32(V-1), n)
	JZ(LabelRef("notfound"))
	SHLQ(U8(g.Shift()), n)
	LEAQ(g.mask.Offset(vecBytes), tmp)
	SUBQ(n, tmp)
	g.MovU(Mem{Base: tmp}, mask)
	g.MaskMov(Mem{Base: x}, mask, Y0)
	eq(Y0, Y0)
	// The masked lanes read +0, and |+0| == v when v is ±0: keep only the
	// lanes that were loaded.
	g.And(mask, Y0, Y0)
	g.MovMsk(Y0, bits.As32())
	TESTL(bits.As32(), bits.As32())
	JNZ(LabelRef("found"))

	Label("notfound")
	MOVQ(I32(-1), x)
	g.retInt(x)

	// A match in the group at x: gather the lane bits of its registers.
	Label("groupfound")
	g.MovMsk(Y0, bits.As32())
	for j := 1; j < indexAbsUnroll; j++ {
		g.MovMsk(ymm[j], tmp.As32())
		SHLL(U8(j*V), tmp.As32())
		ORL(tmp.As32(), bits.As32())
	}

	// bits ≠ 0: the first set bit is the first match after x.
	Label("found")
	BSFQ(bits, bits)
	SUBQ(base, x)
	SHRQ(U8(g.Shift()), x)
	ADDQ(bits, x)
	g.retInt(x)
}

// retInt stores the integer in r as the result and returns.
func (g *gen) retInt(r GPPhysical) {
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
