package main

import (
	"fmt"

	"github.com/lanes-go/lanes/tools/asmgen/internal/gramplan"
)

// gramShape is the register tile of Gram: 4 rows of G (a[i][j] broadcast
// by VLD1R into V30 and V31, in turn) by 6 vectors of 2 columns (A's row in
// V24–V29), 24 accumulators in V0–V23. Per row of A that is 10 loads for
// 24 FMAs.
var gramShape = gramplan.Shape{W: 2, R: 4, C: 6}

// gramChunkRows is the number of rows of A a chunk holds: a column block
// reads 128 bytes of each row, 16 KiB per chunk.
const gramChunkRows = 128

// Gram's general-purpose registers. R18 and R26 and above are reserved
// (see check).
const (
	gmA    = "R0"  // the first row of the current chunk of A
	gmLda  = "R1"  // row stride of A, bytes
	gmNB   = "R2"  // row stride of G, n·8 bytes
	gmCB   = "R3"  // bytes of A's rows in the chunk
	gmKB   = "R4"  // column block start k0, bytes
	gmJ    = "R5"  // row j0 of an interior tile, bytes
	gmGJ   = "R6"  // G at row j0 of an interior tile
	gmGD   = "R7"  // G at element (k0, k0)
	gmP    = "R8"  // the row of A in the row loop
	gmEnd  = "R9"  // P after the last row of the chunk
	gmKOff = "R10" // bytes from A[i][j0] to A[i][k0], interior tiles
	gmGQ   = "R11" // G at a row of the tile
	gmT    = "R12" // scratch
	gmLeft = "R13" // rows of A not yet in a chunk
	gmG    = "R14" // G
	gmK    = "R15" // A's row at the tile's first vector
	gmB    = "R16" // the broadcast elements of A's row
	gmT2   = "R17" // scratch
)

// gram emits G += AᵀA on the upper triangle, with the plan of gramplan and
// the same sweep as the amd64 driver (tools/asmgen/internal/avogen):
// chunks of rows, column blocks of 12 columns, the tiles above the
// diagonal in a loop, those on it one by one, and a separate path for
// each width of a last, short block. A tile loads its accumulators from
// G, adds the chunk's rows in increasing order, one FMLA per row and
// element, and stores them back. NEON has no masked loads or stores: a
// vector of which a row holds only lane 0 is read and written with FMOVD,
// one with only lane 1 through a general register.
func gram(a *asm, f frame) {
	a.e.mustPairs("Gram")
	s := gramShape
	B := s.Block()
	S := a.e.Size
	a.op("MOVD %s, %s", f.arg("n"), gmNB)
	a.op("CBZ %s, %s", gmNB, a.lbl("empty"))
	a.op("MOVD %s, %s", f.arg("m"), gmLeft)
	a.op("CBZ %s, %s", gmLeft, a.lbl("empty"))
	a.op("MOVD %s, %s", f.arg("lda"), gmLda)
	a.op("LSL $3, %s", gmLda)
	a.op("LSL $3, %s", gmNB)
	a.op("MOVD %s, %s", f.arg("a_base"), gmA)
	a.op("MOVD %s, %s", f.arg("g_base"), gmG)

	a.label("chunk")
	a.op("MOVD $%d, %s", gramChunkRows, gmCB)
	a.op("CMP %s, %s", gmCB, gmLeft)
	a.op("CSEL LT, %s, %s, %s", gmLeft, gmCB, gmCB) // rows = min(left, chunk)
	a.op("SUB %s, %s", gmCB, gmLeft)
	a.op("MUL %s, %s, %s", gmLda, gmCB, gmCB)
	a.op("MOVD %s, %s", gmG, gmGD)
	a.op("MOVD ZR, %s", gmKB)

	a.label("block")
	a.op("SUB %s, %s, %s", gmKB, gmNB, gmT)
	a.op("CMP $%d, %s", B*S, gmT)
	a.op("BLT %s", a.lbl("last"))
	gramBlock(a, B, "full")
	a.op("MOVD $%d, %s", B, gmT)
	a.op("MUL %s, %s, %s", gmNB, gmT, gmT)
	a.op("ADD %s, %s", gmT, gmGD)
	a.op("ADD $%d, %s", B*S, gmGD)
	a.op("ADD $%d, %s", B*S, gmKB)
	a.op("B %s", a.lbl("block"))

	a.label("last")
	a.op("CBZ %s, %s", gmT, a.lbl("nextchunk"))
	for r := 1; r < B-1; r++ {
		a.op("CMP $%d, %s", r*S, gmT)
		a.op("BEQ %s", a.lbl(fmt.Sprintf("r%d", r)))
	}
	for r := B - 1; r >= 1; r-- {
		a.label(fmt.Sprintf("r%d", r))
		gramBlock(a, r, fmt.Sprintf("r%d", r))
		a.op("B %s", a.lbl("nextchunk"))
	}

	a.label("nextchunk")
	a.op("ADD %s, %s", gmCB, gmA)
	a.op("CBNZ %s, %s", gmLeft, a.lbl("chunk"))
	a.label("empty")
	a.op("RET")
}

