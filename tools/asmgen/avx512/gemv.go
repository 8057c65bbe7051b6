package main

import (
	"fmt"
	"math/bits"

	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// gemvNShortRows is the number of rows GemvN computes at once when n < L,
// sharing the loads of x and overlapping the folds: with 4 accumulators
// per row and the x chunks in Z12–Z15, at most 3 fit in Z0–Z15. Longer
// rows go one at a time, in Dot's loop: on Zen 5 a single row streams
// from L2 faster than three interleaved ones.
const gemvNShortRows = 3

// gemvTNarrow is the widest GemvT, in ZMM chunks, that keeps all of y in
// registers (Z0…) during one pass down the rows; Z14 and Z15 hold the
// broadcast x[i] of two rows. Wider matrices go through y in memory, a
// block of gemvTRowBlock rows at a time, so that a is read row by row; the
// more rows per block, the less y traffic (5 is 11% faster than 4 at
// 1000×128, and is as many row pointers as there are free registers).
const (
	gemvTNarrow   = 12
	gemvTRowBlock = 5
)

// loadGemvArgs loads the arguments shared by both gemv kernels: a base,
// x base, y base, m, n and lda scaled to bytes.
func (g *gen) loadGemvArgs(a, x, y, m, n, lda reg.GPPhysical) {
	g.Load(g.Param("a").Base(), a)
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("y").Base(), y)
	g.Load(g.Param("m"), m)
	g.Load(g.Param("n"), n)
	g.Load(g.Param("lda"), lda)
	g.SHLQ(operand.U8(bits.TrailingZeros(uint(g.e.Size))), lda)
}

