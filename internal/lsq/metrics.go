package lsq

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/lanes-go/lanes/kernels"
)

// The passes behind the metrics of a model (MSE, MAE, R²): the residuals
// of its predictions and the spread of the targets, each summed per block
// by the kernels and across blocks in the block tree, so a metric is the
// same bits in memory, window by window, on any number of goroutines and
// on every CPU, and the same from the rows (Residuals) as from a slice of
// predictions (PredictionSums).

// Sums are a pass's totals: Σ(y−ŷ)² = SqErr·2^SqErrExp and Σ|y−ŷ|.
//
// SqErrExp is 0, and SqErr the plain sum, unless that sum overflowed or
// fell where its squares lose digits to underflow (below 2^−900 with a
// residual not 0): the pass is then repeated with the residuals scaled
// by a power of two first (see rescaleSq), which rounds nothing, so that
// residuals of 1e200 or 1e-200 still have a sum of squares and a mean.
type Sums struct {
	SqErr, AbsErr float64
	SqErrExp      int
}

// MeanSq returns the mean of the squared residuals over n rows, Σ(y−ŷ)²/n,
// and whether it is a float64 that holds it to full precision: false
// when it overflows, or lies below the smallest normal float64 although
// a residual is not 0 (then the value returned is what float64 makes of
// it: +Inf, 0 or a subnormal).
func (s Sums) MeanSq(n int) (float64, bool) {
	v := math.Ldexp(s.SqErr/float64(n), s.SqErrExp)
	switch {
	case s.SqErr == 0 && s.AbsErr == 0:
		return 0, true
	case math.IsNaN(v):
		return v, true // a NaN in the data, reported by the caller
	}
	return v, v <= math.MaxFloat64 && v >= 0x1p-1022
}

// Magnitude returns a sum or mean m·2^exp as a rounded decimal string
// (such as "2.1e+600") even where float64 cannot hold it: for messages.
func Magnitude(m float64, exp int) string {
	if m == 0 || math.IsNaN(m) || math.IsInf(m, 0) {
		return fmt.Sprint(math.Ldexp(m, exp))
	}
	frac, e := math.Frexp(math.Abs(m))
	l := math.Log10(frac) + float64(e+exp)*math.Log10(2)
	d := math.Floor(l)
	sign := ""
	if m < 0 {
		sign = "-"
	}
	return fmt.Sprintf("%s%.2ge%+d", sign, math.Pow(10, l-d), int(d))
}

// rescaleSq reports whether a sum of squares sq of residuals whose
// absolute values sum to abs must be recomputed with the residuals scaled
// (it overflowed, or it is so small that its squares underflowed), and
// the exponent e of the scale 2^−e that brings every residual within
// [−1, 1] while the largest stays above 1/(2n): no square then overflows,
// and those that matter keep every digit. abs is finite: otherwise the
// mean residual exceeds float64's range over n and the mean square
// cannot be held either way.
func rescaleSq(sq, abs float64) (e int, again bool) {
	if abs == 0 || math.IsInf(abs, 0) || math.IsNaN(abs) || math.IsNaN(sq) {
		return 0, false
	}
	if sq <= math.MaxFloat64 && sq >= 0x1p-900 {
		return 0, false
	}
	_, e = math.Frexp(abs)
	return e, true
}

// Residuals returns the sums of the residuals y_i − (x_i·coef + b) over
// d's rows (d needs Y).
func Residuals(ctx context.Context, plan *kernels.BlockPlan, d Data, coef []float64, b float64) (Sums, error) {
	if err := d.Check(); err != nil {
		return Sums{}, err
	}
	t := &residualTask{ctx: ctx, d: d, coef: coef, b: b}
	return runSums(ctx, plan, d, t)
}

