package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// gramDiagVecs is the width of GramDiag's column block in vectors: six
// vectors of four columns, whose sums are in Y0 … Y5 and squares in
// Y6 … Y11, twelve independent dependency chains, enough to cover the
// latency of VADDPD and VFMADD231PD on both pipes. A's row goes through
// Y12 … Y14 in turn; Y15 holds the mask of the last vector.
const gramDiagVecs = 6

// gramDiagChunkRows is the number of rows GramDiag takes through every
// column block before it moves on. Each element is read once whatever
// the chunk, but a chunk of 32 rows of 64 columns is 16 KiB, which stays
// in L1 while the column blocks pass over it, so the lines that the
// first block's loads and the prefetchers bring in serve the blocks
// after it. Measured on Zen 3 (BenchmarkGramDiag, 256×66 to 200000×64):
// 32 and 64 rows alike, 128 about 15% slower, one pass of each block over
// all the rows 50% slower.
const gramDiagChunkRows = 32

// gramDiag emits sums[j] += a[i·lda+j] (VADDPD) and squares[j] =
// fma(a[i·lda+j], a[i·lda+j], squares[j]) (VFMADD231PD), one of each per
// row and column, rows in increasing order. Columns are independent, so
// the kernel holds a block of them in registers, loaded from sums and
// squares, runs down the rows of a chunk and stores them back: the
// blocking changes nothing in any column's sequence of operations. The
// last block of n mod 24 columns has its own loop for each number of
// whole vectors, with or without a last vector masked to n mod 4 lanes
// by VMASKMOVPD, which neither reads nor writes the masked lanes.
func (g *gen) gramDiag() {
	var (
		a, sums, sq = R8, R9, R10
		lda         = R11
		left        = R12 // rows not yet in a chunk
		rows        = R13 // rows of the current chunk
		j           = RCX // byte offset of the column block
		nb          = RAX // n·8: the bytes of a row
		p           = RDX // bytes in the masked last vector
		ptr, cnt    = RSI, RDI
		t           = RBX
		V           = gramDiagVecs
		W           = g.e.PerVec()
		B           = V * vecBytes
		mask        = Y15
	)
	g.Load(g.Param("n"), nb)
	g.TESTQ(nb, nb)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("m"), left)
	g.TESTQ(left, left)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("a").Base(), a)
	g.Load(g.Param("sums").Base(), sums)
	g.Load(g.Param("squares").Base(), sq)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(U8(g.e.Shift()), lda)
	// The mask of the first n mod W lanes: the table's window that starts
	// n mod W elements before its middle.
	g.MOVQ(nb, p)
	g.ANDQ(U32(W-1), p)
	g.SHLQ(U8(g.e.Shift()), p)
	g.SHLQ(U8(g.e.Shift()), nb)
	g.LEAQ(g.mask.Offset(vecBytes), t)
	g.SUBQ(p, t)
	g.movu(Mem{Base: t}, mask)

	g.Label("chunk")
	g.MOVQ(U32(gramDiagChunkRows), rows)
	g.CMPQ(left, rows)
	g.CMOVQLT(left, rows)
	g.SUBQ(rows, left)
	g.XORL(j.As32(), j.As32())
	g.Label("block")
	g.MOVQ(nb, t)
	g.SUBQ(j, t)
	g.CMPQ(t, U32(B))
	g.JB(LabelRef("last"))
	g.gramDiagBlock("full", V, false, a, sums, sq, lda, rows, j, ptr, cnt)
	g.ADDQ(U32(B), j)
	g.JMP(LabelRef("block"))

	// The last block: t bytes, t/32 whole vectors and the masked one if
	// p ≠ 0.
	variant := func(whole int, masked bool) string {
		return fmt.Sprintf("last%d%s", whole, map[bool]string{true: "m"}[masked])
	}
	g.Label("last")
	g.TESTQ(t, t)
	g.JZ(LabelRef("nextchunk"))
	g.SHRQ(U8(log2(vecBytes)), t)
	g.TESTQ(p, p)
	g.JNZ(LabelRef("lastmasked"))
	for whole := 1; whole < V-1; whole++ {
		g.CMPQ(t, U8(whole))
		g.JE(LabelRef(variant(whole, false)))
	}
	g.JMP(LabelRef(variant(V-1, false)))
	g.Label("lastmasked")
	for whole := 0; whole < V-1; whole++ {
		g.CMPQ(t, U8(whole))
		g.JE(LabelRef(variant(whole, true)))
	}
	g.JMP(LabelRef(variant(V-1, true)))
	for whole := V - 1; whole >= 0; whole-- {
		for _, masked := range []bool{false, true} {
			if whole == 0 && !masked {
				continue
			}
			g.Label(variant(whole, masked))
			g.gramDiagBlock(variant(whole, masked), whole, masked, a, sums, sq, lda, rows, j, ptr, cnt)
			g.JMP(LabelRef("nextchunk"))
		}
	}

	g.Label("nextchunk")
	g.MOVQ(rows, t)
	g.IMULQ(lda, t)
	g.ADDQ(t, a)
	g.TESTQ(left, left)
	g.JNZ(LabelRef("chunk"))
	g.VZEROUPPER()
	g.Label("empty")
	g.RET()
}

// gramDiagBlock emits one column block at byte offset j over the rows of
// the chunk: whole vectors of columns, then one masked by Y15 if masked.
// It loads the accumulators from sums and squares, adds the rows in
// order and stores them back.
func (g *gen) gramDiagBlock(name string, whole int, masked bool, a, sums, sq, lda, rows, j, ptr, cnt GPPhysical) {
	V := gramDiagVecs
	live := whole
	if masked {
		live++
	}
	at := func(base GPPhysical, v int) Mem { return Mem{Base: base, Index: j, Scale: 1}.Offset(vecBytes * v) }
	move := func(src, dst Op, v int) {
		if v < whole {
			g.movu(src, dst)
		} else {
			g.maskMov(src, Y15, dst)
		}
	}
	for v := range live {
		move(at(sums, v), ymm[v], v)
		move(at(sq, v), ymm[V+v], v)
	}
	g.LEAQ(Mem{Base: a, Index: j, Scale: 1}, ptr)
	g.MOVQ(rows, cnt)
	g.Label(name + "rows")
	for v := range live {
		x := ymm[2*V+v%3]
		move(Mem{Base: ptr}.Offset(vecBytes*v), x, v)
		g.add(x, ymm[v], ymm[v])
		g.fma231(x, x, ymm[V+v])
	}
	g.ADDQ(lda, ptr)
	g.DECQ(cnt)
	g.JNZ(LabelRef(name + "rows"))
	for v := range live {
		move(ymm[v], at(sums, v), v)
		move(ymm[V+v], at(sq, v), v)
	}
}
