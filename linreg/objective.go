package linreg

import (
	"fmt"
	"math"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// scaled is the least-squares objective of gd in standardised coordinates,
// evaluated on the caller's X in place: with parameters w' (one per column,
// then the intercept b'), row i predicts
//
//	Σ_j (x_ij − μ_j)/σ_j · w'_j + b' = x_i·u + c,  u_j = w'_j/σ_j, c = b' − μ·u
//
// so one pass of the fused kernel over a contiguous block
// (kernels.LossGradPlan: the residuals r = X·u + c − y, Xᵀr, Σr² and Σr,
// reading X once) gives its loss and its gradient, (Xᵀr − μ·Σr)_j/σ_j,
// without a centred copy of X. The penalty weights 1/σ_j make L1 and L2
// apply to the original coefficients u.
type scaled struct {
	x         Matrix
	y         []float64
	sc        scaling
	intercept bool
	u, r      []float64 // scratch: coefficients in data units; residuals (grown as needed)
	g         []float64 // scratch gradient of a loss-only evaluation
	plan      *kernels.LossGradPlan

	// With x.Release: the window size, the window of the last contiguous
	// batch (-1 for none), which stays resident until a batch elsewhere
	// comes, and the windows' partial results of a windowed pass.
	window, cur int
	parts       []float64

	// noRowFastPath sends a batch of one row through the general path
	// instead of evalRow, so that a test can compare the two.
	noRowFastPath bool
}

// newScaled returns the objective; workers is the number of goroutines
// of a contiguous evaluation (≤ 0: GOMAXPROCS), which never changes its
// bits.
func newScaled(x Matrix, y []float64, sc scaling, intercept bool, workers int) *scaled {
	return &scaled{x: x, y: y, sc: sc, intercept: intercept,
		u: make([]float64, x.Cols), g: make([]float64, x.Cols),
		plan: kernels.NewLossGradPlan(x.Cols, workers), window: x.window(), cur: -1}
}

// resid returns the residual scratch for m rows, allocated at the size
// first needed: a batch's, or a window's with x.Release, never more.
func (s *scaled) resid(m int) []float64 {
	if len(s.r) < m {
		s.r = make([]float64, m)
	}
	return s.r[:m]
}

// Dims returns the rows and the columns, plus one for an intercept.
func (s *scaled) Dims() (examples, params int) {
	if s.intercept {
		return s.x.Rows, s.x.Cols + 1
	}
	return s.x.Rows, s.x.Cols
}

// Penalized reports true for the coefficients, false for the intercept.
func (s *scaled) Penalized(j int) bool { return j < s.x.Cols }

// PenaltyWeight is 1/σ_j: the coefficient in data units is w'_j/σ_j.
func (s *scaled) PenaltyWeight(j int) float64 { return 1 / s.sc.sigma[j] }

// Eval returns ½·mean(r²) over the batch and writes the gradient with
// respect to w' into grad.
func (s *scaled) Eval(w []float64, b gd.Batch, grad []float64) float64 {
	return s.eval(w, b, grad, true)
}

// coefficients sets s.u from w' and returns the offset c.
func (s *scaled) coefficients(w []float64) float64 {
	cols := s.x.Cols
	for j := range s.u {
		s.u[j] = w[j] / s.sc.sigma[j]
	}
	if !s.intercept {
		return 0
	}
	return w[cols] - kernels.Dot(s.sc.mu, s.u)
}

// eval is Eval; withY false leaves y out, so that grad = A'ᵀA'w'/m, the
// Gram operator of the power iteration. With x.Release, a contiguous
// batch of more than a window goes window by window, releasing each, and
// a smaller one releases the window of the previous batch if it lies
// elsewhere; the bits are those of evalAll.
func (s *scaled) eval(w []float64, b gd.Batch, grad []float64, withY bool) float64 {
	return s.evalDone(nil, w, b, grad, withY)
}

// evalDone is eval for Fit's own passes before and after gd.Minimize: a
// pass window by window stops between windows once done is closed, and
// its results are then meaningless; the caller must look at its context
// after the call. A nil done never stops a pass, which is what
// gd.Minimize must see: it uses every evaluation it asks for.
func (s *scaled) evalDone(done <-chan struct{}, w []float64, b gd.Batch, grad []float64, withY bool) float64 {
	if s.x.Release == nil || !b.Contiguous() {
		return s.evalAll(w, b, grad, withY)
	}
	if b.Len() > s.window {
		s.releaseCurrent()
		if withY {
			return s.evalWindows(done, w, b, grad)
		}
		return s.gramWindows(done, w, b, grad)
	}
	loss := s.evalAll(w, b, grad, withY)
	s.touch(b.Lo, b.Hi)
	return loss
}

// touch records that rows [lo, hi) were read: the window of the previous
// batch is released if it is not among theirs, and so are the windows
// [lo, hi) leaves behind.
func (s *scaled) touch(lo, hi int) {
	w := s.window
	first, last := lo/w, (hi-1)/w
	if s.cur >= 0 && (s.cur < first || s.cur > last) {
		s.releaseCurrent()
	}
	for k := first; k < last; k++ {
		s.x.release(k*w, min((k+1)*w, s.x.Rows))
	}
	s.cur = last
}

// releaseCurrent releases the window of the last batch, if any.
func (s *scaled) releaseCurrent() {
	if s.cur >= 0 {
		s.x.release(s.cur*s.window, min((s.cur+1)*s.window, s.x.Rows))
		s.cur = -1
	}
}

// evalWindows is the fused evaluation of the contiguous batch b, window
// by window from b.Lo: each window is one plan call, whose blocks are a
// subtree of the plan's pairwise tree over all of b (windows are 4096·2^k
// rows), and the windows' results are added in the rest of that tree, so
// the result is the single call's, bit for bit. It stops between windows
// once done is closed (see evalDone).
func (s *scaled) evalWindows(done <-chan struct{}, w []float64, b gd.Batch, grad []float64) float64 {
	cols, stride := s.x.Cols, s.x.stride()
	c := s.coefficients(w)
	m, win := b.Len(), s.window
	nw := (m-1)/win + 1 // ⌈m/win⌉ for m > win, without overflowing
	ps := cols + 2
	if len(s.parts) < nw*ps {
		s.parts = make([]float64, nw*ps)
	}
	for k := range nw {
		if stopped(done) {
			return 0
		}
		lo := b.Lo + k*win
		hi := min(lo+win, b.Hi)
		a := s.x.Data[lo*stride:]
		if cols > 0 {
			a = a[:(hi-lo-1)*stride+cols]
		}
		part := s.parts[k*ps : (k+1)*ps]
		part[cols], part[cols+1] = s.plan.LossGrad(hi-lo, a, max(stride, 1), s.u, c, s.y[lo:hi], part[:cols])
		s.x.release(lo, hi)
	}
	for step := 1; step < nw; step *= 2 {
		for k := 0; k+step < nw; k += 2 * step {
			dst, src := s.parts[k*ps:(k+1)*ps], s.parts[(k+step)*ps:(k+step+1)*ps]
			kernels.Axpy(1, src[:cols], dst[:cols])
			dst[cols] += src[cols]
			dst[cols+1] += src[cols+1]
		}
	}
	ssr, sr := s.parts[cols], s.parts[cols+1]
	inv := 1 / float64(m)
	if grad != nil {
		copy(grad[:cols], s.parts[:cols])
		s.scaleGradient(grad, sr, inv)
	}
	return ssr * (0.5 * inv)
}

// gramWindows is evalAll without y over the contiguous batch b, window by
// window, with a window's residuals at a time: GemvN is row by row; GemvT
// is, for each row in order, one fused multiply-add per column into g
// (generic.GemvT, whose bits every implementation has); Sum and Dot are
// carried in their 32 lanes. It stops between windows once done is
// closed (see evalDone).
func (s *scaled) gramWindows(done <-chan struct{}, w []float64, b gd.Batch, grad []float64) float64 {
	cols, stride := s.x.Cols, s.x.stride()
	c := s.coefficients(w)
	m, win := b.Len(), s.window
	var g []float64
	if grad != nil {
		g = grad[:cols]
		clear(g)
	}
	var sum laneSum
	var sq laneSq
	for lo := b.Lo; lo < b.Hi; lo += win {
		if stopped(done) {
			return 0
		}
		hi := min(lo+win, b.Hi)
		r := s.resid(hi - lo)
		a := s.x.Data[lo*stride:]
		if cols > 0 {
			a = a[:(hi-lo-1)*stride+cols]
		}
		kernels.GemvN(hi-lo, cols, a, max(stride, 1), s.u, r)
		for k := range r {
			r[k] += c
		}
		if g != nil && cols > 0 {
			for k, rk := range r {
				row := a[k*stride : k*stride+cols]
				for j, v := range row {
					g[j] = math.FMA(rk, v, g[j])
				}
			}
		}
		sum.add(r)
		sq.add(r, nil)
		s.x.release(lo, hi)
	}
	inv := 1 / float64(m)
	if grad != nil {
		s.scaleGradient(grad, sum.value(), inv)
	}
	return sq.value() * (0.5 * inv)
}

// evalAll is eval in one piece.
func (s *scaled) evalAll(w []float64, b gd.Batch, grad []float64, withY bool) float64 {
	cols, stride := s.x.Cols, s.x.stride()
	m := b.Len()
	if m <= 0 {
		panic(fmt.Sprintf("linreg: empty batch [%d, %d)", b.Lo, b.Hi))
	}
	c := s.coefficients(w)
	if m == 1 && withY && !s.noRowFastPath {
		return s.evalRow(w, b, grad, c)
	}
	g := s.g
	if grad != nil {
		g = grad[:cols]
	}
	if b.Contiguous() && withY {
		// One pass: the fused kernel, in fixed row blocks on the plan's
		// goroutines (one block, LossGrad's own bits, up to 4096 rows).
		a := s.x.Data[b.Lo*stride:]
		if cols > 0 {
			a = a[:(m-1)*stride+cols]
		}
		ssr, sr := s.plan.LossGrad(m, a, max(stride, 1), s.u, c, s.y[b.Lo:b.Hi], g)
		inv := 1 / float64(m)
		if grad != nil {
			s.scaleGradient(grad, sr, inv)
		}
		return ssr * (0.5 * inv)
	}
	r := s.resid(m)
	if grad == nil {
		g = nil
	}
	if b.Contiguous() {
		// The Gram operator (withY is false: the fused pass above took
		// every contiguous batch with y).
		a := s.x.Data[b.Lo*stride:]
		if cols > 0 {
			a = a[:(m-1)*stride+cols]
		}
		kernels.GemvN(m, cols, a, max(stride, 1), s.u, r)
		for k := range r {
			r[k] += c
		}
		if g != nil {
			kernels.GemvT(m, cols, a, max(stride, 1), r, g)
		}
	} else {
		for k, i := range b.Index {
			r[k] = kernels.Dot(s.x.Row(i), s.u) + c
			if withY {
				r[k] -= s.y[i]
			}
		}
		if g != nil {
			clear(g)
			for k, i := range b.Index {
				kernels.Axpy(r[k], s.x.Row(i), g)
			}
		}
	}
	inv := 1 / float64(m)
	if grad != nil {
		s.scaleGradient(grad, kernels.Sum(r), inv)
	}
	return kernels.Dot(r, r) * (0.5 * inv)
}

// scaleGradient turns grad[:cols] = Xᵀr and sr = Σr into the gradient
// with respect to w': (Xᵀr − μ·Σr)_j/σ_j, and Σr for the intercept, each
// divided by the batch size.
func (s *scaled) scaleGradient(grad []float64, sr, inv float64) {
	cols := s.x.Cols
	for j := range grad[:cols] {
		if s.sc.constant[j] {
			// Xᵀr and μ·Σr are the same sum in different orders: not
			// always the same bits. The exact gradient is 0.
			grad[j] = 0
			continue
		}
		grad[j] = ((grad[j] - float64(s.sc.mu[j]*sr)) / s.sc.sigma[j]) * inv
	}
	if s.intercept {
		grad[cols] = sr * inv
	}
}

// evalRow is eval for one row, the SGD step, without the matrix kernels'
// set-up, and with the general path's bits: GemvN's row is the same Dot;
// GemvT with one row is fma(r, x_j, +0), which is float64(r·x_j) + 0 (the
// + 0 turns an underflowed −0 into +0, as the fma does); Sum of one
// residual is r + 0; and Dot(r, r) is r·r rounded once.
func (s *scaled) evalRow(w []float64, b gd.Batch, grad []float64, c float64) float64 {
	i := b.Lo
	if !b.Contiguous() {
		i = b.Index[0]
	}
	row := s.x.Row(i)
	r := (kernels.Dot(row, s.u) + c) - s.y[i]
	if grad != nil {
		sr := r + 0
		for j, xj := range row {
			if s.sc.constant[j] {
				grad[j] = 0
				continue
			}
			t := float64(r*xj) + 0
			grad[j] = (t - float64(s.sc.mu[j]*sr)) / s.sc.sigma[j]
		}
		if s.intercept {
			grad[s.x.Cols] = sr
		}
	}
	return float64(r*r) * 0.5
}
