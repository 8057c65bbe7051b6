package lsq

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/lanes-go/lanes/kernels"
)

// Moments is what one pass over the rows gathers: the Gram matrix of the
// rows z_i = [ (x_i − Shift)⊙Scale | 1 | (y_i − YShift)·YScale ], summed
// over the rows in the block tree. Its p = Cols+2 columns are the
// features, the constant and the target; Gram holds the upper triangle,
// row by row (see Packed). Every other statistic derives from it.
type Moments struct {
	Rows, Cols     int
	Shift, Scale   []float64
	YShift, YScale float64
	Gram           []float64 // packed upper triangle of the p×p Gram, p = Cols+2
	// Diagonal moments (ComputeDiagonalMoments) hold only the elements
	// that give each column's and the target's mean and variance: (j, j),
	// (j, Cols) and (Cols, Cols+1). The products between two columns, and
	// between a column and the target, are NaN in Gram, and At panics for
	// them.
	Diagonal bool
}

// P returns the order of the Gram matrix: the columns, the constant and
// the target.
func (m *Moments) P() int { return m.Cols + 2 }

// At returns the Gram's element (j, k), either triangle. For diagonal
// moments it panics unless the element is one they hold (see Diagonal).
func (m *Moments) At(j, k int) float64 {
	if j > k {
		j, k = k, j
	}
	if m.Diagonal && !m.holds(j, k) {
		panic(fmt.Sprintf("lsq: element (%d, %d) of diagonal moments: only the means and variances were computed", j, k))
	}
	return m.Gram[Packed(m.P(), j, k)]
}

// holds reports whether diagonal moments hold element (j, k), j ≤ k: a
// square, a sum (k is the constant's column), or the constant's own.
func (m *Moments) holds(j, k int) bool { return j == k || k == m.Cols || j == m.Cols }

// Packed returns the index of element (j, k), j ≤ k, of a p×p upper
// triangle stored row by row: row j holds (j, j) … (j, p−1).
func Packed(p, j, k int) int { return j*p - j*(j-1)/2 + (k - j) }

// gramChunk is the number of rows a Gram task shifts into its scratch at
// a time: small enough for the scratch to stay in the L1 or L2 cache
// while the Gram kernel runs over it, as many times as it has tiles.
const gramChunk = 256

// cancelRatio bounds how far, in standard deviations, a column's shift
// may lie from its mean: centring then subtracts numbers that agree in up
// to log10(cancelRatio²) leading digits, which loses that many of the
// centred moment's. Beyond it the pass is repeated with the mean as the
// shift. A first row within a few standard deviations, as almost every
// row is, keeps the moments to about 14 digits in one pass.
const cancelRatio = 10

// ComputeMoments runs the moments pass over d (which needs Y) on plan's
// goroutines: one pass, or two when the first row lies far from the
// means (see cancelRatio). Without centre the shifts are 0, the moments
// of the data as they are (for a model without an intercept). A NaN or
// infinity in X or y is an error naming its row and column; so is a
// context cancelled meanwhile.
func ComputeMoments(ctx context.Context, plan *kernels.BlockPlan, d Data, centre bool) (*Moments, error) {
	return computeMoments(ctx, plan, d, centre, false)
}

// ComputeDiagonalMoments is ComputeMoments for a fit that needs each
// column's mean and variance and the target's, and no product between
// two columns: a fit by single-row steps, whose rate does not depend on
// the curvature. Every element it holds has the bits ComputeMoments gives
// it (kernels.GramDiag is Gram's diagonal and its column of ones), at a
// cost of O(n·d) instead of O(n·d²).
func ComputeDiagonalMoments(ctx context.Context, plan *kernels.BlockPlan, d Data, centre bool) (*Moments, error) {
	return computeMoments(ctx, plan, d, centre, true)
}

func computeMoments(ctx context.Context, plan *kernels.BlockPlan, d Data, centre, diagonal bool) (*Moments, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if d.Rows == 0 || d.Y == nil {
		return nil, fmt.Errorf("lsq: the moments need rows and targets (%d rows, %d targets)", d.Rows, len(d.Y))
	}
	m := &Moments{Rows: d.Rows, Cols: d.Cols, Shift: make([]float64, d.Cols), Scale: make([]float64, d.Cols), Diagonal: diagonal}
	if centre {
		copy(m.Shift, d.Row(0))
		m.YShift = d.Y[0]
	}
	if err := m.chooseScales(d); err != nil {
		return nil, err
	}
	if err := m.pass(ctx, plan, d); err != nil {
		return nil, err
	}
	if !centre || !m.farShift() {
		return m, nil
	}
	// The means are known now: shift by them and read again.
	for j := range m.Cols {
		m.Shift[j] = m.Mean(j)
	}
	m.YShift = m.YMean()
	if err := m.pass(ctx, plan, d); err != nil {
		return nil, err
	}
	return m, nil
}

