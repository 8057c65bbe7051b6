package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Physical vector registers by number.
var (
	ymm = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}
	xmm = []VecPhysical{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15}
)

// redKind selects the lane update of a reduction.
type redKind int

const (
	redDot         redKind = iota // acc = fma(x, y, acc)
	redSum                        // acc = acc + x
	redSumSqDiff                  // d = x − y; acc = fma(d, d, acc)
	redAsum                       // acc = acc + |x|; Y14 holds the abs mask
	redAmax                       // acc = max(acc, |x|), NaN skipped; Y14 holds the abs mask
	redScaledSumSq                // t = alpha·x; acc = fma(t, t, acc); Y14 holds alpha
)

func (k redKind) twoInputs() bool { return k == redDot || k == redSumSqDiff }

// constant reports whether the kind keeps a constant in Y14 (the abs mask
// or alpha) for the whole reduction, which leaves Y8 … Y13 as scratch.
func (k redKind) constant() bool {
	return k == redAsum || k == redAmax || k == redScaledSumSq
}

// constReg holds the constant of the kinds that have one.
var constReg = Y14

// negZero reports whether the fold needs the final + 0 (see fold): only
// Dot's lanes can be −0. The others start at +0 and only add terms, or
// take maxima of values, that cannot make them −0.
func (k redKind) negZero() bool { return k == redDot }

// redRegs are the general-purpose registers a reduction works with.
type redRegs struct {
	x, y GPPhysical // cursors; y is unused by Sum
	end  GPPhysical // x cursor after the last whole block
	k    GPPhysical // number of whole registers in the partial block
	p    GPPhysical // bytes in the partial register (0 if none)
	// maskPtr, if set, points to the mask of the partial register, which a
	// masked update then loads into Y15 itself; otherwise Y15 holds it.
	maskPtr GPPhysical
}

// tailSetup computes, from the element count in n (which it keeps), the
// number k of whole registers and the byte count p of the partial register
// of the last partial block, and points ptr at the mask of the partial
// register. If maskReg is not nil, it loads the mask into it.
func (g *gen) tailSetup(n, k, p, ptr GPPhysical, maskReg VecPhysical) {
	g.MOVQ(n, k)
	g.ANDQ(U32(g.e.Lanes()-1), k) // r = n mod L
	g.MOVQ(k, p)
	g.SHRQ(U8(log2(g.e.PerVec())), k) // r / V
	g.ANDQ(U32(g.e.PerVec()-1), p)    // r mod V
	g.SHLQ(U8(g.e.Shift()), p)        // in bytes
	g.LEAQ(g.mask.Offset(vecBytes), ptr)
	g.SUBQ(p, ptr)
	if maskReg != nil {
		g.movu(Mem{Base: ptr}, maskReg)
	}
}

// blockBytes turns the element count in n into the byte length of its
// whole blocks: (n − n mod L)·Size.
func (g *gen) blockBytes(n GPPhysical) {
	g.ANDQ(I32(-g.e.Lanes()), n)
	g.SHLQ(U8(g.e.Shift()), n)
}

