package main

import "fmt"

// DotNorms: Dot(x, y), Dot(x, x) and Dot(y, y), each with the bits of Dot,
// reading x and y once.
//
// Three reductions of sixteen accumulators would need 48 registers, and
// NEON has 32. So the L lanes are fed in two passes, each holding half of
// them for all three reductions: pass A feeds registers 0 … 7 of every
// block (lanes 0 … L/2−1, the first 128 bytes of each 256-byte block) and
// pass B registers 8 … 15 (lanes L/2 … L−1, the last 128 bytes), each into
// V0–V7 (x·y), V8–V15 (x·x) and V16–V23 (y·y), register k of a pass
// holding the lanes of Dot's register k (pass A) or k+8 (pass B). Per
// half a block that is eight loads, four registers of x into V24–V27 and
// four of y into V28–V31, twice, for 24 FMLAs: FMLA-bound.
//
// The passes alternate over chunks of dnChunk blocks, so that pass B reads
// what pass A has just brought into the cache, and x and y come from
// memory once however long they are. The state of the pass not running
// lives in the local frame, and the two are swapped at every change of
// pass (see dnSwap). Each lane still takes its elements in increasing i:
// pass A's lanes over the chunks in order, then the partial block, and
// the same for pass B's.
//
// The partial block of r = n mod L elements feeds lanes 0 … r−1: its first
// min(r, L/2) elements go to pass A's registers, the rest to pass B's, as
// whole registers and then, for the last r mod 4, a register loaded with
// loadPartial (+0 in the lanes above). Feeding +0·+0 changes a lane at
// most from −0 to +0, which the final + 0 makes invisible.
//
// The first step of the fold, lane j + lane j+L/2, is register k of pass A
// plus register k of pass B, added in Dot's operand order; the rest is
// Dot's fold from V0 += V4 on, in each group of eight. Vectors of at most
// L/2 elements have nothing in pass B's lanes: they skip both passes and
// the frame, feed pass A's registers only and fold them alone, since a
// missing lane is +0 and acc + +0 differs from acc only in the sign of a
// zero.
//
// Registers: R0, R1 x and y at the current chunk; R2 r (or n on the short
// path); R3 blocks left; R4, R5 pass A's (then the partial block's)
// pointers; R12, R13 pass B's; R6 and R7 the start and end of the ring in
// the frame; R8 the ring pointer; R9 blocks in the chunk; R10 the block
// counter; R11 the count of a partial block's pass; R14 the count of its
// last, partial register and R15, R16 pointers to it.
const (
	dnGroup   = 8        // registers of one reduction in one pass
	dnXY      = vreg(0)  // x·y, V0–V7
	dnXX      = vreg(8)  // x·x, V8–V15
	dnYY      = vreg(16) // y·y, V16–V23
	dnLive    = 24       // accumulators of one pass
	dnX       = vreg(24) // x, V24–V27
	dnY       = vreg(28) // y, V28–V31
	dnPartX   = vreg(27) // the last, partial register of x in a tail
	dnPartY   = vreg(31) // … and of y
	dnStep    = 4        // registers of x (and of y) loaded at a time
	dnChunk   = 32       // blocks per chunk: 16 KiB of x and y together
	dnRingReg = 4        // registers per group of the ring
	// The ring holds dnRingGroups groups of four registers: the 24
	// accumulators of the pass not running and one free group.
	dnRingGroups = dnLive/dnRingReg + 1
)