// gramBlock emits the tiles of a column block of r columns at k0 = gmKB.
func gramBlock(a *asm, r int, name string) {
	s := gramShape
	S := a.e.Size
	a.op("MOVD ZR, %s", gmJ)
	a.op("MOVD %s, %s", gmG, gmGJ)
	a.label(name + "int")
	a.op("CMP %s, %s", gmKB, gmJ)
	a.op("BHS %s", a.lbl(name+"diag"))
	a.op("SUB %s, %s, %s", gmJ, gmKB, gmKOff)
	gramTile(a, s.Interior(r), name+"introws",
		func() { a.op("ADD %s, %s, %s", gmJ, gmA, gmP) },
		func() (string, int) { return gmKOff, 0 },
		0,
		func() { a.op("ADD %s, %s, %s", gmKB, gmGJ, gmGQ) })
	a.op("ADD $%d, %s", s.R*S, gmJ)
	for range s.R {
		a.op("ADD %s, %s", gmNB, gmGJ)
	}
	a.op("B %s", a.lbl(name+"int"))

	a.label(name + "diag")
	for ti, t := range s.Diagonal(r) {
		gramTile(a, t, fmt.Sprintf("%sdiag%drows", name, ti),
			func() { a.op("ADD %s, %s, %s", gmKB, gmA, gmP) },
			func() (string, int) { return "", s.W * t.Vec * S },
			t.Row*S,
			func() {
				if t.Row == 0 {
					a.op("MOVD %s, %s", gmGD, gmGQ)
				} else {
					a.op("MOVD $%d, %s", t.Row, gmT)
					a.op("MUL %s, %s, %s", gmNB, gmT, gmGQ)
					a.op("ADD %s, %s", gmGD, gmGQ)
				}
				if t.Vec > 0 {
					a.op("ADD $%d, %s", s.W*t.Vec*S, gmGQ)
				}
			})
	}
}

// gramTile emits one tile over the chunk's rows. setP points gmP at the
// first row; kOff gives the offset of the tile's first vector from gmP in
// the row, a register or ("", bytes); jOff is the offset of its first
// broadcast element; gBase points gmGQ at its first element of G.
func gramTile(a *asm, t gramplan.Tile, loop string, setP func(), kOff func() (string, int), jOff int, gBase func()) {
	s := gramShape
	S := a.e.Size
	acc := func(q, u int) vreg { return vreg(q*s.C + u) }
	const kReg = vreg(24)
	each := func(f func(q, u int, sp gramplan.Span, off int)) {
		gBase()
		for q, row := range t.Lanes {
			if q > 0 {
				a.op("ADD %s, %s", gmNB, gmGQ)
			}
			for u, sp := range row {
				if !sp.Empty() {
					f(q, u, sp, u*s.W*S)
				}
			}
		}
	}
	each(func(q, u int, sp gramplan.Span, off int) {
		r := acc(q, u)
		switch {
		case sp.Full(s.W):
			a.op("FMOVQ %d(%s), F%d", off, gmGQ, r)
		case sp.Lo == 0: // lane 0 alone; the load clears lane 1
			a.op("%s %d(%s), F%d", a.e.fmov, off, gmGQ, r)
		default: // lane 1 alone
			a.zero(r)
			a.op("MOVD %d(%s), %s", off+S, gmGQ, gmT)
			a.op("VMOV %s, V%d.%s[1]", gmT, r, a.e.lane)
		}
	})
	setP()
	a.op("ADD %s, %s, %s", gmCB, gmP, gmEnd)
	a.label(loop)
	reg, disp := kOff()
	if reg != "" {
		a.op("ADD %s, %s, %s", reg, gmP, gmK)
	} else {
		a.op("ADD $%d, %s, %s", disp, gmP, gmK)
	}
	nv := t.Vecs()
	for u := range nv {
		if u == nv-1 && t.Last < s.W {
			a.op("%s %d(%s), F%d", a.e.fmov, u*s.W*S, gmK, kReg+vreg(u))
		} else {
			a.op("FMOVQ %d(%s), F%d", u*s.W*S, gmK, kReg+vreg(u))
		}
	}
	a.op("ADD $%d, %s, %s", jOff, gmP, gmB)
	for q, row := range t.Lanes {
		b := vreg(30 + q%2)
		a.broadcastLoad(gmB, b)
		for u, sp := range row {
			if !sp.Empty() {
				a.fmla(acc(q, u), kReg+vreg(u), b)
			}
		}
	}
	a.op("ADD %s, %s", gmLda, gmP)
	a.op("CMP %s, %s", gmEnd, gmP)
	a.op("BNE %s", a.lbl(loop))
	each(func(q, u int, sp gramplan.Span, off int) {
		r := acc(q, u)
		switch {
		case sp.Full(s.W):
			a.op("FMOVQ F%d, %d(%s)", r, off, gmGQ)
		case sp.Lo == 0:
			a.op("%s F%d, %d(%s)", a.e.fmov, r, off, gmGQ)
		default:
			a.op("VMOV V%d.%s[1], %s", r, a.e.lane, gmT)
			a.op("MOVD %s, %d(%s)", gmT, off+S, gmGQ)
		}
	})
}
