package kernels

import "testing"

// The gemv sweep, which TestBitwise runs, proves GemvN and GemvT give the
// bits of package generic for every small shape (each row and column
// remainder of any blocking an implementation may choose), for tall, wide
// and odd large shapes, for row strides lda > n and for every alignment of
// a, x and y. The padding at the end of each row holds the guard NaN, so
// an implementation that reads it poisons its result; y starts with
// garbage, which GemvT must not accumulate into; and the guards around y
// prove no write strays.

// gemvShapes returns the m×n shapes of the sweep.
func gemvShapes() [][2]int {
	var ms, ns []int
	large := [][2]int{{1000, 16}, {16, 1000}, {33, 129}, {129, 33}, {1, 1100}, {1100, 1}, {257, 65}, {7, 300}}
	if testing.Short() {
		ms = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33}
		for n := 0; n <= 40; n++ {
			ns = append(ns, n)
		}
		ns = append(ns, 63, 64, 65)
		large = [][2]int{{33, 129}, {129, 33}, {100, 16}}
	} else {
		for k := 0; k <= 70; k++ {
			ms, ns = append(ms, k), append(ns, k)
		}
	}
	var shapes [][2]int
	for _, m := range ms {
		for _, n := range ns {
			shapes = append(shapes, [2]int{m, n})
		}
	}
	return append(shapes, large...)
}

// gemvLayout is one placement of a gemv problem.
type gemvLayout struct {
	lda              int
	offA, offX, offY int
}

// gemvLayouts returns the placements tried for an m×n shape: the dense
// aligned layout, and padded rows with a, x and y at different
// alignments.
func gemvLayouts(n, key int) []gemvLayout {
	dense := max(1, n)
	ls := []gemvLayout{
		{lda: dense},
		{lda: dense + 1 + key%8, offA: key % 8, offX: (key*3 + 1) % 8, offY: (key*5 + 2) % 8},
	}
	if !testing.Short() {
		// Rows padded to a multiple of 8 plus 8: every row starts at
		// the same alignment, at an offset.
		ls = append(ls, gemvLayout{lda: (n+7)/8*8 + 8, offA: 3, offX: 5, offY: 7})
	}
	return ls
}

// placeGemv places an m×n problem with layout l in sc, filled from p: the
// matrix elements and x from the pool, the row padding left at the guard
// NaN, and y filled with pool values that the kernel must overwrite.
// xLen and yLen are the lengths of x and y (n and m for GemvN).
func placeGemv(sc *scratch, p pool, key, m, n int, l gemvLayout, xLen, yLen int) (a, x, y vec) {
	a = sc.a.place(matrixLen(m, n, l.lda), l.offA)
	as := a.s()
	fillGuard(as)
	for i := 0; i < m && n > 0; i++ {
		for j := 0; j < n; j++ {
			as[i*l.lda+j], _ = p.at(key + i*n + j)
		}
	}
	x, y = sc.x.place(xLen, l.offX), sc.y.place(yLen, l.offY)
	for i := range x.s() {
		_, x.s()[i] = p.at(key + 3*i + 1)
	}
	for i := range y.s() {
		y.s()[i], _ = p.at(key + 5*i + 2)
	}
	return a, x, y
}

// sweepGemv runs GemvN or GemvT of im on every shape and layout, with the
// data class changing from one shape to the next, and compares it with the
// reference.
func sweepGemv(tb failer, kernel string, g *gemvTest, im *implementation) {
	tb.Helper()
	sc := new(scratch)
	for s, shape := range gemvShapes() {
		m, n := shape[0], shape[1]
		xLen, yLen := g.lens(m, n)
		for v, l := range gemvLayouts(n, s) {
			p := pools[(s+v)%len(pools)]
			a, x, y := placeGemv(sc, p, s*3+v, m, n, l, xLen, yLen)
			if d := sc.checkGemv(g, im, m, n, a, l.lda, x, y); d != "" {
				tb.Fatalf("%s[%s] m=%d n=%d lda=%d offset a=%d x=%d y=%d class=%s: %s",
					kernel, im.name, m, n, l.lda, l.offA, l.offX, l.offY, p.class, d)
			}
		}
	}
}