// chunk emits the lane update of register j of the current block (byte
// offset 32·j from the cursors) into accumulator j, loading it with the
// mask in Y15 if masked. The masked lanes read as zero, and the padding
// they add (acc + 0, fma(0, 0, acc)) changes no lane's value; it may turn a
// −0 Dot lane into +0, which the final + 0 of the fold makes invisible.
func (g *gen) chunk(kind redKind, r redRegs, j int, masked bool) {
	acc := ymm[j]
	// Scratch rotates over Y8 … Y14, or Y8 … Y13 if Y14 holds a constant,
	// so that consecutive chunks do not wait on each other's registers.
	scratch := 7
	if kind.constant() {
		scratch = 6
	}
	t1 := ymm[8+j%scratch]
	t2 := ymm[8+(j+1)%scratch]
	c := constReg
	xm := Mem{Base: r.x}.Offset(vecBytes * j)
	ym := Mem{Base: r.y}.Offset(vecBytes * j)
	mask := Y15
	if masked && r.maskPtr != nil {
		g.movu(Mem{Base: r.maskPtr}, mask)
	}
	switch {
	case kind == redSum && !masked:
		g.add(xm, acc, acc)
	case kind == redSum:
		g.maskMov(xm, mask, t1)
		g.add(t1, acc, acc)
	case kind == redDot && !masked:
		g.movu(xm, t1)
		g.fma231(ym, t1, acc)
	case kind == redDot:
		g.maskMov(xm, mask, t1)
		g.maskMov(ym, mask, t2)
		g.fma231(t2, t1, acc)
	case kind == redSumSqDiff && !masked:
		g.movu(xm, t1)
		g.sub(ym, t1, t1)
		g.fma231(t1, t1, acc)
	case kind == redSumSqDiff:
		g.maskMov(xm, mask, t1)
		g.maskMov(ym, mask, t2)
		g.sub(t2, t1, t1)
		g.fma231(t1, t1, acc)
	case kind == redAsum || kind == redAmax:
		if masked {
			g.maskMov(xm, mask, t1)
			g.and(t1, c, t1)
		} else {
			g.and(xm, c, t1)
		}
		if kind == redAsum {
			g.add(t1, acc, acc)
			break
		}
		// Max(a, b, dst) is VMAXPD a, b, dst: dst = b > a ? b : a, which is
		// a when either is NaN. With the accumulator as a, a NaN |x| leaves
		// it unchanged, so NaN never wins and the accumulator never
		// becomes NaN. Masked lanes are +0, which never beats the
		// accumulator (it starts at +0).
		g.max(acc, t1, acc)
	case kind == redScaledSumSq:
		if masked {
			g.maskMov(xm, mask, t1)
			g.mul(t1, c, t1)
			// alpha·0 is NaN when alpha is ±Inf or NaN: clear the masked
			// lanes again so that they add nothing.
			g.and(mask, t1, t1)
		} else {
			g.mul(xm, c, t1)
		}
		g.fma231(t1, t1, acc)
	}
}

// reduce emits one whole reduction of at least one block: it zeroes
// Y0 … Y7, runs the block loop from r.x to r.end, feeds the partial block
// (r.k whole registers, then r.p bytes under the mask in Y15) and folds the
// lanes into X0. Labels start with pre.
func (g *gen) reduce(kind redKind, r redRegs, pre string) {
	for j := 0; j < numAcc; j++ {
		g.xor(ymm[j], ymm[j], ymm[j])
	}
	// At least one whole block: callers send shorter vectors elsewhere.
	g.Label(pre + "loop")
	for j := 0; j < numAcc; j++ {
		g.chunk(kind, r, j, false)
	}
	g.ADDQ(U32(numAcc*vecBytes), r.x)
	if kind.twoInputs() {
		g.ADDQ(U32(numAcc*vecBytes), r.y)
	}
	g.CMPQ(r.x, r.end)
	g.JNE(LabelRef(pre + "loop"))

	// The partial block: whole registers j < k into accumulator j, then the
	// masked register k.
	g.Label(pre + "tail")
	part := func(j int) string { return fmt.Sprintf("%spart%d", pre, j) }
	for j := 0; j < numAcc-1; j++ {
		if j == 0 {
			g.TESTQ(r.k, r.k)
		} else {
			g.CMPQ(r.k, U8(j))
		}
		g.JE(LabelRef(part(j)))
		g.chunk(kind, r, j, false)
	}
	for j := numAcc - 1; j >= 0; j-- {
		g.Label(part(j))
		g.TESTQ(r.p, r.p)
		g.JZ(LabelRef(pre + "fold"))
		g.chunk(kind, r, j, true)
		if j > 0 {
			g.JMP(LabelRef(pre + "fold"))
		}
	}

	g.Label(pre + "fold")
	g.foldKind(kind, numAcc)
}

// fold adds the lanes of Y0 … Y7 in the canonical halving tree and leaves
// the result in the low element of X0. It clobbers Y1 … Y7.
//
// Only the first live registers may be nonzero; the others are +0 (they
// need not have been zeroed) and their additions are left out: v + (±0) is
// v for every v ≠ 0, so only the sign of a zero result could change.
//
// If negZero, the result then gets the final + 0 of the specification,
// which turns −0 into +0. Dot needs it: its lanes can be −0. Sum and
// SumSqDiff leave it out, as their lanes and partial sums are never −0 (a
// lane starts at +0, a round-to-nearest sum is −0 only if both addends
// are, and d·d is never −0), so + 0 would change nothing.
func (g *gen) fold(live int, negZero bool) { g.foldBy(live, negZero, g.add, g.addS) }

// foldKind folds the accumulators of a reduction of the given kind: Amax
// takes the maximum in the same tree (any order gives the same maximum,
// and +0 registers change nothing as every lane is ≥ +0), the others add.
func (g *gen) foldKind(kind redKind, live int) {
	if kind == redAmax {
		g.foldBy(live, false, g.max, g.maxS)
		return
	}
	g.fold(live, kind.negZero())
}

