package avogen

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/gramplan"
)

// GramISA is what the Gram driver needs of an instruction set: its tiling,
// its registers, and the vector instructions of a tile, each emitted into
// the same build context as the driver's scalar code.
type GramISA interface {
	Shape() gramplan.Shape
	// Acc is the accumulator of row q and vector u of a tile; K holds
	// vector u of A's row, Bcast the broadcast a[i][j].
	Acc(q, u int) VecPhysical
	K(u int) VecPhysical
	Bcast() VecPhysical
	// Load fills dst with the lanes sp of the vector at src, and every
	// other lane with anything; it reads nothing outside sp. Store writes
	// the lanes sp of src to dst and nothing else. Both may use the
	// registers K and Bcast, which hold nothing then, and tmp.
	Load(src Mem, sp gramplan.Span, dst VecPhysical, tmp GPPhysical)
	Store(src VecPhysical, sp gramplan.Span, dst Mem, tmp GPPhysical)
	// LoopMask prepares, before a row loop, what LoadK needs for a vector
	// of lanes < W lanes; it may use tmp.
	LoopMask(lanes int, tmp GPPhysical)
	// LoadK loads the first lanes lanes of the vector at src into dst,
	// reading no others, inside the row loop: it may use Bcast.
	LoadK(src Mem, lanes int, dst VecPhysical)
	Broadcast(src Mem, dst VecPhysical)
	// FMA emits acc = fma(k, b, acc), lane by lane, rounded once.
	FMA(k, b, acc VecPhysical)
}

// GramPrefetch makes the row loop prefetch the tile's lines of A eight
// rows ahead.
var GramPrefetch = false

// gramElemSize is the size of float64, the only element type Gram is
// generated for.
const gramElemSize = 8

// The Gram driver's general-purpose registers.
var (
	gramA    = R8  // the first row of the current chunk of A
	gramLda  = R9  // row stride of A, bytes
	gramNB   = R10 // row stride of G, n·8 bytes
	gramCB   = R11 // bytes of A's rows in the chunk, rows·lda·8
	gramKB   = R12 // column block start k0, bytes
	gramJ    = R13 // row j0 of an interior tile, bytes
	gramGJ   = R14 // G at row j0 of an interior tile
	gramGD   = RBX // G at element (k0, k0)
	gramP    = RSI // the row of A in the row loop
	gramEnd  = RDI // P after the last row of the chunk
	gramKOff = RCX // bytes from A[i][j0] to A[i][k0], interior tiles
	gramGQ   = RDX // G at a row of the tile
	gramT    = RAX // scratch
)

// Gram emits the body of the Gram kernel, G += AᵀA on the upper
// triangle, with the tiles of gramplan for isa.Shape().
//
// The rows of A go in chunks of chunkRows, so that the part of a chunk a
// column block reads stays in the first-level cache while every tile of
// the block passes over it. In a chunk, G is swept column block by column
// block (k0 = 0, B, 2B, …): first the tiles above the diagonal, all alike
// (j0 = 0, R, …, k0−R), then those on it, whose lanes the plan masks; the
// last block, of r < B columns, has its own code for each r. A tile loads
// its accumulators from G, adds the chunk's rows in increasing order, one
// FMA per row and element, and stores them back: every element takes the
// rows of A in increasing order, as the specification requires, however
// the chunks and tiles fall.
func Gram(c *build.Context, isa GramISA, chunkRows int) {
	S := gramElemSize
	s := isa.Shape()
	B := s.Block()
	left := c.AllocLocal(8) // rows of A not yet in a chunk

	c.Load(c.Param("n"), gramNB)
	c.TESTQ(gramNB, gramNB)
	c.JZ(LabelRef("empty"))
	c.Load(c.Param("m"), gramT)
	c.TESTQ(gramT, gramT)
	c.JZ(LabelRef("empty"))
	c.MOVQ(gramT, left)
	c.Load(c.Param("lda"), gramLda)
	c.SHLQ(U8(3), gramLda)
	c.SHLQ(U8(3), gramNB)
	c.Load(c.Param("a").Base(), gramA)

	c.Label("chunk")
	c.MOVQ(left, gramT)
	c.MOVQ(U32(chunkRows), gramCB)
	c.CMPQ(gramT, gramCB)
	c.CMOVQLT(gramT, gramCB)
	c.SUBQ(gramCB, gramT)
	c.MOVQ(gramT, left)
	c.IMULQ(gramLda, gramCB)
	c.Load(c.Param("g").Base(), gramGD)
	c.XORQ(gramKB, gramKB)

	c.Label("block")
	c.MOVQ(gramNB, gramT)
	c.SUBQ(gramKB, gramT)
	c.CMPQ(gramT, U32(B*S))
	c.JB(LabelRef("last"))
	gramBlock(c, isa, B, "full")
	c.IMUL3Q(U32(B), gramNB, gramT)
	c.ADDQ(gramT, gramGD)
	c.ADDQ(U32(B*S), gramGD)
	c.ADDQ(U32(B*S), gramKB)
	c.JMP(LabelRef("block"))

	// The last block, r < B columns: one path for each r.
	c.Label("last")
	c.TESTQ(gramT, gramT)
	c.JZ(LabelRef("nextchunk"))
	for r := 1; r < B-1; r++ {
		c.CMPQ(gramT, U32(r*S))
		c.JE(LabelRef(fmt.Sprintf("r%d", r)))
	}
	for r := B - 1; r >= 1; r-- {
		c.Label(fmt.Sprintf("r%d", r))
		gramBlock(c, isa, r, fmt.Sprintf("r%d", r))
		c.JMP(LabelRef("nextchunk"))
	}

	c.Label("nextchunk")
	c.ADDQ(gramCB, gramA)
	c.CMPQ(left, U8(0))
	c.JNE(LabelRef("chunk"))
	c.VZEROUPPER()
	c.Label("empty")
	c.RET()
}

