package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// lossGrad emits LossGrad, the fused least-squares pass, one row at a
// time: the row's Dot in the canonical order (chunk c of a row feeds
// accumulator c; for rows of at most eight chunks the first level of the
// tree, c + (c+4), is taken as each chunk c ≥ 4 is multiplied), then
// r = (dot + c′) − y[i] with two scalar operations, then g = fma(r, a_i, g)
// with r broadcast. c′ = c + 0 stands in for the final "+ 0" of the Dot:
// (dot + 0) + c and dot + (c + 0) are the same bits for every dot and c,
// so the fold may leave out registers it knows are +0.
//
// The residuals are stored to a buffer of lgBuf elements in the frame, r_i
// at i mod lgBuf; every lgBuf rows the buffer is added, as whole registers,
// to the lanes i mod L of ssr (fma(r, r, lane)) and sr (lane + r), also in
// the frame, at byte offset blk, which then moves on. After the last row
// the rest of the buffer is padded with +0 (which changes no lane) and
// added too, and both are folded with the tree and the final + 0.
//
// Rows of t ≤ numAcc chunks keep g in Y0 … Y(t−1); the chunks of a row are
// read once from memory for the Dot and once more (from L1) for g, except
// for a single chunk, which stays in Y12. Longer rows run the Dot over
// blocks in Y0 … Y7 and keep g in memory, four chunks at a time. A partial
// last chunk is read and written with VMASKMOVPD and the mask in Y15.
// Short rows prefetch lgPrefetchBytes ahead (at least lgPrefetchRows rows):
// without it, rows of 64 bytes ran at a fifth of the read bandwidth.
func (g *gen) lossGrad() {
	lg := &lg2{gen: g}
	lg.emit()
}

const (
	lgBuf           = 8 // residuals per flush: two YMM registers
	lgPrefetchRows  = 16
	lgPrefetchBytes = 1024
)

type lg2 struct {
	*gen
	buf, accS, accR, c, k Mem // in the frame
	pfLines, pfRows       int
}

var (
	lgA, lgW, lgY, lgM, lgN, lgLda = R10, RDI, R8, R9, RBX, RDX
	lgG, lgJ, lgBlk, lgPf          = R11, R12, R14, R13
	lgMask                         = Y15
)

func (lg *lg2) bufAt() Mem {
	m := lg.buf
	m.Index, m.Scale = lgJ, uint8(lg.e.Size)
	return m
}

func (lg *lg2) emit() {
	L, S, V := lg.e.Lanes(), lg.e.Size, lg.e.PerVec()
	fr := lg.AllocLocal((lgBuf+2*L+1)*S + 8)
	lg.buf, lg.accS, lg.accR = fr, fr.Offset(lgBuf*S), fr.Offset((lgBuf+L)*S)
	lg.c, lg.k = fr.Offset((lgBuf+2*L)*S), fr.Offset((lgBuf+2*L+1)*S)

	lg.Load(lg.Param("a").Base(), lgA)
	lg.Load(lg.Param("w").Base(), lgW)
	lg.Load(lg.Param("y").Base(), lgY)
	lg.Load(lg.Param("g").Base(), lgG)
	lg.Load(lg.Param("m"), lgM)
	lg.Load(lg.Param("n"), lgN)
	lg.Load(lg.Param("lda"), lgLda)
	lg.SHLQ(U8(lg.e.Shift()), lgLda)
	lg.Load(lg.Param("c"), X8)
	lg.xor(Y9, Y9, Y9)
	lg.addS(X9, X8, X8)
	lg.movS(X8, lg.c)
	for j := 0; j < 2*numAcc; j++ {
		lg.movu(Y9, lg.accS.Offset(j*vecBytes))
	}
	lg.XORL(lgJ.As32(), lgJ.As32())
	lg.XORL(lgBlk.As32(), lgBlk.As32())

	// The mask of a partial chunk of n mod V elements, in Y15.
	lg.MOVQ(lgN, RSI)
	lg.ANDQ(U32(V-1), RSI)
	lg.SHLQ(U8(lg.e.Shift()), RSI)
	lg.LEAQ(lg.mask.Offset(vecBytes), RCX)
	lg.SUBQ(RSI, RCX)
	lg.movu(Mem{Base: RCX}, lgMask)

	lg.TESTQ(lgN, lgN)
	lg.JZ(LabelRef("n0"))
	lg.CMPQ(lgN, U32(numAcc*V))
	lg.JA(LabelRef("wide"))
	lg.TESTQ(RSI, RSI)
	lg.JNZ(LabelRef("masked"))
	for t := 1; t <= numAcc; t++ {
		lg.CMPQ(lgN, U32(t*V))
		lg.JE(LabelRef(fmt.Sprintf("t%d", t)))
	}
	lg.Label("masked")
	lg.CMPQ(lgN, U32(1))
	lg.JE(LabelRef("n1"))
	lg.CMPQ(lgN, U32(2))
	lg.JE(LabelRef("n2"))
	for t := 1; t <= numAcc; t++ {
		lg.CMPQ(lgN, U32(t*V))
		lg.JB(LabelRef(fmt.Sprintf("t%dm", t)))
	}
	lg.wide()
	lg.zeroCols()
	lg.narrow("n1", 1, false, 8)
	lg.narrow("n2", 1, false, 16)
	for t := 1; t <= numAcc; t++ {
		lg.narrow(fmt.Sprintf("t%d", t), t, false, 32)
		lg.narrow(fmt.Sprintf("t%dm", t), t, true, 32)
	}
	lg.final()
}

