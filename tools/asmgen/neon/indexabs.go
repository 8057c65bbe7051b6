package main

// indexAbs emits IndexAbs(v, x): the first i with |x[i]| == v, or −1.
//
// A NaN v equals nothing, so it returns −1 at once. Otherwise v + 0 turns
// −0 into +0 and changes nothing else, and then |x[i]| == v exactly when
// the bits of |x[i]| (x[i] with the sign bit cleared) equal the bits of
// v: a NaN |x[i]| has bits no number has, and |x[i]| is never −0. So the
// vector loop compares bits with the integer VCMEQ, eight registers (16
// float64 or 32 float32) at a time, and stops at the first block with a
// match. The scalar loop then searches that block from its start with the
// floating-point compare, which agrees with the bit compare and so finds
// the match in the block; it also takes the last elements after the
// whole blocks, one at a time, so nothing past the slice is read.
func indexAbs(a *asm, f frame) {
	per := a.e.perReg()
	const regs = 8 // registers per block
	block := regs * per
	a.op("%s %s, F0", a.e.fmov, f.arg("v"))
	a.op("MOVD %s, R0", f.arg("x_base"))
	a.op("MOVD %s, R2", f.arg("x_len"))
	a.op("MOVD $0, R3") // index of the element at R0
	a.op("%s F0, F0", a.e.fcmp)
	a.op("BVS %s // v is NaN", a.lbl("none"))
	a.zero(1)
	a.op("%s F1, F0, F0 // v + 0: −0 becomes +0", a.e.fadd)
	a.broadcast(0, 0)
	a.op("MOVD $%#x, R4", a.e.absMask())
	a.op("VDUP R4, %s", a.v(1))

	a.label("loop")
	a.op("CMP $%d, R2", block)
	a.op("BLT %s", a.lbl("scalar"))
	a.load("R0", xTemp, regs)
	for k := vreg(0); k < regs; k++ {
		a.vand(xTemp+k, xTemp+k, 1)
		a.op("VCMEQ %s, %s, %s", a.v(0), a.v(xTemp+k), a.v(xTemp+k))
	}
	// OR the eight compare results into V16.
	for w := vreg(1); w < regs; w *= 2 {
		for k := vreg(0); k < regs; k += 2 * w {
			a.op("VORR V%d.B16, V%d.B16, V%d.B16", xTemp+k+w, xTemp+k, xTemp+k)
		}
	}
	a.op("VMOV V%d.D[0], R5", xTemp)
	a.op("VMOV V%d.D[1], R6", xTemp)
	a.op("ORR R5, R6")
	a.op("CBNZ R6, %s", a.lbl("hit"))
	a.op("ADD $%d, R3", block)
	a.op("SUB $%d, R2", block)
	a.op("B %s", a.lbl("loop"))

	a.label("hit")
	// Back to the block's first element; R2 still counts it.
	a.op("SUB $%d, R0", block*a.e.Size)

	a.label("scalar")
	a.op("CBZ R2, %s", a.lbl("none"))
	a.loadScalar("R0", 2)
	a.op("%s F2, F2", a.e.fabs)
	a.op("%s F2, F0", a.e.fcmp)
	a.op("BEQ %s", a.lbl("found"))
	a.op("ADD $1, R3")
	a.op("SUB $1, R2")
	a.op("B %s", a.lbl("scalar"))

	a.label("found")
	a.op("MOVD R3, %s", f.arg("ret"))
	a.op("RET")

	a.label("none")
	a.op("MOVD $-1, R3")
	a.op("MOVD R3, %s", f.arg("ret"))
	a.op("RET")
}
