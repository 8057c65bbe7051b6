package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// dotNormsUnroll is the number of L-element blocks per main-loop iteration
// of DotNorms.
const dotNormsUnroll = 2

// dotNorms: x·y, x·x and y·y in one pass, each the reduction of Dot (see
// reduce) on its own row of four accumulators: x·y in Z0–Z3, x·x in
// Z4–Z7, y·y in Z8–Z11, register k of a row holding lanes kV … kV+V−1.
// Chunk c of a block loads x into one scratch register and y into another
// (Z12/Z13 for even c, Z14/Z15 for odd c; register renaming keeps the
// chunks independent) and feeds the three rows one FMA each, the product
// operands in the order of generic.DotF32: fma(x, y), fma(x, x), fma(y, y).
// The masked chunk of a partial block loads with zero-masking and adds
// with merge-masking, as Dot does, so the lanes beyond n keep their value.
//
// Only Z0–Z15 may be used (see avogen.Check), so the sixteen registers are
// twelve accumulators and four scratch registers.
//
// The rows are then folded in lockstep with Dot's fold (foldRegs, foldZMM,
// and the short-vector shortcuts of reduce), and the three float32
// results are stored with VEX-encoded VMOVSS before VZEROUPPER.
func (g *gen) dotNorms() {
	if g.e.Size != 4 {
		panic("DotNorms is a float32 kernel")
	}
	var (
		x, y  = reg.RSI, reg.RDI
		n     = reg.RBX
		i     = reg.RAX
		end   = reg.R8
		r     = reg.R8
		L     = g.e.Lanes()
		V     = g.e.V()
		S     = g.e.Size
		kTail = reg.K1
		// rows are the accumulators of x·y, x·x and y·y, in the order of
		// the results.
		rows = [][4]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}}
	)
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("y").Base(), y)
	g.Load(g.Param("x").Len(), n)
	for _, row := range rows {
		for _, a := range row {
			g.zero(a)
		}
	}
	g.loadTailMask(n, reg.RDX, kTail)
	g.XORL(i.As32(), i.As32())
	g.CMPQ(n, operand.U32(L))
	g.JB(g.ref("short"))

	// chunk emits chunk c (lanes cV … cV+V−1) of the block at i + off
	// elements, its scratch pair chosen by s; masked, it reads only the
	// lanes kTail selects and leaves the others of every row unchanged.
	chunk := func(c, off, s int, masked bool) {
		disp := (off + c*V) * S
		xm, ym := g.mem(x, i, disp), g.mem(y, i, disp)
		tx, ty := z(12+2*(s%2)), z(13+2*(s%2))
		xy, xx, yy := z(rows[0][c]), z(rows[1][c]), z(rows[2][c])
		if masked {
			g.movuZ(xm, kTail, tx)
			g.movuZ(ym, kTail, ty)
			g.fma231(ty, tx, kTail, xy)
			g.fma231(tx, tx, kTail, xx)
			g.fma231(ty, ty, kTail, yy)
			return
		}
		g.movu(xm, tx)
		g.movu(ym, ty)
		g.fma231(ty, tx, xy)
		g.fma231(tx, tx, xx)
		g.fma231(ty, ty, yy)
	}
	block := func(b int) { // the L elements at i + b*L
		for c := range 4 {
			g.Commentf("lanes %d-%d", c*V, c*V+V-1)
			chunk(c, b*L, 4*b+c, false)
		}
	}
	tailChunk := func(c int, masked bool) { chunk(c, 0, c, masked) }

	g.MOVQ(n, end)
	g.ANDQ(operand.I32(-dotNormsUnroll*L), end)
	g.JZ(g.ref("one"))
	g.at("loop")
	for b := range dotNormsUnroll {
		block(b)
	}
	g.ADDQ(operand.U32(dotNormsUnroll*L), i)
	g.CMPQ(i, end)
	g.JB(g.ref("loop"))

	g.at("one")
	for u := dotNormsUnroll / 2; u >= 1; u /= 2 { // remaining whole blocks
		g.TESTQ(operand.U32(u*L), n)
		g.JZ(g.ref("tail%d", u))
		for b := range u {
			block(b)
		}
		g.ADDQ(operand.U32(u*L), i)
		g.at("tail%d", u)
	}
	g.MOVQ(n, r)
	g.ANDQ(operand.U32(L-1), r)
	g.JZ(g.ref("fold"))
	g.tailChain("tail", r, to("fold"), tailChunk)

	// n < L: the accumulators after the last chunk touched are still +0
	// in every row, and reduce's shortcuts apply to each.
	g.at("short")
	g.TESTQ(n, n)
	g.JZ(g.ref("fold512"))
	g.tailChain("short", n, func(last int) string {
		return [4]string{"fold512", "fold2", "fold3", "fold"}[last]
	}, tailChunk)

	g.at("fold3") // register 3 of every row is +0: z1+z3 = z1
	for _, row := range rows {
		g.add(z(row[2]), z(row[0]), z(row[0]))
	}
	g.at("fold2") // registers 2 and 3 of every row are +0
	for _, row := range rows {
		g.add(z(row[1]), z(row[0]), z(row[0]))
	}
	g.JMP(g.ref("fold512"))
	g.at("fold")
	g.foldRegs(rows)
	g.at("fold512")
	g.foldZMM([]int{rows[0][0], rows[1][0], rows[2][0]}, []int{12, 13, 14}, 15)
	g.retFloat32s(z(rows[0][0]).AsX(), z(rows[1][0]).AsX(), z(rows[2][0]).AsX())
}

// retFloat32s stores the low float32 element of each XMM register of xs
// as the kernel's result of the same index, with VEX-encoded VMOVSS (see
// retFloat), then emits VZEROUPPER and RET.
func (g *gen) retFloat32s(xs ...reg.Register) {
	for r, x := range xs {
		ret, err := g.ReturnIndex(r).Resolve()
		if err != nil {
			panic(err)
		}
		g.inst(g.e.movS(x, ret.Addr))
	}
	g.ret()
}
