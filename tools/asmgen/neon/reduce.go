package main

import "fmt"

// Register plan of every reduction. The L lanes (32 float64 or 64
// float32) live in the sixteen accumulators V0–V15, register k holding
// lanes kV … kV+V−1 (V = 2 or 4 elements per register), so that the
// specification's fold is whole-register adds down to one register.
// Inputs are loaded into V16–V23 (x) and V24–V31 (y), sixteen registers at
// a time.
//
// A one-input reduction with a setup (a constant such as the abs mask or
// alpha) keeps that constant in V31 and loads x eight registers at a time
// into V16–V23; its update gets one of V24–V27 as scratch in place of y.
//
// With more than two elements per register the last, partial register of
// the tail (1 … V−1 elements) is loaded once, before the tail's whole
// registers, into partX (and partY), lanes above it +0; a setup's
// constant restricted to those lanes, where the partial update needs it,
// goes to partConst. The general registers partCount, partXPtr and
// partYPtr serve that load; no caller of reduce uses them.
const (
	accs     = 16 // accumulator registers
	xTemp    = vreg(16)
	yTemp    = vreg(24)
	constReg = vreg(31) // the constant of a one-input reduction with a setup

	partX     = vreg(20)
	partConst = vreg(22)
	partY     = vreg(28)
	partCount = "R19"
	partXPtr  = "R20"
	partYPtr  = "R21"
)

// reduction describes the lane update of a reduction kernel.
type reduction struct {
	inputs int // 1 (x) or 2 (x, y)
	// setup, if set, loads the constant update needs into constReg before
	// the reduction starts. It may use R3. Only one-input reductions have
	// one, since two-input ones load y into V24–V31.
	setup func(a *asm, f frame)
	// update feeds accumulator acc with the elements in x (and y). It may
	// overwrite x and y; a one-input reduction may use y as scratch.
	update func(a *asm, acc, x, y vreg)
	// single, if set, replaces update for the last element of an odd
	// length, which sits in lane 0 of x above a +0 that must not turn into
	// anything but ±0 in the accumulator. It serves two elements per
	// register; with more, partial does.
	single func(a *asm, acc, x, y vreg)
	// partial, if set, replaces update for the last, partial register of
	// 1 … V−1 elements when a register holds V > 2 of them: x (and y) hold
	// the elements in their lowest lanes and +0 above, and partConst
	// holds the setup's constant in the same lanes and +0 above, if
	// partialConst is set.
	partial      func(a *asm, acc, x, y vreg)
	partialConst bool
	// combine is the operation of the fold: "fadd" for the canonical tree
	// (then the final + 0), or "fmax" for a maximum, which needs no order.
	combine string
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
	// asumOp adds |x|. The assembler has no vector FABS; clearing the sign
	// bit with VAND and the mask in constReg is the same operation (also
	// for NaNs, whose payloads the specification leaves free anyway).
	asumOp = reduction{inputs: 1, setup: absMaskSetup, update: func(a *asm, acc, x, _ vreg) {
		a.vand(x, x, constReg)
		a.fadd(acc, acc, x)
	}}
	// amaxOp keeps the largest |x| that is not NaN in each lane, starting
	// from +0. FMAX would return a NaN operand and FMAXNM still returns NaN
	// for a signalling NaN, so NaN lanes are first replaced by +0: FCMEQ
	// x, x is all ones exactly when x is not NaN (quiet or signalling),
	// and with the sign bit cleared it is the mask that makes x into |x| or
	// +0. After that no operand is NaN and FMAX is the plain maximum; +0 is
	// below every candidate, and |x| is never −0, so equal candidates have
	// equal bits. The odd last element's +0 upper lane changes nothing.
	amaxOp = reduction{inputs: 1, setup: absMaskSetup, combine: "fmax", update: func(a *asm, acc, x, y vreg) {
		a.word("fcmeq", y, x, x) // y = x is not NaN
		a.vand(y, y, constReg)   // … without the sign bit
		a.vand(x, x, y)          // x = NaN ? +0 : |x|
		a.word("fmax", acc, acc, x)
	}}
	// scaledSumSqOp computes t = alpha·x, rounded, then acc = fma(t, t,
	// acc), with alpha broadcast in constReg. For the odd last element the
	// product is the scalar FMUL, which writes +0 above lane 0: the vector
	// one would compute alpha·0, a NaN for an infinite alpha, in a lane the
	// specification does not feed. For the partial register of float32 the
	// product is with alpha in the fed lanes and +0 above (partConst), so
	// the lanes above compute 0·0 = +0.
	scaledSumSqOp = reduction{inputs: 1, setup: alphaSetup,
		update: func(a *asm, acc, x, _ vreg) {
			a.fmul(x, x, constReg)
			a.fmla(acc, x, x)
		},
		single: func(a *asm, acc, x, _ vreg) {
			a.op("%s F%d, F%d, F%d", a.e.fmul, constReg, x, x)
			a.fmla(acc, x, x)
		},
		partialConst: true,
		partial: func(a *asm, acc, x, _ vreg) {
			a.fmul(x, x, partConst)
			a.fmla(acc, x, x)
		},
	}
)

