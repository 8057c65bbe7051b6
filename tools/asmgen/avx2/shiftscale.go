package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// shiftScaleSmall is the widest row, in registers, that ShiftScale keeps
// shift and scale in registers for: up to four vectors each, in Y4 … Y7
// and Y8 … Y11.
const shiftScaleSmall = 4

// shiftScale emits z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j]: a
// VSUBPD, then a VMULPD, two roundings. Rows of at most shiftScaleSmall
// vectors keep shift and scale in registers and run one row per
// iteration, so a short row (n = 8: two vectors) costs a few instructions
// more than its loads and stores; longer rows read them from memory,
// four vectors at a time, then one, then a masked last vector with the
// mask (n mod 4 lanes) in Y15. Masked lanes are neither read nor written.
func (g *gen) shiftScale() {
	var (
		a, z, sh, sc = R8, R9, R10, R11
		lda, ldz     = R12, R13
		m            = RBX
		j            = RCX // byte index in the row
		n16, n4      = RSI, RDI
		p            = RDX // bytes in the masked last vector
		n            = RAX
		W            = g.e.PerVec()
		mask         = Y15
	)
	g.Load(g.Param("n"), n)
	g.TESTQ(n, n)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("m"), m)
	g.TESTQ(m, m)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("a").Base(), a)
	g.Load(g.Param("z").Base(), z)
	g.Load(g.Param("shift").Base(), sh)
	g.Load(g.Param("scale").Base(), sc)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(U8(g.e.Shift()), lda)
	g.Load(g.Param("ldz"), ldz)
	g.SHLQ(U8(g.e.Shift()), ldz)
	// The mask of the first n mod W lanes: the table's window that starts
	// n mod W elements before its middle.
	g.MOVQ(n, p)
	g.ANDQ(U32(W-1), p)
	g.SHLQ(U8(g.e.Shift()), p)
	g.LEAQ(g.mask.Offset(vecBytes), j)
	g.SUBQ(p, j)
	g.movu(Mem{Base: j}, mask)
	g.CMPQ(n, U32(shiftScaleSmall*W))
	g.JA(LabelRef("wide"))

	// Short rows: dispatch on the whole vectors and whether a masked one
	// follows.
	variant := func(regs int, masked bool) string {
		return fmt.Sprintf("short%d%s", regs, map[bool]string{true: "m"}[masked])
	}
	g.MOVQ(n, j)
	g.SHRQ(U8(log2(W)), j)
	g.TESTQ(p, p)
	g.JNZ(LabelRef("shortmasked"))
	for regs := 1; regs < shiftScaleSmall; regs++ {
		g.CMPQ(j, U8(regs))
		g.JE(LabelRef(variant(regs, false)))
	}
	g.JMP(LabelRef(variant(shiftScaleSmall, false)))
	g.Label("shortmasked")
	for regs := 0; regs < shiftScaleSmall-1; regs++ {
		g.CMPQ(j, U8(regs))
		g.JE(LabelRef(variant(regs, true)))
	}
	g.JMP(LabelRef(variant(shiftScaleSmall-1, true)))
	for regs := shiftScaleSmall; regs >= 0; regs-- {
		for _, masked := range []bool{false, true} {
			if regs == 0 && !masked || regs == shiftScaleSmall && masked {
				continue
			}
			pre := variant(regs, masked)
			g.Label(pre)
			live := regs
			if masked {
				live++
			}
			at := func(base GPPhysical, v int) Mem { return Mem{Base: base}.Offset(vecBytes * v) }
			for v := range live {
				if v < regs {
					g.movu(at(sh, v), ymm[4+v])
					g.movu(at(sc, v), ymm[8+v])
				} else {
					g.maskMov(at(sh, v), mask, ymm[4+v])
					g.maskMov(at(sc, v), mask, ymm[8+v])
				}
			}
			g.Label(pre + "rows")
			for v := range live {
				if v < regs {
					g.movu(at(a, v), ymm[v])
				} else {
					g.maskMov(at(a, v), mask, ymm[v])
				}
				g.sub(ymm[4+v], ymm[v], ymm[v])
				g.mul(ymm[8+v], ymm[v], ymm[v])
				if v < regs {
					g.movu(ymm[v], at(z, v))
				} else {
					g.maskMov(ymm[v], mask, at(z, v))
				}
			}
			g.ADDQ(lda, a)
			g.ADDQ(ldz, z)
			g.DECQ(m)
			g.JNZ(LabelRef(pre + "rows"))
			g.JMP(LabelRef("done"))
		}
	}

	// Long rows: four vectors at a time, then one, then the masked one.
	g.Label("wide")
	g.MOVQ(n, n16)
	g.ANDQ(I32(-4*W), n16)
	g.SHLQ(U8(g.e.Shift()), n16)
	g.MOVQ(n, n4)
	g.ANDQ(I32(-W), n4)
	g.SHLQ(U8(g.e.Shift()), n4)
	one := func(v int, masked bool) {
		at := func(base GPPhysical) Mem { return Mem{Base: base, Index: j, Scale: 1}.Offset(vecBytes * v) }
		x, t := ymm[v], ymm[4+v]
		if masked {
			g.maskMov(at(a), mask, x)
			g.maskMov(at(sh), mask, t)
			g.sub(t, x, x)
			g.maskMov(at(sc), mask, t)
			g.mul(t, x, x)
			g.maskMov(x, mask, at(z))
			return
		}
		g.movu(at(a), x)
		g.sub(at(sh), x, x)
		g.mul(at(sc), x, x)
		g.movu(x, at(z))
	}
	g.Label("row")
	g.XORQ(j, j)
	g.Label("four")
	for v := range 4 {
		one(v, false)
	}
	g.ADDQ(U8(4*vecBytes), j)
	g.CMPQ(j, n16)
	g.JB(LabelRef("four"))
	g.Label("one")
	g.CMPQ(j, n4)
	g.JAE(LabelRef("tail"))
	one(0, false)
	g.ADDQ(U8(vecBytes), j)
	g.JMP(LabelRef("one"))
	g.Label("tail")
	g.TESTQ(p, p)
	g.JZ(LabelRef("nextrow"))
	one(0, true)
	g.Label("nextrow")
	g.ADDQ(lda, a)
	g.ADDQ(ldz, z)
	g.DECQ(m)
	g.JNZ(LabelRef("row"))

	g.Label("done")
	g.VZEROUPPER()
	g.Label("empty")
	g.RET()
}
