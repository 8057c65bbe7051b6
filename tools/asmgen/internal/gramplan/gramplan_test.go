package gramplan

import "testing"

// shapes are the tilings the generators use, and a few others.
var shapes = []Shape{
	{W: 4, R: 4, C: 3}, // AVX2
	{W: 8, R: 4, C: 3}, // AVX-512
	{W: 2, R: 4, C: 6}, // NEON
	{W: 8, R: 8, C: 1},
	{W: 4, R: 2, C: 2},
	{W: 2, R: 6, C: 3},
}

// TestPlanCoversUpperTriangle walks G as the generators do, block by block
// and tile by tile, and proves that the plan stores every element of the
// upper triangle exactly once, nothing else, and that every column of A a
// tile reads (its vectors up to Last lanes, its broadcast rows) is inside
// the matrix.
func TestPlanCoversUpperTriangle(t *testing.T) {
	for _, s := range shapes {
		for n := 0; n <= 5*s.Block()+3; n++ {
			stored := map[[2]int]int{}
			store := func(j, k int) {
				if j < 0 || j >= n || k < j || k >= n {
					t.Fatalf("%+v n=%d: stores (%d, %d), outside the upper triangle", s, n, j, k)
				}
				stored[[2]int{j, k}]++
			}
			check := func(what string, j0, k0 int, tile Tile) {
				nv := tile.Vecs()
				if tile.Rows != len(tile.Lanes) || tile.Rows < 1 || nv < 1 {
					t.Fatalf("%+v n=%d %s: %d rows, %d lane rows, %d vectors", s, n, what, tile.Rows, len(tile.Lanes), nv)
				}
				// A's columns the tile reads: its broadcast rows and vectors.
				for q := range tile.Rows {
					if j0+q >= n {
						t.Fatalf("%+v n=%d %s: broadcasts column %d", s, n, what, j0+q)
					}
				}
				if last := k0 + s.W*(tile.Vec+nv-1) + tile.Last - 1; last >= n || tile.Last < 1 || tile.Last > s.W {
					t.Fatalf("%+v n=%d %s: reads column %d (Last=%d)", s, n, what, last, tile.Last)
				}
				for q, row := range tile.Lanes {
					if len(row) != nv {
						t.Fatalf("%+v n=%d %s: row %d has %d vectors, row 0 %d", s, n, what, q, len(row), nv)
					}
					for u, sp := range row {
						if sp.Empty() {
							continue
						}
						if sp.Lo < 0 || sp.Hi > s.W || u == nv-1 && sp.Hi > tile.Last {
							t.Fatalf("%+v n=%d %s: row %d vector %d lanes %v", s, n, what, q, u, sp)
						}
						for l := sp.Lo; l < sp.Hi; l++ {
							store(j0+q, k0+s.W*(tile.Vec+u)+l)
						}
					}
				}
			}
			for k0 := 0; k0 < n; k0 += s.Block() {
				r := min(s.Block(), n-k0)
				for j0 := 0; j0 < k0; j0 += s.R {
					tile := s.Interior(r)
					if tile.Vec != 0 || tile.Rows != s.R {
						t.Fatalf("%+v n=%d: interior tile %+v", s, n, tile)
					}
					check("interior", j0, k0, tile)
				}
				for _, tile := range s.Diagonal(r) {
					check("diagonal", k0+tile.Row, k0, tile)
				}
			}
			if want := n * (n + 1) / 2; len(stored) != want {
				t.Fatalf("%+v n=%d: %d elements stored, want %d", s, n, len(stored), want)
			}
			for e, c := range stored {
				if c != 1 {
					t.Fatalf("%+v n=%d: element %v stored %d times", s, n, e, c)
				}
			}
		}
	}
}

func TestPlanRefusesBadShapes(t *testing.T) {
	for _, c := range []struct {
		s Shape
		r int
	}{{Shape{4, 3, 2}, 4}, {Shape{4, 4, 3}, 0}, {Shape{4, 4, 3}, 13}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v, r=%d: no panic", c.s, c.r)
				}
			}()
			c.s.Diagonal(c.r)
		}()
	}
}
