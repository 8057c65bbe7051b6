package main

// shiftScale emits z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j], row by
// row: FSUB, then FMUL, two roundings. Each row runs the loops of
// elementLoops with A's row in V0–V7 and shift, then scale, in V8–V15,
// and an odd last element in lane 0 with scalar FSUBD and FMULD, so no
// element past the row is read or written.
func shiftScale(a *asm, f frame) {
	a.e.mustPairs("ShiftScale")
	per := a.e.perReg()
	a.op("MOVD %s, R2", f.arg("n"))
	a.op("CBZ R2, %s", a.lbl("empty"))
	a.op("MOVD %s, R3", f.arg("m"))
	a.op("CBZ R3, %s", a.lbl("empty"))
	a.op("MOVD %s, R0", f.arg("a_base"))
	a.op("MOVD %s, R1", f.arg("z_base"))
	a.op("MOVD %s, R4", f.arg("shift_base"))
	a.op("MOVD %s, R5", f.arg("scale_base"))
	a.op("MOVD %s, R6", f.arg("lda"))
	a.op("LSL $%d, R6", shift(a.e.Size))
	a.op("MOVD %s, R7", f.arg("ldz"))
	a.op("LSL $%d, R7", shift(a.e.Size))

	a.label("row")
	a.op("MOVD R0, R8")  // a
	a.op("MOVD R1, R9")  // z
	a.op("MOVD R4, R10") // shift
	a.op("MOVD R5, R11") // scale
	a.op("MOVD R2, R12") // elements left in the row
	const x, t = vreg(0), vreg(8)
	step := func(regs int) {
		a.load("R8", x, regs)
		a.load("R10", t, regs)
		for k := vreg(0); k < vreg(regs); k++ {
			a.fsub(x+k, x+k, t+k)
		}
		a.load("R11", t, regs)
		for k := vreg(0); k < vreg(regs); k++ {
			a.fmul(x+k, x+k, t+k)
		}
		a.store("R9", x, regs)
	}
	elementLoops(a, "R12", per, 8, step, func() {
		a.loadScalar("R8", x)
		a.loadScalar("R10", t)
		a.op("%s F%d, F%d, F%d", a.e.fsub, t, x, x) // x − t
		a.loadScalar("R11", t)
		a.op("%s F%d, F%d, F%d", a.e.fmul, t, x, x)
		a.storeScalar("R9", x)
	})
	a.op("ADD R6, R0")
	a.op("ADD R7, R1")
	a.op("SUB $1, R3")
	a.op("CBNZ R3, %s", a.lbl("row"))
	a.label("empty")
	a.op("RET")
}