// gramBlock emits the tiles of a column block of r columns at gramKB for
// the chunk's rows: the interior tiles in a loop over j0 < k0, then the
// diagonal ones.
func gramBlock(c *build.Context, isa GramISA, r int, name string) {
	S := gramElemSize
	s := isa.Shape()
	c.XORQ(gramJ, gramJ)
	c.Load(c.Param("g").Base(), gramGJ)
	c.Label(name + "int")
	c.CMPQ(gramJ, gramKB)
	c.JAE(LabelRef(name + "diag"))
	c.MOVQ(gramKB, gramKOff)
	c.SUBQ(gramJ, gramKOff)
	gramTile(c, isa, s.Interior(r), name+"introws",
		func() { c.LEAQ(Mem{Base: gramA, Index: gramJ, Scale: 1}, gramP) },
		func(q int) Mem { return Mem{Base: gramP, Disp: q * S} },
		func(u int) Mem { return Mem{Base: gramP, Index: gramKOff, Scale: 1, Disp: u * s.W * S} },
		func() { c.LEAQ(Mem{Base: gramGJ, Index: gramKB, Scale: 1}, gramGQ) })
	c.ADDQ(U8(s.R*S), gramJ)
	for range s.R {
		c.ADDQ(gramNB, gramGJ)
	}
	c.JMP(LabelRef(name + "int"))

	c.Label(name + "diag")
	for ti, t := range s.Diagonal(r) {
		gramTile(c, isa, t, fmt.Sprintf("%sdiag%drows", name, ti),
			func() { c.LEAQ(Mem{Base: gramA, Index: gramKB, Scale: 1}, gramP) },
			func(q int) Mem { return Mem{Base: gramP, Disp: (t.Row + q) * S} },
			func(u int) Mem { return Mem{Base: gramP, Disp: s.W * (t.Vec + u) * S} },
			func() {
				if t.Row == 0 {
					c.MOVQ(gramGD, gramGQ)
				} else {
					c.IMUL3Q(U32(t.Row), gramNB, gramGQ)
					c.ADDQ(gramGD, gramGQ)
				}
				if t.Vec > 0 {
					c.ADDQ(U32(s.W*t.Vec*S), gramGQ)
				}
			})
	}
}

// gramTile emits one tile over the chunk's rows: setP points gramP at the
// first row, jAt and kAt address the tile's broadcast elements and vectors
// in the row at gramP, and gBase points gramGQ at the tile's first element
// of G.
func gramTile(c *build.Context, isa GramISA, t gramplan.Tile, loop string, setP func(), jAt, kAt func(int) Mem, gBase func()) {
	S := gramElemSize
	s := isa.Shape()
	nv := t.Vecs()
	// each visits the accumulators the tile keeps, row by row, with
	// gramGQ at the row in G.
	each := func(f func(q, u int, sp gramplan.Span, at Mem)) {
		gBase()
		for q, row := range t.Lanes {
			if q > 0 {
				c.ADDQ(gramNB, gramGQ)
			}
			for u, sp := range row {
				if !sp.Empty() {
					f(q, u, sp, Mem{Base: gramGQ, Disp: u * s.W * S})
				}
			}
		}
	}
	each(func(q, u int, sp gramplan.Span, at Mem) { isa.Load(at, sp, isa.Acc(q, u), gramT) })
	setP()
	c.LEAQ(Mem{Base: gramP, Index: gramCB, Scale: 1}, gramEnd)
	if t.Last < s.W {
		isa.LoopMask(t.Last, gramT)
	}
	c.Label(loop)
	if GramPrefetch {
		// The lines of this tile eight rows ahead: rows are lda apart, so
		// the same columns of every row fall in the same few sets of the
		// first-level cache, which the hardware prefetcher does not fill
		// far enough ahead. A prefetch never faults.
		pf := jAt(0)
		pf.Index, pf.Scale = gramLda, 8
		c.PREFETCHT0(pf)
		for u := 0; u < nv; u += 2 {
			pk := kAt(u)
			if pk.Index != nil {
				c.LEAQ(Mem{Base: gramP, Index: gramLda, Scale: 8}, gramGQ)
				pk.Base = gramGQ
			} else {
				pk.Index, pk.Scale = gramLda, 8
			}
			c.PREFETCHT0(pk)
		}
	}
	for u := range nv {
		lanes := s.W
		if u == nv-1 {
			lanes = t.Last
		}
		isa.LoadK(kAt(u), lanes, isa.K(u))
	}
	for q, row := range t.Lanes {
		isa.Broadcast(jAt(q), isa.Bcast())
		for u, sp := range row {
			if !sp.Empty() {
				isa.FMA(isa.K(u), isa.Bcast(), isa.Acc(q, u))
			}
		}
	}
	c.ADDQ(gramLda, gramP)
	c.CMPQ(gramP, gramEnd)
	c.JNE(LabelRef(loop))
	each(func(q, u int, sp gramplan.Span, at Mem) { isa.Store(isa.Acc(q, u), sp, at, gramT) })
}