// rows emits the row loop with the given body, which stores r_i at bufAt();
// storeG runs after the last row; then it jumps to the final code.
func (lg *lg2) rows(name string, body, storeG func()) {
	lg.Label(name)
	lg.TESTQ(lgM, lgM)
	lg.JZ(LabelRef(name + "end"))
	if lg.pfLines > 0 {
		lg.IMUL3Q(I32(lg.pfRows), lgLda, lgPf)
		lg.ADDQ(lgA, lgPf)
	}
	lg.Label(name + "row")
	for l := 0; l < lg.pfLines; l++ {
		lg.PREFETCHT0(Mem{Base: lgPf, Disp: 64 * l})
	}
	body()
	if lg.pfLines > 0 {
		lg.ADDQ(lgLda, lgPf)
	}
	lg.ADDQ(lgLda, lgA)
	lg.ADDQ(U8(lg.e.Size), lgY)
	lg.INCQ(lgJ)
	lg.CMPQ(lgJ, U8(lgBuf))
	lg.JNE(LabelRef(name + "next"))
	lg.flush()
	lg.XORL(lgJ.As32(), lgJ.As32())
	lg.Label(name + "next")
	lg.DECQ(lgM)
	lg.JNZ(LabelRef(name + "row"))
	lg.Label(name + "end")
	storeG()
	lg.JMP(LabelRef("final"))
}

// flush adds the buffer to the lanes of ssr and sr at blk, and moves blk on.
func (lg *lg2) flush() {
	at := func(m Mem, j int) Mem {
		m.Index, m.Scale = lgBlk, 1
		return m.Offset(j * vecBytes)
	}
	for j := 0; j < lgBuf*lg.e.Size/vecBytes; j++ {
		t0, t1, t2 := ymm[8+3*j], ymm[9+3*j], ymm[10+3*j]
		lg.movu(lg.buf.Offset(j*vecBytes), t0)
		lg.movu(at(lg.accS, j), t1)
		lg.fma231(t0, t0, t1)
		lg.movu(t1, at(lg.accS, j))
		lg.add(at(lg.accR, j), t0, t2)
		lg.movu(t2, at(lg.accR, j))
	}
	lg.ADDQ(U32(lgBuf*lg.e.Size), lgBlk)
	lg.ANDQ(U32(lg.e.Lanes()*lg.e.Size-1), lgBlk)
}

func (lg *lg2) final() {
	lg.Label("final")
	lg.TESTQ(lgJ, lgJ)
	lg.JZ(LabelRef("fold"))
	lg.Label("pad")
	if lg.e.Size == 8 {
		lg.MOVQ(U32(0), lg.bufAt())
	} else {
		lg.MOVL(U32(0), lg.bufAt())
	}
	lg.INCQ(lgJ)
	lg.CMPQ(lgJ, U8(lgBuf))
	lg.JNE(LabelRef("pad"))
	lg.flush()
	lg.Label("fold")
	for i, acc := range []Mem{lg.accS, lg.accR} {
		for j := 0; j < numAcc; j++ {
			lg.movu(acc.Offset(j*vecBytes), ymm[j])
		}
		lg.fold(numAcc, true)
		b, err := lg.ReturnIndex(i).Resolve()
		if err != nil {
			panic(err)
		}
		lg.movS(X0, b.Addr)
	}
	lg.VZEROUPPER()
	lg.RET()
}

// residual turns the Dot in the low element of x into r = (dot + c′) − y[i]
// and stores it in the buffer.
func (lg *lg2) residual(x VecPhysical) {
	lg.addS(lg.c, x, x)
	lg.subS(Mem{Base: lgY}, x, x)
	lg.movS(x, lg.bufAt())
}

