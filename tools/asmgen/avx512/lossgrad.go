package main

import (
	"fmt"
	"math/bits"

	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// LossGrad reads each row once: its chunks are loaded, multiplied by w
// and folded into the row's Dot exactly as GemvN does, r = (dot + c′) − y[i]
// is formed with two scalar operations, and the same chunks, still in
// registers, take g = fma(r, a_i, g). c′ = c + 0 stands in for the final
// "+ 0" of the Dot: (dot + 0) + c and dot + (c + 0) are the same bits for
// every dot and c (both are c + 0 when dot is ±0, and dot + c otherwise),
// so the fold may skip lanes and registers it knows are +0, which changes
// at most the sign of a zero dot.
//
// The residuals go to a buffer of V elements (one register) in the frame,
// r_i at i mod V; every V rows the buffer is added, as one whole register,
// to the lanes (i mod L) of ssr (fma(r, r, lane)) and sr (lane + r), which
// also live in the frame (a frame of 2L+V elements stays within the nosplit
// limit, 3L would not). After the last row the unused end of the buffer is
// padded with +0 (which changes no lane, see the package doc of generic)
// and added too, and both are folded with the tree and the final + 0.
//
// The shape of a row picks the variant, each with its own row loop:
//
//	n = 0       r = c′ − y[i], no g
//	n = 1, 2    scalar or XMM loads and arithmetic, g in X0
//	n ≤ 4       one masked ZMM load, YMM arithmetic, g in Y0
//	n ≤ 4V      t ≤ 4 chunks in Z4…, w in Z12…, products Z8…, g in Z0…
//	n ≤ 8V      t ≤ 8 chunks: the first four are loaded into Z8–Z11 and
//	            multiplied there, the rest kept in Z12–Z15; the first four
//	            are read again (from L1) for g, which is in Z0–Z7
//	n > 8V      the Dot loop and tail of GemvN in Z0–Z7, then g in memory,
//	            four chunks at a time, as GemvT does for wide matrices
//
// The last chunk of a row is loaded with a zero-masking load, so that no
// element past the row is read; g is written with masked stores.
const (
	lossGradNarrow = 4 // chunks held with w in registers
	lossGradMid    = 8 // chunks of g held in registers
)

// lgFlushTemps are free at the end of every row of every variant.
var lgFlushTemps = [3]int{8, 9, 10}

// The narrow variants prefetch lgPrefetchRows rows ahead, or
// lgPrefetchBytes of their widest rows if that is more: their rows are
// short and their work per row has long dependency chains, so the
// out-of-order window covers too few rows to keep enough cache misses in
// flight (2,000,000×8 ran at a fifth of the read bandwidth without it).
// A prefetch never faults, so reaching past the end of a is harmless.
var (
	lgPrefetchRows  = 16
	lgPrefetchBytes = 1024
	lgPrefetchReg   = reg.R13
)

// lgResReg holds the residual buffer of the narrow variants: each row
// shifts its r in at the top (VALIGNQ), so after V rows lane k holds the
// r of row k. That costs one instruction a row and no store: a whole-
// register load of V scalar stores cannot be forwarded, and its stall
// costs several times the row's own work when rows are short.
const lgResReg = 15

type lossGrad struct {
	*gen
	buf, accS, accR, c operand.Mem // in the frame
	a, w, y, m, n, lda reg.GPPhysical
	gb, j              reg.GPPhysical
	blk                reg.GPPhysical // byte offset of the lanes the buffer feeds
	// inReg is set while a variant keeps the residual buffer in register
	// lgResReg instead of the frame.
	inReg bool
	// pfLines, if not 0, is the number of cache lines of a row that each
	// row prefetches, lgPrefetchRows rows ahead, through lgPrefetchReg.
	pfLines, pfRows int
	kTail           reg.OpmaskPhysical
}

func (g *gen) lossGrad() {
	L, S := g.e.Lanes(), g.e.Size
	V := g.e.V()
	fr := g.AllocLocal((2*L + V + 1) * S)
	lg := &lossGrad{
		gen: g,
		buf: fr, accS: fr.Offset(V * S), accR: fr.Offset((V + L) * S), c: fr.Offset((V + 2*L) * S),
		a: reg.R10, w: reg.RDI, y: reg.R8, m: reg.R9, n: reg.RBX, lda: reg.RDX,
		gb: reg.R11, j: reg.R12, blk: reg.R14, kTail: reg.K1,
	}
	lg.body()
}

// bufAt addresses element j of the residual buffer.
func (lg *lossGrad) bufAt() operand.Mem {
	m := lg.buf
	m.Index, m.Scale = lg.j, uint8(lg.e.Size)
	return m
}

func (lg *lossGrad) body() {
	g := lg.gen
	V, S := g.e.V(), g.e.Size
	g.Load(g.Param("a").Base(), lg.a)
	g.Load(g.Param("w").Base(), lg.w)
	g.Load(g.Param("y").Base(), lg.y)
	g.Load(g.Param("g").Base(), lg.gb)
	g.Load(g.Param("m"), lg.m)
	g.Load(g.Param("n"), lg.n)
	g.Load(g.Param("lda"), lg.lda)
	g.SHLQ(operand.U8(bits.TrailingZeros(uint(S))), lg.lda)

	// c′ = c + 0, and the lanes of ssr and sr start at +0.
	g.Load(g.Param("c"), z(8).AsX())
	g.zero(9)
	g.inst(g.e.addS(z(9).AsX(), z(8).AsX(), z(8).AsX()))
	g.inst(g.e.movS(z(8).AsX(), lg.c))
	for k := range 8 {
		g.movu(z(9), lg.accS.Offset(k*V*S))
	}
	g.XORL(lg.j.As32(), lg.j.As32())
	g.XORL(lg.blk.As32(), lg.blk.As32())

	g.TESTQ(lg.n, lg.n)
	g.JZ(g.ref("n0"))
	g.loadTailMask(lg.n, reg.RSI, lg.kTail)
	g.CMPQ(lg.n, operand.U32(1))
	g.JE(g.ref("n1"))
	g.CMPQ(lg.n, operand.U32(2))
	g.JE(g.ref("n2"))
	g.CMPQ(lg.n, operand.U32(V/2))
	g.JBE(g.ref("h1"))
	for t := 1; t <= lossGradMid; t++ {
		g.CMPQ(lg.n, operand.U32(t*V))
		g.JBE(g.ref("t%d", t))
	}
	lg.wide()
	lg.zeroCols()
	for t := 1; t <= lossGradNarrow; t++ {
		lg.narrow(fmt.Sprintf("t%d", t), t, 64)
	}
	lg.narrow("h1", 1, 32)
	lg.narrow("n2", 1, 16)
	lg.narrow("n1", 1, 8)
	for t := lossGradNarrow + 1; t <= lossGradMid; t++ {
		lg.mid(t)
	}
	lg.final()
}

// zeroCols emits the n = 0 variant: r = c′ − y[i].
func (lg *lossGrad) zeroCols() {
	g := lg.gen
	lg.rows("n0", func() {
		x := z(8).AsX()
		g.inst(g.e.movS(lg.c, x))
		g.inst(g.e.subS(operand.Mem{Base: lg.y}, x, x))
		g.inst(g.e.movS(x, lg.bufAt()))
	}, func() {})
}

// rows emits the loop over the m rows with the given row body, which must
// leave a, y, j and m alone and store r_i at bufAt(); storeG runs after the
// last row. It ends by jumping to the shared final code.
func (lg *lossGrad) rows(name string, body, storeG func()) {
	g := lg.gen
	V, S := g.e.V(), g.e.Size
	g.at("%s", name)
	g.TESTQ(lg.m, lg.m)
	g.JZ(g.ref("%s_end", name))
	if lg.pfLines > 0 {
		g.IMUL3Q(operand.I32(lg.pfRows), lg.lda, lgPrefetchReg)
		g.ADDQ(lg.a, lgPrefetchReg)
	}
	g.at("%s_row", name)
	for l := range lg.pfLines {
		g.PREFETCHT0(operand.Mem{Base: lgPrefetchReg, Disp: 64 * l})
	}
	body()
	if lg.pfLines > 0 {
		g.ADDQ(lg.lda, lgPrefetchReg)
	}
	g.ADDQ(lg.lda, lg.a)
	g.ADDQ(operand.U32(S), lg.y)
	g.INCQ(lg.j)
	g.CMPQ(lg.j, operand.U32(V))
	g.JNE(g.ref("%s_next", name))
	lg.flush()
	g.XORL(lg.j.As32(), lg.j.As32())
	g.at("%s_next", name)
	g.DECQ(lg.m)
	g.JNZ(g.ref("%s_row", name))
	g.at("%s_end", name)
	storeG()
	if lg.inReg {
		// Shift in +0 until r of the first row of the block is in lane 0.
		g.TESTQ(lg.j, lg.j)
		g.JZ(g.ref("final"))
		g.zero(lgFlushTemps[0])
		g.at("%s_pad", name)
		g.VALIGNQ(operand.U8(1), z(lgResReg), z(lgFlushTemps[0]), z(lgResReg))
		g.INCQ(lg.j)
		g.CMPQ(lg.j, operand.U32(V))
		g.JNE(g.ref("%s_pad", name))
		lg.flush()
		g.XORL(lg.j.As32(), lg.j.As32())
	}
	g.JMP(g.ref("final"))
}

// flush adds the residual buffer to the lanes of ssr and sr at blk and
// moves blk on to the next lanes.
func (lg *lossGrad) flush() {
	g := lg.gen
	V, S, L := g.e.V(), g.e.Size, g.e.Lanes()
	t0, t1, t2 := z(lgFlushTemps[0]), z(lgFlushTemps[1]), z(lgFlushTemps[2])
	at := func(m operand.Mem) operand.Mem {
		m.Index, m.Scale = lg.blk, 1
		return m
	}
	if lg.inReg {
		t0 = z(lgResReg)
	} else {
		g.movu(lg.buf, t0)
	}
	g.movu(at(lg.accS), t1)
	g.fma231(t0, t0, t1)
	g.movu(t1, at(lg.accS))
	g.add(at(lg.accR), t0, t2)
	g.movu(t2, at(lg.accR))
	g.ADDQ(operand.U32(V*S), lg.blk)
	g.ANDQ(operand.U32(L*S-1), lg.blk)
}

// final pads and flushes a partial buffer, folds ssr and sr and returns.
func (lg *lossGrad) final() {
	g := lg.gen
	V, S := g.e.V(), g.e.Size
	g.at("final")
	g.TESTQ(lg.j, lg.j)
	g.JZ(g.ref("fold"))
	g.at("pad")
	if S == 8 {
		g.MOVQ(operand.U32(0), lg.bufAt())
	} else {
		g.MOVL(operand.U32(0), lg.bufAt())
	}
	g.INCQ(lg.j)
	g.CMPQ(lg.j, operand.U32(V))
	g.JNE(g.ref("pad"))
	lg.flush()
	g.at("fold")
	for k := range 4 {
		g.movu(lg.accS.Offset(k*V*S), z(k))
		g.movu(lg.accR.Offset(k*V*S), z(4+k))
	}
	g.foldRegs([][4]int{{0, 1, 2, 3}, {4, 5, 6, 7}})
	g.foldZMM([]int{0, 4}, []int{8, 9}, 10)
	g.VZEROUPPER()
	g.Store(z(0).AsX(), g.ReturnIndex(0))
	g.Store(z(4).AsX(), g.ReturnIndex(1))
	g.RET()
}

// foldTo folds the lanes of register x of the given width in bytes (64,
// 32 or 16) into its lowest lane, without the final + 0 (c′ has it), using
// tmp.
func (lg *lossGrad) foldTo(x, tmp int, width int) {
	g := lg.gen
	if width >= 64 {
		g.VEXTRACTF64X4(operand.U8(1), z(x), z(tmp).AsY())
		g.add(z(tmp).AsY(), z(x).AsY(), z(x).AsY())
	}
	if width >= 32 {
		g.VEXTRACTF128(operand.U8(1), z(x).AsY(), z(tmp).AsX())
		g.add(z(tmp).AsX(), z(x).AsX(), z(x).AsX())
	}
	if width >= 16 {
		g.e.fold128(g, z(x).AsX(), z(tmp).AsX())
	}
}

// residual turns the Dot in the low lane of x into r = (dot + c′) − y[i]
// and stores it in the buffer.
func (lg *lossGrad) residual(x reg.Register) {
	g := lg.gen
	g.inst(g.e.addS(lg.c, x, x))
	g.inst(g.e.subS(operand.Mem{Base: lg.y}, x, x))
	if lg.inReg {
		// Only lane 0 of the register that x is part of matters.
		g.VALIGNQ(operand.U8(1), z(lgResReg), z(int(x.(reg.VecPhysical).PhysicalIndex())), z(lgResReg))
		return
	}
	g.inst(g.e.movS(x, lg.bufAt()))
}

// narrow emits the variant for rows of t ≤ lossGradNarrow chunks, whose
// elements occupy at most width bytes of each chunk register: 8 (one
// element, scalar), 16 (XMM), 32 (YMM) or 64 (ZMM). Chunk c of the row is
// in Z(4+c), of w in Z(12+c), its products in Z(8+c), g in Z(c).
func (lg *lossGrad) narrow(name string, t, width int) {
	g := lg.gen
	V, S := g.e.V(), g.e.Size
	if t > 1 && width != 64 {
		panic("lossGrad: narrow widths are for one chunk")
	}
	W := func(i int) reg.Register {
		switch width {
		case 8, 16:
			return z(i).AsX()
		case 32:
			return z(i).AsY()
		}
		return z(i)
	}
	// load the chunk c at base into register d, masking the last one.
	load := func(base reg.GPPhysical, c int, d int) {
		m := operand.Mem{Base: base, Disp: c * V * S}
		switch {
		case width == 8:
			g.inst(g.e.movS(m, z(d).AsX()))
		case width == 16 && 2*S == 16:
			g.movu(m, z(d).AsX())
		case c == t-1:
			g.movuZ(m, lg.kTail, z(d))
		default:
			g.movu(m, z(d))
		}
	}
	// w chunk c in Z(12+c) if that is below lgResReg, else read from L1.
	wInReg := func(c int) bool { return 12+c < lgResReg }
	g.at("%s", name)
	for c := range t {
		if wInReg(c) {
			load(lg.w, c, 12+c)
		}
		g.zero(c)
	}
	g.zero(lgResReg)
	lg.inReg = true
	lg.pfLines = (width*t + 63) / 64
	lg.pfRows = max(lgPrefetchRows, lgPrefetchBytes/(width*t))
	defer func() { lg.inReg, lg.pfLines = false, 0 }()
	lg.rows(name+"r", func() {
		for c := range t {
			load(lg.a, c, 4+c)
		}
		if width == 8 {
			g.inst(g.e.mulS(z(12).AsX(), z(4).AsX(), z(8).AsX()))
		} else {
			for c := range t {
				switch wm := (operand.Mem{Base: lg.w, Disp: c * V * S}); {
				case wInReg(c):
					g.mul(W(12+c), W(4+c), W(8+c))
				case c == t-1:
					g.mulZ(wm, z(4+c), lg.kTail, z(8+c))
				default:
					g.mul(wm, z(4+c), z(8+c))
				}
			}
		}
		// The registers past t are +0 and left out of the tree.
		for w := 2; w >= 1; w /= 2 {
			for k := 0; k < w && k+w < t; k++ {
				g.add(z(8+k+w), z(8+k), z(8+k))
			}
		}
		if width > 8 {
			lg.foldTo(8, 9, width)
		}
		r := z(8).AsX()
		lg.residual(r)
		switch width {
		case 8:
			g.inst(g.e.fma231S(z(4).AsX(), r, z(0).AsX()))
			return
		case 16:
			g.inst(g.e.bcastX(r, z(9).AsX()))
		case 32:
			g.bcast(r, z(9).AsY())
		default:
			g.bcast(r, z(9))
		}
		for c := range t {
			g.fma231(W(4+c), W(9), W(c))
		}
	}, func() {
		for c := range t {
			m := operand.Mem{Base: lg.gb, Disp: c * V * S}
			switch {
			case width == 8:
				g.inst(g.e.movS(z(0).AsX(), m))
			case width == 16 && 2*S == 16:
				g.movu(z(0).AsX(), m)
			case c == t-1:
				g.movu(z(c), lg.kTail, m)
			default:
				g.movu(z(c), m)
			}
		}
	})
}

// mid emits the variant for rows of lossGradNarrow < t ≤ lossGradMid
// chunks: g in Z0…Z(t−1), the Dot's four accumulators in Z8–Z11.
func (lg *lossGrad) mid(t int) {
	g := lg.gen
	V, S := g.e.V(), g.e.Size
	name := fmt.Sprintf("t%d", t)
	at := func(base reg.GPPhysical, c int) operand.Mem {
		return operand.Mem{Base: base, Disp: c * V * S}
	}
	g.at("%s", name)
	for c := range t {
		g.zero(c)
	}
	lg.rows(name+"r", func() {
		for k := range 4 {
			g.movu(at(lg.a, k), z(8+k))
			g.mul(at(lg.w, k), z(8+k), z(8+k))
		}
		for c := 4; c < t; c++ {
			d, acc := z(12+c-4), z(8+c-4)
			if c == t-1 {
				g.movuZ(at(lg.a, c), lg.kTail, d)
				g.fma231(at(lg.w, c), d, lg.kTail, acc)
			} else {
				g.movu(at(lg.a, c), d)
				g.fma231(at(lg.w, c), d, acc)
			}
		}
		g.foldRegs([][4]int{{8, 9, 10, 11}})
		lg.foldTo(8, 9, 64)
		lg.residual(z(8).AsX())
		g.bcast(z(8).AsX(), z(9))
		for c := range t {
			if c < 4 {
				g.fma231(at(lg.a, c), z(9), z(c))
			} else {
				g.fma231(z(12+c-4), z(9), z(c))
			}
		}
	}, func() {
		for c := range t {
			if c == t-1 {
				g.movu(z(c), lg.kTail, at(lg.gb, c))
			} else {
				g.movu(z(c), at(lg.gb, c))
			}
		}
	})
}

// wide emits the variant for rows of more than lossGradMid chunks: the Dot
// as in GemvN (accumulators Z0–Z3, row chunks Z4–Z7), then g in memory,
// four chunks at a time in Z8–Z11 with r broadcast in Z4.
func (lg *lossGrad) wide() {
	g := lg.gen
	V, S, L := g.e.V(), g.e.Size, g.e.Lanes()
	if 4*V != L || lossGradMid*V < L {
		panic("lossGrad: wide assumes four chunks a block and at least one block")
	}
	var (
		i   = reg.RAX
		nb  = reg.R13 // n rounded down to a block
		n1  = reg.RSI // n rounded down to a chunk
		rem = reg.RCX // n mod L
	)
	g.MOVQ(lg.n, nb)
	g.ANDQ(operand.I32(-L), nb)
	g.MOVQ(lg.n, n1)
	g.ANDQ(operand.I32(-V), n1)
	g.MOVQ(lg.n, rem)
	g.ANDQ(operand.U32(L-1), rem)

	// cols runs chunk(c, off, k) over the columns of g as GemvT's wide
	// path does (n > 8V here; a block is four chunks, so nb is n rounded
	// down to four chunks).
	cols := func(name string, chunk func(c, off int, k reg.OpmaskPhysical)) {
		g.colSweep(name, i, nb, n1, lg.n, lg.kTail, chunk)
	}

	// g = +0.
	g.zero(8)
	cols("wz", func(_, off int, k reg.OpmaskPhysical) {
		if k == nil {
			g.movu(z(8), g.mem(lg.gb, i, off))
		} else {
			g.movu(z(8), k, g.mem(lg.gb, i, off))
		}
	})

	lg.rows("wr", func() {
		for k := range 4 {
			g.zero(k)
		}
		g.XORL(i.As32(), i.As32())
		g.at("wd_loop")
		for k := range 4 {
			off := k * V * S
			g.movu(g.mem(lg.a, i, off), z(4+k))
			g.fma231(g.mem(lg.w, i, off), z(4+k), z(k))
		}
		g.ADDQ(operand.U32(L), i)
		g.CMPQ(i, nb)
		g.JB(g.ref("wd_loop"))
		g.TESTQ(rem, rem)
		g.JZ(g.ref("wd_fold"))
		g.tailChain("wd", rem, to("wd_fold"), func(c int, masked bool) {
			off := c * V * S
			if masked {
				g.movuZ(g.mem(lg.a, i, off), lg.kTail, z(4+c))
				g.fma231(g.mem(lg.w, i, off), z(4+c), lg.kTail, z(c))
			} else {
				g.movu(g.mem(lg.a, i, off), z(4+c))
				g.fma231(g.mem(lg.w, i, off), z(4+c), z(c))
			}
		})
		g.at("wd_fold")
		g.foldRegs([][4]int{{0, 1, 2, 3}})
		lg.foldTo(0, 4, 64)
		lg.residual(z(0).AsX())
		g.bcast(z(0).AsX(), z(4))
		cols("wg", func(c, off int, k reg.OpmaskPhysical) {
			gm, am := g.mem(lg.gb, i, off), g.mem(lg.a, i, off)
			d := z(8 + c)
			if k == nil {
				g.movu(gm, d)
				g.fma231(am, z(4), d)
				g.movu(d, gm)
			} else {
				g.movuZ(gm, k, d)
				g.fma231(am, z(4), k, d)
				g.movu(d, k, gm)
			}
		})
	}, func() {})
}
