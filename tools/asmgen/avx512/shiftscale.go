package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// shiftScaleSmall is the widest row, in vectors, for which ShiftScale
// keeps shift and scale in registers (Z4 … Z7 and Z8 … Z11).
const shiftScaleSmall = 4

// shiftScale emits z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j]: a
// VSUBPD, then a VMULPD, two roundings. The last vector of every row, of
// (n−1) mod 8 + 1 lanes, is loaded and stored under the tail mask in K1,
// so masked lanes are neither read nor written. Rows of at most
// shiftScaleSmall vectors keep shift and scale in registers; longer rows
// read them from memory, four vectors at a time, then one, then the last.
func (g *gen) shiftScale() {
	var (
		a, zp, sh, sc = reg.R8, reg.R9, reg.R10, reg.R11
		lda, ldz      = reg.R12, reg.R13
		m             = reg.RBX
		j             = reg.RSI // element index in the row
		last          = reg.RDI // index of the last vector of the row
		n4            = reg.RDX // last, rounded down to four vectors
		n             = reg.RAX
		V             = g.e.V()
		S             = g.e.Size
		kTail         = reg.K1
	)
	g.Load(g.Param("n"), n)
	g.TESTQ(n, n)
	g.JZ(g.ref("empty"))
	g.Load(g.Param("m"), m)
	g.TESTQ(m, m)
	g.JZ(g.ref("empty"))
	g.Load(g.Param("a").Base(), a)
	g.Load(g.Param("z").Base(), zp)
	g.Load(g.Param("shift").Base(), sh)
	g.Load(g.Param("scale").Base(), sc)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(operand.U8(3), lda)
	g.Load(g.Param("ldz"), ldz)
	g.SHLQ(operand.U8(3), ldz)
	g.loadTailMask(n, reg.RDX, kTail) // clobbers CX and DX
	g.LEAQ(operand.Mem{Base: n, Disp: -1}, last)
	g.ANDQ(operand.I32(-V), last)

	// vec emits the element-wise update of the vector at element index
	// idx plus v vectors, in Z(v), with shift and scale from t (nil: from
	// memory), masked by k unless k is nil.
	vec := func(v int, idx reg.Register, t []reg.VecPhysical, k reg.OpmaskPhysical) {
		x := z(v)
		at := func(base reg.GPPhysical) operand.Mem { return g.mem(base, idx, v*V*S) }
		load := func(src operand.Mem, dst reg.VecPhysical) {
			if k == nil {
				g.movu(src, dst)
			} else {
				g.movuZ(src, k, dst)
			}
		}
		load(at(a), x)
		if t == nil {
			load(at(sh), z(4+v))
			g.sub(z(4+v), x, x)
			load(at(sc), z(4+v))
			g.mul(z(4+v), x, x)
		} else {
			g.sub(t[0], x, x)
			g.mul(t[1], x, x)
		}
		if k == nil {
			g.movu(x, at(zp))
		} else {
			g.movu(x, k, at(zp))
		}
	}

	g.CMPQ(n, operand.U32(shiftScaleSmall*V))
	g.JA(g.ref("wide"))
	// Short rows: one loop for each number of vectors, the last masked.
	for live := 1; live < shiftScaleSmall; live++ {
		g.CMPQ(n, operand.U32(live*V))
		g.JBE(g.ref("short%d", live))
	}
	for live := shiftScaleSmall; live >= 1; live-- {
		g.at("short%d", live)
		regs := func(v int) []reg.VecPhysical { return []reg.VecPhysical{z(4 + v), z(8 + v)} }
		for v := range live {
			k := reg.OpmaskPhysical(nil)
			if v == live-1 {
				k = kTail
			}
			for i, base := range []reg.GPPhysical{sh, sc} {
				if k == nil {
					g.movu(g.mem(base, nil, v*V*S), regs(v)[i])
				} else {
					g.movuZ(g.mem(base, nil, v*V*S), k, regs(v)[i])
				}
			}
		}
		g.at("short%d_rows", live)
		for v := range live {
			k := reg.OpmaskPhysical(nil)
			if v == live-1 {
				k = kTail
			}
			vec(v, nil, regs(v), k)
		}
		g.ADDQ(lda, a)
		g.ADDQ(ldz, zp)
		g.DECQ(m)
		g.JNZ(g.ref("short%d_rows", live))
		g.JMP(g.ref("done"))
	}

	// Long rows (more than four vectors, so last ≥ 4V).
	g.at("wide")
	g.MOVQ(last, n4)
	g.ANDQ(operand.I32(-4*V), n4)
	g.at("row")
	g.XORL(j.As32(), j.As32())
	g.at("four")
	for v := range 4 {
		vec(v, j, nil, nil)
	}
	g.ADDQ(operand.U32(4*V), j)
	g.CMPQ(j, n4)
	g.JB(g.ref("four"))
	g.at("one")
	g.CMPQ(j, last)
	g.JAE(g.ref("tail"))
	vec(0, j, nil, nil)
	g.ADDQ(operand.U32(V), j)
	g.JMP(g.ref("one"))
	g.at("tail")
	vec(0, j, nil, kTail)
	g.ADDQ(lda, a)
	g.ADDQ(ldz, zp)
	g.DECQ(m)
	g.JNZ(g.ref("row"))

	g.at("done")
	g.VZEROUPPER()
	g.at("empty")
	g.RET()
}