// gemvN: y[i] = Dot(a[i*lda:i*lda+n], x). Row j of a group keeps its own
// four accumulators, Z(4j)…Z(4j+3).
func (g *gen) gemvN() {
	var (
		row0  = reg.R10
		rows  = []reg.GPPhysical{reg.R10, reg.R11, reg.R12}
		x     = reg.RDI
		y     = reg.R8
		m     = reg.R9
		n     = reg.RBX // then n rounded down to a whole block
		n2    = reg.R14 // n rounded down to reduceUnroll blocks
		lda   = reg.RDX // bytes
		r     = reg.R13 // n mod L
		i     = reg.RAX
		L     = g.e.Lanes()
		V     = g.e.V()
		S     = g.e.Size
		kTail = reg.K1
	)
	g.loadGemvArgs(row0, x, y, m, n, lda)
	g.TESTQ(m, m)
	g.JZ(g.ref("done"))
	g.MOVQ(n, r)
	g.ANDQ(operand.U32(L-1), r)
	g.JZ(g.ref("nomask"))
	g.loadTailMask(r, reg.RSI, kTail)
	g.at("nomask")
	g.MOVQ(n, n2)
	g.ANDQ(operand.I32(-reduceUnroll*L), n2)
	g.ANDQ(operand.I32(-L), n)
	g.JZ(g.ref("short"))

	// group emits R rows from row0 on, stores their results and advances
	// row0 and y. With long, R must be 1: the whole blocks run in Dot's
	// loop, with x in Z4–Z11; otherwise n < L and only the tail runs.
	group := func(R int, long bool) {
		name := fmt.Sprintf("s%d", R)
		if long {
			name = "l"
		}
		p := rows[:R]
		for j := 1; j < R; j++ {
			g.LEAQ(operand.Mem{Base: p[j-1], Index: lda, Scale: 1}, p[j])
		}
		var accs [][4]int
		var firsts, tmps []int
		for j := range R {
			accs = append(accs, [4]int{4 * j, 4*j + 1, 4*j + 2, 4*j + 3})
			firsts = append(firsts, 4*j)
			tmps = append(tmps, 12+j)
			for k := range 4 {
				g.zero(4*j + k)
			}
		}
		g.XORL(i.As32(), i.As32())
		if long {
			block := func(b int) {
				for k := range 4 {
					off := (b*L + k*V) * S
					xk := z(4 + 4*b + k)
					g.movu(g.mem(x, i, off), xk)
					g.fma231(g.mem(p[0], i, off), xk, z(k))
				}
			}
			g.TESTQ(n2, n2)
			g.JZ(g.ref("%s_one", name))
			g.at("%s_loop", name)
			for b := range reduceUnroll {
				block(b)
			}
			g.ADDQ(operand.U32(reduceUnroll*L), i)
			g.CMPQ(i, n2)
			g.JB(g.ref("%s_loop", name))
			g.at("%s_one", name)
			if reduceUnroll != 2 {
				panic("gemvN assumes reduceUnroll = 2")
			}
			g.CMPQ(i, n)
			g.JAE(g.ref("%s_tail", name))
			block(0)
			g.ADDQ(operand.U32(L), i)
			g.at("%s_tail", name)
			g.TESTQ(r, r)
			g.JZ(g.ref("%s_fold", name))
		}
		g.tailChain(name, r, to(name+"_fold"), func(c int, masked bool) {
			off := c * V * S
			xc := z(12)
			if masked {
				g.movuZ(g.mem(x, i, off), kTail, xc)
			} else {
				g.movu(g.mem(x, i, off), xc)
			}
			for j := range R {
				if masked {
					g.fma231(g.mem(p[j], i, off), xc, kTail, z(4*j+c))
				} else {
					g.fma231(g.mem(p[j], i, off), xc, z(4*j+c))
				}
			}
		})
		g.at("%s_fold", name)
		g.foldRegs(accs)
		g.foldZMM(firsts, tmps, 15)
		for j := range R {
			g.inst(g.e.movS(z(4*j).AsX(), operand.Mem{Base: y, Disp: j * S}))
		}
		g.ADDQ(operand.U32(R*S), y)
		g.LEAQ(operand.Mem{Base: p[R-1], Index: lda, Scale: 1}, row0)
	}

	// n ≥ L: one row at a time.
	g.at("long")
	group(1, true)
	g.DECQ(m)
	g.JNZ(g.ref("long"))
	g.JMP(g.ref("done"))

	// 0 ≤ n < L (then r = n): gemvNShortRows rows at a time, then the rest.
	// n = 0 stores +0.
	g.at("short")
	g.TESTQ(r, r)
	g.JZ(g.ref("zero"))
	R := gemvNShortRows
	g.CMPQ(m, operand.U32(R))
	g.JB(g.ref("rest"))
	g.at("rows")
	group(R, false)
	g.SUBQ(operand.U32(R), m)
	g.CMPQ(m, operand.U32(R))
	g.JAE(g.ref("rows"))
	g.at("rest")
	g.TESTQ(m, m)
	g.JZ(g.ref("done"))
	for k := R - 1; k >= 2; k-- {
		g.CMPQ(m, operand.U32(k))
		g.JE(g.ref("rest%d", k))
	}
	for k := 1; k < R; k++ {
		g.at("rest%d", k)
		group(k, false)
		g.JMP(g.ref("done"))
	}

	// n = 0: y = +0 (the fold of untouched lanes, plus 0).
	g.at("zero")
	g.XORL(i.As32(), i.As32())
	g.at("zero_loop")
	yi := operand.Mem{Base: y, Index: m, Scale: uint8(S), Disp: -S}
	if S == 8 {
		g.MOVQ(i, yi)
	} else {
		g.MOVL(i.As32(), yi)
	}
	g.DECQ(m)
	g.JNZ(g.ref("zero_loop"))

	g.at("done")
	g.ret()
}

// gemvT: y[j] = fma(x[i], a[i*lda+j], y[j]) for i = 0…m−1, y[j] from +0.
func (g *gen) gemvT() {
	var (
		a     = reg.R10
		x     = reg.RDI
		y     = reg.R8
		m     = reg.R9
		n     = reg.RBX
		lda   = reg.RDX // bytes
		V     = g.e.V()
		kTail = reg.K1
	)
	g.loadGemvArgs(a, x, y, m, n, lda)
	g.TESTQ(n, n)
	g.JZ(g.ref("done"))
	// The last column chunk has (n−1) mod V + 1 columns.
	g.loadTailMask(n, reg.RSI, kTail)
	g.CMPQ(n, operand.U32(gemvTNarrow*V))
	g.JA(g.ref("wide"))
	g.gemvTNarrow(a, x, y, m, n, lda, kTail)
	g.at("wide")
	g.gemvTWide(a, x, y, m, n, lda, kTail)
	g.at("done")
	g.ret()
}

