package gd

import (
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// LeastSquares as a RowStepper: a plain SGD step on row i is one Dot for
// the residual and a few O(cols) kernel calls for the update, in a loop
// with nothing else in it.
//
// Without standardisation the state is the parameters themselves, and a
// step is the general path's arithmetic exactly: r = (x_i·w + b) − y_i,
// the gradient fma(r, x_ij, +0) and r + 0, then w ← w − η·gradient by
// one fused multiply-add per parameter; so the bits are the general
// path's.
//
// With standardisation the state is the model in data units, u and c
// (toData), so that the residual is one Dot on the row as it is stored:
// r = x_i·u + c − y_i, the standardised residual being ρ = YScale·r. A
// plain step of rate η on the standardised parameters,
//
//	v_j ← v_j − η·ρ·z_ij,  z_ij = (x_ij − Shift_j)·Scale_j
//	b'  ← b' − η·ρ
//
// moves u_j = v_j·Scale_j/YScale and c = b'/YScale + YShift − Shift·u by
//
//	Δu_j = −η·r·(x_ij − Shift_j)·Scale_j²       (YScale cancels)
//	Δc   = −η·r·(1 − Σ_j (x_ij − Shift_j)·Scale_j²·Shift_j)
//
// (the 1 is 0 without an intercept, b' being fixed at 0). So a step is
// t = (x_i − Shift)⊙Scale² (ShiftScale), u += a·t (Axpy) and
// c += a·(1 − t·Shift) (Dot), with a = −η·r: no O(cols) loop in Go, and
// nothing converted per step. Its rounding is not the general path's,
// so neither are its bits.

// rowState is the state of the steps between BeginSteps and EndSteps.
type rowState struct {
	w     []float64 // the parameters; with standardisation, u (cols values)
	c     float64   // with standardisation, the offset c
	t     []float64 // scratch of a step: its gradient, or t = (x_i − Shift)⊙Scale²
	start []float64 // with standardisation, the parameters BeginSteps was given

	// The t of up to runRows contiguous rows, row-major, and their t·Shift
	// (stepStandardizedRun).
	run, runDot []float64
}

// BeginSteps implements RowStepper.
func (ls *LeastSquares) BeginSteps(w []float64) {
	_, d := ls.Dims()
	st := &ls.steps
	if st.w == nil {
		st.w, st.t = make([]float64, d), make([]float64, ls.cols)
		if ls.std != nil {
			st.start = make([]float64, d)
		}
	}
	w = w[:d]
	if ls.std == nil {
		copy(st.w, w)
		return
	}
	copy(st.start, w)
	st.c = ls.toData(w, st.w[:ls.cols])
}

// EndSteps implements RowStepper. With standardisation it inverts
// toData: v_j = u_j/(Scale_j/YScale), and b' = ((c + Shift·u) − YShift)·YScale;
// a column left out (Scale_j/YScale is 0) keeps the parameter BeginSteps
// was given, which a step never changes.
func (ls *LeastSquares) EndSteps(w []float64) {
	_, d := ls.Dims()
	st := &ls.steps
	w = w[:d]
	s := ls.std
	if s == nil {
		copy(w, st.w)
		return
	}
	u := st.w[:ls.cols]
	for j, q := range s.toData {
		if q != 0 {
			w[j] = u[j] / q
		} else {
			w[j] = st.start[j]
		}
	}
	if ls.intercept {
		c := st.c
		if s.shifted {
			c += kernels.Dot(s.shift, u)
		}
		w[ls.cols] = float64((c - s.yshift) * s.yscale)
	}
}

// StepRows implements RowStepper. Contiguous rows with
// LeastSquaresOptions.Release release their windows as Eval does.
func (ls *LeastSquares) StepRows(b Batch, rates []float64, sum float64) RowSteps {
	checkSteps("LeastSquares", b, rates)
	var res RowSteps
	if ls.std == nil {
		res = ls.stepRows(b, rates, sum)
	} else {
		res = ls.stepStandardized(b, rates, sum)
	}
	if ls.release != nil && b.Contiguous() && res.Taken > 0 {
		ls.touch(b.Lo, b.Lo+res.Taken)
	}
	return res
}

// stepRows is StepRows without standardisation, in the general path's
// arithmetic: its gradient is evalRow's, its update plainStepper's.
func (ls *LeastSquares) stepRows(b Batch, rates []float64, sum float64) RowSteps {
	st, cols := &ls.steps, ls.cols
	coef, g := st.w[:cols], st.t
	var loss, sink float64
	for k, rate := range rates {
		i := b.Lo + k
		if b.Index != nil {
			i = b.Index[k]
			if touchGroup > 0 && k%touchGroup == 0 {
				sink += ls.touchRows(b.Index, k+touchAhead, k+touchAhead+touchGroup)
			}
		}
		row := ls.x[i*ls.stride : i*ls.stride+cols]
		var c float64
		if ls.intercept {
			c = st.w[cols]
		}
		r := ls.residual(kernels.Dot(row, coef), c, ls.y[i])
		loss = float64(r*r) * 0.5
		if !finite(loss) {
			return RowSteps{Sum: sum, Loss: loss, Taken: k, Finite: firstNonFinite(st.w) < 0}
		}
		sum += loss
		clear(g)
		kernels.Axpy(r, row, g)
		kernels.Axpy(-rate, g, coef)
		if ls.intercept {
			st.w[cols] = math.FMA(-rate, r+0, c)
		}
	}
	ls.touched += sink
	return RowSteps{Sum: sum, Loss: loss, Taken: len(rates), Finite: firstNonFinite(st.w) < 0}
}

// stepStandardized is StepRows with standardisation, on the state in
// data units (see the derivation above).
func (ls *LeastSquares) stepStandardized(b Batch, rates []float64, sum float64) RowSteps {
	if b.Contiguous() && ls.cols > 0 {
		return ls.stepStandardizedRun(b, rates, sum)
	}
	st, s, cols := &ls.steps, ls.std, ls.cols
	u, t, c := st.w[:cols], st.t, st.c
	one := 0.0 // the intercept's share of Δc
	if ls.intercept {
		one = 1
	}
	var loss, sink float64
	for k, rate := range rates {
		i := b.Lo + k
		if b.Index != nil {
			i = b.Index[k]
			if touchGroup > 0 && k%touchGroup == 0 {
				sink += ls.touchRows(b.Index, k+touchAhead, k+touchAhead+touchGroup)
			}
		}
		row := ls.x[i*ls.stride : i*ls.stride+cols]
		r := (kernels.Dot(row, u) + c) - ls.y[i]
		loss = float64(r*r) * s.half
		if !finite(loss) {
			st.c = c
			return RowSteps{Sum: sum, Loss: loss, Taken: k, Finite: firstNonFinite(u) < 0 && finite(c)}
		}
		sum += loss
		a := -float64(rate * r)
		if cols > 0 {
			kernels.ShiftScale(1, cols, row, ls.lda, s.shift, s.sq, t, cols)
			kernels.Axpy(a, t, u)
		}
		if s.shifted {
			c += float64(a * (one - kernels.Dot(t, s.shift)))
		} else if ls.intercept {
			c += a
		}
	}
	st.c = c
	ls.touched += sink
	return RowSteps{Sum: sum, Loss: loss, Taken: len(rates), Finite: firstNonFinite(u) < 0 && finite(c)}
}

// stepStandardizedRun is stepStandardized over contiguous rows, with the
// same arithmetic and bits: t = (x_i − Shift)⊙Scale² and t·Shift do not
// depend on the state, so they are computed for up to runRows rows at a
// time, by one ShiftScale and one GemvN (whose rows are Dots, the bits of
// the step's Dot(t, Shift)), instead of two kernel calls per step, whose
// checks cost more than their arithmetic on short rows.
func (ls *LeastSquares) stepStandardizedRun(b Batch, rates []float64, sum float64) RowSteps {
	st, s, cols := &ls.steps, ls.std, ls.cols
	u, c := st.w[:cols], st.c
	one := 0.0 // the intercept's share of Δc
	if ls.intercept {
		one = 1
	}
	if st.run == nil {
		st.run, st.runDot = make([]float64, runRows*cols), make([]float64, runRows)
	}
	var loss float64
	for k0 := 0; k0 < len(rates); k0 += runRows {
		n := min(runRows, len(rates)-k0)
		lo := b.Lo + k0
		tt := st.run[:n*cols]
		kernels.ShiftScale(n, cols, ls.x[lo*ls.stride:], ls.lda, s.shift, s.sq, tt, cols)
		td := st.runDot[:n]
		if s.shifted {
			kernels.GemvN(n, cols, tt, cols, s.shift, td)
		}
		for k, rate := range rates[k0 : k0+n] {
			i := lo + k
			row := ls.x[i*ls.stride : i*ls.stride+cols]
			r := (kernels.Dot(row, u) + c) - ls.y[i]
			loss = float64(r*r) * s.half
			if !finite(loss) {
				st.c = c
				return RowSteps{Sum: sum, Loss: loss, Taken: k0 + k, Finite: firstNonFinite(u) < 0 && finite(c)}
			}
			sum += loss
			a := -float64(rate * r)
			kernels.Axpy(a, tt[k*cols:(k+1)*cols], u)
			if s.shifted {
				c += float64(a * (one - td[k]))
			} else if ls.intercept {
				c += a
			}
		}
	}
	st.c = c
	return RowSteps{Sum: sum, Loss: loss, Taken: len(rates), Finite: firstNonFinite(u) < 0 && finite(c)}
}

// runRows is how many contiguous rows stepStandardizedRun prepares at a
// time: Minimize's chunk, so one preparation per StepRows call.
const runRows = rowChunk

var touchGroup, touchAhead, touchLines = 0, 8, 1

// touchRows loads one value of every cache line (or of the first
// touchLines) of the listed rows index[lo:hi] within the slice, so
// that their misses overlap.
func (ls *LeastSquares) touchRows(index []int, lo, hi int) float64 {
	var s float64
	hi = min(hi, len(index))
	for k := lo; k < hi; k++ {
		i := index[k]
		row := ls.x[i*ls.stride : i*ls.stride+ls.cols]
		n := 0
		for off := 0; off < len(row) && n < touchLines; off += 8 {
			s += row[off]
			n++
		}
		if touchLines > 1 && len(row) > 0 {
			s += row[len(row)-1]
		}
	}
	return s
}
