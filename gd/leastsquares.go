package gd

import (
	"context"
	"fmt"
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// LeastSquares is the objective of linear regression:
//
//	ℓ_i(w) = ½·(x_i·w[:cols] + b − y_i)²,  loss = mean of ℓ_i over a batch,
//
// with X row-major (rows × cols, used in place, never copied) and, when it
// fits an intercept, b = w[cols] as the last parameter, never penalised.
// NewLeastSquaresWith adds a row stride, standardisation (the parameters
// are then those of the standardised problem), penalty weights and
// memory-mapped data.
//
// A contiguous batch is one pass of the fused kernel (kernels.LossGrad),
// whatever its size, shared by several goroutines beyond
// kernels.BlockRows rows (see SetWorkers); a batch of listed rows costs
// one Dot and one Axpy per row. Each evaluation computes in the canonical
// order of package kernels, so it gives the same bits on every CPU and for
// any number of workers.
//
// It is a RowStepper: Minimize takes plain SGD steps through StepRows,
// without its general step's machinery (see RowStepper).
type LeastSquares struct {
	x, y       []float64
	rows, cols int
	stride     int // of x's rows: cols, or LeastSquaresOptions.Stride; 0 when cols is 0
	lda        int // the stride as the kernels take it, max(stride, 1)
	intercept  bool
	std        *standardization // nil without
	pw         []float64        // penalty weights, nil without

	r    []float64 // residuals of a listed batch, grown to the largest
	g    []float64 // gradient scratch: Xᵀr
	u    []float64 // coefficients in data units of a standardised evaluation
	out  []float64 // the total of a pass of several blocks: Xᵀr, Σr², Σr
	plan *kernels.BlockPlan
	sum  *kernels.BlockSum
	task lossGradBlocks

	// With LeastSquaresOptions.Release: the window size, and the window
	// of the last contiguous batch (−1 for none), which stays resident
	// until a batch elsewhere comes.
	release     func(lo, hi int)
	window, cur int

	steps rowState // the state of RowStepper's steps

	touched float64 // a sink for the loads of rowPrefetch

	// The context of an EvalContext call in progress (nil otherwise), and
	// whether the evaluation stopped because it was cancelled.
	ctx     context.Context
	stopped bool
}

// LeastSquaresOptions are the options of NewLeastSquaresWith. The zero
// value is NewLeastSquares without an intercept.
type LeastSquaresOptions struct {
	// Stride is the row stride of x: row i is x[i·Stride : i·Stride+cols].
	// 0 means cols.
	Stride int
	// Intercept adds the intercept as the last parameter, never
	// penalised.
	Intercept bool

	// Shift, Scale, YShift and YScale standardise the problem, all of them
	// or none (YScale 0 means none). The parameters are then the
	// coefficients v of the standardised columns z_j = (x_j − Shift_j)·Scale_j
	// and, with Intercept, the intercept b' of the standardised target
	// t = (y − YShift)·YScale: row i predicts t_i ≈ z_i·v + b'. Loss and
	// gradient are those of the standardised problem, ½·mean of the
	// squared standardised residuals, computed on x and y in place, with
	// no standardised copy. A column whose Scale is 0 is left out: its
	// gradient is 0, so its parameter stays where it starts. The model in
	// data units is u_j = v_j·Scale_j/YScale and
	// b = YShift + b'/YScale − Shift·u (DataUnits).
	//
	// Shift and Scale have cols values, finite, Scale ≥ 0; YShift is
	// finite and YScale > 0 and finite.
	Shift, Scale   []float64
	YShift, YScale float64

	// PenaltyWeights, if set (cols values, > 0 and finite), makes Minimize
	// penalise c_j·v_j instead of v_j, c_j = PenaltyWeights[j]: the
	// penalty L1·Σ c_j|v_j| + (L2/2)·Σ (c_j v_j)² (see PenaltyWeighter).
	// With standardisation, Scale_j/YScale penalises the coefficients in
	// data units (times YScale).
	PenaltyWeights []float64

	// Workers is the number of goroutines that share an evaluation of
	// more than kernels.BlockRows contiguous rows, as SetWorkers; ≤ 0
	// means GOMAXPROCS. It never changes a result.
	Workers int

	// Release, if not nil, is called with rows [lo, hi) once an
	// evaluation has finished with them, so that memory-mapped data can
	// drop their pages. A contiguous batch of more than Window rows is
	// evaluated Window rows at a time, each window released after its
	// pass (the windows are whole blocks of the fused pass, so the bits
	// are those of one pass); a smaller contiguous batch leaves its last
	// window resident, and releases the window of the previous batch if
	// that lies elsewhere. Listed rows release nothing. Close releases
	// the window still resident.
	Release func(lo, hi int)
	// Window is the window size with Release: a positive multiple of
	// kernels.BlockRows. It must be 0 without Release.
	Window int

	// Unchecked skips the scan of x and y for NaN and infinity, for a
	// caller that has checked them itself. A NaN or infinity in the data
	// then makes the run diverge instead of being reported by row and
	// column.
	Unchecked bool
}

// standardization is the scaling of a standardised LeastSquares, and the
// vectors derived from it.
type standardization struct {
	shift, scale   []float64
	yshift, yscale float64
	shifted        bool      // some shift is not 0
	zeros          []float64 // cols zeros: the shift of a plain product by ShiftScale
	toData         []float64 // Scale_j/YScale: u = v⊙toData
	toGrad         []float64 // Scale_j·YScale: the gradient's factor
	sq             []float64 // Scale_j²: the factor of the data-unit SGD step
	half           float64   // ½·YScale²: the loss's factor of Σr²
}

// NewLeastSquares returns the least-squares objective of the rows × cols
// matrix x (row-major) against the targets y, with rows = len(y). It
// checks the sizes and that every value is finite, and names the first
// row and column that is not.
func NewLeastSquares(x []float64, cols int, y []float64, intercept bool) (*LeastSquares, error) {
	rows := len(y)
	switch {
	case cols < 0:
		return nil, fmt.Errorf("gd: NewLeastSquares: cols = %d, want ≥ 0", cols)
	case rows == 0:
		return nil, fmt.Errorf("gd: NewLeastSquares: no examples (len(y) = 0)")
	case cols == 0 && !intercept:
		return nil, fmt.Errorf("gd: NewLeastSquares: no parameters (cols = 0 and no intercept)")
	case cols > 0 && rows > math.MaxInt/cols:
		// rows·cols would overflow int, and could wrap around to len(x).
		return nil, fmt.Errorf("gd: NewLeastSquares: len(x) = %d, want rows·cols = %d·%d, which overflows int", len(x), rows, cols)
	case len(x) != rows*cols:
		return nil, fmt.Errorf("gd: NewLeastSquares: len(x) = %d, want rows·cols = %d·%d = %d", len(x), rows, cols, rows*cols)
	}
	return newLeastSquares("NewLeastSquares", x, rows, cols, y, LeastSquaresOptions{Intercept: intercept})
}

// NewLeastSquaresWith returns the least-squares objective of the rows ×
// cols matrix in x (row-major, row stride o.Stride) against the targets
// y, len(y) = rows, with the options o. It checks the sizes, the options
// (naming the field) and, unless o.Unchecked, that every value of x and y
// is finite, naming the first row and column that is not.
func NewLeastSquaresWith(x []float64, rows, cols int, y []float64, o LeastSquaresOptions) (*LeastSquares, error) {
	const name = "NewLeastSquaresWith"
	switch {
	case cols < 0 || rows < 0:
		return nil, fmt.Errorf("gd: %s: %d × %d: negative dimension", name, rows, cols)
	case rows == 0:
		return nil, fmt.Errorf("gd: %s: no examples (rows = 0)", name)
	case len(y) != rows:
		return nil, fmt.Errorf("gd: %s: len(y) = %d, want rows = %d", name, len(y), rows)
	case cols == 0 && !o.Intercept:
		return nil, fmt.Errorf("gd: %s: no parameters (cols = 0 and no intercept)", name)
	case o.Stride < 0 || (o.Stride > 0 && o.Stride < cols):
		return nil, fmt.Errorf("gd: %s: LeastSquaresOptions.Stride = %d, want 0 or ≥ cols = %d", name, o.Stride, cols)
	}
	if s := max(o.Stride, cols); cols > 0 && (len(x) < cols || rows-1 > (len(x)-cols)/s) {
		// (rows−1)·s + cols, compared without overflowing.
		return nil, fmt.Errorf("gd: %s: len(x) = %d, want at least (rows−1)·stride + cols for %d rows of stride %d and %d columns", name, len(x), rows, s, cols)
	}
	return newLeastSquares(name, x, rows, cols, y, o)
}

// newLeastSquares checks the options and the values and builds the
// objective; the sizes are checked.
func newLeastSquares(name string, x []float64, rows, cols int, y []float64, o LeastSquaresOptions) (*LeastSquares, error) {
	stride := max(o.Stride, cols)
	if cols == 0 {
		stride = 0 // every row is x[0:0]
	}
	ls := &LeastSquares{x: x, y: y, rows: rows, cols: cols, stride: stride, lda: max(stride, 1), intercept: o.Intercept,
		g: make([]float64, cols), out: make([]float64, cols+2),
		plan: kernels.NewBlockPlan(o.Workers), sum: kernels.NewBlockSum(cols + 2), cur: -1}
	var err error
	if ls.std, err = newStandardization(name, cols, o); err != nil {
		return nil, err
	}
	if ls.std != nil {
		ls.u = make([]float64, cols)
	}
	if o.PenaltyWeights != nil {
		if err := checkVector(name, "PenaltyWeights", o.PenaltyWeights, cols, func(v float64) bool { return v > 0 }, "> 0"); err != nil {
			return nil, err
		}
		ls.pw = append([]float64(nil), o.PenaltyWeights...)
	}
	switch {
	case o.Release == nil && o.Window != 0:
		return nil, fmt.Errorf("gd: %s: LeastSquaresOptions.Window = %d without Release", name, o.Window)
	case o.Release != nil && (o.Window <= 0 || o.Window%kernels.BlockRows != 0):
		return nil, fmt.Errorf("gd: %s: LeastSquaresOptions.Window = %d, want a positive multiple of kernels.BlockRows = %d", name, o.Window, kernels.BlockRows)
	}
	ls.release, ls.window = o.Release, o.Window
	if !o.Unchecked {
		if err := ls.checkValues(name); err != nil {
			return nil, err
		}
	}
	return ls, nil
}

// newStandardization checks the standardisation options and derives
// what the evaluations use; nil without standardisation.
func newStandardization(name string, cols int, o LeastSquaresOptions) (*standardization, error) {
	if o.Shift == nil && o.Scale == nil && o.YShift == 0 && o.YScale == 0 {
		return nil, nil
	}
	if err := checkVector(name, "Shift", o.Shift, cols, func(float64) bool { return true }, "finite"); err != nil {
		return nil, err
	}
	if err := checkVector(name, "Scale", o.Scale, cols, func(v float64) bool { return v >= 0 }, "≥ 0"); err != nil {
		return nil, err
	}
	switch {
	case !finite(o.YShift):
		return nil, fmt.Errorf("gd: %s: LeastSquaresOptions.YShift is %v, want finite", name, o.YShift)
	case !(o.YScale > 0) || math.IsInf(o.YScale, 1):
		return nil, fmt.Errorf("gd: %s: LeastSquaresOptions.YScale is %v, want > 0 and finite (standardisation is all or nothing)", name, o.YScale)
	}
	s := &standardization{
		shift: append([]float64(nil), o.Shift...), scale: append([]float64(nil), o.Scale...),
		yshift: o.YShift, yscale: o.YScale,
		zeros: make([]float64, cols), toData: make([]float64, cols), toGrad: make([]float64, cols), sq: make([]float64, cols),
		half: float64(0.5 * float64(o.YScale*o.YScale)),
	}
	for j, sc := range s.scale {
		s.shifted = s.shifted || s.shift[j] != 0
		s.toData[j] = sc / o.YScale
		s.toGrad[j] = float64(sc * o.YScale)
		s.sq[j] = float64(sc * sc)
	}
	return s, nil
}

// checkVector reports a vector option of the wrong length, or a value
// that is not finite or not ok, by index.
func checkVector(name, field string, v []float64, cols int, ok func(float64) bool, want string) error {
	if len(v) != cols {
		return fmt.Errorf("gd: %s: len(LeastSquaresOptions.%s) = %d, want cols = %d (standardisation is all or nothing)", name, field, len(v), cols)
	}
	for j, e := range v {
		if !finite(e) || !ok(e) {
			return fmt.Errorf("gd: %s: LeastSquaresOptions.%s[%d] is %v, want %s and finite", name, field, j, e, want)
		}
	}
	return nil
}

// checkValues names the first NaN or infinity of y, then of x.
func (ls *LeastSquares) checkValues(name string) error {
	for i, v := range ls.y {
		if !finite(v) {
			return fmt.Errorf("gd: %s: y[%d] (row %d) is %v", name, i, i, v)
		}
	}
	for i := range ls.rows {
		for j, v := range ls.row(i) {
			if !finite(v) {
				return fmt.Errorf("gd: %s: x row %d, column %d is %v", name, i, j, v)
			}
		}
	}
	return nil
}

// row returns row i of x.
func (ls *LeastSquares) row(i int) []float64 { return ls.x[i*ls.stride : i*ls.stride+ls.cols] }

// SetWorkers sets the number of goroutines that share an evaluation of
// more than kernels.BlockRows contiguous rows; n ≤ 0 means GOMAXPROCS,
// the default. It never changes a result: the rows are cut into fixed
// blocks whose sums are added in a fixed order (kernels.BlockPlan).
func (ls *LeastSquares) SetWorkers(n int) {
	ls.plan.Close()
	ls.plan = kernels.NewBlockPlan(n)
}

// Close stops the goroutines of the evaluations and, with Release,
// releases the window still resident. The objective still works
// afterwards, on the calling goroutine alone.
func (ls *LeastSquares) Close() {
	ls.plan.Close()
	ls.releaseCurrent()
}

// Dims returns the number of rows and cols, plus one for an intercept.
func (ls *LeastSquares) Dims() (examples, params int) {
	if ls.intercept {
		return ls.rows, ls.cols + 1
	}
	return ls.rows, ls.cols
}

// Penalized reports true for every coefficient and false for the
// intercept.
func (ls *LeastSquares) Penalized(j int) bool { return j < ls.cols }

// PenaltyWeight returns LeastSquaresOptions.PenaltyWeights[j], or 1
// without penalty weights (and Minimize then uses the arithmetic of an
// objective without weights).
func (ls *LeastSquares) PenaltyWeight(j int) float64 {
	if ls.pw == nil {
		return 1
	}
	return ls.pw[j]
}

// DataUnits writes into coef (cols values) the model of the parameters w
// in data units: for row i, x_i·coef + b predicts y_i, b the returned
// offset (0 without an intercept or standardisation). Without
// standardisation it copies w's coefficients and returns its intercept.
func (ls *LeastSquares) DataUnits(w, coef []float64) (b float64) {
	_, d := ls.Dims()
	if len(w) != d || len(coef) != ls.cols {
		panic(fmt.Sprintf("gd: LeastSquares.DataUnits: len(w) = %d, len(coef) = %d, want %d and %d", len(w), len(coef), d, ls.cols))
	}
	if ls.std == nil {
		copy(coef, w[:ls.cols])
		if ls.intercept {
			return w[ls.cols]
		}
		return 0
	}
	return ls.toData(w, coef)
}

// toData sets u to the coefficients in data units of the standardised
// parameters w and returns the offset c: x_i·u + c − y_i is the residual
// in data units, and YScale times it the standardised one.
//
//	u_j = v_j·(Scale_j/YScale),  c = (b'/YScale + YShift) − Shift·u
func (ls *LeastSquares) toData(w, u []float64) float64 {
	s, cols := ls.std, ls.cols
	if cols > 0 {
		kernels.ShiftScale(1, cols, w[:cols], cols, s.zeros, s.toData, u, cols)
	}
	c := s.yshift
	if ls.intercept {
		c = w[cols]/s.yscale + s.yshift
	}
	if s.shifted {
		c -= kernels.Dot(s.shift, u)
	}
	return c
}

// Eval returns the mean loss over the batch and writes its gradient into
// grad if grad is not nil: without standardisation ½·mean(r_i²), with
// r_i = x_i·w + b − y_i, and its gradient mean(r_i·x_i) and mean(r_i) for
// the intercept; with standardisation the same of the standardised
// problem. It panics if w, grad or the batch do not fit the problem.
func (ls *LeastSquares) Eval(w []float64, b Batch, grad []float64) float64 {
	_, d := ls.Dims()
	if len(w) != d || (grad != nil && len(grad) != d) {
		panic(fmt.Sprintf("gd: LeastSquares.Eval: len(w) = %d, len(grad) = %d, want %d", len(w), len(grad), d))
	}
	m := b.Len()
	if m <= 0 || m > ls.rows || (b.Contiguous() && (b.Lo < 0 || b.Hi > ls.rows)) {
		panic(fmt.Sprintf("gd: LeastSquares.Eval: batch [%d, %d) of %d rows, %d listed, out of range for %d rows", b.Lo, b.Hi, m, len(b.Index), ls.rows))
	}
	if ls.release == nil || !b.Contiguous() {
		return ls.eval(w, b, grad)
	}
	if m > ls.window {
		ls.releaseCurrent()
		return ls.evalWindows(w, b, grad)
	}
	loss := ls.eval(w, b, grad)
	ls.touch(b.Lo, b.Hi)
	return loss
}

// EvalContext is Eval for a caller that may cancel: an evaluation window
// by window (LeastSquaresOptions.Release, a contiguous batch of more than
// Window rows) looks at ctx between windows, and once it is cancelled
// stops, releases nothing more and returns NaN with the context's error.
// Any other evaluation runs to the end (one pass of a few milliseconds
// per 100,000 values). Minimize evaluates through it.
func (ls *LeastSquares) EvalContext(ctx context.Context, w []float64, b Batch, grad []float64) (float64, error) {
	ls.ctx, ls.stopped = ctx, false
	defer func() { ls.ctx, ls.stopped = nil, false }()
	loss := ls.Eval(w, b, grad)
	if ls.stopped {
		return math.NaN(), ctx.Err()
	}
	return loss, nil
}

// coefficients returns the coefficients and the offset the residuals
// r = X·coef + c − y are computed with: w's own without standardisation,
// in data units with it (toData).
func (ls *LeastSquares) coefficients(w []float64) (coef []float64, c float64) {
	if ls.std != nil {
		return ls.u, ls.toData(w, ls.u)
	}
	if ls.intercept {
		c = w[ls.cols]
	}
	return w[:ls.cols], c
}

// gradScratch returns where the passes write Xᵀr: grad's coefficients
// themselves without standardisation, when there is a grad; the scratch
// otherwise.
func (ls *LeastSquares) gradScratch(grad []float64) []float64 {
	if grad != nil && ls.std == nil {
		return grad[:ls.cols]
	}
	return ls.g
}

// eval is Eval in one piece: Σr², Σr and Xᵀr by one of three passes,
// then finish.
func (ls *LeastSquares) eval(w []float64, b Batch, grad []float64) float64 {
	coef, c := ls.coefficients(w)
	g := ls.gradScratch(grad)
	m := b.Len()
	var ssr, sr float64
	switch {
	case m == 1:
		ssr, sr = ls.evalRow(coef, c, b, g, grad != nil)
	case b.Contiguous():
		ssr, sr = ls.fused(coef, c, b, g)
	default:
		ssr, sr = ls.listed(coef, c, b, g, grad != nil)
	}
	return ls.finish(ssr, sr, m, g, grad)
}

// fused is the pass of the fused kernel over the contiguous batch b: one
// LossGrad call up to kernels.BlockRows rows, else the plan's blocks in
// its fixed tree, which is what kernels.LossGradPlan computes.
func (ls *LeastSquares) fused(coef []float64, c float64, b Batch, g []float64) (ssr, sr float64) {
	m := b.Len()
	ls.task.set(ls, coef, c, b)
	defer ls.task.clear()
	if m <= kernels.BlockRows {
		return ls.task.lossGrad(0, m, g)
	}
	ls.plan.Run(0, m, &ls.task, ls.sum)
	return ls.total(g)
}

// total writes the plan's sum of the blocks' Xᵀr into g and returns
// their Σr² and Σr.
func (ls *LeastSquares) total(g []float64) (ssr, sr float64) {
	ls.sum.Sum(ls.out)
	copy(g, ls.out[:ls.cols])
	return ls.out[ls.cols], ls.out[ls.cols+1]
}

// listed is the pass over listed rows: a Dot per row for the residuals,
// an Axpy per row for Xᵀr (if withGrad).
func (ls *LeastSquares) listed(coef []float64, c float64, b Batch, g []float64, withGrad bool) (ssr, sr float64) {
	m := b.Len()
	if len(ls.r) < m {
		ls.r = make([]float64, m)
	}
	r := ls.r[:m]
	for k, i := range b.Index {
		r[k] = kernels.Dot(ls.row(i), coef)
	}
	for k, i := range b.Index {
		r[k] = ls.residual(r[k], c, ls.y[i])
	}
	if withGrad {
		clear(g)
		for k, i := range b.Index {
			kernels.Axpy(r[k], ls.row(i), g)
		}
	}
	return kernels.Dot(r, r), kernels.Sum(r)
}

// residual returns (xw + c) − y, or xw − y when there is no offset (no
// intercept, no standardisation): two roundings, in that order, on every
// platform.
func (ls *LeastSquares) residual(xw, c, y float64) float64 {
	if ls.intercept || ls.std != nil {
		xw += c
	}
	return xw - y
}

// evalRow is the pass over a batch of one row, the SGD step, without the
// batch passes' set-up. It gives their bits: the listed-rows pass
// computes the same Dot and Axpy onto zeros, fma(r, x, +0), and LossGrad
// over one row does the same (its bits are GemvN's, then GemvT's, Dot's
// and Sum's); the one-element Sum is r + 0, and Dot(r, r) is r·r rounded
// once.
func (ls *LeastSquares) evalRow(coef []float64, c float64, b Batch, g []float64, withGrad bool) (ssr, sr float64) {
	i := b.Lo
	if !b.Contiguous() {
		i = b.Index[0]
	}
	row := ls.row(i)
	r := ls.residual(kernels.Dot(row, coef), c, ls.y[i])
	if withGrad {
		clear(g)
		kernels.Axpy(r, row, g) // fma(r, x, +0), as GemvT: never −0 where r·x is
	}
	return float64(r * r), r + 0 // as Sum: never −0
}

// finish turns the sums of a batch of m rows, Σr², Σr and Xᵀr in g, into
// the loss, and the gradient into grad if it is not nil. Without
// standardisation g is grad's coefficients already, and the gradient is
// Xᵀr/m and Σr/m; with it, YScale·Scale_j·(Xᵀr − Shift·Σr)_j/m and
// YScale·Σr/m. (The scaling by 1/1 of a single row would change nothing,
// so it is skipped.)
func (ls *LeastSquares) finish(ssr, sr float64, m int, g, grad []float64) float64 {
	inv := 1 / float64(m)
	s := ls.std
	if s == nil {
		if grad != nil {
			if m > 1 {
				kernels.Scal(inv, g)
			}
			if ls.intercept {
				grad[ls.cols] = sr * inv
			}
		}
		return ssr * (0.5 * inv)
	}
	if grad != nil {
		cols := ls.cols
		if cols > 0 {
			if s.shifted {
				kernels.Axpy(-sr, s.shift, g)
			}
			kernels.ShiftScale(1, cols, g, cols, s.zeros, s.toGrad, grad[:cols], cols)
			if m > 1 {
				kernels.Scal(inv, grad[:cols])
			}
		}
		if ls.intercept {
			grad[cols] = float64(sr*s.yscale) * inv
		}
	}
	return ssr * float64(s.half*inv)
}

// lossGradBlocks is kernels.LossGrad over the blocks of a contiguous
// batch, rows counted from the batch's first, for the plan.
type lossGradBlocks struct {
	a, coef, y []float64
	c          float64
	cols, lda  int
}

// set points the task at the contiguous batch b with the coefficients
// coef and c.
func (t *lossGradBlocks) set(ls *LeastSquares, coef []float64, c float64, b Batch) {
	*t = lossGradBlocks{a: ls.x[b.Lo*ls.stride:], coef: coef, y: ls.y[b.Lo:b.Hi], c: c, cols: ls.cols, lda: ls.lda}
}

// clear drops the task's references.
func (t *lossGradBlocks) clear() { *t = lossGradBlocks{} }

// lossGrad is LossGrad over the rows [lo, hi) of the batch: Xᵀr into g,
// and Σr², Σr.
func (t *lossGradBlocks) lossGrad(lo, hi int, g []float64) (ssr, sr float64) {
	var a []float64
	if t.cols > 0 {
		a = t.a[lo*t.lda : (hi-1)*t.lda+t.cols]
	}
	return kernels.LossGrad(hi-lo, t.cols, a, t.lda, t.coef, t.c, t.y[lo:hi], g)
}

// Block implements kernels.BlockTask: Xᵀr into out[:cols], Σr² and Σr
// after it.
func (t *lossGradBlocks) Block(lo, hi int, out []float64) {
	out[t.cols], out[t.cols+1] = t.lossGrad(lo, hi, out[:t.cols])
}
