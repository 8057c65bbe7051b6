// Package gramplan lays out the register tiles of the Gram kernel, G +=
// AᵀA on the upper triangle, for every generator: which elements of G each
// tile holds, and which lanes of each of its vectors it loads from G and
// stores back. The generators turn the plan into instructions; the rows of
// A and the order of the FMAs are theirs, and the specification
// (kernels/generic) makes every tiling give the same bits.
//
// G is cut into column blocks of B = W·C columns (C vectors of W lanes),
// k0 = 0, B, 2B, …, and rows into groups of R rows, j0 = 0, R, 2R, …. The
// tiles of a block are the groups above it (j0 + R ≤ k0), all alike, whose
// vectors are all inside the upper triangle, and the groups that meet the
// diagonal (k0 ≤ j0 < k0 + B), each different: their first vector is the
// one that holds column j0, and each row stores only its lanes k ≥ j. The
// last block, and the last group of rows, may be cut short by n: a block
// of r < B columns has ⌈r/W⌉ vectors, the last with r mod W lanes, and no
// lane at column n or beyond is loaded, read from A or stored.
package gramplan

import "fmt"

// Shape is a tiling: W lanes per vector, R rows of G per tile (one
// broadcast of a[i][j] each per row of A) and C vectors per column block.
type Shape struct{ W, R, C int }

// Block is B, the columns of one column block.
func (s Shape) Block() int { return s.W * s.C }

// Span is the lanes [Lo, Hi) of a vector that a tile row loads and stores;
// Lo == Hi for none.
type Span struct{ Lo, Hi int }

// Empty reports whether the span holds no lane.
func (s Span) Empty() bool { return s.Lo >= s.Hi }

// Full reports whether the span is the whole vector of w lanes.
func (s Span) Full(w int) bool { return s.Lo == 0 && s.Hi == w }

// Tile is one register tile of a column block.
type Tile struct {
	// Row is the first row j of the tile relative to the block start k0
	// (0, R, 2R, … for the tiles on the diagonal); the tiles above the
	// diagonal are all alike, and Row is 0 for them.
	Row int
	// Rows is the number of rows of G in the tile, R except at the bottom
	// of G.
	Rows int
	// Vec is the first vector of the tile, counted from k0 in vectors: its
	// columns start at k0 + W·Vec.
	Vec int
	// Lanes[q][u] is what row q of the tile holds of its vector u: the
	// lanes it loads from G and stores back. A vector whose span is empty
	// for a row is neither loaded, computed nor stored for that row.
	Lanes [][]Span
	// Last is the number of lanes of A's row that the last vector of the
	// tile may read: W, or r mod W at the end of a short block.
	Last int
}

// Vecs is the number of vectors of the tile.
func (t Tile) Vecs() int { return len(t.Lanes[0]) }

// Interior returns the tile of a block of r columns (1 ≤ r ≤ B) for a
// group of R rows above it.
func (s Shape) Interior(r int) Tile {
	s.check(r)
	nv := (r + s.W - 1) / s.W
	t := Tile{Rows: s.R, Last: r - s.W*(nv-1)}
	for range s.R {
		row := make([]Span, nv)
		for u := range row {
			row[u] = Span{0, s.W}
		}
		row[nv-1].Hi = t.Last
		t.Lanes = append(t.Lanes, row)
	}
	return t
}

// Diagonal returns the tiles of a block of r columns (1 ≤ r ≤ B) whose
// rows meet the diagonal, in order of their rows.
func (s Shape) Diagonal(r int) []Tile {
	s.check(r)
	nv := (r + s.W - 1) / s.W
	var out []Tile
	for j0 := 0; j0 < r; j0 += s.R {
		v0 := j0 / s.W
		t := Tile{Row: j0, Rows: min(s.R, r-j0), Vec: v0, Last: r - s.W*(nv-1)}
		for q := range t.Rows {
			row := make([]Span, nv-v0)
			for u := range row {
				col := s.W * (v0 + u) // first column of the vector
				row[u] = Span{max(0, j0+q-col), min(s.W, r-col)}
				if row[u].Empty() {
					row[u] = Span{}
				}
			}
			t.Lanes = append(t.Lanes, row)
		}
		out = append(out, t)
	}
	return out
}

func (s Shape) check(r int) {
	if s.W < 1 || s.R < 1 || s.C < 1 || s.Block()%s.R != 0 {
		panic(fmt.Sprintf("gramplan: shape %+v: the block must be a whole number of row groups", s))
	}
	if r < 1 || r > s.Block() {
		panic(fmt.Sprintf("gramplan: a block of %d columns in shape %+v", r, s))
	}
}
