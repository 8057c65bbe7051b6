package main

import "fmt"

// lossGrad emits the fused least-squares pass: for each row i in order,
// r = (Dot(a_i, w) + c) − y[i], then g[j] = fma(r, a_ij, g[j]) along the
// row, and r feeds lane i mod L of the two reductions ssr = Dot(r, r) and
// sr = Sum(r).
//
// Each row's Dot is reduce's, exactly as in GemvN, so it takes every V
// register; the residual arithmetic is two rounded scalar operations on
// its result. g lives in memory, zeroed first (the caller's contents are
// ignored), and each row adds r·a_i to it register pair by register pair
// (VFMLA with r broadcast to V31), a scalar FMADD for an odd last column,
// so every g[j] takes the rows in increasing order as GemvT's y[j] does.
//
// The lanes of the two reductions cannot stay in registers across the
// row's Dot, so they live in the local frame: accS at lanes-512(SP), accR
// 256 bytes above it, all +0 at the start. Row i updates lane i mod L of
// each with one scalar FMADD and one scalar FADD, through R11, which walks
// the lanes and wraps every L rows. No lane is padded or skipped, so the
// lanes are those of the specification exactly. At the end each array is
// loaded into V0–V15 and folded with reduce's tree and final + 0.
//
// Registers: R0–R2 the Dot's row, w and count (then the row and count of
// the g update), R3/R7 g read/write, R4 the row, R5 lda in bytes, R6 rows
// left, R8 n, R9 w, R10 y, R11 the lane pointer, R12 rows until it wraps,
// R13 g, R14 the count of the g update; F0 r, V31 r broadcast.
func lossGrad(a *asm, f frame) {
	a.e.mustPairs("LossGrad")
	per := a.e.perReg()
	lanes := a.e.Lanes()
	laneBytes := lanes * a.e.Size // one array of lanes: 256 bytes
	a.locals = 2 * laneBytes
	base := fmt.Sprintf("$lanes-%d(SP)", a.locals)
	const rb, ab, gb = vreg(31), vreg(16), vreg(0) // r broadcast, row, g

	a.op("MOVD %s, R6", f.arg("m"))
	a.op("MOVD %s, R8", f.arg("n"))
	a.op("MOVD %s, R4", f.arg("a_base"))
	a.op("MOVD %s, R5", f.arg("lda"))
	a.op("LSL $%d, R5", shift(a.e.Size)) // row stride in bytes
	a.op("MOVD %s, R9", f.arg("w_base"))
	a.op("MOVD %s, R10", f.arg("y_base"))
	a.op("MOVD %s, R13", f.arg("g_base"))

	a.comment("accS and accR: every lane +0")
	for r := vreg(0); r < accs; r++ {
		a.zero(r)
	}
	a.op("MOVD %s, R11", base)
	a.store("R11", 0, accs)
	a.store("R11", 0, accs)

	a.comment("g[j] = +0 for every j; V0–V15 are +0")
	a.op("MOVD R13, R7")
	a.op("MOVD R8, R14")
	a.scope("zero", func() {
		elementLoops(a, "R14", per, 8, func(regs int) {
			a.store("R7", gb, regs)
		}, func() {
			a.storeScalar("R7", gb)
		})
	})

	a.op("MOVD %s, R11", base)
	a.op("MOVD $%d, R12", lanes)
	a.op("CBZ R6, %s", a.lbl("fold"))

	a.label("row")
	a.comment("F0 = Dot(a_i, w), in the canonical order")
	a.op("MOVD R4, R0")
	a.op("MOVD R9, R1")
	a.op("MOVD R8, R2")
	a.scope("dot", func() { a.reduce(dotOp, "R0", "R1", "R2") })

	a.comment("r = (F0 + c) − y[i], each rounded")
	a.op("%s %s, F1", a.e.fmov, f.arg("c"))
	a.loadScalar("R10", 2)
	a.op("%s F1, F0, F0", a.e.fadd)
	a.op("%s F2, F0, F0 // F0 − F2", a.e.fsub)

	a.comment("lane i mod L: accS = fma(r, r, accS), accR += r")
	a.op("%s (R11), F1", a.e.fmov)
	a.op("%s %d(R11), F2", a.e.fmov, laneBytes)
	// F1 = F0·F0 + F1: FMADDD Fm, Fa, Fn, Fd computes Fn·Fm + Fa.
	a.op("%s F0, F1, F0, F1", a.e.fmadd)
	a.op("%s F0, F2, F2", a.e.fadd)
	a.op("%s F2, %d(R11)", a.e.fmov, laneBytes)
	a.storeScalar("R11", 1)
	a.op("SUB $1, R12")
	a.op("CBNZ R12, %s", a.lbl("grad"))
	a.op("MOVD %s, R11", base)
	a.op("MOVD $%d, R12", lanes)

	a.label("grad")
	a.comment("g[j] = fma(r, a_ij, g[j]) along the row")
	a.broadcast(rb, 0)
	a.op("MOVD R4, R0")
	a.op("MOVD R13, R3")
	a.op("MOVD R13, R7")
	a.op("MOVD R8, R14")
	a.scope("grad", func() {
		elementLoops(a, "R14", per, 8, func(regs int) {
			a.load("R0", ab, regs)
			a.load("R3", gb, regs)
			for k := vreg(0); k < vreg(regs); k++ {
				a.fmla(gb+k, rb, ab+k)
			}
			a.store("R7", gb, regs)
		}, func() {
			a.loadScalar("R0", ab)
			a.loadScalar("R3", gb)
			// F0 = F16·F31 + F0: FMADDD Fm, Fa, Fn, Fd computes Fn·Fm + Fa.
			a.op("%s F%d, F%d, F%d, F%d", a.e.fmadd, rb, gb, ab, gb)
			a.storeScalar("R7", gb)
		})
	})
	a.op("ADD R5, R4")
	a.op("SUB $1, R6")
	a.op("CBNZ R6, %s", a.lbl("row"))

	a.label("fold")
	a.op("MOVD %s, R11", base)
	a.comment("ssr = fold(accS) + 0")
	a.load("R11", 0, accs)
	a.fold("")
	a.op("%s F0, %s", a.e.fmov, f.arg("ssr"))
	a.comment("sr = fold(accR) + 0")
	a.load("R11", 0, accs)
	a.fold("")
	a.op("%s F0, %s", a.e.fmov, f.arg("sr"))
	a.op("RET")
}