// ComputeMomentsAt runs one moments pass over d with the given shifts and
// scales: the moments of a validation set in the coordinates of its
// training set; diagonal ones (see ComputeDiagonalMoments) if diagonal.
func ComputeMomentsAt(ctx context.Context, plan *kernels.BlockPlan, d Data, shift, scale []float64, yshift, yscale float64, diagonal bool) (*Moments, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if d.Rows == 0 || d.Y == nil || len(shift) != d.Cols || len(scale) != d.Cols {
		return nil, fmt.Errorf("lsq: the moments need rows, targets and a shift and scale per column (%d rows, %d targets, %d columns)", d.Rows, len(d.Y), d.Cols)
	}
	m := &Moments{Rows: d.Rows, Cols: d.Cols, Shift: append([]float64(nil), shift...), Scale: append([]float64(nil), scale...),
		YShift: yshift, YScale: yscale, Diagonal: diagonal}
	if err := m.pass(ctx, plan, d); err != nil {
		return nil, err
	}
	return m, nil
}

// chooseScales sets each column's scale to the power of two that brings
// the largest |x − shift| of the first block into [½, 1): no square of a
// scaled value then overflows or underflows unless the column's values
// span hundreds of orders of magnitude (pass checks), and multiplying by
// a power of two rounds nothing. The first block also shows a NaN or
// infinity early.
func (m *Moments) chooseScales(d Data) error {
	rows := min(d.Rows, kernels.BlockRows)
	big := make([]float64, d.Cols)
	ybig := 0.0
	for i := range rows {
		for j, v := range d.Row(i) {
			if !finite(v) {
				return nonFinite(i, j, v)
			}
			big[j] = max(big[j], math.Abs(v-m.Shift[j]))
		}
		v := d.Y[i]
		if !finite(v) {
			return nonFiniteTarget(i, v)
		}
		ybig = max(ybig, math.Abs(v-m.YShift))
	}
	for j := range big {
		m.Scale[j] = powerScale(big[j])
	}
	m.YScale = powerScale(ybig)
	return nil
}

// powerScale returns the power of two 2^−e with v·2^−e in [½, 1), or 1
// for v = 0 (or an infinite v, which the checks report). Below 2^−1022
// (subnormal v) the largest float64 power of two, 2^1023, leaves v·2^1023
// under ½: still exact, and as large as a scale can be.
func powerScale(v float64) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 1
	}
	_, e := math.Frexp(v)
	return math.Ldexp(1, min(-e, 1023))
}

// pass computes the Gram with the current shifts and scales, or the
// elements of diagonal moments.
func (m *Moments) pass(ctx context.Context, plan *kernels.BlockPlan, d Data) error {
	p := m.P()
	width := p * (p + 1) / 2
	task := &gramTask{ctx: ctx, d: d, m: m, p: p}
	if m.Diagonal {
		// Per block: the sums of z's p columns, then their squares.
		width = 2 * p
	}
	sum := kernels.NewBlockSum(width)
	if err := d.pass(ctx, plan, task, sum); err != nil {
		return err
	}
	out := make([]float64, width)
	sum.Sum(out)
	for _, v := range out {
		if !finite(v) {
			return m.explain(ctx, d)
		}
	}
	if m.Diagonal {
		m.unpackDiagonal(out)
	} else {
		m.Gram = out
	}
	return nil
}

// unpackDiagonal places the sums and squares of diagonal moments (part:
// the p sums of z's columns, then the p squares) where the Gram holds
// them, and NaN everywhere else. The constant's column of z is all ones,
// so its sum is its square, and (Cols, Cols+1) is the target's sum.
func (m *Moments) unpackDiagonal(part []float64) {
	p, c := m.P(), m.Cols
	sums, squares := part[:p], part[p:]
	m.Gram = make([]float64, p*(p+1)/2)
	for i := range m.Gram {
		m.Gram[i] = math.NaN()
	}
	for j := range p {
		m.Gram[Packed(p, j, j)] = squares[j]
		if j < c {
			m.Gram[Packed(p, j, c)] = sums[j]
		}
	}
	m.Gram[Packed(p, c, c+1)] = sums[c+1]
}

// explain finds why the Gram is not finite: a NaN or an infinity in the
// data, named by row and column, or values so far apart that their
// scaled squares overflowed.
func (m *Moments) explain(ctx context.Context, d Data) error {
	for i := range d.Rows {
		if i%kernels.BlockRows == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for j, v := range d.Row(i) {
			if !finite(v) {
				return nonFinite(i, j, v)
			}
		}
		if !finite(d.Y[i]) {
			return nonFiniteTarget(i, d.Y[i])
		}
	}
	return fmt.Errorf("lsq: the squares of the data overflow even scaled by powers of two: a column's values span more than about 300 orders of magnitude")
}

