package lsq

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/lanes-go/lanes/kernels"
)

// Sandwich describes the "meat" of a heteroskedasticity-consistent
// covariance, Σ_i ω_i·e_i²·z̃_i·z̃_iᵀ, over the rows of a fitted model:
// z̃_i = [1 | z_i] (the 1 only with an intercept), with z_i the row's
// estimated columns centred and scaled, z_ia = (x_i,Cols[a] − Shift[a])·
// Scale[a]; e_i = y_i − (x_i·Coef + B) the residual in data units; and ω_i
// = (1 − h_i)^−Power with the leverage h_i = z̃_iᵀ·Lev·z̃_i (Power 0 needs
// no Lev: HC0 and HC1).
type Sandwich struct {
	Cols         []int     // the estimated columns of X, increasing
	Shift, Scale []float64 // per entry of Cols
	Intercept    bool
	Coef         []float64 // the model: one coefficient per column of X
	B            float64   // and its intercept
	Lev          []float64 // q×q, row-major, q = len(Cols) (+1 with an intercept)
	Power        int       // 0, 1 or 2
}

// Q returns the order of the meat: the estimated columns, and the
// intercept's.
func (s *Sandwich) Q() int {
	if s.Intercept {
		return len(s.Cols) + 1
	}
	return len(s.Cols)
}

// Meat computes the meat over d's rows (d needs Y) in one pass on plan's
// goroutines, the rows of each block reduced by kernels.Gram of the
// weighted rows f_i·z̃_i, f_i = e_i·ω_i^½, and the blocks in the block
// tree: the same bits for any number of goroutines, any window of d and
// every CPU. It returns the q×q matrix, row-major, both triangles.
func (s *Sandwich) Meat(ctx context.Context, plan *kernels.BlockPlan, d Data) ([]float64, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	q := s.Q()
	if d.Y == nil || len(s.Coef) != d.Cols || len(s.Shift) != len(s.Cols) || len(s.Scale) != len(s.Cols) ||
		(s.Power != 0 && len(s.Lev) != q*q) || s.Power < 0 || s.Power > 2 {
		return nil, fmt.Errorf("lsq: malformed sandwich: %d targets, %d coefficients for %d columns, %d shifts and %d scales for %d estimated columns, power %d with %d leverage elements",
			len(d.Y), len(s.Coef), d.Cols, len(s.Shift), len(s.Scale), len(s.Cols), s.Power, len(s.Lev))
	}
	width := q * (q + 1) / 2
	sum := kernels.NewBlockSum(width)
	t := &meatTask{ctx: ctx, d: d, s: s, q: q}
	if err := d.pass(ctx, plan, t, sum); err != nil {
		return nil, err
	}
	packed := make([]float64, width)
	sum.Sum(packed)
	meat := make([]float64, q*q)
	for j := range q {
		for k := j; k < q; k++ {
			v := packed[Packed(q, j, k)]
			meat[j*q+k], meat[k*q+j] = v, v
		}
	}
	return meat, nil
}

// meatChunk is the number of rows a task weighs into its scratch at a
// time, as gramChunk.
const meatChunk = 256

type meatTask struct {
	ctx  context.Context
	d    Data
	s    *Sandwich
	q    int
	pool sync.Pool // *meatScratch
}

type meatScratch struct {
	pred, z, g, w []float64
}

func (t *meatTask) Block(lo, hi int, out []float64) {
	if t.ctx.Err() != nil {
		clear(out)
		return
	}
	d, s, q := t.d, t.s, t.q
	sc, _ := t.pool.Get().(*meatScratch)
	if sc == nil {
		sc = &meatScratch{pred: make([]float64, meatChunk), z: make([]float64, meatChunk*q),
			g: make([]float64, q*q), w: make([]float64, q)}
	}
	defer t.pool.Put(sc)
	clear(sc.g)
	off := 0
	if s.Intercept {
		off = 1
	}
	for a := lo; a < hi; a += meatChunk {
		if t.ctx.Err() != nil {
			clear(out)
			return
		}
		b := min(a+meatChunk, hi)
		rows := b - a
		pred := sc.pred[:rows]
		if d.Cols > 0 {
			kernels.GemvN(rows, d.Cols, d.rows(a, b), d.Stride, s.Coef, pred)
		} else {
			clear(pred)
		}
		z := sc.z[:rows*q]
		for i := range rows {
			row, zi := d.Row(a+i), z[i*q:(i+1)*q]
			if s.Intercept {
				zi[0] = 1
			}
			for c, j := range s.Cols {
				zi[off+c] = float64(row[j]-s.Shift[c]) * s.Scale[c]
			}
			e := d.Y[a+i] - (pred[i] + s.B)
			if s.Power > 0 {
				kernels.GemvN(q, q, s.Lev, q, zi, sc.w)
				switch h := kernels.Dot(zi, sc.w); s.Power {
				case 1:
					e /= math.Sqrt(1 - h)
				case 2:
					e /= 1 - h
				}
			}
			kernels.Scal(e, zi)
		}
		kernels.Gram(rows, q, z, q, sc.g)
	}
	k := 0
	for j := range q {
		k += copy(out[k:], sc.g[j*q+j:(j+1)*q])
	}
}
