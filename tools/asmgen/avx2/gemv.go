package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// gemvN emits y[i] = Dot(a[i·lda : i·lda+n], x): rows shorter than one
// block by gemvNShort; longer ones in groups that share the loads of x
// (gemvNGroup), and the last few one at a time through the Dot code path.
func (g *gen) gemvN() {
	row, x, y, m, lda, nb := R8, R9, R10, R11, R12, R13
	r := redRegs{x: RSI, y: RDI, end: RDX, k: RBX, p: RAX}

	g.Load(g.Param("m"), m)
	g.TESTQ(m, m)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("n"), nb)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(U8(g.e.Shift()), lda)
	g.Load(g.Param("a").Base(), row)
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("y").Base(), y)
	g.tailSetup(nb, r.k, r.p, r.end, Y15)
	g.CMPQ(nb, U32(g.e.Lanes()))
	g.JB(LabelRef("short"))
	g.blockBytes(nb)

	// Groups of rows share their loads of x.
	g.CMPQ(m, U8(len(gemvNPlan.rows)))
	g.JB(LabelRef("row"))
	g.Label("group")
	g.gemvNGroup(row, x, y, lda, nb, r)
	g.SUBQ(U8(len(gemvNPlan.rows)), m)
	g.CMPQ(m, U8(len(gemvNPlan.rows)))
	g.JAE(LabelRef("group"))
	g.TESTQ(m, m)
	g.JZ(LabelRef("rowsdone"))

	// The remaining rows one at a time.
	g.Label("row")
	g.MOVQ(row, r.x)
	g.MOVQ(x, r.y)
	g.LEAQ(Mem{Base: r.x, Index: nb, Scale: 1}, r.end)
	g.reduce(redDot, r, "")
	g.movS(X0, Mem{Base: y})
	g.ADDQ(U8(g.e.Size), y)
	g.ADDQ(lda, row)
	g.DECQ(m)
	g.JNZ(LabelRef("row"))
	g.Label("rowsdone")
	g.VZEROUPPER()
	g.RET()

	g.gemvNShort(row, x, y, m, lda, r.k, r.p)

	g.Label("empty")
	g.RET()
}

// gemvNPlan is how GemvN runs a group of rows: a pass over the row length
// for each list of accumulator registers (chunks), all rows at once, so
// that each register of x is loaded once per group. Between passes the
// registers whose lanes are complete are folded as far as the canonical
// tree allows, which frees them: with the chunk pairs (j, j+4) of the
// tree's first level in the order below, each row holds at most four
// registers, so three rows fit in Y0 … Y12.
var gemvNPlan = struct {
	rows   []GPPhysical // row cursors; the first is the group's base
	passes [][]int
}{
	rows:   []GPPhysical{R8, RSI, RDI},
	passes: [][]int{{0, 4}, {1, 5}, {2, 6}, {3, 7}},
}