// farShift reports whether a shift lies more than cancelRatio standard
// deviations from its column's mean (or the target's).
func (m *Moments) farShift() bool {
	n := float64(m.Rows)
	far := func(j int) bool {
		t := m.At(j, m.Cols)
		mean := t / n
		v := m.centred(j, j) / n
		return v > 0 && float64(mean*mean) > float64(cancelRatio*cancelRatio)*v
	}
	for j := range m.Cols {
		if far(j) {
			return true
		}
	}
	return far(m.Cols + 1)
}

// centred returns Σ (z_j − z̄_j)(z_k − z̄_k) over the rows, in scaled
// units, for j, k among the features and the target (index Cols+1): the
// Gram's element minus t_j·t_k/n, with t the sums of the shifted values,
// rounded once (an FMA, written out so that every GOARCH rounds alike).
func (m *Moments) centred(j, k int) float64 {
	c := m.Cols
	return math.FMA(-m.At(j, c), m.At(k, c)/float64(m.Rows), m.At(j, k))
}

// Mean returns the mean of column j in data units.
func (m *Moments) Mean(j int) float64 {
	return m.Shift[j] + m.At(j, m.Cols)/float64(m.Rows)/m.Scale[j]
}

// YMean returns the mean of the targets.
func (m *Moments) YMean() float64 {
	return m.YShift + m.At(m.Cols+1, m.Cols)/float64(m.Rows)/m.YScale
}

// Constant reports whether column j is constant: every value equals the
// shift, so its scaled squares sum to exactly zero.
func (m *Moments) Constant(j int) bool { return m.At(j, j) == 0 }

// gramTask is one block of the moments pass.
type gramTask struct {
	ctx  context.Context
	d    Data
	m    *Moments
	p    int
	pool sync.Pool // *gramScratch
}

type gramScratch struct {
	z, g []float64
}

func (t *gramTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		clear(out) // the pass is lost; finish fast
		return
	}
	p, d, m := t.p, t.d, t.m
	s, _ := t.pool.Get().(*gramScratch)
	if s == nil {
		s = &gramScratch{z: make([]float64, gramChunk*p), g: make([]float64, p*p)}
	}
	defer t.pool.Put(s)
	clear(s.g)
	for a := lo; a < hi; a += gramChunk {
		if t.ctx.Err() != nil {
			clear(out) // a chunk of a wide Gram takes milliseconds: stop between them
			return
		}
		b := min(a+gramChunk, hi)
		rows := b - a
		z := s.z[:rows*p]
		if d.Cols > 0 {
			kernels.ShiftScale(rows, d.Cols, d.rows(a, b), d.Stride, m.Shift, m.Scale, z[:(rows-1)*p+d.Cols], p)
		}
		for i := range rows {
			z[i*p+d.Cols] = 1
			z[i*p+d.Cols+1] = float64(d.Y[a+i]-m.YShift) * m.YScale
		}
		if m.Diagonal {
			kernels.GramDiag(rows, p, z, p, s.g[:p], s.g[p:2*p])
		} else {
			kernels.Gram(rows, p, z, p, s.g)
		}
	}
	if m.Diagonal {
		copy(out, s.g[:2*p])
		return
	}
	k := 0
	for j := range p {
		k += copy(out[k:], s.g[j*p+j:(j+1)*p])
	}
}

// finite reports whether v is neither NaN nor infinite. Not v−v == 0:
// inlined where v is a product, the arm64 compiler fuses v−v into a
// multiply-subtract of the unrounded product, which gives its rounding
// error, not 0 (a comparison cannot be fused).
func finite(v float64) bool { return math.Abs(v) <= math.MaxFloat64 }

// nonFinite reports a NaN or infinity of X; rows and columns count from
// 0 here, and the caller (linreg) words them for people.
func nonFinite(i, j int, v float64) error {
	return &NonFiniteError{Row: i, Col: j, Value: v}
}

func nonFiniteTarget(i int, v float64) error {
	return &NonFiniteError{Row: i, Col: -1, Value: v}
}

// NonFiniteError is a NaN or an infinity in the data: X's row and column
// (0-based), or the target of a row (Col −1).
type NonFiniteError struct {
	Row, Col int
	Value    float64
}

func (e *NonFiniteError) Error() string {
	if e.Col < 0 {
		return fmt.Sprintf("y row %d is %v", e.Row, e.Value)
	}
	return fmt.Sprintf("X row %d, column %d is %v", e.Row, e.Col, e.Value)
}
