package main

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// gramDiagVecs is the width of GramDiag's column block in vectors: six
// ZMM vectors of eight columns, sums in Z0 … Z5 and squares in Z6 … Z11,
// twelve independent dependency chains; A's row goes through Z12 … Z14
// in turn.
const gramDiagVecs = 6

// gramDiagChunkRows is the number of rows GramDiag takes through every
// column block before it moves on, as on AVX2 (see there): a chunk that
// stays in L1 while the column blocks pass over it.
const gramDiagChunkRows = 32

// gramDiag emits sums[j] += a[i·lda+j] (VADDPD) and squares[j] =
// fma(a[i·lda+j], a[i·lda+j], squares[j]) (VFMADD231PD), one of each per
// row and column, rows in increasing order. A block of columns is loaded
// from sums and squares into registers, runs down the rows of a chunk and
// is stored back: the blocking changes nothing in any column's sequence
// of operations. Whole blocks of 48 columns run while more than 48
// remain; the last block, of 1 … 48 columns, has a loop for each number
// of vectors, its last vector loaded and stored under the tail mask in
// K1 ((n−1) mod 8 + 1 lanes), so masked lanes are neither read nor
// written.
func (g *gen) gramDiag() {
	var (
		a, sums, sq = reg.R8, reg.R9, reg.R10
		lda         = reg.R11
		left        = reg.R12 // rows not yet in a chunk
		rows        = reg.R13 // rows of the current chunk
		j           = reg.RSI // element index of the column block
		n           = reg.RAX
		ptr, cnt    = reg.RDI, reg.R14
		t           = reg.RBX
		V           = g.e.V()
		B           = gramDiagVecs * V // columns of a whole block
		kTail       = reg.K1
	)
	g.Load(g.Param("n"), n)
	g.TESTQ(n, n)
	g.JZ(g.ref("empty"))
	g.Load(g.Param("m"), left)
	g.TESTQ(left, left)
	g.JZ(g.ref("empty"))
	g.Load(g.Param("a").Base(), a)
	g.Load(g.Param("sums").Base(), sums)
	g.Load(g.Param("squares").Base(), sq)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(operand.U8(3), lda)
	g.loadTailMask(n, reg.RDX, kTail) // clobbers CX and DX

	g.at("chunk")
	g.MOVQ(operand.U32(gramDiagChunkRows), rows)
	g.CMPQ(left, rows)
	g.CMOVQLT(left, rows)
	g.SUBQ(rows, left)
	g.XORL(j.As32(), j.As32())
	g.at("block")
	g.MOVQ(n, t)
	g.SUBQ(j, t)
	g.CMPQ(t, operand.U32(B))
	g.JBE(g.ref("last"))
	g.gramDiagBlock(g.label("full"), gramDiagVecs, nil, a, sums, sq, lda, rows, j, ptr, cnt)
	g.ADDQ(operand.U32(B), j)
	g.JMP(g.ref("block"))

	// The last block: t columns, 1 ≤ t ≤ B, in ⌈t/V⌉ vectors.
	g.at("last")
	for live := 1; live < gramDiagVecs; live++ {
		g.CMPQ(t, operand.U32(live*V))
		g.JBE(g.ref("last%d", live))
	}
	for live := gramDiagVecs; live >= 1; live-- {
		g.at("last%d", live)
		g.gramDiagBlock(g.label("last%d", live), live, kTail, a, sums, sq, lda, rows, j, ptr, cnt)
		if live > 1 {
			g.JMP(g.ref("nextchunk"))
		}
	}

	g.at("nextchunk")
	g.MOVQ(rows, t)
	g.IMULQ(lda, t)
	g.ADDQ(t, a)
	g.TESTQ(left, left)
	g.JNZ(g.ref("chunk"))
	g.VZEROUPPER()
	g.at("empty")
	g.RET()
}

// gramDiagBlock emits one column block of live vectors at element index
// j over the rows of the chunk, the last vector masked by k unless k is
// nil. It loads the accumulators from sums and squares, adds the rows in
// order and stores them back.
func (g *gen) gramDiagBlock(name string, live int, k reg.OpmaskPhysical, a, sums, sq, lda, rows, j, ptr, cnt reg.GPPhysical) {
	V, S := g.e.V(), g.e.Size
	load := func(src operand.Mem, dst reg.VecPhysical, v int) {
		if k == nil || v < live-1 {
			g.movu(src, dst)
		} else {
			g.movuZ(src, k, dst)
		}
	}
	store := func(src reg.VecPhysical, dst operand.Mem, v int) {
		if k == nil || v < live-1 {
			g.movu(src, dst)
		} else {
			g.movu(src, k, dst)
		}
	}
	for v := range live {
		load(g.mem(sums, j, v*V*S), z(v), v)
		load(g.mem(sq, j, v*V*S), z(gramDiagVecs+v), v)
	}
	g.LEAQ(g.mem(a, j, 0), ptr)
	g.MOVQ(rows, cnt)
	g.Label(name + "_rows")
	for v := range live {
		x := z(2*gramDiagVecs + v%3)
		load(g.mem(ptr, nil, v*V*S), x, v)
		g.add(x, z(v), z(v))
		g.fma231(x, x, z(gramDiagVecs+v))
	}
	g.ADDQ(lda, ptr)
	g.DECQ(cnt)
	g.JNZ(operand.LabelRef(name + "_rows"))
	for v := range live {
		store(z(v), g.mem(sums, j, v*V*S), v)
		store(z(gramDiagVecs+v), g.mem(sq, j, v*V*S), v)
	}
}