// zeroCols emits n = 0: r = c′ − y[i].
func (lg *lg2) zeroCols() {
	lg.rows("n0", func() {
		lg.movS(lg.c, X8)
		lg.subS(Mem{Base: lgY}, X8, X8)
		lg.movS(X8, lg.bufAt())
	}, func() {})
}

// narrow emits the variant for rows of t ≤ numAcc chunks, the last one
// under the mask if masked; width (8, 16 or 32) is the bytes of the one
// chunk that are used when t = 1: n = 1 and n = 2 take scalar and XMM
// loads and arithmetic. g is in Y0 … Y(t−1), the Dot's four partial
// accumulators in Y8 … Y11, the current chunk in Y12, r broadcast in Y13,
// w in Y14 when t = 1.
func (lg *lg2) narrow(name string, t int, masked bool, width int) {
	at := func(base GPPhysical, c int) Mem { return Mem{Base: base}.Offset(vecBytes * c) }
	W := func(i int) VecPhysical {
		if width < 32 {
			return xmm[i]
		}
		return ymm[i]
	}
	load := func(m Mem, c int, dst VecPhysical) {
		switch {
		case width == 8:
			lg.movS(m, dst)
		case masked && c == t-1:
			lg.maskMov(m, lgMask, dst)
		default:
			lg.movu(m, dst)
		}
	}
	lg.Label(name)
	for c := 0; c < t; c++ {
		lg.xor(ymm[c], ymm[c], ymm[c])
	}
	if t == 1 {
		load(at(lgW, 0), 0, W(14))
	}
	lg.pfLines = (t*vecBytes + 63) / 64
	lg.pfRows = max(lgPrefetchRows, lgPrefetchBytes/(t*width))
	defer func() { lg.pfLines = 0 }()
	lg.rows(name+"r", func() {
		for c := 0; c < t; c++ {
			load(at(lgA, c), c, W(12))
			p := W(8 + c%4)
			if c >= 4 {
				p = Y12
			}
			switch {
			case t == 1 && width == 8:
				lg.mulS(X14, X12, X8)
			case t == 1:
				lg.mul(W(14), W(12), p)
			case masked && c == t-1:
				lg.maskMov(at(lgW, c), lgMask, Y13)
				lg.mul(Y13, Y12, p)
			default:
				lg.mul(at(lgW, c), Y12, p)
			}
			if c >= 4 {
				lg.add(Y12, ymm[8+c-4], ymm[8+c-4])
			}
		}
		// The tree on Y8 … Y11 (chunk c + (c+4) is done), without the
		// registers that are +0.
		live := min(t, 4)
		for w := 2; w >= 1; w /= 2 {
			for j := 0; j+w < live; j++ {
				lg.add(ymm[8+j+w], ymm[8+j], ymm[8+j])
			}
			live = min(live, w)
		}
		if width == 32 {
			lg.VEXTRACTF128(U8(1), Y8, X9)
			lg.add(X9, X8, X8)
		}
		if width >= 16 {
			lg.VPERMILPD(U8(1), X8, X9)
			lg.addS(X9, X8, X8)
		}
		lg.residual(X8)
		switch width {
		case 8:
			lg.fma231(X12, X8, X0) // VFMADD231PD on the low element; the rest is unused
			return
		case 16:
			lg.VMOVDDUP(X8, X13)
		default:
			lg.broadcast(X8, Y13)
		}
		for c := 0; c < t; c++ {
			switch {
			case t == 1:
				lg.fma231(W(12), W(13), W(0))
			case masked && c == t-1:
				lg.maskMov(at(lgA, c), lgMask, Y12)
				lg.fma231(Y12, Y13, ymm[c])
			default:
				lg.fma231(at(lgA, c), Y13, ymm[c])
			}
		}
	}, func() {
		for c := 0; c < t; c++ {
			switch {
			case width == 8:
				lg.movS(X0, Mem{Base: lgG})
			case width == 16:
				lg.movu(X0, Mem{Base: lgG})
			case masked && c == t-1:
				lg.maskMov(ymm[c], lgMask, at(lgG, c))
			default:
				lg.movu(ymm[c], at(lgG, c))
			}
		}
	})
}