// PredictionSums returns the same sums for predictions already made, on
// the calling goroutine: the bits of Residuals when pred holds the
// predictions Residuals makes.
func PredictionSums(y, pred []float64) Sums {
	d := Data{Rows: len(y), Y: y, Stride: 1}
	t := &residualTask{ctx: context.Background(), d: d, pred: pred}
	s, _ := runSums(context.Background(), nil, d, t)
	return s
}

func runSums(ctx context.Context, plan *kernels.BlockPlan, d Data, t *residualTask) (Sums, error) {
	sum := kernels.NewBlockSum(2)
	if err := d.pass(ctx, plan, t, sum); err != nil {
		return Sums{}, err
	}
	var out [2]float64
	sum.Sum(out[:])
	s := Sums{SqErr: out[0], AbsErr: out[1]}
	e, again := rescaleSq(s.SqErr, s.AbsErr)
	if !again {
		return s, nil
	}
	t.scale = math.Ldexp(1, -e)
	defer func() { t.scale = 0 }()
	if err := d.pass(ctx, plan, t, sum); err != nil {
		return Sums{}, err
	}
	sum.Sum(out[:])
	s.SqErr, s.SqErrExp = out[0], 2*e
	return s, nil
}

type residualTask struct {
	ctx  context.Context
	d    Data
	coef []float64
	b    float64
	pred []float64 // predictions given, instead of X, coef and b
	pool sync.Pool // *[]float64, a block of predictions
	// scale, if not 0, makes a block's first sum Σ(r·scale)², a power of
	// two times the residuals (see rescaleSq); its second is then unused.
	scale float64
}

func (t *residualTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		clear(out)
		return
	}
	y := t.d.Y[lo:hi]
	buf, _ := t.pool.Get().(*[]float64)
	if buf == nil {
		b := make([]float64, kernels.BlockRows)
		buf = &b
	}
	defer t.pool.Put(buf)
	r := (*buf)[:hi-lo]
	if t.pred != nil {
		copy(r, t.pred[lo:hi])
	} else {
		if t.d.Cols > 0 {
			kernels.GemvN(hi-lo, t.d.Cols, t.d.rows(lo, hi), t.d.Stride, t.coef, r)
		} else {
			clear(r)
		}
		for i := range r {
			r[i] += t.b
		}
	}
	if t.scale != 0 {
		kernels.Axpy(-1, y, r) // ŷ − y, the residual negated, as below
		kernels.Scal(t.scale, r)
		out[0], out[1] = kernels.Dot(r, r), 0
		return
	}
	out[0] = kernels.SumSqDiff(y, r)
	kernels.Axpy(-1, y, r) // ŷ − y, one rounding: the residual, negated
	out[1] = kernels.Asum(r)
}

// TargetSpread returns Σ(y_i − ȳ)² over d's targets (the total sum of
// squares of R²), exactly 0 when every y_i is the same, with the mean
// from a first pass (kernels.Sum per block, in the tree). It reads only
// Y, window by window with d's Release. Beyond float64's range it is
// +Inf (or 0); TargetSpreadExp holds it there.
func TargetSpread(ctx context.Context, plan *kernels.BlockPlan, d Data) (float64, error) {
	s, exp, err := TargetSpreadExp(ctx, plan, d)
	return math.Ldexp(s, exp), err
}