// gemvNGroup emits one group of rows (n ≥ L) from row, storing their
// results at y and advancing row and y past them. It uses the tail counts
// of r (r.k whole registers, r.p bytes under the mask in Y15) and r.end as
// its byte index.
func (g *gen) gemvNGroup(row, x, y, lda, nb GPPhysical, r redRegs) {
	rows := gemvNPlan.rows
	if rows[0] != row {
		panic("gemvNGroup: the first row cursor must be the row base")
	}
	idx := r.end
	for i := 1; i < len(rows); i++ {
		g.LEAQ(Mem{Base: rows[i-1], Index: lda, Scale: 1}, rows[i])
	}
	xt, mt := Y14, Y13 // x of the current chunk; a masked load of a row
	var free []int     // free accumulator registers Y0 … Y12, lowest first
	for i := 0; i < 13; i++ {
		free = append(free, i)
	}
	alloc := func() int {
		v := free[0]
		free = free[1:]
		return v
	}
	release := func(v int) {
		free = append(free, v)
		for i := len(free) - 1; i > 0 && free[i] < free[i-1]; i-- {
			free[i], free[i-1] = free[i-1], free[i]
		}
	}
	// node[i][level][j] is the register holding node j of a fold level for
	// row i: level 0 are the chunks, level 1 the sums chunk j + chunk j+4,
	// level 2 the sums of those j and j+2, level 3 their sum; −1 if absent.
	node := make([][4][numAcc]int, len(rows))
	for i := range node {
		for l := range node[i] {
			for j := range node[i][l] {
				node[i][l][j] = -1
			}
		}
	}
	at := func(base, index GPPhysical, c int) Mem {
		return Mem{Base: base, Index: index, Scale: 1}.Offset(vecBytes * c)
	}
	for pi, pass := range gemvNPlan.passes {
		for i := range rows {
			for _, c := range pass {
				v := alloc()
				node[i][0][c] = v
				g.xor(ymm[v], ymm[v], ymm[v])
			}
		}
		g.XORQ(idx, idx)
		loop := fmt.Sprintf("pass%d", pi)
		g.Label(loop)
		for _, c := range pass {
			g.movu(at(x, idx, c), xt)
			for i, rp := range rows {
				g.fma231(at(rp, idx, c), xt, ymm[node[i][0][c]])
			}
		}
		g.ADDQ(U32(numAcc*vecBytes), idx)
		g.CMPQ(idx, nb)
		g.JNE(LabelRef(loop))

		// The partial block: chunk c is whole if c < k, masked if c = k.
		for _, c := range pass {
			skip := fmt.Sprintf("pass%dskip%d", pi, c)
			masked := fmt.Sprintf("pass%dmasked%d", pi, c)
			g.CMPQ(r.k, U8(c))
			g.JB(LabelRef(skip))
			g.JE(LabelRef(masked))
			g.movu(at(x, nb, c), xt)
			for i, rp := range rows {
				g.fma231(at(rp, nb, c), xt, ymm[node[i][0][c]])
			}
			g.JMP(LabelRef(skip))
			g.Label(masked)
			g.TESTQ(r.p, r.p)
			g.JZ(LabelRef(skip))
			g.maskMov(at(x, nb, c), Y15, xt)
			for i, rp := range rows {
				g.maskMov(at(rp, nb, c), Y15, mt)
				g.fma231(mt, xt, ymm[node[i][0][c]])
			}
			g.Label(skip)
		}

		// Fold what is complete.
		for i := range rows {
			for l := 1; l < 4; l++ {
				w := numAcc >> l // nodes at level l
				for j := 0; j < w; j++ {
					a, b := node[i][l-1][j], node[i][l-1][j+w]
					if node[i][l][j] >= 0 || a < 0 || b < 0 {
						continue
					}
					g.add(ymm[b], ymm[a], ymm[a])
					node[i][l][j] = a
					release(b)
				}
			}
		}
	}

	// 256 → 128 bits → one element, the final + 0, and the stores.
	zero := xmm[mt.PhysicalIndex()]
	g.xor(zero, zero, zero)
	tx := xmm[xt.PhysicalIndex()]
	for i := range rows {
		f := xmm[node[i][3][0]]
		g.VEXTRACTF128(U8(1), ymm[node[i][3][0]], tx)
		g.add(tx, f, f)
		g.foldXMM(f, tx, g.add, g.addS)
		g.addS(zero, f, f)
		g.movS(f, Mem{Base: y}.Offset(g.e.Size*i))
	}
	g.ADDQ(U8(g.e.Size*len(rows)), y)
	g.LEAQ(Mem{Base: rows[len(rows)-1], Index: lda, Scale: 1}, row)
}

