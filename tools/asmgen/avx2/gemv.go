package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// gemvN emits y[i] = Dot(a[i·lda : i·lda+n], x): rows shorter than one
// block by gemvNShort; longer ones in groups that share the loads of x
// (gemvNGroup), and the last few one at a time through the Dot code path.
func (g *gen) gemvN() {
	row, x, y, m, lda, nb := R8, R9, R10, R11, R12, R13
	r := redRegs{x: RSI, y: RDI, end: RDX, k: RBX, p: RAX}

	Load(Param("m"), m)
	TESTQ(m, m)
	JZ(LabelRef("empty"))
	Load(Param("n"), nb)
	Load(Param("lda"), lda)
	SHLQ(U8(g.Shift()), lda)
	Load(Param("a").Base(), row)
	Load(Param("x").Base(), x)
	Load(Param("y").Base(), y)
	g.tailSetup(nb, r.k, r.p, r.end, Y15)
	CMPQ(nb, U32(g.Lanes()))
	JB(LabelRef("short"))
	g.blockBytes(nb)

	// Groups of rows share their loads of x.
	CMPQ(m, U8(len(gemvNPlan.rows)))
	JB(LabelRef("row"))
	Label("group")
	g.gemvNGroup(row, x, y, lda, nb, r)
	SUBQ(U8(len(gemvNPlan.rows)), m)
	CMPQ(m, U8(len(gemvNPlan.rows)))
	JAE(LabelRef("group"))
	TESTQ(m, m)
	JZ(LabelRef("rowsdone"))

	// The remaining rows one at a time.
	Label("row")
	MOVQ(row, r.x)
	MOVQ(x, r.y)
	LEAQ(Mem{Base: r.x, Index: nb, Scale: 1}, r.end)
	g.reduce(redDot, r, "")
	g.MovS(X0, Mem{Base: y})
	ADDQ(U8(g.Size), y)
	ADDQ(lda, row)
	DECQ(m)
	JNZ(LabelRef("row"))
	Label("rowsdone")
	VZEROUPPER()
	RET()

	g.gemvNShort(row, x, y, m, lda, r.k, r.p)

	Label("empty")
	RET()
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
		LEAQ(Mem{Base: rows[i-1], Index: lda, Scale: 1}, rows[i])
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
				g.Xor(ymm[v], ymm[v], ymm[v])
			}
		}
		XORQ(idx, idx)
		loop := fmt.Sprintf("pass%d", pi)
		Label(loop)
		for _, c := range pass {
			g.MovU(at(x, idx, c), xt)
			for i, rp := range rows {
				g.FMA231(at(rp, idx, c), xt, ymm[node[i][0][c]])
			}
		}
		ADDQ(U32(numAcc*vecBytes), idx)
		CMPQ(idx, nb)
		JNE(LabelRef(loop))

		// The partial block: chunk c is whole if c < k, masked if c = k.
		for _, c := range pass {
			skip := fmt.Sprintf("pass%dskip%d", pi, c)
			masked := fmt.Sprintf("pass%dmasked%d", pi, c)
			CMPQ(r.k, U8(c))
			JB(LabelRef(skip))
			JE(LabelRef(masked))
			g.MovU(at(x, nb, c), xt)
			for i, rp := range rows {
				g.FMA231(at(rp, nb, c), xt, ymm[node[i][0][c]])
			}
			JMP(LabelRef(skip))
			Label(masked)
			TESTQ(r.p, r.p)
			JZ(LabelRef(skip))
			g.MaskMov(at(x, nb, c), Y15, xt)
			for i, rp := range rows {
				g.MaskMov(at(rp, nb, c), Y15, mt)
				g.FMA231(mt, xt, ymm[node[i][0][c]])
			}
			Label(skip)
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
					g.Add(ymm[b], ymm[a], ymm[a])
					node[i][l][j] = a
					release(b)
				}
			}
		}
	}

	// 256 → 128 → 64 bits, the final + 0, and the stores.
	zero := xmm[mt.PhysicalIndex()]
	g.Xor(zero, zero, zero)
	tx := xmm[xt.PhysicalIndex()]
	for i := range rows {
		f := xmm[node[i][3][0]]
		VEXTRACTF128(U8(1), ymm[node[i][3][0]], tx)
		g.Add(tx, f, f)
		VPERMILPD(U8(1), f, tx)
		g.AddS(tx, f, f)
		g.AddS(zero, f, f)
		g.MovS(f, Mem{Base: y}.Offset(g.Size*i))
	}
	ADDQ(U8(g.Size*len(rows)), y)
	LEAQ(Mem{Base: rows[len(rows)-1], Index: lda, Scale: 1}, row)
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
	Label("short")
	TESTQ(p, p)
	JNZ(LabelRef("shortmasked"))
	for regs := 1; regs < numAcc; regs++ {
		CMPQ(k, U8(regs))
		JE(LabelRef(variant(regs, false)))
	}
	// n = 0: every y[i] is the empty sum, +0.
	Label("zerorows")
	if g.Size == 8 {
		MOVQ(U32(0), Mem{Base: y})
	} else {
		MOVL(U32(0), Mem{Base: y})
	}
	ADDQ(U8(g.Size), y)
	DECQ(m)
	JNZ(LabelRef("zerorows"))
	VZEROUPPER() // the mask is in Y15
	RET()

	Label("shortmasked")
	for regs := 0; regs < numAcc-1; regs++ {
		CMPQ(k, U8(regs))
		JE(LabelRef(variant(regs, true)))
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
			Label(pre)
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
					g.MovU(Mem{Base: x}.Offset(vecBytes*j), xr(j))
				}
				if masked {
					g.MaskMov(Mem{Base: x}.Offset(vecBytes*regs), mask, xr(regs))
				}
			}
			Label(pre + "row")
			for j := 0; j < live; j++ {
				g.Xor(ymm[j], ymm[j], ymm[j])
			}
			for j := 0; j < regs; j++ {
				am := Mem{Base: row}.Offset(vecBytes * j)
				if inRegs {
					g.FMA231(am, xr(j), ymm[j])
				} else {
					g.MovU(am, tmp)
					g.FMA231(Mem{Base: x}.Offset(vecBytes*j), tmp, ymm[j])
				}
			}
			if masked {
				g.MaskMov(Mem{Base: row}.Offset(vecBytes*regs), mask, tmp)
				if inRegs {
					g.FMA231(xr(regs), tmp, ymm[regs])
				} else {
					g.MaskMov(Mem{Base: x}.Offset(vecBytes*regs), mask, Y13)
					g.FMA231(Y13, tmp, ymm[regs])
				}
			}
			g.fold(live, true)
			g.MovS(X0, Mem{Base: y})
			ADDQ(U8(g.Size), y)
			ADDQ(lda, row)
			DECQ(m)
			JNZ(LabelRef(pre + "row"))
			VZEROUPPER()
			RET()
		}
	}
}