// foldBy is fold with op (packed) and opS (scalar) in place of addition.
func (g *gen) foldBy(live int, negZero bool, op, opS vop) {
	for w := numAcc / 2; w >= 1; w /= 2 {
		for j := 0; j+w < live; j++ {
			op(ymm[j+w], ymm[j], ymm[j])
		}
		live = min(live, w)
	}
	g.VEXTRACTF128(U8(1), Y0, X1)
	op(X1, X0, X0)
	g.foldXMM(X0, X1, op, opS)
	if negZero {
		g.xor(X1, X1, X1)
		g.addS(X1, X0, X0)
	}
}

// foldXMM folds the 128 bits of f into its low element in the halving
// tree, with op (packed) and opS (scalar) in place of addition, using t as
// scratch: for float64 lane 0 + lane 1; for float32 lanes (0, 1, 2, 3) →
// (0+2, 1+3) → (0+2) + (1+3). The lanes above the ones a step keeps are
// left with values nothing reads.
func (g *gen) foldXMM(f, t VecPhysical, op, opS vop) {
	for lanes := 16 / g.e.Size; lanes > 1; lanes /= 2 {
		half := lanes / 2
		switch half * g.e.Size {
		case 8: // the high 64 bits down: lane j + half onto lane j
			g.VPERMILPD(U8(1), f, t)
		case 4: // lane 1 onto lane 0
			g.VMOVSHDUP(f, t)
		default:
			panic("foldXMM: unsupported element size")
		}
		if half == 1 {
			opS(t, f, f)
		} else {
			op(t, f, f)
		}
	}
}

// reduction emits Dot, Sum, SumSqDiff, Asum, Amax or ScaledSumSq.
func (g *gen) reduction(kind redKind) {
	// The mask is loaded only where a partial register needs it.
	r := redRegs{x: RSI, y: RDI, end: RDX, k: RBX, p: RAX, maskPtr: R8}
	g.Load(g.Param("x").Base(), r.x)
	g.Load(g.Param("x").Len(), RCX)
	if kind.twoInputs() {
		g.Load(g.Param("y").Base(), r.y)
	}
	switch kind {
	case redAsum, redAmax:
		g.absMask(constReg)
	case redScaledSumSq:
		alpha, err := g.Param("alpha").Resolve()
		if err != nil {
			panic(err)
		}
		g.broadcast(alpha.Addr, constReg)
	}
	g.tailSetup(RCX, r.k, r.p, r.maskPtr, nil)
	g.CMPQ(RCX, U32(g.e.Lanes()))
	g.JB(LabelRef("short"))
	g.blockBytes(RCX)
	g.LEAQ(Mem{Base: r.x, Index: RCX, Scale: 1}, r.end)
	g.reduce(kind, r, "")
	g.ret(X0)

	g.short(kind, r)
}

// short emits the reduction of fewer than L elements: r.k whole registers
// and r.p bytes under the mask, with each accumulator zeroed just before
// its one update and a fold without the registers that stay zero.
func (g *gen) short(kind redKind, r redRegs) {
	part := func(j int) string { return fmt.Sprintf("short%d", j) }
	whole := func(j int) string { return fmt.Sprintf("short%dwhole", j) }
	g.Label("short")
	for j := 0; j < numAcc-1; j++ {
		if j == 0 {
			g.TESTQ(r.k, r.k)
		} else {
			g.CMPQ(r.k, U8(j))
		}
		g.JE(LabelRef(part(j)))
		g.xor(ymm[j], ymm[j], ymm[j])
		g.chunk(kind, r, j, false)
	}
	for j := numAcc - 1; j >= 0; j-- {
		g.Label(part(j))
		g.TESTQ(r.p, r.p)
		g.JZ(LabelRef(whole(j)))
		g.xor(ymm[j], ymm[j], ymm[j])
		g.chunk(kind, r, j, true)
		g.foldKind(kind, j+1)
		g.ret(X0)
		g.Label(whole(j))
		if j == 0 {
			// n = 0: the empty sum, or Amax's +0.
			g.xor(X0, X0, X0)
		} else {
			g.foldKind(kind, j)
		}
		g.ret(X0)
	}
}

// ret stores the scalar in x as the result and returns.
func (g *gen) ret(x VecPhysical) {
	b, err := g.ReturnIndex(0).Resolve()
	if err != nil {
		panic(err)
	}
	g.movS(x, b.Addr)
	g.VZEROUPPER()
	g.RET()
}