// dotNorms emits DotNorms for float32.
func dotNorms(a *asm, f frame) {
	if a.e.perReg() != 4 {
		panic("neon: DotNorms is written for four elements per register, not " + a.e.GoType)
	}
	per := a.e.perReg()
	S := a.e.Size
	half := dnGroup * per // lanes of one pass: 32
	block := 2 * half     // L
	ringBytes := dnRingGroups * dnRingReg * 16
	a.locals = ringBytes

	a.op("MOVD %s, R0", f.arg("x_base"))
	a.op("MOVD %s, R2", f.arg("x_len"))
	a.op("MOVD %s, R1", f.arg("y_base"))
	for r := vreg(0); r < dnLive; r++ {
		a.zero(r)
	}
	a.op("CMP $%d, R2", half)
	a.op("BGT %s", a.lbl("long"))

	a.comment(fmt.Sprintf("n ≤ %d: pass A's lanes alone, straight from x and y", half))
	a.scope("short", func() { dnTail(a, "R0", "R1", "R2") })
	dnResults(a, f)

	a.label("long")
	a.comment("The ring: pass B's accumulators, all +0, in groups 0–5; group 6 free")
	a.op("MOVD $ring-%d(SP), R6", ringBytes)
	a.op("ADD $%d, R6, R7", ringBytes)
	a.op("MOVD R6, R8")
	a.store("R8", 0, dnLive)
	a.op("LSR $%d, R2, R3", shift(block))
	a.op("AND $%d, R2, R2", block-1)

	a.label("chunk")
	a.op("MOVD $%d, R9", dnChunk)
	a.op("CMP R9, R3")
	a.op("CSEL LT, R3, R9, R9 // blocks in this chunk")
	a.op("SUB R9, R3")
	a.op("ADD $%d, R0, R12", half*S)
	a.op("ADD $%d, R1, R13", half*S)

	a.comment("Pass A over the chunk: the first half of every block")
	a.op("MOVD R0, R4")
	a.op("MOVD R1, R5")
	a.scope("a", func() { dnPass(a, "R4", "R5", half*S) })
	a.op("CBNZ R3, %s", a.lbl("swapa"))
	a.comment(fmt.Sprintf("The partial block: its first min(r, %d) elements", half))
	a.op("MOVD $%d, R11", half)
	a.op("CMP R11, R2")
	a.op("CSEL LT, R2, R11, R11")
	a.scope("taila", func() { dnTail(a, "R4", "R5", "R11") })
	a.label("swapa")
	dnSwap(a)

	a.comment("Pass B over the chunk: the second half of every block")
	a.scope("b", func() { dnPass(a, "R12", "R13", half*S) })
	a.op("CBZ R3, %s", a.lbl("tailb"))
	dnSwap(a)
	a.op("MOVD R4, R0")
	a.op("MOVD R5, R1")
	a.op("B %s", a.lbl("chunk"))

	a.label("tailb")
	a.comment(fmt.Sprintf("The partial block: its elements from %d on, if any", half))
	a.op("SUBS $%d, R2, R11", half)
	a.op("BLE %s", a.lbl("fold"))
	a.scope("tailb", func() { dnTail(a, "R12", "R13", "R11") })

	a.label("fold")
	a.comment("Lane j + lane j+32: pass A's register k from the ring + pass B's register k")
	for g := vreg(0); g < dnLive/dnRingReg; g++ {
		t := dnX + 4*(g%2) // V24–V27 and V28–V31 in turn
		a.op("ADD $%d, R8", dnRingReg*16)
		a.op("CMP R7, R8")
		a.op("CSEL EQ, R6, R8, R8")
		a.op("VLD1 (R8), %s", a.list(t, dnRingReg))
		for k := vreg(0); k < dnRingReg; k++ {
			a.fadd(dnRingReg*g+k, t+k, dnRingReg*g+k)
		}
	}
	dnResults(a, f)
}

// dnPass emits one pass over the R9 blocks of the chunk, xp and yp at the
// first byte of the pass's half of the first block; it leaves them at the
// same place in the block after the chunk. It uses R10.
func dnPass(a *asm, xp, yp string, halfBytes int) {
	a.op("CBZ R9, %s", a.lbl("done"))
	a.op("MOVD R9, R10")
	a.label("loop")
	for k := vreg(0); k < dnGroup; k += dnStep {
		a.load(xp, dnX, dnStep)
		a.load(yp, dnY, dnStep)
		for j := vreg(0); j < dnStep; j++ {
			dnUpdate(a, k+j, dnX+j, dnY+j)
		}
	}
	a.op("ADD $%d, %s", halfBytes, xp) // over the other pass's half
	a.op("ADD $%d, %s", halfBytes, yp)
	a.op("SUB $1, R10")
	a.op("CBNZ R10, %s", a.lbl("loop"))
	a.label("done")
}

// dnUpdate feeds x and y into register k of the three reductions.
func dnUpdate(a *asm, k, x, y vreg) {
	a.fmla(dnXY+k, x, y)
	a.fmla(dnXX+k, x, x)
	a.fmla(dnYY+k, y, y)
}

