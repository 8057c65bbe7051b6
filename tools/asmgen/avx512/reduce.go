package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// reduceUnroll is the number of L-element blocks per main-loop iteration.
const reduceUnroll = 2

// reduction describes the lane update of a reduction kernel.
type reduction struct {
	inputs int // 1 (x) or 2 (x, y)
	// full updates accumulator acc with one whole chunk at x (and y),
	// using the scratch register tmp.
	full func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem)
	// masked updates the lanes of acc selected by k with the chunk at x
	// (and y), reading only those elements; the other lanes keep their
	// value.
	masked func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem, k reg.OpmaskPhysical)
}

func (g *gen) dot() {
	g.reduce(reduction{
		inputs: 2,
		full: func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem) {
			g.movu(x, tmp)
			g.fma231(y, tmp, acc)
		},
		masked: func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem, k reg.OpmaskPhysical) {
			g.movuZ(x, k, tmp)
			g.fma231(y, tmp, k, acc)
		},
	})
}

func (g *gen) sum() {
	g.reduce(reduction{
		inputs: 1,
		full: func(g *gen, acc, _ reg.VecPhysical, x, _ operand.Mem) {
			g.add(x, acc, acc)
		},
		masked: func(g *gen, acc, _ reg.VecPhysical, x, _ operand.Mem, k reg.OpmaskPhysical) {
			g.add(x, acc, k, acc)
		},
	})
}

func (g *gen) sumSqDiff() {
	g.reduce(reduction{
		inputs: 2,
		full: func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem) {
			g.movu(x, tmp)
			g.sub(y, tmp, tmp) // d = x − y, rounded
			g.fma231(tmp, tmp, acc)
		},
		masked: func(g *gen, acc, tmp reg.VecPhysical, x, y operand.Mem, k reg.OpmaskPhysical) {
			g.movuZ(x, k, tmp)
			g.subZ(y, tmp, k, tmp)
			g.fma231(tmp, tmp, k, acc)
		},
	})
}

// asum: acc += |x[i]|. The mask clearing sign bits lives in Z15, which
// reduce never touches.
func (g *gen) asum() {
	abs := z(15)
	g.loadAbsMask(abs)
	g.reduce(reduction{
		inputs: 1,
		full: func(g *gen, acc, tmp reg.VecPhysical, x, _ operand.Mem) {
			g.and(x, abs, tmp)
			g.add(tmp, acc, acc)
		},
		masked: func(g *gen, acc, tmp reg.VecPhysical, x, _ operand.Mem, k reg.OpmaskPhysical) {
			// The masked-off elements are not read (fault suppression);
			// the merge-masked add leaves their lanes as they were.
			g.andZ(x, abs, k, tmp)
			g.add(tmp, acc, k, acc)
		},
	})
}

// scaledSumSq: t = alpha·x[i], rounded by its own VMULPD (VMULPS), then
// acc = fma(t, t, acc). alpha is broadcast into Z15, which reduce never
// touches.
func (g *gen) scaledSumSq() {
	alpha := z(15)
	a, err := g.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	g.bcast(a.Addr, alpha)
	g.reduce(reduction{
		inputs: 1,
		full: func(g *gen, acc, tmp reg.VecPhysical, x, _ operand.Mem) {
			g.mul(x, alpha, tmp)
			g.fma231(tmp, tmp, acc)
		},
		masked: func(g *gen, acc, tmp reg.VecPhysical, x, _ operand.Mem, k reg.OpmaskPhysical) {
			g.mulZ(x, alpha, k, tmp)
			g.fma231(tmp, tmp, k, acc)
		},
	})
}

// reduceFreeZ is the first ZMM register reduce leaves alone: it uses
// Z0–Z3 for the accumulators and Z4… for one scratch register per chunk of
// an iteration. A kernel may set constants in Z(reduceFreeZ)–Z15 before
// calling reduce.
const reduceFreeZ = 4 + 4*reduceUnroll

// reduce emits a whole reduction kernel: x base in SI, y base in DI, n in
// BX, element index in AX, accumulators Z0–Z3, scratch Z4–Z11, tail mask
// in K1.
//
// Vectors shorter than one block take their own copy of the tail chain,
// which skips the fold levels that would only add accumulators it never
// touched, still +0: x + (+0) = x except that −0 + (+0) = +0, and the sign
// of a zero cannot matter because the result is made non-negative-zero at
// the end (the canonical "+ 0", see foldZMM).
func (g *gen) reduce(op reduction) {
	if reduceFreeZ > 15 {
		panic("reduce would clobber Z15, where asum and scaledSumSq keep a constant")
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
	)
	g.Load(g.Param("x").Base(), x)
	if op.inputs == 2 {
		g.Load(g.Param("y").Base(), y)
	}
	g.Load(g.Param("x").Len(), n)
	for k := range 4 {
		g.zero(k)
	}
	// The mask of the last chunk depends only on n mod V: set it now, off
	// the critical path of short vectors.
	g.loadTailMask(n, reg.RDX, kTail)
	g.XORL(i.As32(), i.As32())
	g.CMPQ(n, operand.U32(L))
	g.JB(g.ref("short"))

	block := func(b int) { // the L elements at i + b*L
		for k := range 4 {
			off := (b*L + k*V) * S
			g.Commentf("lanes %d-%d", k*V, k*V+V-1)
			op.full(g, z(k), z(4+4*b+k), g.mem(x, i, off), g.mem(y, i, off))
		}
	}
	tailChunk := func(c int, masked bool) {
		off := c * V * S
		xm, ym := g.mem(x, i, off), g.mem(y, i, off)
		if masked {
			op.masked(g, z(c), z(4+c), xm, ym, kTail)
		} else {
			op.full(g, z(c), z(4+c), xm, ym)
		}
	}

	g.MOVQ(n, end)
	g.ANDQ(operand.I32(-reduceUnroll*L), end)
	g.JZ(g.ref("one"))
	g.at("loop")
	for b := range reduceUnroll {
		block(b)
	}
	g.ADDQ(operand.U32(reduceUnroll*L), i)
	g.CMPQ(i, end)
	g.JB(g.ref("loop"))

	g.at("one")
	for u := reduceUnroll / 2; u >= 1; u /= 2 { // remaining whole blocks
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

	// n < L: the accumulators after the last chunk touched are still +0.
	g.at("short")
	g.TESTQ(n, n)
	g.JZ(g.ref("fold512"))
	g.tailChain("short", n, func(last int) string {
		return [4]string{"fold512", "fold2", "fold3", "fold"}[last]
	}, tailChunk)

	g.at("fold3") // z3 = +0: z1+z3 = z1
	g.add(z(2), z(0), z(0))
	g.at("fold2") // z2 = z3 = +0
	g.add(z(1), z(0), z(0))
	g.JMP(g.ref("fold512"))
	g.at("fold")
	g.foldRegs([][4]int{{0, 1, 2, 3}})
	g.at("fold512")
	g.foldZMM([]int{0}, []int{4}, 5)
	g.retFloat(z(0).AsX())
}