// absMaskSetup puts the mask of every bit but the sign into each lane of
// constReg: VAND with it is |x|.
func absMaskSetup(a *asm, _ frame) {
	a.op("MOVD $%#x, R3", a.e.absMask())
	a.op("VDUP R3, %s", a.v(constReg))
}

// alphaSetup broadcasts the argument alpha to every lane of constReg.
func alphaSetup(a *asm, f frame) {
	a.op("%s %s, F%d", a.e.fmov, f.arg("alpha"), constReg)
	a.broadcast(constReg, constReg)
}

// reduceKernel emits a whole reduction kernel such as Dot.
func reduceKernel(op reduction) func(a *asm, f frame) {
	return func(a *asm, f frame) {
		a.op("MOVD %s, R0", f.arg("x_base"))
		a.op("MOVD %s, R2", f.arg("x_len"))
		if op.inputs == 2 {
			a.op("MOVD %s, R1", f.arg("y_base"))
		}
		if op.setup != nil {
			if op.inputs != 1 {
				panic("neon: a two-input reduction has no register for a constant")
			}
			op.setup(a, f)
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
// block feeds lanes 0 … r−1 in chunks of four registers, then whole
// registers, then the r mod V elements left, loaded into the lowest lanes
// of a register whose other lanes are +0: for float64 (V = 2) one element
// into lane 0, for float32 (V = 4) the one to three elements loaded
// before the chunks (see partX). Feeding those zeros changes a lane at
// most from −0 to +0, which the final + 0 makes invisible (see package
// generic).
//
// With more than two elements per register it also uses R19–R21.
func (a *asm) reduce(op reduction, xp, yp, n string) {
	per := a.e.perReg()
	block := accs * per
	chunk := 4 // registers per tail chunk

	for r := vreg(0); r < accs; r++ {
		a.zero(r)
	}
	a.op("CMP $%d, %s", block, n)
	a.op("BLT %s", a.lbl("tail"))

	a.label("loop")
	if op.inputs == 1 && op.setup != nil {
		// constReg is taken: eight x registers at a time, with V24–V27
		// as scratch.
		for h := vreg(0); h < 2; h++ {
			a.load(xp, xTemp, 8)
			for k := vreg(0); k < 8; k++ {
				a.update(op, 8*h+k, xTemp+k, yTemp+k%4)
			}
		}
	} else if op.inputs == 1 {
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
	if per > 2 {
		a.loadPartialRegister(op, xp, yp, n)
	}
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
		// Fewer than a register of elements are left: the next
		// accumulator may take them.
		for k := chunk - 1; k >= 0; k-- {
			acc := base + k
			a.label(fmt.Sprintf("single%d", acc))
			a.op("CBZ %s, %s", n, a.lbl("fold"))
			if per > 2 {
				// n is the count loadPartialRegister loaded.
				if op.partial != nil {
					op.partial(a, vreg(acc), partX, partY)
				} else {
					a.update(op, vreg(acc), partX, partY)
				}
				a.op("B %s", a.lbl("fold"))
				continue
			}
			a.loadScalar(xp, xTemp)
			if op.inputs == 2 {
				a.loadScalar(yp, yTemp)
			}
			if op.single != nil {
				op.single(a, vreg(acc), xTemp, yTemp)
			} else {
				a.update(op, vreg(acc), xTemp, yTemp)
			}
			a.op("B %s", a.lbl("fold"))
		}
	}

	a.label("fold")
	a.fold(op.combine)
}

// loadPartialRegister loads the last n mod V elements at xp (and yp),
// those after the n − n mod V that the tail's whole registers take, into
// the lowest lanes of partX (and partY), +0 above, and the setup's
// constant into the same lanes of partConst if op asks for it. It changes
// neither xp, yp nor n.
func (a *asm) loadPartialRegister(op reduction, xp, yp, n string) {
	per := a.e.perReg()
	a.op("AND $%d, %s, %s", per-1, n, partCount)
	a.op("CBZ %s, %s", partCount, a.lbl("partdone"))
	// The partial register starts n − count elements on.
	a.op("SUB %s, %s, %s", partCount, n, partYPtr)
	a.op("ADD %s<<%d, %s, %s", partYPtr, shift(a.e.Size), xp, partXPtr)
	if op.inputs == 2 {
		a.op("ADD %s<<%d, %s, %s", partYPtr, shift(a.e.Size), yp, partYPtr)
	}
	// One branch per count; the largest comes first and needs no label, as
	// the compares fall through into it.
	for c := 1; c < per; c++ {
		if c < per-1 {
			a.op("CMP $%d, %s", c, partCount)
			a.op("BEQ %s", a.lbl(fmt.Sprintf("part%d", c)))
		}
	}
	for c := per - 1; c >= 1; c-- {
		if c < per-1 {
			a.label(fmt.Sprintf("part%d", c))
		}
		a.loadPartial(partXPtr, partX, c)
		if op.inputs == 2 {
			a.loadPartial(partYPtr, partY, c)
		}
		if op.partialConst {
			a.restrict(partConst, constReg, c)
		}
		if c > 1 {
			a.op("B %s", a.lbl("partdone"))
		}
	}
	a.label("partdone")
}

// update applies op and keeps generated code readable: reductions with
// one input ignore y.
func (a *asm) update(op reduction, acc, x, y vreg) { op.update(a, acc, x, y) }

// fold combines the accumulators with the specification's halving tree,
// acc[j] += acc[j+w] for w = L/2 … 1, and adds the final +0, leaving the
// result in F0. Halving whole registers is the tree's first levels because
// register k holds lanes kV … kV+V−1; the last levels halve V0. For
// float64 that is one pairwise add of its two lanes. For float32 the upper
// half of V0 (lanes 2 and 3) is first copied to both halves of V1 and
// added lane by lane, giving lanes 0+2 and 1+3, and then a pairwise add
// takes (0+2) + (1+3); a pairwise add of all four lanes would pair 0+1
// and 2+3, which is not the tree. With combine "fmax" it takes the
// maximum in the same tree instead, and adds nothing: a maximum of +0 and
// values that are not −0 is not −0.
func (a *asm) fold(combine string) {
	if combine == "" {
		combine = "fadd"
	}
	for w := vreg(accs / 2); w >= 1; w /= 2 {
		for k := vreg(0); k < w; k++ {
			a.word(combine, k, k, k+w)
		}
	}
	switch a.e.perReg() {
	case 2:
		a.word(combine+"p", 0, 0, 0)
	case 4:
		a.op("VDUP V0.D[1], V1.D2 // V1 = lanes 2, 3, 2, 3 of V0")
		a.word(combine, 0, 0, 1)
		a.wordArr(combine+"p", "2s", 0, 0, 0)
	default:
		panic("neon: fold of " + a.e.GoType)
	}
	if combine == "fadd" {
		a.zero(1)
		a.op("%s F1, F0, F0 // never −0", a.e.fadd)
	}
}
