package main

import "fmt"

// gemvN emits y[i] = Dot(a[i·lda : i·lda+n], x) for each row: the
// reduction of reduce, once per row, with the row as x and x as y. The
// product is commutative, so fma(a, x, acc) is fma(x, a, acc).
func gemvN(a *asm, f frame) {
	a.op("MOVD %s, R6", f.arg("m"))
	a.op("MOVD %s, R8", f.arg("n"))
	a.op("MOVD %s, R4", f.arg("a_base"))
	a.op("MOVD %s, R5", f.arg("lda"))
	a.op("LSL $%d, R5", shift(a.e.Size)) // row stride in bytes
	a.op("MOVD %s, R9", f.arg("x_base"))
	a.op("MOVD %s, R7", f.arg("y_base"))
	a.op("CBZ R6, %s", a.lbl("done"))

	a.label("row")
	a.op("MOVD R4, R0")
	a.op("MOVD R9, R1")
	a.op("MOVD R8, R2")
	a.reduce(dotOp, "R0", "R1", "R2")
	a.storeScalar("R7", 0)
	a.op("ADD R5, R4")
	a.op("SUB $1, R6")
	a.op("CBNZ R6, %s", a.lbl("row"))
	a.label("done")
	a.op("RET")
}

// gemvTBlocks are the column blocks of gemvT, in registers: 12 registers
// (24 float64 or 48 float32 columns) while that many columns remain, then
// 4, then 1, then scalar columns (one at most for float64). Twelve independent accumulator chains cover the
// latency of two FMA pipes; the block's row of a (12 registers) and the
// broadcast x[i] fit beside them.
var gemvTBlocks = []int{12, 4, 1}

// gemvT emits y[j] = Σ_i fma(x[i], a[i·lda+j], y[j]) in increasing i from
// +0. Each column block keeps its y[j] in V0–V11 across all m rows, so
// every column takes its rows in order and y is written once.
func gemvT(a *asm, f frame) {
	per := a.e.perReg()
	a.op("MOVD %s, R6", f.arg("m"))
	a.op("MOVD %s, R2", f.arg("n"))
	a.op("MOVD %s, R0", f.arg("a_base"))
	a.op("MOVD %s, R5", f.arg("lda"))
	a.op("LSL $%d, R5", shift(a.e.Size))
	a.op("MOVD %s, R1", f.arg("x_base"))
	a.op("MOVD %s, R3", f.arg("y_base"))

	const xb, rowTemp = vreg(24), vreg(12)
	for _, regs := range gemvTBlocks {
		cols := regs * per
		name := fmt.Sprintf("cols%d", cols)
		a.label(name)
		a.op("CMP $%d, R2", cols)
		a.op("BLT %s", a.lbl(name+"end"))
		for r := vreg(0); r < vreg(regs); r++ {
			a.zero(r)
		}
		a.op("MOVD R0, R9")  // a[i, j…]
		a.op("MOVD R1, R10") // x[i]
		a.op("MOVD R6, R11") // rows left
		a.op("CBZ R11, %s", a.lbl(name+"store"))
		a.label(name + "rows")
		a.broadcastLoad("R10", xb)
		a.op("MOVD R9, R12")
		a.load("R12", rowTemp, regs)
		for k := vreg(0); k < vreg(regs); k++ {
			a.fmla(k, xb, rowTemp+k)
		}
		a.op("ADD R5, R9")
		a.op("SUB $1, R11")
		a.op("CBNZ R11, %s", a.lbl(name+"rows"))
		a.label(name + "store")
		a.store("R3", 0, regs)
		a.op("ADD $%d, R0", cols*a.e.Size)
		a.op("SUB $%d, R2", cols)
		a.op("B %s", a.lbl(name))
		a.label(name + "end")
	}

	if per > 2 {
		gemvTScalarColumns(a)
		return
	}

	// At most one column is left: a scalar chain.
	a.op("CBZ R2, %s", a.lbl("done"))
	a.zero(0)
	a.op("MOVD R6, R11")
	a.op("CBZ R11, %s", a.lbl("laststore"))
	a.label("lastrows")
	a.loadScalar("R1", xb)
	a.op("%s (R0), F%d", a.e.fmov, rowTemp)
	// F0 = F24·F12 + F0: FMADDD Fm, Fa, Fn, Fd computes Fn·Fm + Fa.
	a.op("%s F%d, F0, F%d, F0", a.e.fmadd, rowTemp, xb)
	a.op("ADD R5, R0")
	a.op("SUB $1, R11")
	a.op("CBNZ R11, %s", a.lbl("lastrows"))
	a.label("laststore")
	a.op("%s F0, (R3)", a.e.fmov)
	a.label("done")
	a.op("RET")
}

// gemvTScalarColumns emits the end of gemvT when fewer than a register of
// columns (R2 of them, at R0 and R3) may be left and there may be more
// than one: a scalar chain over the m rows for each column in turn.
func gemvTScalarColumns(a *asm) {
	const xb, rowTemp = vreg(24), vreg(12)
	a.label("lastcol")
	a.op("CBZ R2, %s", a.lbl("done"))
	a.zero(0)
	a.op("MOVD R0, R9")  // a[i, j]
	a.op("MOVD R1, R10") // x[i]
	a.op("MOVD R6, R11") // rows left
	a.op("CBZ R11, %s", a.lbl("laststore"))
	a.label("lastrows")
	a.loadScalar("R10", xb)
	a.op("%s (R9), F%d", a.e.fmov, rowTemp)
	// F0 = F24·F12 + F0: FMADDS Fm, Fa, Fn, Fd computes Fn·Fm + Fa.
	a.op("%s F%d, F0, F%d, F0", a.e.fmadd, rowTemp, xb)
	a.op("ADD R5, R9")
	a.op("SUB $1, R11")
	a.op("CBNZ R11, %s", a.lbl("lastrows"))
	a.label("laststore")
	a.storeScalar("R3", 0)
	a.op("ADD $%d, R0", a.e.Size)
	a.op("SUB $1, R2")
	a.op("B %s", a.lbl("lastcol"))
	a.label("done")
	a.op("RET")
}

// shift returns log2 of an element size.
func shift(size int) int {
	s := 0
	for 1<<s < size {
		s++
	}
	return s
}
