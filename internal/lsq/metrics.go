package lsq

import (
	"context"
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

// Sums are a pass's totals: Σ(y−ŷ)² and Σ|y−ŷ|.
type Sums struct {
	SqErr, AbsErr float64
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
	return Sums{SqErr: out[0], AbsErr: out[1]}, nil
}

type residualTask struct {
	ctx  context.Context
	d    Data
	coef []float64
	b    float64
	pred []float64 // predictions given, instead of X, coef and b
	pool sync.Pool // *[]float64, a block of predictions
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
	out[0] = kernels.SumSqDiff(y, r)
	kernels.Axpy(-1, y, r) // ŷ − y, one rounding: the residual, negated
	out[1] = kernels.Asum(r)
}

// TargetSpread returns Σ(y_i − ȳ)² over d's targets (the total sum of
// squares of R²), exactly 0 when every y_i is the same, with the mean
// from a first pass (kernels.Sum per block, in the tree). It reads only
// Y, window by window with d's Release.
func TargetSpread(ctx context.Context, plan *kernels.BlockPlan, d Data) (float64, error) {
	y := Data{Rows: d.Rows, Y: d.Y, Stride: 1, Release: d.Release, Window: d.Window}
	constant := true
	for _, v := range d.Y {
		if v != d.Y[0] {
			constant = false
			break
		}
	}
	if constant {
		return 0, nil
	}
	mt := &meanTask{ctx: ctx, y: d.Y}
	sum := kernels.NewBlockSum(1)
	if err := y.pass(ctx, plan, mt, sum); err != nil {
		return 0, err
	}
	var s [1]float64
	sum.Sum(s[:])
	mean := s[0] / float64(d.Rows)
	st := &spreadTask{ctx: ctx, y: d.Y, mean: mean}
	if err := y.pass(ctx, plan, st, sum); err != nil {
		return 0, err
	}
	sum.Sum(s[:])
	return s[0], nil
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
	pool sync.Pool // *[]float64, BlockRows copies of the mean
}

func (t *spreadTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		out[0] = 0
		return
	}
	buf, _ := t.pool.Get().(*[]float64)
	if buf == nil {
		b := make([]float64, kernels.BlockRows)
		for i := range b {
			b[i] = t.mean
		}
		buf = &b
	}
	defer t.pool.Put(buf)
	out[0] = kernels.SumSqDiff(t.y[lo:hi], (*buf)[:hi-lo])
}

// R2 returns 1 − ssRes/ssTot with scikit-learn's conventions: 1 for a
// perfect fit, 0 for a constant target otherwise, NaN for a NaN.
func R2(ssRes, ssTot float64) float64 {
	switch {
	case math.IsNaN(ssRes) || math.IsNaN(ssTot):
		return math.NaN()
	case ssRes == 0:
		return 1
	case ssTot == 0:
		return 0
	}
	return 1 - ssRes/ssTot
}