// gemvTRowBlock is the number of rows of A that GemvT runs over one block
// of columns before moving to the next block; y is stored and reloaded
// between row blocks.
const gemvTRowBlock = 64

// gemvT emits y = Aᵀ·x: y is zeroed, then for each block of gemvTRowBlock
// rows and each block of 32 columns (eight YMM accumulators) the rows are
// added in increasing order, y[j] = fma(x[i], a[i·lda+j], y[j]). The last
// columns use fewer accumulators and a masked one.
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
	Load(Param("n"), nb)
	TESTQ(nb, nb)
	JZ(LabelRef("empty"))
	Load(Param("m"), xend)
	Load(Param("lda"), lda)
	SHLQ(U8(g.Shift()), lda)
	Load(Param("a").Base(), blk)
	Load(Param("x").Base(), xblk)
	Load(Param("y").Base(), y)
	LEAQ(Mem{Base: xblk, Index: xend, Scale: g.Scale()}, xend)
	g.tailSetup(nb, k, p, col, mask)

	// y = 0: whole registers, then the masked register (the partial
	// register of y holds n mod V elements, the same as the column tail).
	g.Xor(Y0, Y0, Y0)
	MOVQ(nb, cur)
	ANDQ(I32(-g.PerVec()), cur)
	SHLQ(U8(g.Shift()), cur)
	XORQ(col, col)
	Label("zero")
	CMPQ(col, cur)
	JE(LabelRef("zeroed"))
	g.MovU(Y0, Mem{Base: y, Index: col, Scale: 1})
	ADDQ(U8(vecBytes), col)
	JMP(LabelRef("zero"))
	Label("zeroed")
	// Masked stores only where some lane is set: AMD documents that a
	// masked-out element may still fault.
	TESTQ(p, p)
	JZ(LabelRef("zeroeddone"))
	g.MaskMov(Y0, mask, Mem{Base: y, Index: col, Scale: 1})
	Label("zeroeddone")

	g.blockBytes(nb)
	CMPQ(xblk, xend)
	JE(LabelRef("done"))

	Label("rowblock")
	LEAQ(Mem{Base: xblk}.Offset(gemvTRowBlock*g.Size), xbe)
	CMPQ(xbe, xend)
	CMOVQHI(xend, xbe)
	XORQ(col, col)

	// colblock runs the rows of the row block over the accumulators for
	// regs whole registers and, if masked, one masked register, at byte
	// offset off from the column cursor col.
	colblock := func(pre string, regs int, masked bool, ym func(j int) Mem) {
		Label(pre)
		for j := 0; j < regs; j++ {
			g.MovU(ym(j), ymm[j])
		}
		if masked {
			g.MaskMov(ym(regs), mask, ymm[regs])
		}
		LEAQ(Mem{Base: blk, Index: col, Scale: 1}, cur)
		MOVQ(xblk, xc)
		Label(pre + "rows")
		g.Broadcast(Mem{Base: xc}, bc)
		for j := 0; j < regs; j++ {
			g.FMA231(Mem{Base: cur}.Offset(vecBytes*j), bc, ymm[j])
		}
		if masked {
			g.MaskMov(Mem{Base: cur}.Offset(vecBytes*regs), mask, tmp)
			g.FMA231(tmp, bc, ymm[regs])
		}
		ADDQ(lda, cur)
		ADDQ(U8(g.Size), xc)
		CMPQ(xc, xbe)
		JNE(LabelRef(pre + "rows"))
		for j := 0; j < regs; j++ {
			g.MovU(ymm[j], ym(j))
		}
		if masked {
			g.MaskMov(ymm[regs], mask, ym(regs))
		}
	}
	yAt := func(j int) Mem { return Mem{Base: y, Index: col, Scale: 1}.Offset(vecBytes * j) }

	// Whole column blocks.
	Label("colblocks")
	CMPQ(col, nb)
	JE(LabelRef("coltail"))
	colblock("full", numAcc, false, yAt)
	ADDQ(U32(numAcc*vecBytes), col)
	JMP(LabelRef("colblocks"))

	// The column tail: k whole registers and p bytes under the mask.
	Label("coltail")
	tail := func(regs int, masked bool) string {
		return fmt.Sprintf("tail%d%s", regs, map[bool]string{true: "m"}[masked])
	}
	TESTQ(p, p)
	JNZ(LabelRef("coltailmasked"))
	for regs := 1; regs < numAcc; regs++ {
		CMPQ(k, U8(regs))
		JE(LabelRef(tail(regs, false)))
	}
	JMP(LabelRef("nextrowblock"))
	Label("coltailmasked")
	for regs := 0; regs < numAcc-1; regs++ {
		CMPQ(k, U8(regs))
		JE(LabelRef(tail(regs, true)))
	}
	// k = numAcc−1 falls through.
	for regs := numAcc - 1; regs >= 0; regs-- {
		for _, masked := range []bool{true, false} {
			if regs == 0 && !masked {
				continue
			}
			colblock(tail(regs, masked), regs, masked, yAt)
			JMP(LabelRef("nextrowblock"))
		}
	}

	Label("nextrowblock")
	MOVQ(lda, cur)
	SHLQ(U8(log2(gemvTRowBlock)), cur)
	ADDQ(cur, blk)
	MOVQ(xbe, xblk)
	CMPQ(xblk, xend)
	JNE(LabelRef("rowblock"))

	Label("done")
	VZEROUPPER()
	Label("empty")
	RET()
}