// dnTail feeds the n ≤ 32 elements at xp and yp into registers 0 … of
// the pass in V0–V23: whole registers, then the last n mod 4 elements,
// loaded first into the lowest lanes of dnPartX and dnPartY, +0 above. It
// advances xp and yp, counts n down and uses R14–R16.
func dnTail(a *asm, xp, yp, n string) {
	per := a.e.perReg()
	a.op("AND $%d, %s, R14", per-1, n)
	a.op("CBZ R14, %s", a.lbl("partdone"))
	a.op("SUB R14, %s, R16", n)
	a.op("ADD R16<<%d, %s, R15", shift(a.e.Size), xp)
	a.op("ADD R16<<%d, %s, R16", shift(a.e.Size), yp)
	for c := 1; c < per-1; c++ {
		a.op("CMP $%d, R14", c)
		a.op("BEQ %s", a.lbl(fmt.Sprintf("part%d", c)))
	}
	for c := per - 1; c >= 1; c-- {
		if c < per-1 {
			a.label(fmt.Sprintf("part%d", c))
		}
		a.loadPartial("R15", dnPartX, c)
		a.loadPartial("R16", dnPartY, c)
		if c > 1 {
			a.op("B %s", a.lbl("partdone"))
		}
	}
	a.label("partdone")
	for k := vreg(0); k < dnGroup; k++ {
		a.op("CMP $%d, %s", per, n)
		a.op("BLT %s", a.lbl(fmt.Sprintf("single%d", k)))
		a.load(xp, dnX, 1)
		a.load(yp, dnY, 1)
		dnUpdate(a, k, dnX, dnY)
		a.op("SUB $%d, %s", per, n)
	}
	// Eight whole registers are all 32 elements: nothing is left.
	a.op("B %s", a.lbl("done"))
	for k := vreg(dnGroup - 1); k >= 0; k-- {
		a.label(fmt.Sprintf("single%d", k))
		a.op("CBZ %s, %s", n, a.lbl("done"))
		dnUpdate(a, k, dnPartX, dnPartY)
		if k > 0 {
			a.op("B %s", a.lbl("done"))
		}
	}
	a.label("done")
}

// dnSwap exchanges the accumulators in V0–V23 with those of the other pass
// in the ring, four registers at a time and without a spare register: the
// ring has room for one group more than the 24 registers, and R8 points
// at the free group. Each group of registers is stored there, R8 steps on
// (wrapping from the end of the ring to its start) to the group of the
// same registers of the other pass, and that group is loaded, leaving it
// free for the next. So the pass in memory always starts one group after
// R8 and runs on in order around the ring.
func dnSwap(a *asm) {
	for g := vreg(0); g < dnLive/dnRingReg; g++ {
		r := dnRingReg * g
		a.op("VST1.P %s, %d(R8)", a.list(r, dnRingReg), dnRingReg*16)
		a.op("CMP R7, R8")
		a.op("CSEL EQ, R6, R8, R8")
		a.op("VLD1 (R8), %s", a.list(r, dnRingReg))
	}
}

// dnResults folds the three reductions in V0–V7, V8–V15 and V16–V23, each
// holding lanes 0 … 31 as Dot's V0–V7 do after its first step, with Dot's
// tree and final + 0, stores them to xy, xx and yy and returns.
func dnResults(a *asm, f frame) {
	for i, name := range []string{"xy", "xx", "yy"} {
		base := vreg(i * dnGroup)
		s := dnX + vreg(i) // scratch
		for w := vreg(dnGroup / 2); w >= 1; w /= 2 {
			for k := vreg(0); k < w; k++ {
				a.fadd(base+k, base+k, base+k+w)
			}
		}
		a.op("VDUP V%d.D[1], V%d.D2 // lanes 2, 3, 2, 3 of V%d", base, s, base)
		a.fadd(base, base, s)
		a.wordArr("faddp", "2s", base, base, 0)
		a.zero(s)
		a.op("%s F%d, F%d, F%d // never −0", a.e.fadd, s, base, base)
		a.op("%s F%d, %s", a.e.fmov, base, f.arg(name))
	}
	a.op("RET")
}