// gemvTNarrow handles 1 ≤ n ≤ gemvTNarrow·V columns: t = ceil(n/V) chunks
// of y stay in Z0…Z(t−1), the last one masked, while the loop runs down
// the rows two at a time. Each variant ends by jumping to done.
func (g *gen) gemvTNarrow(a, x, y, m, n, lda reg.GPPhysical, kTail reg.OpmaskPhysical) {
	var (
		p   = reg.R11 // row pointer
		cnt = reg.R12 // row pairs left
		V   = g.e.V()
		S   = g.e.Size
	)
	for t := 1; t < gemvTNarrow; t++ {
		g.CMPQ(n, operand.U32(t*V))
		g.JBE(g.ref("n%d", t))
	}
	for t := gemvTNarrow; t >= 1; t-- {
		name := fmt.Sprintf("n%d", t)
		g.at("%s", name)
		// row emits the update of all t chunks by the row at p+off with
		// x[i] broadcast in bx.
		row := func(bx reg.VecPhysical, index reg.Register) {
			for c := range t {
				src := operand.Mem{Base: p, Disp: c * V * S}
				if index != nil {
					src.Index, src.Scale = index, 1
				}
				if c == t-1 {
					g.fma231(src, bx, kTail, z(c))
				} else {
					g.fma231(src, bx, z(c))
				}
			}
		}
		for c := range t {
			g.zero(c)
		}
		g.MOVQ(a, p)
		g.MOVQ(m, cnt)
		g.SHRQ(operand.U8(1), cnt)
		g.JZ(g.ref("%s_odd", name))
		g.at("%s_rows", name)
		g.bcast(operand.Mem{Base: x}, z(14))
		g.bcast(operand.Mem{Base: x, Disp: S}, z(15))
		row(z(14), nil) // row i, then
		row(z(15), lda) // row i+1 into the same registers
		g.ADDQ(operand.U32(2*S), x)
		g.LEAQ(operand.Mem{Base: p, Index: lda, Scale: 2}, p)
		g.DECQ(cnt)
		g.JNZ(g.ref("%s_rows", name))
		g.at("%s_odd", name)
		g.TESTQ(operand.U32(1), m)
		g.JZ(g.ref("%s_store", name))
		g.bcast(operand.Mem{Base: x}, z(14))
		row(z(14), nil)
		g.at("%s_store", name)
		for c := range t {
			dst := operand.Mem{Base: y, Disp: c * V * S}
			if c == t-1 {
				g.movu(z(c), kTail, dst)
			} else {
				g.movu(z(c), dst)
			}
		}
		g.JMP(g.ref("done"))
	}
}