// gemvNShort emits the rows shorter than one block (n < L), for which the
// whole registers k and the partial register p are all there is. Each
// (k, masked) pair gets its own row loop, with x held in registers where
// they suffice and the fold left without the all-zero registers.
func (g *gen) gemvNShort(row, x, y, m, lda, k, p GPPhysical) {
	mask := Y15
	variant := func(regs int, masked bool) string {
		return fmt.Sprintf("short%d%s", regs, map[bool]string{true: "m"}[masked])
	}
	g.Label("short")
	g.TESTQ(p, p)
	g.JNZ(LabelRef("shortmasked"))
	for regs := 1; regs < numAcc; regs++ {
		g.CMPQ(k, U8(regs))
		g.JE(LabelRef(variant(regs, false)))
	}
	// n = 0: every y[i] is the empty sum, +0.
	g.Label("zerorows")
	if g.e.Size == 8 {
		g.MOVQ(U32(0), Mem{Base: y})
	} else {
		g.MOVL(U32(0), Mem{Base: y})
	}
	g.ADDQ(U8(g.e.Size), y)
	g.DECQ(m)
	g.JNZ(LabelRef("zerorows"))
	g.VZEROUPPER() // the mask is in Y15
	g.RET()

	g.Label("shortmasked")
	for regs := 0; regs < numAcc-1; regs++ {
		g.CMPQ(k, U8(regs))
		g.JE(LabelRef(variant(regs, true)))
	}
	for regs := numAcc - 1; regs >= 0; regs-- {
		for _, masked := range []bool{true, false} {
			if regs == 0 && !masked {
				continue
			}
			live := regs
			if masked {
				live++
			}
			pre := variant(regs, masked)
			g.Label(pre)
			// x in registers Y8 … Y14 when they suffice; the scratch register
			// is then the first unused accumulator.
			inRegs := live < numAcc
			xr := func(j int) VecPhysical { return ymm[8+j] }
			tmp := Y14
			if inRegs {
				tmp = ymm[live]
			}
			if inRegs {
				for j := 0; j < regs; j++ {
					g.movu(Mem{Base: x}.Offset(vecBytes*j), xr(j))
				}
				if masked {
					g.maskMov(Mem{Base: x}.Offset(vecBytes*regs), mask, xr(regs))
				}
			}
			g.Label(pre + "row")
			for j := 0; j < live; j++ {
				g.xor(ymm[j], ymm[j], ymm[j])
			}
			for j := 0; j < regs; j++ {
				am := Mem{Base: row}.Offset(vecBytes * j)
				if inRegs {
					g.fma231(am, xr(j), ymm[j])
				} else {
					g.movu(am, tmp)
					g.fma231(Mem{Base: x}.Offset(vecBytes*j), tmp, ymm[j])
				}
			}
			if masked {
				g.maskMov(Mem{Base: row}.Offset(vecBytes*regs), mask, tmp)
				if inRegs {
					g.fma231(xr(regs), tmp, ymm[regs])
				} else {
					g.maskMov(Mem{Base: x}.Offset(vecBytes*regs), mask, Y13)
					g.fma231(Y13, tmp, ymm[regs])
				}
			}
			g.fold(live, true)
			g.movS(X0, Mem{Base: y})
			g.ADDQ(U8(g.e.Size), y)
			g.ADDQ(lda, row)
			g.DECQ(m)
			g.JNZ(LabelRef(pre + "row"))
			g.VZEROUPPER()
			g.RET()
		}
	}
}

// gemvTRowBlock is the number of rows of A that GemvT runs over one block
// of columns before moving to the next block; y is stored and reloaded
// between row blocks.
const gemvTRowBlock = 64

