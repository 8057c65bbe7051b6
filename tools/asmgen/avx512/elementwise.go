package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// elementwiseUnroll is the number of ZMM chunks per main-loop iteration of
// Axpy and Scal.
const elementwiseUnroll = 4

// axpy: y[i] = fma(alpha, x[i], y[i]).
func (g *gen) axpy() {
	g.elementwise(2, func(acc reg.VecPhysical, alpha reg.VecPhysical, x, y operand.Mem, k reg.OpmaskPhysical) {
		if k == nil {
			g.movu(y, acc)
			g.fma231(x, alpha, acc)
			g.movu(acc, y)
			return
		}
		g.movuZ(y, k, acc)
		g.fma231(x, alpha, k, acc)
		g.movu(acc, k, y)
	})
}

// scal: x[i] = alpha·x[i].
func (g *gen) scal() {
	g.elementwise(1, func(acc reg.VecPhysical, alpha reg.VecPhysical, x, _ operand.Mem, k reg.OpmaskPhysical) {
		if k == nil {
			g.mul(x, alpha, acc)
			g.movu(acc, x)
			return
		}
		g.mulZ(x, alpha, k, acc)
		g.movu(acc, k, x)
	})
}

// elementwise emits a kernel applying chunk to every chunk of x (and y):
// alpha broadcast in Z15, x base in SI, y base in DI, n in BX, index AX.
// chunk gets k == nil for a whole chunk.
func (g *gen) elementwise(inputs int, chunk func(acc, alpha reg.VecPhysical, x, y operand.Mem, k reg.OpmaskPhysical)) {
	var (
		x, y  = reg.RSI, reg.RDI
		n     = reg.RBX
		i     = reg.RAX
		end   = reg.R8
		r     = reg.R8
		alpha = z(15)
		V     = g.e.V()
		L     = g.e.Lanes()
		kTail = reg.K1
	)
	a, err := g.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	g.Load(g.Param("x").Base(), x)
	if inputs == 2 {
		g.Load(g.Param("y").Base(), y)
	}
	g.Load(g.Param("x").Len(), n)
	g.bcast(a.Addr, alpha)
	g.loadTailMask(n, reg.RDX, kTail)

	step := elementwiseUnroll * V
	g.XORL(i.As32(), i.As32())
	g.MOVQ(n, end)
	g.ANDQ(operand.I32(-step), end)
	g.JZ(g.ref("tail"))
	g.at("loop")
	for c := range elementwiseUnroll {
		off := c * V * g.e.Size
		chunk(z(c), alpha, g.mem(x, i, off), g.mem(y, i, off), nil)
	}
	g.ADDQ(operand.U32(step), i)
	g.CMPQ(i, end)
	g.JB(g.ref("loop"))

	g.at("tail")
	// The rest, r < step elements, in at most four chunks, the last masked:
	// the same chain as a reduction tail.
	if step != L {
		panic("elementwise tail assumes one L-element block per iteration")
	}
	g.MOVQ(n, r)
	g.ANDQ(operand.U32(L-1), r)
	g.JZ(g.ref("done"))
	g.tailChain("tail", r, to("done"), func(c int, masked bool) {
		off := c * V * g.e.Size
		k := reg.OpmaskPhysical(nil)
		if masked {
			k = kTail
		}
		chunk(z(c), alpha, g.mem(x, i, off), g.mem(y, i, off), k)
	})
	g.at("done")
	g.ret()
}