// gemvTWide handles n > gemvTNarrow·V columns: blocks of up to
// gemvTRowBlock rows, x of each broadcast in Z(16−gemvTRowBlock)…Z15, sweep
// the columns four chunks at a time in Z0–Z3, loading each y chunk, adding
// the rows in order and storing it; the first block starts from +0 instead
// of loading y. a is read row after row.
func (g *gen) gemvTWide(a, x, y, m, n, lda reg.GPPhysical, kTail reg.OpmaskPhysical) {
	var (
		// CX is free: the tail mask is already in kTail.
		rows = []reg.GPPhysical{a, reg.R11, reg.R12, reg.R13, reg.RCX}[:gemvTRowBlock]
		bx   = 16 - gemvTRowBlock // x of row j broadcast in Z(bx+j)
		i    = reg.RAX
		n4   = reg.R14 // n rounded down to 4 chunks
		n1   = reg.RSI // n rounded down to 1 chunk
		V    = g.e.V()
		S    = g.e.Size
	)
	g.MOVQ(n, n4)
	g.ANDQ(operand.I32(-4*V), n4)
	g.MOVQ(n, n1)
	g.ANDQ(operand.I32(-V), n1)

	cols := func(name string, chunk func(c, off int, k reg.OpmaskPhysical)) {
		g.colSweep(name, i, n4, n1, n, kTail, chunk)
	}
	if 4 > gemvTNarrow {
		panic("gemvTWide assumes n > 4 chunks")
	}

	// group emits a block of R rows starting at a, then advances a and x.
	group := func(R int, first bool) {
		name := fmt.Sprintf("w%d", R)
		if first {
			name = fmt.Sprintf("f%d", R)
		}
		for j := 1; j < R; j++ {
			g.LEAQ(operand.Mem{Base: rows[j-1], Index: lda, Scale: 1}, rows[j])
		}
		for j := range R {
			g.bcast(operand.Mem{Base: x, Disp: j * S}, z(bx+j))
		}
		cols(name, func(c, off int, k reg.OpmaskPhysical) {
			ym := g.mem(y, i, off)
			switch {
			case first:
				g.zero(c)
			case k == nil:
				g.movu(ym, z(c))
			default:
				g.movuZ(ym, k, z(c))
			}
			for j := range R {
				if k == nil {
					g.fma231(g.mem(rows[j], i, off), z(bx+j), z(c))
				} else {
					g.fma231(g.mem(rows[j], i, off), z(bx+j), k, z(c))
				}
			}
			if k == nil {
				g.movu(z(c), ym)
			} else {
				g.movu(z(c), k, ym)
			}
		})
		g.LEAQ(operand.Mem{Base: rows[R-1], Index: lda, Scale: 1}, a)
		g.ADDQ(operand.U32(R*S), x)
	}
	R := gemvTRowBlock

	// The first block: min(m, R) rows from +0; m = 0 only clears y.
	for r := R - 1; r >= 0; r-- {
		g.CMPQ(m, operand.U32(r))
		g.JE(g.ref("first%d", r))
	}
	group(R, true)
	g.SUBQ(operand.U32(R), m)
	g.JMP(g.ref("rest"))
	g.at("first0")
	g.zero(0)
	cols("zero", func(_, off int, k reg.OpmaskPhysical) {
		if k == nil {
			g.movu(z(0), g.mem(y, i, off))
		} else {
			g.movu(z(0), k, g.mem(y, i, off))
		}
	})
	g.JMP(g.ref("done"))
	for r := 1; r < R; r++ {
		g.at("first%d", r)
		group(r, true)
		g.JMP(g.ref("done"))
	}

	// Then blocks of R rows, and the last 1…R−1.
	g.at("rest")
	g.CMPQ(m, operand.U32(R))
	g.JB(g.ref("last"))
	group(R, false)
	g.SUBQ(operand.U32(R), m)
	g.JMP(g.ref("rest"))
	g.at("last")
	for r := R - 1; r >= 1; r-- {
		g.CMPQ(m, operand.U32(r))
		g.JE(g.ref("last%d", r))
	}
	g.JMP(g.ref("done"))
	for r := 1; r < R; r++ {
		g.at("last%d", r)
		group(r, false)
		g.JMP(g.ref("done"))
	}
}

// colSweep emits a sweep over the n columns of a row, as wide GemvT and
// wide LossGrad make over y and g: chunk(c, off, k) emits the chunk at
// element index i plus off bytes, which it may keep in Z(c), masked by k
// unless k is nil. It runs groups of four chunks (n must be more than four
// chunks: there is at least one group), then single chunks, then the last
// partial chunk under kTail. n4 and n1 hold n rounded down to four chunks
// and to one.
func (g *gen) colSweep(name string, i, n4, n1, n reg.GPPhysical, kTail reg.OpmaskPhysical, chunk func(c, off int, k reg.OpmaskPhysical)) {
	V, S := g.e.V(), g.e.Size
	g.XORL(i.As32(), i.As32())
	g.at("%s_c4", name)
	for c := range 4 {
		chunk(c, c*V*S, nil)
	}
	g.ADDQ(operand.U32(4*V), i)
	g.CMPQ(i, n4)
	g.JB(g.ref("%s_c4", name))
	g.at("%s_c1", name)
	g.CMPQ(i, n1)
	g.JAE(g.ref("%s_cm", name))
	chunk(0, 0, nil)
	g.ADDQ(operand.U32(V), i)
	g.JMP(g.ref("%s_c1", name))
	g.at("%s_cm", name)
	g.CMPQ(i, n)
	g.JAE(g.ref("%s_end", name))
	chunk(0, 0, kTail)
	g.at("%s_end", name)
}