// gemvT emits y = Aᵀ·x: y is zeroed, then for each block of gemvTRowBlock
// rows and each block of 8·V columns (eight YMM accumulators: 32 float64
// or 64 float32) the rows are added in increasing order, y[j] = fma(x[i],
// a[i·lda+j], y[j]). The last columns use fewer accumulators and a masked
// one.
func (g *gen) gemvT() {
	var (
		p    = RAX // bytes in the partial register of the column tail
		k    = RBX // whole registers in the column tail
		nb   = RCX // bytes of the whole column blocks
		col  = RDX // byte offset of the current column block
		cur  = RSI // a cursor
		xc   = RDI // x cursor
		blk  = R8  // start of the current row block in a
		xblk = R9  // x at the current row block
		y    = R10
		xend = R11 // end of x
		lda  = R12 // row stride in bytes
		xbe  = R13 // x at the end of the current row block
		mask = Y14
		bc   = Y15 // broadcast x[i]
		tmp  = Y13
	)
	g.Load(g.Param("n"), nb)
	g.TESTQ(nb, nb)
	g.JZ(LabelRef("empty"))
	g.Load(g.Param("m"), xend)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(U8(g.e.Shift()), lda)
	g.Load(g.Param("a").Base(), blk)
	g.Load(g.Param("x").Base(), xblk)
	g.Load(g.Param("y").Base(), y)
	g.LEAQ(Mem{Base: xblk, Index: xend, Scale: g.e.Scale()}, xend)
	g.tailSetup(nb, k, p, col, mask)

	// y = 0: whole registers, then the masked register (the partial
	// register of y holds n mod V elements, the same as the column tail).
	g.xor(Y0, Y0, Y0)
	g.MOVQ(nb, cur)
	g.ANDQ(I32(-g.e.PerVec()), cur)
	g.SHLQ(U8(g.e.Shift()), cur)
	g.XORQ(col, col)
	g.Label("zero")
	g.CMPQ(col, cur)
	g.JE(LabelRef("zeroed"))
	g.movu(Y0, Mem{Base: y, Index: col, Scale: 1})
	g.ADDQ(U8(vecBytes), col)
	g.JMP(LabelRef("zero"))
	g.Label("zeroed")
	// Masked stores only where some lane is set: AMD documents that a
	// masked-out element may still fault.
	g.TESTQ(p, p)
	g.JZ(LabelRef("zeroeddone"))
	g.maskMov(Y0, mask, Mem{Base: y, Index: col, Scale: 1})
	g.Label("zeroeddone")

	g.blockBytes(nb)
	g.CMPQ(xblk, xend)
	g.JE(LabelRef("done"))

	g.Label("rowblock")
	g.LEAQ(Mem{Base: xblk}.Offset(gemvTRowBlock*g.e.Size), xbe)
	g.CMPQ(xbe, xend)
	g.CMOVQHI(xend, xbe)
	g.XORQ(col, col)

	// colblock runs the rows of the row block over the accumulators for
	// regs whole registers and, if masked, one masked register, at byte
	// offset off from the column cursor col.
	colblock := func(pre string, regs int, masked bool, ym func(j int) Mem) {
		g.Label(pre)
		for j := 0; j < regs; j++ {
			g.movu(ym(j), ymm[j])
		}
		if masked {
			g.maskMov(ym(regs), mask, ymm[regs])
		}
		g.LEAQ(Mem{Base: blk, Index: col, Scale: 1}, cur)
		g.MOVQ(xblk, xc)
		g.Label(pre + "rows")
		g.broadcast(Mem{Base: xc}, bc)
		for j := 0; j < regs; j++ {
			g.fma231(Mem{Base: cur}.Offset(vecBytes*j), bc, ymm[j])
		}
		if masked {
			g.maskMov(Mem{Base: cur}.Offset(vecBytes*regs), mask, tmp)
			g.fma231(tmp, bc, ymm[regs])
		}
		g.ADDQ(lda, cur)
		g.ADDQ(U8(g.e.Size), xc)
		g.CMPQ(xc, xbe)
		g.JNE(LabelRef(pre + "rows"))
		for j := 0; j < regs; j++ {
			g.movu(ymm[j], ym(j))
		}
		if masked {
			g.maskMov(ymm[regs], mask, ym(regs))
		}
	}
	yAt := func(j int) Mem { return Mem{Base: y, Index: col, Scale: 1}.Offset(vecBytes * j) }

	// Whole column blocks.
	g.Label("colblocks")
	g.CMPQ(col, nb)
	g.JE(LabelRef("coltail"))
	colblock("full", numAcc, false, yAt)
	g.ADDQ(U32(numAcc*vecBytes), col)
	g.JMP(LabelRef("colblocks"))

	// The column tail: k whole registers and p bytes under the mask.
	g.Label("coltail")
	tail := func(regs int, masked bool) string {
		return fmt.Sprintf("tail%d%s", regs, map[bool]string{true: "m"}[masked])
	}
	g.TESTQ(p, p)
	g.JNZ(LabelRef("coltailmasked"))
	for regs := 1; regs < numAcc; regs++ {
		g.CMPQ(k, U8(regs))
		g.JE(LabelRef(tail(regs, false)))
	}
	g.JMP(LabelRef("nextrowblock"))
	g.Label("coltailmasked")
	for regs := 0; regs < numAcc-1; regs++ {
		g.CMPQ(k, U8(regs))
		g.JE(LabelRef(tail(regs, true)))
	}
	// k = numAcc−1 falls through.
	for regs := numAcc - 1; regs >= 0; regs-- {
		for _, masked := range []bool{true, false} {
			if regs == 0 && !masked {
				continue
			}
			colblock(tail(regs, masked), regs, masked, yAt)
			g.JMP(LabelRef("nextrowblock"))
		}
	}

	g.Label("nextrowblock")
	g.MOVQ(lda, cur)
	g.SHLQ(U8(log2(gemvTRowBlock)), cur)
	g.ADDQ(cur, blk)
	g.MOVQ(xbe, xblk)
	g.CMPQ(xblk, xend)
	g.JNE(LabelRef("rowblock"))

	g.Label("done")
	g.VZEROUPPER()
	g.Label("empty")
	g.RET()
}
