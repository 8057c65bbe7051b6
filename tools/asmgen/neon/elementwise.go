package main

import "fmt"

// Element-wise kernels have no order to keep: each element is one
// rounding, so the vector body, the single-register loop and the scalar
// last elements compute the same values.

// axpy emits y[i] = fma(alpha, x[i], y[i]). alpha is broadcast to V0;
// eight registers of x (V16–V23) and y (V24–V31) go per iteration.
func axpy(a *asm, f frame) {
	per := a.e.perReg()
	a.op("%s %s, F0", a.e.fmov, f.arg("alpha"))
	a.op("MOVD %s, R0", f.arg("x_base"))
	a.op("MOVD %s, R2", f.arg("x_len"))
	a.op("MOVD %s, R1", f.arg("y_base"))
	a.op("MOVD R1, R3") // y is read through R1 and written through R3
	a.broadcast(0, 0)

	step := func(regs int) {
		a.load("R0", xTemp, regs)
		a.load("R1", yTemp, regs)
		for k := vreg(0); k < vreg(regs); k++ {
			a.fmla(yTemp+k, 0, xTemp+k)
		}
		a.store("R3", yTemp, regs)
	}
	elementLoops(a, "R2", per, 8, step, func() {
		a.loadScalar("R0", xTemp)
		a.loadScalar("R1", yTemp)
		// F24 = F16·F0 + F24: FMADDD Fm, Fa, Fn, Fd computes Fn·Fm + Fa.
		a.op("%s F0, F%d, F%d, F%d", a.e.fmadd, yTemp, xTemp, yTemp)
		a.storeScalar("R3", yTemp)
	})
	a.op("RET")
}

// scal emits x[i] *= alpha, sixteen registers (32 float64 or 64 float32)
// per iteration.
func scal(a *asm, f frame) {
	per := a.e.perReg()
	a.op("%s %s, F0", a.e.fmov, f.arg("alpha"))
	a.op("MOVD %s, R0", f.arg("x_base"))
	a.op("MOVD %s, R2", f.arg("x_len"))
	a.op("MOVD R0, R3")
	a.broadcast(0, 0)

	step := func(regs int) {
		a.load("R0", xTemp, regs)
		for k := vreg(0); k < vreg(regs); k++ {
			a.fmul(xTemp+k, xTemp+k, 0)
		}
		a.store("R3", xTemp, regs)
	}
	elementLoops(a, "R2", per, 16, step, func() {
		a.loadScalar("R0", xTemp)
		a.op("%s F0, F%d, F%d", a.e.fmul, xTemp, xTemp)
		a.storeScalar("R3", xTemp)
	})
	a.op("RET")
}

// elementLoops emits: while n ≥ mainRegs registers of elements, step(mainRegs);
// then one step each of mainRegs/2, mainRegs/4, … down to four registers
// where that many remain; then single registers; then the last n mod per
// elements one scalar at a time (one at most for float64).
func elementLoops(a *asm, n string, per, mainRegs int, step func(regs int), scalar func()) {
	a.op("CMP $%d, %s", mainRegs*per, n)
	a.op("BLT %s", a.lbl("rest"))
	a.label("loop")
	step(mainRegs)
	a.op("SUB $%d, %s", mainRegs*per, n)
	a.op("CMP $%d, %s", mainRegs*per, n)
	a.op("BGE %s", a.lbl("loop"))

	a.label("rest")
	for regs := mainRegs / 2; regs >= 4; regs /= 2 {
		a.op("CMP $%d, %s", regs*per, n)
		a.op("BLT %s", a.lbl(fmt.Sprintf("below%d", regs)))
		step(regs)
		a.op("SUB $%d, %s", regs*per, n)
		a.label(fmt.Sprintf("below%d", regs))
	}

	a.label("pairs")
	a.op("CMP $%d, %s", per, n)
	a.op("BLT %s", a.lbl("last"))
	step(1)
	a.op("SUB $%d, %s", per, n)
	a.op("B %s", a.lbl("pairs"))

	a.label("last")
	a.op("CBZ %s, %s", n, a.lbl("done"))
	scalar()
	if per > 2 {
		a.op("SUB $1, %s", n)
		a.op("B %s", a.lbl("last"))
	}
	a.label("done")
}
