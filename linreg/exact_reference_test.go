package linreg

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/lanes-go/lanes/kernels"
)

// The exact solvers that linreg used before the moments engine (solve.go),
// kept as references for its tests: Householder QR of the whole centred X
// (gonum's), and coordinate descent with an active-set finish on X's
// columns.
//
// Every solver works on centred data when there is an intercept (the
// intercept is then b = ȳ − x̄·w, exactly) and on X and y as they are
// otherwise. A column that is identically zero after centring (a constant
// column with an intercept, an all-zero column without one) carries no
// information: ordinary least squares reports it as rank deficiency, the
// penalised solvers give it coefficient exactly 0.
//
// The least-squares solvers equilibrate first: column j is multiplied by a
// power of two d_j (exact, no rounding) that brings its norm into
// [0.5, 1), the solver finds v for the scaled columns, and w_j = d_j·v_j.
// This makes the rank test independent of the units of each feature.
//
//   - OLS: Householder QR (LAPACK's dgeqrf as gonum implements it, the
//     routine behind mat.QR, driven panel by panel from qr.go so that it
//     can be cancelled) of the scaled X, then Qᵀy and a triangular
//     solve. Column j is numerically dependent on columns 0..j−1 when the
//     part of it outside their span, |R_jj|, is at most
//     exactRankFactor·max(n, p)·ε times its norm; that, a zero column, or
//     fewer rows than parameters, is an error naming the column.
//   - Ridge: the same QR of the augmented matrix [X; √(n·l2)·I], which
//     minimises ‖Xw − y‖² + n·l2·‖w‖² without squaring X's condition
//     number as the normal equations would.
//   - Lasso and elastic net: cyclic coordinate descent with soft
//     thresholding finds the signs of the solution; once they stop
//     changing, an active-set method (feature-sign search) finishes the
//     job: it solves the optimality conditions on the support with those
//     signs exactly (QR again), steps towards that point until a
//     coefficient reaches 0, and lets the most violating coefficient
//     enter, each step lowering the objective. A support with dependent
//     columns (l2 = 0, e.g. more columns than rows) is reduced along its
//     null space first. The result is accepted only when the KKT
//     conditions hold to exactKKTRel relative to l1_max = max_j |x_jᵀy|/n
//     (or to what rounding allows, if that is looser). Coefficients at
//     zero are exactly 0.

const (
	// exactRankFactor times max(n, p)·ε is the relative size of R_jj below
	// which column j counts as dependent on the columns before it.
	exactRankFactor = 10
	// exactKKTRel is the KKT tolerance of coordinate descent, relative to
	// l1_max = max_j |x_jᵀy|/n (centred).
	exactKKTRel = 1e-12
	// exactMaxSweeps caps the coordinate-descent sweeps (fitOptions.maxSweeps
	// replaces it in a test).
	exactMaxSweeps = 100000
)

// exactFit solves the regularised least-squares problem
//
//	minimise (1/(2n))·Σ (x_i·w + b − y_i)² + l1·‖w‖₁ + (l2/2)·‖w‖²
//
// or returns the context's error if it is cancelled first; every long
// loop of the solvers looks at it (see canceller), and none of the looks
// changes a result. Fit passes the zero opts.
func referenceExactFit(ctx context.Context, x Matrix, y []float64, intercept bool, l1, l2 float64, opts fitOptions) (coef []float64, b float64, err error) {
	c := newCanceller(ctx, opts.hook)
	st, err := exactCentre(c, x, y, intercept)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case l1 > 0:
		sweeps := exactMaxSweeps
		if opts.maxSweeps > 0 {
			sweeps = opts.maxSweeps
		}
		coef, err = exactLasso(c, x, st, l1, l2, sweeps)
	case l2 > 0:
		coef, err = exactRidge(c, x, st, l2)
	default:
		coef, err = exactOLS(c, x, st)
	}
	if err != nil {
		return nil, 0, err
	}
	if intercept {
		b = st.ymean
		for j, w := range coef {
			b = math.FMA(-st.mean[j], w, b)
		}
	}
	for j, w := range coef {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, 0, fmt.Errorf("linreg: exact: coefficient %d is %v: the data are too large for float64 arithmetic; rescale X or y", j, w)
		}
	}
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return nil, 0, fmt.Errorf("linreg: exact: the intercept is %v: the data are too large for float64 arithmetic; rescale X or y", b)
	}
	return coef, b, nil
}

