package main

import "fmt"

// gramDiagVecs is the width of GramDiag's column block in registers:
// twelve of two columns, sums in V0–V11 and squares in V12–V23,
// twenty-four independent dependency chains; A's row goes through
// V24–V31 in turn.
const gramDiagVecs = 12

// gramDiagChunkRows is the number of rows GramDiag takes through every
// column block before it moves on, as on amd64 (see the avx2 generator):
// a chunk that stays in L1 while the column blocks pass over it.
const gramDiagChunkRows = 32

// GramDiag's general-purpose registers. R18 and R26 and above are
// reserved (see check).
const (
	gdA    = "R0"  // the first row of the current chunk of A
	gdLda  = "R1"  // row stride of A, bytes
	gdNB   = "R2"  // n·8, the bytes of a row
	gdSums = "R3"  // sums
	gdSq   = "R4"  // squares
	gdLeft = "R5"  // rows not yet in a chunk
	gdRows = "R6"  // rows of the current chunk
	gdJ    = "R7"  // byte offset of the column block
	gdP    = "R8"  // the row of A in the row loop
	gdCnt  = "R9"  // rows left in the row loop
	gdT    = "R10" // scratch: the bytes of the last block
	gdS    = "R11" // sums at the column block
	gdQ    = "R12" // squares at the column block
)

// gramDiag emits sums[j] += a[i·lda+j] (FADD) and squares[j] =
// fma(a[i·lda+j], a[i·lda+j], squares[j]) (FMLA), one of each per row and
// column, rows in increasing order. A block of columns is loaded from
// sums and squares into registers, runs down the rows of a chunk and is
// stored back: the blocking changes nothing in any column's sequence of
// operations. Whole blocks of 24 columns run while 24 remain; the last
// block, of 1 … 23 columns, has a loop for each width. An odd last
// column is read and written with FMOVD, which loads lane 0 and clears
// lane 1, so no element past the row is touched.
func gramDiag(a *asm, f frame) {
	a.e.mustPairs("GramDiag")
	per := a.e.perReg()
	S := a.e.Size
	B := gramDiagVecs * per * S // bytes of a whole block
	a.op("MOVD %s, %s", f.arg("n"), gdNB)
	a.op("CBZ %s, %s", gdNB, a.lbl("empty"))
	a.op("MOVD %s, %s", f.arg("m"), gdLeft)
	a.op("CBZ %s, %s", gdLeft, a.lbl("empty"))
	a.op("MOVD %s, %s", f.arg("a_base"), gdA)
	a.op("MOVD %s, %s", f.arg("sums_base"), gdSums)
	a.op("MOVD %s, %s", f.arg("squares_base"), gdSq)
	a.op("MOVD %s, %s", f.arg("lda"), gdLda)
	a.op("LSL $%d, %s", shift(S), gdLda)
	a.op("LSL $%d, %s", shift(S), gdNB)

	a.label("chunk")
	a.op("MOVD $%d, %s", gramDiagChunkRows, gdRows)
	a.op("CMP %s, %s", gdRows, gdLeft)
	a.op("CSEL LT, %s, %s, %s", gdLeft, gdRows, gdRows) // rows = min(left, chunk)
	a.op("SUB %s, %s", gdRows, gdLeft)
	a.op("MOVD ZR, %s", gdJ)
	a.label("block")
	a.op("SUB %s, %s, %s", gdJ, gdNB, gdT)
	a.op("CMP $%d, %s", B, gdT)
	a.op("BLT %s", a.lbl("last"))
	gramDiagBlock(a, "full", gramDiagVecs, false)
	a.op("ADD $%d, %s", B, gdJ)
	a.op("B %s", a.lbl("block"))

	// The last block: gdT bytes, r = gdT/8 columns, 0 ≤ r < 24.
	width := gramDiagVecs * per
	a.label("last")
	a.op("CBZ %s, %s", gdT, a.lbl("nextchunk"))
	for r := 1; r < width-1; r++ {
		a.op("CMP $%d, %s", r*S, gdT)
		a.op("BEQ %s", a.lbl(fmt.Sprintf("last%d", r)))
	}
	for r := width - 1; r >= 1; r-- {
		a.label(fmt.Sprintf("last%d", r))
		gramDiagBlock(a, fmt.Sprintf("last%d", r), r/per, r%per != 0)
		if r > 1 {
			a.op("B %s", a.lbl("nextchunk"))
		}
	}

	a.label("nextchunk")
	a.op("MUL %s, %s, %s", gdLda, gdRows, gdT)
	a.op("ADD %s, %s", gdT, gdA)
	a.op("CBNZ %s, %s", gdLeft, a.lbl("chunk"))
	a.label("empty")
	a.op("RET")
}

// gramDiagBlock emits one column block at byte offset gdJ over the rows
// of the chunk: whole registers of columns, then lane 0 of one more if
// half. It loads the accumulators from sums and squares, adds the rows in
// order and stores them back.
func gramDiagBlock(a *asm, name string, whole int, half bool) {
	const sq, row = vreg(gramDiagVecs), vreg(2 * gramDiagVecs)
	live := whole
	if half {
		live++
	}
	load := func(ptr string, v int, dst vreg) {
		if v < whole {
			a.op("FMOVQ %d(%s), F%d", 16*v, ptr, dst)
		} else {
			a.op("%s %d(%s), F%d", a.e.fmov, 16*v, ptr, dst) // lane 0; lane 1 cleared
		}
	}
	store := func(src vreg, ptr string, v int) {
		if v < whole {
			a.op("FMOVQ F%d, %d(%s)", src, 16*v, ptr)
		} else {
			a.op("%s F%d, %d(%s)", a.e.fmov, src, 16*v, ptr)
		}
	}
	a.op("ADD %s, %s, %s", gdJ, gdSums, gdS)
	a.op("ADD %s, %s, %s", gdJ, gdSq, gdQ)
	for v := range live {
		load(gdS, v, vreg(v))
		load(gdQ, v, sq+vreg(v))
	}
	a.op("ADD %s, %s, %s", gdJ, gdA, gdP)
	a.op("MOVD %s, %s", gdRows, gdCnt)
	a.label(name + "rows")
	for v := range live {
		x := row + vreg(v%8)
		load(gdP, v, x)
		a.fadd(vreg(v), vreg(v), x)
		a.fmla(sq+vreg(v), x, x)
	}
	a.op("ADD %s, %s", gdLda, gdP)
	a.op("SUB $1, %s", gdCnt)
	a.op("CBNZ %s, %s", gdCnt, a.lbl(name+"rows"))
	for v := range live {
		store(vreg(v), gdS, v)
		store(sq+vreg(v), gdQ, v)
	}
}