// wide emits rows of more than numAcc chunks: the Dot over whole blocks
// in Y0 … Y7 (chunks loaded into Y8 … Y11), the partial block, the fold;
// then g in memory, four chunks at a time in Y8 … Y11, r broadcast in Y13.
func (lg *lg2) wide() {
	var (
		i   = RAX
		nb  = R13 // bytes of the whole blocks
		n1  = RBX // bytes of the whole chunks
		n4  = RSI // bytes of the whole groups of four chunks
		p   = RCX // bytes of the partial chunk
		k   = lg.k
		V   = lg.e.PerVec()
		L   = lg.e.Lanes()
		sh  = U8(lg.e.Shift())
		tmp = Y12
	)
	lg.Label("wide")
	lg.MOVQ(lgN, p)
	lg.ANDQ(U32(L-1), p)
	lg.SHRQ(U8(log2(V)), p)
	lg.MOVQ(p, k) // whole chunks of the partial block
	lg.MOVQ(lgN, nb)
	lg.ANDQ(I32(-L), nb)
	lg.SHLQ(sh, nb)
	lg.MOVQ(lgN, p)
	lg.ANDQ(U32(V-1), p)
	lg.SHLQ(sh, p)
	lg.ANDQ(I32(-V), n1)
	lg.SHLQ(sh, n1)
	lg.MOVQ(n1, n4)
	lg.ANDQ(I32(-4*vecBytes), n4)

	gAt := func(off int) Mem { return Mem{Base: lgG, Index: i, Scale: 1}.Offset(off) }
	aAt := func(off int) Mem { return Mem{Base: lgA, Index: i, Scale: 1}.Offset(off) }
	wAt := func(off int) Mem { return Mem{Base: lgW, Index: i, Scale: 1}.Offset(off) }
	// cols runs chunk(c, off, masked) over the columns: groups of four
	// chunks (n > 4 chunks here), single chunks, the masked one if p ≠ 0.
	cols := func(pre string, chunk func(c, off int, masked bool)) {
		lg.XORQ(i, i)
		lg.Label(pre + "c4")
		for c := 0; c < 4; c++ {
			chunk(c, c*vecBytes, false)
		}
		lg.ADDQ(U32(4*vecBytes), i)
		lg.CMPQ(i, n4)
		lg.JB(LabelRef(pre + "c4"))
		lg.Label(pre + "c1")
		lg.CMPQ(i, n1)
		lg.JAE(LabelRef(pre + "cm"))
		chunk(0, 0, false)
		lg.ADDQ(U8(vecBytes), i)
		lg.JMP(LabelRef(pre + "c1"))
		lg.Label(pre + "cm")
		lg.TESTQ(p, p)
		lg.JZ(LabelRef(pre + "end"))
		chunk(0, 0, true)
		lg.Label(pre + "end")
	}

	// g = +0.
	lg.xor(Y8, Y8, Y8)
	cols("wz", func(_, off int, masked bool) {
		if masked {
			lg.maskMov(Y8, lgMask, gAt(off))
		} else {
			lg.movu(Y8, gAt(off))
		}
	})

	lg.rows("wr", func() {
		for j := 0; j < numAcc; j++ {
			lg.xor(ymm[j], ymm[j], ymm[j])
		}
		lg.XORQ(i, i)
		lg.Label("wdloop")
		for j := 0; j < numAcc; j++ {
			t := ymm[8+j%4]
			lg.movu(aAt(j*vecBytes), t)
			lg.fma231(wAt(j*vecBytes), t, ymm[j])
		}
		lg.ADDQ(U32(numAcc*vecBytes), i)
		lg.CMPQ(i, nb)
		lg.JB(LabelRef("wdloop"))
		// The partial block: whole chunks j < k, then the masked chunk k.
		for j := 0; j < numAcc-1; j++ {
			lg.CMPQ(k, U8(j))
			lg.JE(LabelRef(fmt.Sprintf("wdpart%d", j)))
			t := ymm[8+j%4]
			lg.movu(aAt(j*vecBytes), t)
			lg.fma231(wAt(j*vecBytes), t, ymm[j])
		}
		for j := numAcc - 1; j >= 0; j-- {
			lg.Label(fmt.Sprintf("wdpart%d", j))
			lg.TESTQ(p, p)
			lg.JZ(LabelRef("wdfold"))
			lg.maskMov(aAt(j*vecBytes), lgMask, Y8)
			lg.maskMov(wAt(j*vecBytes), lgMask, Y9)
			lg.fma231(Y9, Y8, ymm[j])
			if j > 0 {
				lg.JMP(LabelRef("wdfold"))
			}
		}
		lg.Label("wdfold")
		lg.fold(numAcc, false)
		lg.residual(X0)
		lg.broadcast(X0, Y13)
		cols("wg", func(c, off int, masked bool) {
			d := ymm[8+c]
			if masked {
				lg.maskMov(gAt(off), lgMask, d)
				lg.maskMov(aAt(off), lgMask, tmp)
				lg.fma231(tmp, Y13, d)
				lg.maskMov(d, lgMask, gAt(off))
				return
			}
			lg.movu(gAt(off), d)
			lg.fma231(aAt(off), Y13, d)
			lg.movu(d, gAt(off))
		})
	}, func() {})
}
