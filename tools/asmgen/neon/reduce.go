package main

import "fmt"

// Register plan of every reduction. The L = 32 float64 lanes live in the
// sixteen accumulators V0–V15, register k holding lanes 2k and 2k+1, so
// that the specification's fold is whole-register adds. Inputs are loaded
// into V16–V23 (x) and V24–V31 (y), sixteen registers at a time.
const (
	accs  = 16 // accumulator registers
	xTemp = vreg(16)
	yTemp = vreg(24)
)

// reduction describes the lane update of a reduction kernel.
type reduction struct {
	inputs int // 1 (x) or 2 (x, y)
	// update feeds accumulator acc with the elements in x (and y). It may
	// overwrite x and y.
	update func(a *asm, acc, x, y vreg)
}

var (
	dotOp = reduction{inputs: 2, update: func(a *asm, acc, x, y vreg) {
		a.fmla(acc, x, y)
	}}
	sumOp = reduction{inputs: 1, update: func(a *asm, acc, x, _ vreg) {
		a.fadd(acc, acc, x)
	}}
	sumSqDiffOp = reduction{inputs: 2, update: func(a *asm, acc, x, y vreg) {
		a.fsub(x, x, y) // d = x − y, rounded
		a.fmla(acc, x, x)
	}}
)

// reduceKernel emits a whole reduction kernel such as Dot.
func reduceKernel(op reduction) func(a *asm, f frame) {
	return func(a *asm, f frame) {
		a.op("MOVD %s, R0", f.arg("x_base"))
		a.op("MOVD %s, R2", f.arg("x_len"))
		if op.inputs == 2 {
			a.op("MOVD %s, R1", f.arg("y_base"))
		}
		a.reduce(op, "R0", "R1", "R2")
		a.op("%s F0, %s", a.e.fmov, f.arg("ret"))
		a.op("RET")
	}
}

// reduce emits the reduction of the n elements at xp (and yp) in the
// canonical order, leaving the result in F0. It advances xp and yp, uses n
// as its counter, and clobbers every V register.
//
// Whole blocks of L elements run through the main loop. The last, partial
// block feeds lanes 0 … r−1 in eight-element chunks, then register pairs,
// then, for an odd r, one element loaded into lane 0 of a register whose
// other lane is +0. Feeding that zero changes a lane at most from −0 to +0,
// which the final + 0 makes invisible (see package generic).
func (a *asm) reduce(op reduction, xp, yp, n string) {
	a.e.mustPairs("reduce")
	per := a.e.perReg()
	block := accs * per
	chunk := 4 // registers per tail chunk

	for r := vreg(0); r < accs; r++ {
		a.zero(r)
	}
	a.op("CMP $%d, %s", block, n)
	a.op("BLT %s", a.lbl("tail"))

	a.label("loop")
	if op.inputs == 1 {
		a.load(xp, xTemp, accs)
		for k := vreg(0); k < accs; k++ {
			a.update(op, k, xTemp+k, 0)
		}
	} else {
		// Half a block at a time: eight x and eight y registers.
		for h := vreg(0); h < 2; h++ {
			a.load(xp, xTemp, 8)
			a.load(yp, yTemp, 8)
			for k := vreg(0); k < 8; k++ {
				a.update(op, 8*h+k, xTemp+k, yTemp+k)
			}
		}
	}
	a.op("SUB $%d, %s", block, n)
	a.op("CMP $%d, %s", block, n)
	a.op("BGE %s", a.lbl("loop"))

	a.label("tail")
	// Chunks while the remainder allows, each into the next four
	// accumulators; after c chunks, pairs go on from accumulator 4c.
	for c := 0; c < accs/chunk-1; c++ {
		a.op("CMP $%d, %s", chunk*per, n)
		a.op("BLT %s", a.lbl(fmt.Sprintf("pairs%d", c*chunk)))
		a.load(xp, xTemp, chunk)
		if op.inputs == 2 {
			a.load(yp, yTemp, chunk)
		}
		for k := 0; k < chunk; k++ {
			a.update(op, vreg(c*chunk+k), xTemp+vreg(k), yTemp+vreg(k))
		}
		a.op("SUB $%d, %s", chunk*per, n)
	}
	for base := accs - chunk; base >= 0; base -= chunk {
		a.label(fmt.Sprintf("pairs%d", base))
		for k := 0; k < chunk-1; k++ {
			acc := base + k
			a.op("CMP $%d, %s", per, n)
			a.op("BLT %s", a.lbl(fmt.Sprintf("single%d", acc)))
			a.load(xp, xTemp, 1)
			if op.inputs == 2 {
				a.load(yp, yTemp, 1)
			}
			a.update(op, vreg(acc), xTemp, yTemp)
			a.op("SUB $%d, %s", per, n)
		}
		// Fewer than two elements are left: the next accumulator may take
		// one.
		for k := chunk - 1; k >= 0; k-- {
			acc := base + k
			a.label(fmt.Sprintf("single%d", acc))
			a.op("CBZ %s, %s", n, a.lbl("fold"))
			a.loadScalar(xp, xTemp)
			if op.inputs == 2 {
				a.loadScalar(yp, yTemp)
			}
			a.update(op, vreg(acc), xTemp, yTemp)
			a.op("B %s", a.lbl("fold"))
		}
	}

	a.label("fold")
	a.fold()
}

// update applies op and keeps generated code readable: reductions with
// one input ignore y.
func (a *asm) update(op reduction, acc, x, y vreg) { op.update(a, acc, x, y) }

// fold combines the accumulators with the specification's halving tree,
// acc[j] += acc[j+w] for w = L/2 … 1, and adds the final +0, leaving the
// result in F0. Halving whole registers is the tree's first levels because
// register k holds lanes 2k and 2k+1; the last level adds the two lanes of
// V0.
func (a *asm) fold() {
	for w := vreg(accs / 2); w >= 1; w /= 2 {
		for k := vreg(0); k < w; k++ {
			a.fadd(k, k, k+w)
		}
	}
	a.word("faddp", 0, 0, 0)
	a.zero(1)
	a.op("%s F1, F0, F0 // never −0", a.e.fadd)
}