// exactStats holds the centring of a problem.
type exactStats struct {
	n, p      int
	intercept bool
	mean      []float64 // column means, all 0 without an intercept
	zero      []bool    // column j is identically 0 after centring
	ymean     float64   // 0 without an intercept
	yc        []float64 // y − ȳ
}

// exactCentre computes the column means (two-pass, corrected), which
// columns centre to exactly zero, and the centred targets. A constant
// column's mean is its value, so it centres to exact zeros. Its passes
// go row by row, in pieces between which it looks at the context.
func exactCentre(c *canceller, x Matrix, y []float64, intercept bool) (*exactStats, error) {
	n, p := x.Rows, x.Cols
	st := &exactStats{n: n, p: p, intercept: intercept, mean: make([]float64, p), zero: make([]bool, p)}
	first := x.Row(0)
	same := make([]bool, p)
	for j := range same {
		same[j] = true
	}
	err := x.pieces(c.ctx, func(lo, hi int) error {
		for i := max(lo, 1); i < hi; i++ {
			for j, v := range x.Row(i) {
				if v != first[j] {
					same[j] = false
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !intercept {
		for j := range p {
			st.zero[j] = same[j] && first[j] == 0
		}
		st.yc = append([]float64(nil), y...)
		return st, nil
	}
	fn := float64(n)
	sum := make([]float64, p)
	err = x.pieces(c.ctx, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			for j, v := range x.Row(i) {
				sum[j] += v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for j := range p {
		st.mean[j] = sum[j] / fn
		if math.IsInf(st.mean[j], 0) { // the sum overflowed
			st.mean[j] = 0
			for i := range n {
				st.mean[j] += x.At(i, j) / fn
			}
		}
		sum[j] = 0
	}
	err = x.pieces(c.ctx, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			for j, v := range x.Row(i) {
				sum[j] += v - st.mean[j]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for j := range p {
		if same[j] {
			st.mean[j], st.zero[j] = first[j], true
		} else {
			st.mean[j] += sum[j] / fn
		}
	}
	st.ymean = exactMean(y)
	st.yc = make([]float64, n)
	for i, v := range y {
		st.yc[i] = v - st.ymean
	}
	return st, nil
}

// exactMean returns the mean of v (not empty), corrected by a second pass,
// and exactly v[0] if every element equals it.
func exactMean(v []float64) float64 {
	same := true
	for _, x := range v {
		if x != v[0] {
			same = false
			break
		}
	}
	if same {
		return v[0]
	}
	fn := float64(len(v))
	var s float64
	for _, x := range v {
		s += x
	}
	m := s / fn
	if math.IsInf(m, 0) {
		m = 0
		for _, x := range v {
			m += x / fn
		}
	}
	var c float64
	for _, x := range v {
		c += x - m
	}
	return m + c/fn
}

// columns returns the centred columns idx of x, each contiguous.
func (st *exactStats) columns(c *canceller, x Matrix, idx []int) ([][]float64, error) {
	n := st.n
	data := make([]float64, n*len(idx))
	cols := make([][]float64, len(idx))
	for t := range idx {
		cols[t] = data[t*n : (t+1)*n : (t+1)*n]
	}
	err := x.pieces(c.ctx, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			row := x.Row(i)
			for t, j := range idx {
				cols[t][i] = row[j] - st.mean[j]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cols, nil
}

// exactScale returns the power of two d that brings the norm of col into
// [0.5, 1), and that scaled norm. A zero column gets d = 1 and norm 0.
func exactScale(col []float64) (d, norm float64) {
	var big float64
	for _, v := range col {
		big = max(big, math.Abs(v))
	}
	if big == 0 {
		return 1, 0
	}
	_, e := math.Frexp(big)
	s := math.Ldexp(1, -e) // big·s in [0.5, 1): the squares cannot overflow
	var ss float64
	for _, v := range col {
		t := v * s
		ss += float64(t * t)
	}
	_, e2 := math.Frexp(math.Sqrt(ss))
	k := min(-e-e2, 1000) // a subnormal column keeps a finite scale
	d = math.Ldexp(1, k)
	return d, math.Ldexp(math.Sqrt(ss), k+e)
}

// exactDense returns the row-major (n+extra)×len(cols) matrix whose
// column t is cols[t]·d[t], the extra rows zero.
func exactDense(cols [][]float64, d []float64, n, extra int) blas64.General {
	k := len(cols)
	a := blas64.General{Rows: n + extra, Cols: k, Stride: max(k, 1), Data: make([]float64, (n+extra)*max(k, 1))}
	for t, c := range cols {
		for i, v := range c {
			a.Data[i*a.Stride+t] = v * d[t]
		}
	}
	return a
}

// exactQR is a Householder QR factorisation A = QR (m ≥ k), in LAPACK's
// compact form: R in the upper triangle, the reflectors below.
type exactQR struct {
	a   blas64.General
	tau []float64
}

// exactFactor factorises a in place (m ≥ k), with the bits of
// lapack64.Geqrf, looking at c as it goes (qrFactor).
func exactFactor(c *canceller, a blas64.General) (*exactQR, error) {
	q := &exactQR{a: a, tau: make([]float64, min(a.Rows, a.Cols))}
	if err := qrFactor(c, a, q.tau, qrChunks{work: qrChunkWork, cols: qrChunkCols}); err != nil {
		return nil, err
	}
	return q, nil
}

// r returns R_jj.
func (q *exactQR) r(j int) float64 { return q.a.Data[j*q.a.Stride+j] }

// qtb returns the first k elements of Qᵀb (b of length m, not modified).
func (q *exactQR) qtb(b []float64) []float64 {
	c := blas64.General{Rows: len(b), Cols: 1, Stride: 1, Data: append([]float64(nil), b...)}
	work := []float64{0}
	lapack64.Ormqr(blas.Left, blas.Trans, q.a, q.tau, c, work, -1)
	work = make([]float64, max(int(work[0]), 1))
	lapack64.Ormqr(blas.Left, blas.Trans, q.a, q.tau, c, work, len(work))
	return c.Data[:q.a.Cols]
}

// solve overwrites v with R⁻¹v, or R⁻ᵀv if trans; false if R is singular.
func (q *exactQR) solve(trans bool, v []float64) bool {
	k := q.a.Cols
	if k == 0 {
		return true
	}
	tr := blas.NoTrans
	if trans {
		tr = blas.Trans
	}
	t := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: k, Stride: q.a.Stride, Data: q.a.Data}
	return lapack64.Trtrs(tr, t, blas64.General{Rows: k, Cols: 1, Stride: 1, Data: v})
}

// exactRankTol is the relative size of R_jj below which a column counts
// as dependent on the columns before it.
func exactRankTol(n, p int) float64 {
	return exactRankFactor * float64(max(n, p)) * 0x1p-52
}

// exactOLS solves ordinary least squares by Householder QR.
func exactOLS(c *canceller, x Matrix, st *exactStats) ([]float64, error) {
	n, p := st.n, st.p
	if params := p + exactBtoi(st.intercept); n < params {
		what := fmt.Sprintf("%d coefficients", p)
		if st.intercept {
			what = fmt.Sprintf("%d coefficients and an intercept", p)
		}
		return nil, fmt.Errorf("linreg: exact: underdetermined: X has %d rows, fewer than the %d parameters (%s); use l2 > 0 or a gradient method", n, params, what)
	}
	if p == 0 {
		return []float64{}, nil
	}
	for j := range p {
		if st.zero[j] {
			return nil, st.rankError(c, x, -1, 0)
		}
	}
	idx := make([]int, p)
	for j := range idx {
		idx[j] = j
	}
	cols, err := st.columns(c, x, idx)
	if err != nil {
		return nil, err
	}
	d, norm := make([]float64, p), make([]float64, p)
	for j, col := range cols {
		d[j], norm[j] = exactScale(col)
		if err := c.did(2 * n); err != nil {
			return nil, err
		}
	}
	q, err := exactFactor(c, exactDense(cols, d, n, 0))
	if err != nil {
		return nil, err
	}
	tol := exactRankTol(n, p)
	for j := range p {
		if r := math.Abs(q.r(j)); !(r > tol*norm[j]) {
			return nil, st.rankError(c, x, j, r/norm[j])
		}
	}
	v := q.qtb(st.yc)
	if !q.solve(false, v) {
		return nil, st.rankError(c, x, -1, 0)
	}
	for j := range v {
		v[j] *= d[j]
	}
	return v, nil
}

// exactRidge solves ridge regression by QR of [X; √(n·l2)·I].
func exactRidge(c *canceller, x Matrix, st *exactStats, l2 float64) ([]float64, error) {
	n := st.n
	w := make([]float64, st.p)
	idx := st.live()
	k := len(idx)
	if k == 0 {
		return w, nil
	}
	cols, err := st.columns(c, x, idx)
	if err != nil {
		return nil, err
	}
	d := make([]float64, k)
	for t, col := range cols {
		d[t], _ = exactScale(col)
		if err := c.did(2 * n); err != nil {
			return nil, err
		}
	}
	a := exactDense(cols, d, n, k)
	s := math.Sqrt(float64(n) * l2)
	for t := range k {
		a.Data[(n+t)*a.Stride+t] = s * d[t]
	}
	b := make([]float64, n+k)
	copy(b, st.yc)
	q, err := exactFactor(c, a)
	if err != nil {
		return nil, err
	}
	v := q.qtb(b)
	if !q.solve(false, v) {
		return nil, fmt.Errorf("linreg: exact: ridge system is singular (l2 = %g is too small for the data)", l2)
	}
	for t, j := range idx {
		w[j] = v[t] * d[t]
	}
	return w, nil
}

// live returns the columns that are not identically zero after centring.
func (st *exactStats) live() []int {
	var idx []int
	for j, z := range st.zero {
		if !z {
			idx = append(idx, j)
		}
	}
	return idx
}

// exactDependencies finds the columns of cols (each of length n, scaled
// to norms near 1; nil for a zero column) that depend on the columns before
// them, by a Householder QR that skips each dependent column: column j is
// dependent when the part of it outside the span of the independent
// columns before it has norm at most tol·‖col_j‖, the test of exactOLS.
// For each it returns col_j ≈ Σ coef_t·col_{on_t} over all the
// independent columns before it (zero: a nil or all-zero column). It stops
// after limit dependencies (0: none). It costs about n·p² multiply-adds
// and looks at c between columns.
func exactDependencies(c *canceller, cols [][]float64, n int, tol float64, limit int) ([]exactDep, error) {
	var (
		deps  []exactDep
		kept  []int       // independent columns so far
		refl  [][]float64 // reflector t acts on rows t..n−1
		taus  []float64
		rcols [][]float64 // R's column for each kept column, length t+1
	)
	z := make([]float64, n)
	for j, col := range cols {
		if limit > 0 && len(deps) == limit {
			break
		}
		if err := c.did(2*n*len(kept) + n); err != nil {
			return nil, err
		}
		var norm float64
		if col != nil {
			copy(z, col)
			norm = math.Sqrt(kernels.Dot(z, z))
		}
		if norm == 0 {
			deps = append(deps, exactDep{col: j, zero: true})
			continue
		}
		for t := range kept {
			s := kernels.Dot(refl[t], z[t:])
			kernels.Axpy(-float64(taus[t]*s), refl[t], z[t:])
		}
		k := len(kept)
		var alpha float64
		if k < n {
			alpha = math.Sqrt(kernels.Dot(z[k:], z[k:]))
		}
		if !(alpha > tol*norm) {
			// z[:k] = R_kept·c: back-substitute.
			c := make([]float64, k)
			for i := k - 1; i >= 0; i-- {
				s := z[i]
				for t := i + 1; t < k; t++ {
					s -= float64(rcols[t][i] * c[t])
				}
				c[i] = s / rcols[i][i]
			}
			deps = append(deps, exactDep{col: j, on: slices.Clone(kept), coef: c})
			continue
		}
		x0 := z[k]
		beta := -math.Copysign(alpha, x0)
		v := append([]float64(nil), z[k:]...)
		v[0] = x0 - beta
		refl = append(refl, v)
		taus = append(taus, 1/float64(alpha*(alpha+math.Abs(x0))))
		r := append([]float64(nil), z[:k+1]...)
		r[k] = beta
		rcols = append(rcols, r)
		kept = append(kept, j)
	}
	return deps, nil
}

// rankError returns the rank-deficiency error of x, naming every
// dependent column and how it depends on the independent columns before
// it (exactDependencies). firstBad and ratio are exactOLS's finding (−1
// if none), reported if this finer analysis disagrees at the margin. If
// the context is cancelled first, it returns the context's error.
func (st *exactStats) rankError(c *canceller, x Matrix, firstBad int, ratio float64) error {
	n, p := st.n, st.p
	idx := make([]int, p)
	for j := range idx {
		idx[j] = j
	}
	cols, err := st.columns(c, x, idx)
	if err != nil {
		return err
	}
	d := make([]float64, p)
	for j, col := range cols {
		d[j], _ = exactScale(col)
		for i := range col {
			col[i] *= d[j]
		}
	}
	deps, err := exactDependencies(c, cols, n, exactRankTol(n, p), 0)
	if err != nil {
		return err
	}
	// Keep the terms that matter, in the units of the data, and the
	// constant term of the relation when there is an intercept.
	for i, dep := range deps {
		if dep.zero {
			continue
		}
		var big float64
		for _, v := range dep.coef {
			big = max(big, math.Abs(v))
		}
		j := dep.col
		out := exactDep{col: j}
		var terms float64
		konst := st.mean[j]
		for t, v := range dep.coef {
			if math.Abs(v) > 1e-7*big {
				kt := dep.on[t]
				coef := v * d[kt] / d[j]
				out.on = append(out.on, kt)
				out.coef = append(out.coef, coef)
				konst = math.FMA(-coef, st.mean[kt], konst)
				terms += math.Abs(float64(coef * st.mean[kt]))
			}
		}
		if math.Abs(konst) > 1e-9*(terms+math.Abs(st.mean[j])) {
			out.konst = konst
		}
		deps[i] = out
	}
	if len(deps) == 0 {
		// exactOLS saw a negligible R_jj that this analysis, with its own
		// rounding, puts just above the threshold.
		return fmt.Errorf("linreg: exact: X is numerically rank-deficient: column %d is a linear combination of columns 0–%d (|R_jj| = %.3g·‖x_j‖); use l2 > 0 or a gradient method",
			firstBad, firstBad-1, ratio)
	}
	var msgs []string
	for i, dep := range deps {
		if i == 4 && len(deps) > 5 {
			msgs = append(msgs, fmt.Sprintf("and %d more dependent columns", len(deps)-4))
			break
		}
		msgs = append(msgs, describeDependency(dep, st.intercept, nil))
	}
	return fmt.Errorf("linreg: exact: X is rank-deficient (rank %d of %d columns): %s; use l2 > 0 or a gradient method",
		p-len(deps), p, strings.Join(msgs, "; "))
}

// exactCD is the state of coordinate descent.
type exactCD struct {
	c      *canceller
	n      int
	fn     float64
	cols   [][]float64 // centred columns, nil if identically zero
	sq     []float64   // ‖x_j‖²/n
	yc     []float64
	l1, l2 float64
	w, r   []float64 // coefficients and residual yc − Xw
	g      []float64 // x_jᵀr/n, as kkt last computed them
	tol    float64   // KKT tolerance
}

// exactLasso solves lasso / elastic net by coordinate descent, finished by
// the active-set method once the signs are stable, in at most maxSweeps
// sweeps.
func exactLasso(c *canceller, x Matrix, st *exactStats, l1, l2 float64, maxSweeps int) ([]float64, error) {
	n, p := st.n, st.p
	cd := &exactCD{c: c, n: n, fn: float64(n), cols: make([][]float64, p), sq: make([]float64, p),
		yc: st.yc, l1: l1, l2: l2, w: make([]float64, p), g: make([]float64, p),
		r: append([]float64(nil), st.yc...)}
	idx := st.live()
	cols, err := st.columns(c, x, idx)
	if err != nil {
		return nil, err
	}
	for t, col := range cols {
		cd.cols[idx[t]] = col
	}
	var l1max, maxs float64
	for j, c := range cd.cols {
		if c == nil {
			continue
		}
		if err := cd.c.did(2 * n); err != nil {
			return nil, err
		}
		cd.sq[j] = kernels.Dot(c, c) / cd.fn
		if math.IsInf(cd.sq[j], 0) {
			return nil, fmt.Errorf("linreg: exact: column %d is too large: its sum of squares overflows; rescale X", j)
		}
		l1max = max(l1max, math.Abs(kernels.Dot(c, st.yc))/cd.fn)
		maxs = max(maxs, math.Sqrt(cd.sq[j]))
	}
	if l1 >= l1max {
		return cd.w, nil // the KKT conditions hold at w = 0
	}
	ynorm := math.Sqrt(kernels.Dot(st.yc, st.yc))
	cd.tol = exactKKTRel * l1max
	fnSqrt := math.Sqrt(cd.fn)

	// floor is what rounding in x_jᵀr/n may reach at w: the tolerance
	// cannot be tighter.
	floor := func() float64 {
		s := ynorm
		for j, wj := range cd.w {
			if wj != 0 {
				s += float64(math.Abs(wj) * math.Sqrt(cd.sq[j]) * fnSqrt)
			}
		}
		return 32 * 0x1p-52 * maxs * s / fnSqrt
	}

	signs := make([]int8, p)
	prev := make([]int8, p)
	stable, next, polished := 0, 1, 0
	for sweep := 1; sweep <= maxSweeps; sweep++ {
		cd.c.step("cd")
		// A look between sweeps, and within one every few million
		// multiply-adds, for wide data whose sweeps are long.
		if err := cd.c.now(); err != nil {
			return nil, err
		}
		var sumd float64
		for j, c := range cd.cols {
			if c == nil {
				continue
			}
			if err := cd.c.did(2 * n); err != nil {
				return nil, err
			}
			wj := cd.w[j]
			rho := kernels.Dot(c, cd.r)/cd.fn + float64(cd.sq[j]*wj)
			var wn float64
			switch {
			case rho > l1:
				wn = (rho - l1) / (cd.sq[j] + l2)
			case rho < -l1:
				wn = (rho + l1) / (cd.sq[j] + l2)
			}
			if wn != wj {
				kernels.Axpy(wj-wn, c, cd.r)
				sumd += float64(math.Abs(wn-wj) * math.Sqrt(cd.sq[j]))
				cd.w[j] = wn
			}
		}
		for j, wj := range cd.w {
			signs[j] = int8(exactSign(wj))
		}
		if slices.Equal(signs, prev) {
			stable++
		} else {
			stable, next = 0, 1
			copy(prev, signs)
		}
		tol := max(cd.tol, floor())
		check := float64(maxs*sumd) <= tol || sweep%128 == 0
		// Try the active-set method when the signs have been stable for
		// 1, 2, 4, 8, … sweeps, and at least every 16 sweeps.
		polish := stable == next || sweep-polished >= 16
		if stable == next {
			next *= 2
		}
		if !check && !polish {
			continue
		}
		// Rigorous check of the iterate, which also clears the residual's
		// drift.
		if viol, _ := cd.kkt(); viol <= tol {
			return cd.w, nil
		}
		if polish {
			polished = sweep
			if done, err := cd.activeSet(signs, floor); err != nil {
				return nil, err
			} else if done {
				return cd.w, nil
			}
		}
	}
	viol, _ := cd.kkt()
	return nil, fmt.Errorf("linreg: exact: coordinate descent did not meet the optimality (KKT) conditions in %d sweeps: violation %.3g > tolerance %.3g (%.3g relative to l1_max = %.6g)",
		maxSweeps, viol, max(cd.tol, floor()), viol/l1max, l1max)
}

func exactSign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// activeSet runs the feature-sign active-set method from w with the
// given signs (w_j has sign signs[j] or is 0): it moves to the optimum on
// the support with those signs fixed, or towards it until the first
// coefficient reaches 0, which then leaves the support; at an optimum on
// its support it stops if the KKT conditions hold, and otherwise lets
// the most violating coefficient enter with the sign of its gradient.
// Each step lowers the objective. It gives up, leaving a w no worse than
// it found, if a support is numerically rank-deficient or after 4p+16
// steps; the residual is then fresh. A support whose columns are
// numerically dependent (l2 = 0) is first reduced by nullStep. It reports
// whether the KKT conditions hold, or the context's error if it is
// cancelled first.
func (cd *exactCD) activeSet(signs []int8, floor func() float64) (bool, error) {
	for range 4*len(signs) + 16 {
		cd.c.step("active")
		if err := cd.c.now(); err != nil {
			return false, err
		}
		wf, ok, err := cd.faceOptimum(signs)
		if err != nil {
			return false, err
		}
		if !ok {
			stepped, err := cd.nullStep(signs)
			if err != nil {
				return false, err
			}
			if !stepped {
				break
			}
		}
		if !ok || !cd.towards(wf, signs) {
			for j, w := range cd.w {
				signs[j] = int8(exactSign(w))
			}
			continue
		}
		viol, worst := cd.kkt()
		if viol <= max(cd.tol, floor()) {
			return true, nil
		}
		if worst < 0 {
			return false, nil
		}
		signs[worst] = int8(exactSign(cd.g[worst]))
	}
	cd.residual()
	return false, nil
}

// nullStep handles a support whose columns are numerically dependent
// (possible only with l2 = 0): along a direction z of their null space
// the loss does not change, and the penalty changes linearly, by
// l1·Σ signs_j·z_j per unit step; it moves w along ±z, the way the
// penalty does not increase, until the first coefficient reaches 0 and
// leaves the support. It reports false if it finds no dependency, and
// the context's error if it is cancelled first.
func (cd *exactCD) nullStep(signs []int8) (bool, error) {
	var idx []int
	for j, s := range signs {
		if s != 0 {
			idx = append(idx, j)
		}
	}
	cols := make([][]float64, len(idx))
	d := make([]float64, len(idx))
	for t, j := range idx {
		d[t], _ = exactScale(cd.cols[j])
		cols[t] = slices.Clone(cd.cols[j])
		for i := range cols[t] {
			cols[t][i] *= d[t]
		}
	}
	deps, err := exactDependencies(cd.c, cols, cd.n, exactRankTol(cd.n, len(idx)), 1)
	if err != nil {
		return false, err
	}
	if len(deps) == 0 || deps[0].zero {
		return false, nil
	}
	// z = e_col − Σ coef_t·e_on_t in scaled units; dz = D·z in w's.
	dep := deps[0]
	dz := make([]float64, len(idx))
	dz[dep.col] = d[dep.col]
	for t, k := range dep.on {
		dz[k] = -dep.coef[t] * d[k]
	}
	var slope float64
	for t, j := range idx {
		slope += float64(signs[j]) * dz[t]
	}
	if slope > 0 {
		for t := range dz {
			dz[t] = -dz[t]
		}
	}
	alpha := math.Inf(1)
	for t, j := range idx {
		if float64(signs[j])*dz[t] < 0 {
			alpha = min(alpha, math.Abs(cd.w[j])/math.Abs(dz[t]))
		}
	}
	if math.IsInf(alpha, 0) {
		return false, nil
	}
	for t, j := range idx {
		v := math.FMA(alpha, dz[t], cd.w[j])
		if float64(signs[j])*dz[t] < 0 && math.Abs(cd.w[j])/math.Abs(dz[t]) <= alpha || exactSign(v) != int(signs[j]) {
			v = 0
		}
		cd.w[j] = v
	}
	return true, nil
}

// towards moves w towards wf, the optimum on the support of signs with
// those signs fixed, as far as it can without a coefficient changing sign
// (the step of an active-set method): the penalised objective, a convex
// quadratic on that orthant, decreases all the way. The coefficients that
// reach 0 first become exactly 0. It reports whether w reached wf.
func (cd *exactCD) towards(wf []float64, signs []int8) bool {
	t := 1.0
	for j, s := range signs {
		if s == 0 || exactSign(wf[j]) == int(s) {
			continue
		}
		if cd.w[j] == 0 { // a coefficient just entering, in the wrong direction
			t = 0
		} else {
			t = min(t, cd.w[j]/(cd.w[j]-wf[j])) // in (0, 1]
		}
	}
	if t == 1 {
		copy(cd.w, wf)
		return true
	}
	for j, s := range signs {
		if s == 0 {
			continue
		}
		v := math.FMA(t, wf[j]-cd.w[j], cd.w[j])
		if exactSign(wf[j]) != int(s) && (cd.w[j] == 0 || cd.w[j]/(cd.w[j]-wf[j]) <= t) || exactSign(v) != int(s) {
			v = 0
		}
		cd.w[j] = v
	}
	return false
}

// residual recomputes r = y − Xw from scratch.
func (cd *exactCD) residual() {
	copy(cd.r, cd.yc)
	for j, c := range cd.cols {
		if c != nil && cd.w[j] != 0 {
			kernels.Axpy(-cd.w[j], c, cd.r)
		}
	}
}

// kkt recomputes the residual from scratch and returns the largest
// violation of the optimality conditions, |g_j − l2·w_j − l1·sign(w_j)|
// where w_j ≠ 0 and |g_j| − l1 where w_j = 0, for g_j = x_jᵀr/n (kept in
// cd.g), and the zero coefficient that violates them most (−1 if none).
func (cd *exactCD) kkt() (float64, int) {
	cd.residual()
	var viol, worstViol float64
	worst := -1
	for j, c := range cd.cols {
		if c == nil {
			continue
		}
		g := kernels.Dot(c, cd.r) / cd.fn
		cd.g[j] = g
		wj := cd.w[j]
		switch {
		case wj > 0:
			viol = max(viol, math.Abs(g-float64(cd.l2*wj)-cd.l1))
		case wj < 0:
			viol = max(viol, math.Abs(g-float64(cd.l2*wj)+cd.l1))
		default:
			v := math.Abs(g) - cd.l1
			viol = max(viol, v)
			if v > worstViol {
				worst, worstViol = j, v
			}
		}
	}
	return viol, worst
}

// faceOptimum solves the optimality conditions on the support of signs with
// those signs fixed,
//
//	(X_AᵀX_A/n + l2·I)·w_A = X_Aᵀy/n − l1·s,
//
// by QR of the scaled, augmented X_A: with M = [X_A·D; √(n·l2)·D] = QR and
// w = D·v, RᵀR·v = Rᵀ·Qᵀ[y; 0] − n·l1·D·s, so R·v = Qᵀ[y; 0] − R⁻ᵀ(n·l1·D·s).
// It reports false if the support is numerically rank-deficient, and the
// context's error if it is cancelled first.
func (cd *exactCD) faceOptimum(signs []int8) ([]float64, bool, error) {
	var idx []int
	for j, s := range signs {
		if s != 0 {
			idx = append(idx, j)
		}
	}
	k, n := len(idx), cd.n
	if k == 0 || (cd.l2 == 0 && k > n) {
		return nil, false, nil
	}
	cols := make([][]float64, k)
	d, norm := make([]float64, k), make([]float64, k)
	for t, j := range idx {
		cols[t] = cd.cols[j]
		d[t], norm[t] = exactScale(cols[t])
	}
	extra := 0
	if cd.l2 > 0 {
		extra = k
	}
	a := exactDense(cols, d, n, extra)
	s := math.Sqrt(cd.fn * cd.l2)
	for t := range extra {
		a.Data[(n+t)*a.Stride+t] = s * d[t]
	}
	q, err := exactFactor(cd.c, a)
	if err != nil {
		return nil, false, err
	}
	tol := exactRankTol(n, k)
	for t := range k {
		if r := math.Abs(q.r(t)); !(r > tol*norm[t]) || math.IsInf(r, 0) {
			return nil, false, nil
		}
	}
	b := make([]float64, n+extra)
	copy(b, cd.yc)
	v := q.qtb(b)
	u := make([]float64, k)
	for t, j := range idx {
		u[t] = cd.fn * cd.l1 * d[t] * float64(signs[j])
	}
	if !q.solve(true, u) {
		return nil, false, nil
	}
	for t := range v {
		v[t] -= u[t]
	}
	if !q.solve(false, v) {
		return nil, false, nil
	}
	w := make([]float64, len(cd.w))
	for t, j := range idx {
		w[j] = v[t] * d[t]
	}
	return w, true, nil
}
