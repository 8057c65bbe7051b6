package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// dnChunk is the number of blocks DotNorms feeds to one pass before it
// switches to the other: 12 KiB of x and 12 of y, three quarters of the
// 32 KiB L1D of AVX2 CPUs, so that the second pass reads them from L1.
const dnChunk = 48

// dotNorms emits DotNorms: Dot(x, y), Dot(x, x) and Dot(y, y), each with
// the bits of Dot, reading x and y in one call.
//
// Three reductions of eight accumulators would need 24 YMM registers, so
// the L lanes are fed in two passes, each holding half of them for all
// three reductions in Y0 … Y3 (x·y), Y4 … Y7 (x·x) and Y8 … Y11 (y·y):
// pass "hi" feeds registers 4 … 7 of every block (lanes L/2 … L−1), pass
// "lo" registers 0 … 3 (lanes 0 … L/2−1). The passes take turns over
// chunks of dnChunk blocks, hi then lo, exchanging the accumulators with
// the other pass's in the frame between them: each lane still takes its
// elements in increasing i, and the second pass of a chunk reads it from
// L1. The partial block goes to hi at the end of the last chunk, and to lo
// after it. The first step of the fold, lane j + lane j+L/2, is then
// register r of pass lo plus register r of pass hi from the frame, added
// in Dot's operand order; the rest of the fold is Dot's, from Y0 += Y2 on.
// Y12 and Y13 hold the loaded x and y (Y14 and Y15 for every other
// register of a block); a masked register takes its mask in Y15.
//
// Per register of a pass that is two loads and three FMAs: three times
// Dot's FMAs for the same loads, hence FMA-bound. Vectors of at most L/2
// elements have nothing in the lanes of pass hi: they skip it, and fold
// the registers of pass lo alone (the missing lanes are +0, see fold).
func (g *gen) dotNorms() {
	const (
		half  = numAcc / 2 // registers per block in one pass
		nRed  = 3          // x·y, x·x, y·y
		nLive = nRed * half
	)
	acc := func(s, j int) VecPhysical { return ymm[s*half+j] }
	other := g.AllocLocal(nLive * vecBytes) // the other pass's accumulators
	otherAt := func(s, j int) Mem { return other.Offset((s*half + j) * vecBytes) }

	// SI and DI point at the partial block (after the whole ones); the
	// cursors hiAt and loAt count the bytes of the whole blocks from
	// −blocks up to 0, and end is the cursor at the end of the current
	// chunk, start the cursors' first value. DX keeps n; BX, AX and R8 are
	// k, p and the mask pointer of tailSetup.
	x, y, n, k, p, maskPtr := RSI, RDI, RDX, RBX, RAX, R8
	hiAt, loAt, end, zero, start := RCX, R9, R10, R11, R12
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("x").Len(), n)
	g.Load(g.Param("y").Base(), y)
	g.tailSetup(n, k, p, maskPtr, nil)
	g.MOVQ(n, hiAt)
	g.blockBytes(hiAt)
	g.ADDQ(hiAt, x)
	g.ADDQ(hiAt, y)
	g.NEGQ(hiAt)
	g.MOVQ(hiAt, loAt)

	zeroAcc := func() {
		for s := 0; s < nRed; s++ {
			for j := 0; j < half; j++ {
				g.xor(acc(s, j), acc(s, j), acc(s, j))
			}
		}
	}
	zeroAcc()
	g.CMPQ(n, U32(g.e.Lanes()/2))
	g.JBE(LabelRef("lotail"))

	// update emits the three lane updates of register j of a block into
	// accumulators r = j mod half, as Dot's chunk does for one: fma(x, y),
	// fma(x, x), fma(y, y). The cursors of a pass point at its first
	// register, so register j is at byte offset 32·r from bx and by.
	update := func(j int, bx, by Mem, masked bool) {
		r := j % half
		tx, ty := Y12, Y13
		if r%2 == 1 && !masked {
			tx, ty = Y14, Y15
		}
		bx, by = bx.Offset(vecBytes*r), by.Offset(vecBytes*r)
		if masked {
			g.movu(Mem{Base: maskPtr}, Y15)
			g.maskMov(bx, Y15, tx)
			g.maskMov(by, Y15, ty)
		} else {
			g.movu(bx, tx)
			g.movu(by, ty)
		}
		g.fma231(ty, tx, acc(0, r))
		g.fma231(tx, tx, acc(1, r))
		g.fma231(ty, ty, acc(2, r))
	}

	// loop emits the whole blocks from the cursor at to end, registers
	// first … first+half−1 of each, at byte offsets off + 32·r.
	loop := func(pre string, first int, at GPPhysical, off int) {
		g.CMPQ(at, end)
		g.JE(LabelRef(pre + "end"))
		g.Label(pre)
		bx := Mem{Base: x, Index: at, Scale: 1}.Offset(off)
		by := Mem{Base: y, Index: at, Scale: 1}.Offset(off)
		for j := first; j < first+half; j++ {
			update(j, bx, by, false)
		}
		g.ADDQ(U32(numAcc*vecBytes), at)
		g.CMPQ(at, end)
		g.JNE(LabelRef(pre))
		g.Label(pre + "end")
	}

	// tail emits registers first … first+half−1 of the partial block: k
	// whole registers of it, then p bytes under the mask, from x and y
	// pointing at register first.
	tail := func(pre string, first int) {
		g.Label(pre + "tail")
		done := pre + "done"
		part := func(j int) string { return fmt.Sprintf("%spart%d", pre, j) }
		if first > 0 {
			// Fewer than first whole registers: the partial register, if
			// any, is one of the other pass.
			g.CMPQ(k, U8(first))
			g.JB(LabelRef(done))
		}
		last := min(first+half, numAcc-1) // k ≤ numAcc−1
		for j := first; j < last; j++ {
			switch {
			case j == 0:
				g.TESTQ(k, k)
			case j > first:
				g.CMPQ(k, U8(j))
			}
			g.JE(LabelRef(part(j)))
			update(j, Mem{Base: x}, Mem{Base: y}, false)
		}
		if last == first+half {
			// All registers of this pass whole: the partial register, if
			// any, is one of the next pass.
			g.JMP(LabelRef(done))
		}
		for j := last; j >= first; j-- {
			if j < first+half {
				g.Label(part(j))
				g.TESTQ(p, p)
				g.JZ(LabelRef(done))
				update(j, Mem{Base: x}, Mem{Base: y}, true)
				if j > first {
					g.JMP(LabelRef(done))
				}
			}
		}
		g.Label(done)
	}

	// exchange swaps Y0 … Y11 with the other pass's accumulators.
	exchange := func() {
		for i := 0; i < nLive; i++ {
			s, j := i/half, i%half
			t := ymm[12+i%4]
			g.movu(otherAt(s, j), t)
			g.movu(acc(s, j), otherAt(s, j))
			g.movu(t, acc(s, j))
		}
	}

	g.XORL(zero.As32(), zero.As32())
	g.MOVQ(loAt, start)
	// Until the partial block, x and y point at register half of a block,
	// which keeps every displacement within a byte.
	g.ADDQ(U32(half*vecBytes), x)
	g.ADDQ(U32(half*vecBytes), y)
	g.Label("chunk")
	g.LEAQ(Mem{Base: hiAt}.Offset(dnChunk*numAcc*vecBytes), end)
	g.TESTQ(end, end)
	g.CMOVQGT(zero, end) // the last chunk ends at the partial block
	loop("hiloop", half, hiAt, 0)
	g.TESTQ(end, end)
	g.JNZ(LabelRef("swap"))
	tail("hi", half) // the last chunk
	g.Label("swap")
	// Pass lo starts from +0: in the first chunk, pass hi's accumulators
	// go to the frame and pass lo's are zeroed; later they are exchanged.
	g.CMPQ(loAt, start)
	g.JNE(LabelRef("exchange"))
	for s := 0; s < nRed; s++ {
		for j := 0; j < half; j++ {
			g.movu(acc(s, j), otherAt(s, j))
		}
	}
	zeroAcc()
	g.JMP(LabelRef("lo"))
	g.Label("exchange")
	exchange()
	g.Label("lo")
	loop("loloop", 0, loAt, -half*vecBytes)
	g.TESTQ(end, end)
	g.JZ(LabelRef("last"))
	exchange()
	g.JMP(LabelRef("chunk"))
	g.Label("last")
	g.SUBQ(U32(half*vecBytes), x)
	g.SUBQ(U32(half*vecBytes), y)

	tail("lo", 0)
	g.CMPQ(n, U32(g.e.Lanes()/2))
	g.JBE(LabelRef("fold"))
	// Lane j + lane j+L/2: Dot's Y0 += Y4 … Y3 += Y7.
	for j := 0; j < half; j++ {
		for s := 0; s < nRed; s++ {
			g.add(otherAt(s, j), acc(s, j), acc(s, j))
		}
	}

	// The rest of Dot's fold, the three reductions interleaved, ending in
	// the low elements of X0, X4 and X8.
	g.Label("fold")
	for w := half / 2; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			for s := 0; s < nRed; s++ {
				g.add(acc(s, j+w), acc(s, j), acc(s, j))
			}
		}
	}
	for s := 0; s < nRed; s++ {
		g.VEXTRACTF128(U8(1), acc(s, 0), xmm[s*half+1])
		g.add(xmm[s*half+1], xmm[s*half], xmm[s*half])
	}
	for s := 0; s < nRed; s++ {
		g.foldXMM(xmm[s*half], xmm[s*half+1], g.add, g.addS)
	}
	// The final + 0 of each, then the results.
	g.xor(X12, X12, X12)
	for s := 0; s < nRed; s++ {
		g.addS(X12, xmm[s*half], xmm[s*half])
		b, err := g.ReturnIndex(s).Resolve()
		if err != nil {
			panic(err)
		}
		g.movS(xmm[s*half], b.Addr)
	}
	g.VZEROUPPER()
	g.RET()
}