// TargetSpreadExp returns TargetSpread as s·2^exp: exp is 0, and s its
// bits, unless the plain sum overflowed or underflowed, when the
// deviations are summed again scaled by a power of two (as Sums.SqErr).
func TargetSpreadExp(ctx context.Context, plan *kernels.BlockPlan, d Data) (s float64, exp int, err error) {
	y := Data{Rows: d.Rows, Y: d.Y, Stride: 1, Release: d.Release, Window: d.Window}
	constant := true
	for _, v := range d.Y {
		if v != d.Y[0] {
			constant = false
			break
		}
	}
	if constant {
		return 0, 0, nil
	}
	mt := &meanTask{ctx: ctx, y: d.Y}
	sum := kernels.NewBlockSum(1)
	if err := y.pass(ctx, plan, mt, sum); err != nil {
		return 0, 0, err
	}
	var out [1]float64
	sum.Sum(out[:])
	mean := out[0] / float64(d.Rows)
	st := &spreadTask{ctx: ctx, y: d.Y, mean: mean}
	if err := y.pass(ctx, plan, st, sum); err != nil {
		return 0, 0, err
	}
	sum.Sum(out[:])
	if s = out[0]; s <= math.MaxFloat64 && s >= 0x1p-900 {
		return s, 0, nil
	}
	// Σ|y − ȳ| gives the scale (rescaleSq), then the scaled squares.
	st.abs = true
	if err := y.pass(ctx, plan, st, sum); err != nil {
		return 0, 0, err
	}
	sum.Sum(out[:])
	e, again := rescaleSq(s, out[0])
	if !again {
		return s, 0, nil
	}
	st.abs, st.scale = false, math.Ldexp(1, -e)
	if err := y.pass(ctx, plan, st, sum); err != nil {
		return 0, 0, err
	}
	sum.Sum(out[:])
	return out[0], 2 * e, nil
}

type meanTask struct {
	ctx context.Context
	y   []float64
}

func (t *meanTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		out[0] = 0
		return
	}
	out[0] = kernels.Sum(t.y[lo:hi])
}

type spreadTask struct {
	ctx  context.Context
	y    []float64
	mean float64
	pool sync.Pool // *spreadScratch
	// abs makes a block's sum Σ|y − ȳ|; scale, if not 0, Σ((y − ȳ)·scale)²
	// (see TargetSpreadExp).
	abs   bool
	scale float64
}

type spreadScratch struct {
	means, d []float64 // BlockRows copies of the mean; the deviations
}

func (t *spreadTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		out[0] = 0
		return
	}
	buf, _ := t.pool.Get().(*spreadScratch)
	if buf == nil {
		buf = &spreadScratch{means: make([]float64, kernels.BlockRows)}
		for i := range buf.means {
			buf.means[i] = t.mean
		}
	}
	defer t.pool.Put(buf)
	y, means := t.y[lo:hi], buf.means[:hi-lo]
	if !t.abs && t.scale == 0 {
		out[0] = kernels.SumSqDiff(y, means)
		return
	}
	if buf.d == nil {
		buf.d = make([]float64, kernels.BlockRows)
	}
	d := buf.d[:hi-lo]
	copy(d, y)
	kernels.Axpy(-1, means, d) // y − ȳ, one rounding, as SumSqDiff's
	if t.abs {
		out[0] = kernels.Asum(d)
		return
	}
	kernels.Scal(t.scale, d)
	out[0] = kernels.Dot(d, d)
}

// R2 returns 1 − ssRes/ssTot with scikit-learn's conventions: 1 for a
// perfect fit, 0 for a constant target otherwise, NaN for a NaN.
func R2(ssRes, ssTot float64) float64 { return R2Exp(ssRes, 0, ssTot, 0) }

// R2Exp is R2 of ssRes·2^resExp and ssTot·2^totExp, sums that float64
// may not hold (Sums.SqErrExp, TargetSpreadExp): their ratio usually
// is. With both exponents 0 it gives R2's bits.
func R2Exp(ssRes float64, resExp int, ssTot float64, totExp int) float64 {
	switch {
	case math.IsNaN(ssRes) || math.IsNaN(ssTot):
		return math.NaN()
	case ssRes == 0:
		return 1
	case ssTot == 0:
		return 0
	}
	// The ratio of the fractions, then the exponents: no overflow on the
	// way, and the one rounding of ssRes/ssTot where that is a normal
	// float64 (scaling by powers of two is exact).
	fr, er := math.Frexp(ssRes)
	ft, et := math.Frexp(ssTot)
	return 1 - math.Ldexp(fr/ft, er+resExp-et-totExp)
}
