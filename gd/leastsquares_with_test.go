package gd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// stdProblem is a least-squares problem with columns of different offsets
// and scales, the options that standardise it, and the standardised copy
// of its data, z = (x − Shift)⊙Scale and t = (y − YShift)·YScale.
type stdProblem struct {
	rows, cols int
	x, y       []float64
	opts       LeastSquaresOptions
	z, t       []float64
}

// newStdProblem generates rows × cols features, column j around offset
// 3j−2 with spread 0.1·2^j, and targets of a linear model plus noise;
// Shift and Scale are the columns' means and inverse spreads, YShift and
// YScale the targets'.
func newStdProblem(t testing.TB, seed uint64, rows, cols int, intercept bool) *stdProblem {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	p := &stdProblem{rows: rows, cols: cols, x: make([]float64, rows*cols), y: make([]float64, rows)}
	for i := range rows {
		v := 1.5
		for j := range cols {
			x := float64(3*j-2) + float64(float64(0.1*math.Ldexp(1, j))*unif(rng))
			p.x[i*cols+j] = x
			v += float64(float64(1-2*float64(j%2)) * x)
		}
		p.y[i] = v + float64(0.3*unif(rng))
	}
	p.opts = LeastSquaresOptions{Intercept: intercept, Shift: make([]float64, cols), Scale: make([]float64, cols)}
	for j := range cols {
		var s, ss float64
		for i := range rows {
			s += p.x[i*cols+j]
		}
		mean := s / float64(rows)
		for i := range rows {
			d := p.x[i*cols+j] - mean
			ss += float64(d * d)
		}
		p.opts.Shift[j], p.opts.Scale[j] = mean, 1/math.Sqrt(ss/float64(rows))
	}
	var s, ss float64
	for _, v := range p.y {
		s += v
	}
	p.opts.YShift = s / float64(rows)
	for _, v := range p.y {
		d := v - p.opts.YShift
		ss += float64(d * d)
	}
	p.opts.YScale = 1 / math.Sqrt(ss/float64(rows))
	p.standardizeCopy()
	return p
}

// standardizeCopy computes z and t from x, y and the options.
func (p *stdProblem) standardizeCopy() {
	p.z, p.t = make([]float64, len(p.x)), make([]float64, len(p.y))
	for i := range p.rows {
		for j := range p.cols {
			p.z[i*p.cols+j] = float64((p.x[i*p.cols+j] - p.opts.Shift[j]) * p.opts.Scale[j])
		}
		p.t[i] = float64((p.y[i] - p.opts.YShift) * p.opts.YScale)
	}
}

func (p *stdProblem) d() int {
	if p.opts.Intercept {
		return p.cols + 1
	}
	return p.cols
}

// objective returns the standardised objective on x.
func (p *stdProblem) objective(t testing.TB) *LeastSquares {
	t.Helper()
	ls, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, p.opts)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// copyObjective returns the plain objective of the standardised copy.
func (p *stdProblem) copyObjective(t testing.TB) *LeastSquares {
	t.Helper()
	ls, err := NewLeastSquares(p.z, p.cols, p.t, p.opts.Intercept)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// someW returns parameters of moderate size, different for each j.
func someW(d int) []float64 {
	w := make([]float64, d)
	for j := range w {
		w[j] = float64(0.7*float64(j%3)) - 0.4 + float64(0.05*float64(j))
	}
	return w
}

// TestStandardizedMatchesCopy: the standardised objective on x gives the
// loss and gradient of the plain objective on the standardised copy of x
// and y, for every kind of batch, with and without an intercept, to
// within rounding: its residuals are computed in data units, r = x·u + c − y,
// whose terms are larger than the standardised residual, so the bound is
// 4 ulps of the terms' magnitude rather than of the result.
func TestStandardizedMatchesCopy(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 1, 37, 5, intercept)
		ls, ref := p.objective(t), p.copyObjective(t)
		w := someW(p.d())
		// The scale of the residuals' terms, in standardised units:
		// |x_j·u_j| summed, times YScale.
		u := make([]float64, p.cols)
		ls.DataUnits(w, u)
		var scale, zmax float64
		for _, v := range p.z {
			zmax = max(zmax, math.Abs(v))
		}
		for i := range p.rows {
			var s float64
			for j := range p.cols {
				s += math.Abs(p.x[i*p.cols+j] * u[j])
			}
			scale = max(scale, (s+math.Abs(p.y[i]))*p.opts.YScale)
		}
		for name, b := range lsBatches() {
			g, gref := make([]float64, p.d()), make([]float64, p.d())
			loss, lref := ls.Eval(w, b, g), ref.Eval(w, b, gref)
			// A residual off by δ ≤ 4 ulps of scale moves ½ρ² by |ρ|·δ and
			// ρ·z_j by |z_j|·δ.
			tol := 4 * 0x1p-52 * scale
			if e := math.Abs(loss - lref); e > tol*math.Sqrt(2*lref) {
				t.Errorf("intercept %v, %s: loss %.17g, on the standardised copy %.17g (%.3g apart)", intercept, name, loss, lref, e)
			}
			for j := range g {
				if e := math.Abs(g[j] - gref[j]); e > tol*max(zmax, 1) {
					t.Errorf("intercept %v, %s: gradient[%d] %.17g, on the standardised copy %.17g (%.3g apart)", intercept, name, j, g[j], gref[j], e)
				}
			}
			if l := ls.Eval(w, b, nil); math.Float64bits(l) != math.Float64bits(loss) {
				t.Errorf("intercept %v, %s: loss without gradient %v, with %v", intercept, name, l, loss)
			}
		}
	}
}

// TestStandardizedFiniteDifferences: the standardised gradient is the
// derivative of the standardised loss.
func TestStandardizedFiniteDifferences(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 2, 37, 5, intercept)
		ls := p.objective(t)
		w := someW(p.d())
		for name, b := range lsBatches() {
			g := make([]float64, p.d())
			ls.Eval(w, b, g)
			for j := range w {
				const h = 1e-5
				wp, wm := slices.Clone(w), slices.Clone(w)
				wp[j] += h
				wm[j] -= h
				fd := (ls.Eval(wp, b, nil) - ls.Eval(wm, b, nil)) / (2 * h)
				if math.Abs(fd-g[j]) > 1e-6*(1+math.Abs(g[j])) {
					t.Errorf("intercept %v, %s, parameter %d: gradient %.12g, finite difference %.12g", intercept, name, j, g[j], fd)
				}
			}
		}
	}
}

// TestStandardizedRowsEqualRange: as TestLeastSquaresRowsEqualRange, with
// standardisation: listed rows, a range and a single row agree bit for
// bit.
func TestStandardizedRowsEqualRange(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 3, 37, 5, intercept)
		ls := p.objective(t)
		w := someW(p.d())
		for _, r := range [][2]int{{0, 37}, {5, 6}, {36, 37}, {3, 9}} {
			b := Range(r[0], r[1])
			g1, g2 := make([]float64, p.d()), make([]float64, p.d())
			l1, l2 := ls.Eval(w, b, g1), ls.Eval(w, Rows(batchRows(b)), g2)
			if math.Float64bits(l1) != math.Float64bits(l2) || sameBits(g1, g2) >= 0 {
				t.Errorf("intercept %v, rows %v: range %v %v, listed %v %v", intercept, r, l1, g1, l2, g2)
			}
		}
	}
}

// TestStandardizedIdentity: Shift 0, Scale 1, YShift 0 and YScale 1 give
// the unstandardised objective's loss and gradient bit for bit on a
// contiguous batch: every conversion is exact.
func TestStandardizedIdentity(t *testing.T) {
	pr, plain := lsCase(t, true)
	o := LeastSquaresOptions{Intercept: true, Shift: make([]float64, pr.p), Scale: make([]float64, pr.p), YScale: 1}
	for j := range o.Scale {
		o.Scale[j] = 1
	}
	ls, err := NewLeastSquaresWith(pr.x, pr.n, pr.p, pr.y, o)
	if err != nil {
		t.Fatal(err)
	}
	w := someW(pr.d())
	for name, b := range lsBatches() {
		g1, g2 := make([]float64, pr.d()), make([]float64, pr.d())
		l1, l2 := ls.Eval(w, b, g1), plain.Eval(w, b, g2)
		if math.Float64bits(l1) != math.Float64bits(l2) || sameBits(g1, g2) >= 0 {
			t.Errorf("%s: identity standardisation %v %v, none %v %v", name, l1, g1, l2, g2)
		}
	}
}

// TestLeftOutColumn: a column with Scale 0 has gradient 0, so its
// parameter stays where it started, through Eval and the steps.
func TestLeftOutColumn(t *testing.T) {
	p := newStdProblem(t, 4, 37, 4, true)
	p.opts.Scale[2] = 0
	ls := p.objective(t)
	w := someW(p.d())
	for name, b := range lsBatches() {
		g := make([]float64, p.d())
		ls.Eval(w, b, g)
		if g[2] != 0 {
			t.Errorf("%s: gradient of the left-out column %v", name, g[2])
		}
	}
	for _, u := range []Update{Plain{}, plainInDisguise{}} {
		res := mustMinimize(t, ls, w, Config{Method: SGD, Rate: 0.01, MaxEpochs: 3, Update: u})
		if res.W[2] != w[2] {
			t.Errorf("%T: the left-out column's parameter moved from %v to %v", u, w[2], res.W[2])
		}
	}
}

// TestInterceptOnlyStandardized: with no columns the standardised model
// is the intercept alone, and SGD with rates 1/(k+1) finds the
// standardised mean, 0.
func TestInterceptOnlyStandardized(t *testing.T) {
	y := []float64{1, 2, 4, 8, 16}
	ls, err := NewLeastSquaresWith(nil, 5, 0, y, LeastSquaresOptions{Intercept: true, YShift: 6.2, YScale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	g := []float64{math.NaN()}
	loss := ls.Eval([]float64{1}, All(5), g)
	var wantLoss, wantGrad float64
	for _, v := range y {
		rho := 1 - float64((v-6.2)*0.5)
		wantLoss += 0.5 * rho * rho / 5
		wantGrad += rho / 5
	}
	if math.Abs(loss-wantLoss) > 1e-15*wantLoss || math.Abs(g[0]-wantGrad) > 1e-15*wantGrad {
		t.Errorf("loss %v, gradient %v; want %v, %v", loss, g[0], wantLoss, wantGrad)
	}
	// A step of rate 1/(k+1) makes b' the mean of the k+1 targets seen,
	// so whole epochs end at the standardised mean, 0.
	res := mustMinimize(t, ls, []float64{1}, Config{Method: SGD, Schedule: InverseScaling{Eta0: 1, Power: 1}, MaxEpochs: 4, Seed: 3})
	if math.Abs(res.W[0]) > 1e-14 {
		t.Errorf("intercept-only SGD: %v, want 0", res.W[0])
	}
}

// TestDataUnits: the model in data units predicts, on every row, the
// standardised prediction in the targets' units.
func TestDataUnits(t *testing.T) {
	for _, intercept := range []bool{false, true} {
		p := newStdProblem(t, 5, 20, 4, intercept)
		ls := p.objective(t)
		w := someW(p.d())
		coef := make([]float64, p.cols)
		b := ls.DataUnits(w, coef)
		for i := range p.rows {
			got := b
			want := 0.0
			for j := range p.cols {
				got += coef[j] * p.x[i*p.cols+j]
				want += w[j] * p.z[i*p.cols+j]
			}
			if intercept {
				want += w[p.cols]
			}
			want = want/p.opts.YScale + p.opts.YShift
			if math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
				t.Errorf("intercept %v, row %d: data units predict %v, standardised %v", intercept, i, got, want)
			}
		}
	}
	// Without standardisation they are the parameters.
	_, plain := lsCase(t, true)
	w := someW(6)
	coef := make([]float64, 5)
	if b := plain.DataUnits(w, coef); b != w[5] || sameBits(coef, w[:5]) >= 0 {
		t.Errorf("unstandardised DataUnits: %v, %v; want %v", coef, b, w)
	}
}

// TestStride: a matrix with padding between its rows (NaN, never read)
// gives the packed matrix's bits, for every batch, with and without
// standardisation.
func TestStride(t *testing.T) {
	p := newStdProblem(t, 6, 37, 5, true)
	const stride = 8
	padded := make([]float64, (p.rows-1)*stride+p.cols)
	for k := range padded {
		padded[k] = math.NaN()
	}
	for i := range p.rows {
		copy(padded[i*stride:], p.x[i*p.cols:(i+1)*p.cols])
	}
	for _, std := range []bool{false, true} {
		o := p.opts
		if !std {
			o = LeastSquaresOptions{Intercept: true}
		}
		packed, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
		if err != nil {
			t.Fatal(err)
		}
		o.Stride = stride
		strided, err := NewLeastSquaresWith(padded, p.rows, p.cols, p.y, o)
		if err != nil {
			t.Fatal(err)
		}
		w := someW(p.d())
		for name, b := range lsBatches() {
			g1, g2 := make([]float64, p.d()), make([]float64, p.d())
			l1, l2 := packed.Eval(w, b, g1), strided.Eval(w, b, g2)
			if math.Float64bits(l1) != math.Float64bits(l2) || sameBits(g1, g2) >= 0 {
				t.Errorf("std %v, %s: strided %v %v, packed %v %v", std, name, l2, g2, l1, g1)
			}
		}
		cfg := Config{Method: SGD, Rate: 0.01, MaxEpochs: 2, Seed: 4}
		compareRuns(t, fmt.Sprintf("std %v, SGD", std), mustMinimize(t, packed, w, cfg), mustMinimize(t, strided, w, cfg))
	}
}

// bigStdProblem has more rows than three blocks of the fused pass.
func bigStdProblem(t testing.TB, intercept bool) *stdProblem {
	return newStdProblem(t, 7, 3*kernels.BlockRows+1234, 7, intercept)
}

// TestWorkersAndWindowsSameBits: the number of workers and the windows of
// Release never change a loss or a gradient, for batches of many blocks,
// of a part of a block, and listed rows, with and without
// standardisation.
func TestWorkersAndWindowsSameBits(t *testing.T) {
	p := bigStdProblem(t, true)
	n := p.rows
	batches := map[string]Batch{
		"all": All(n), "from 5": Range(5, n), "middle": Range(3000, 9001), "a block": Range(kernels.BlockRows, 2*kernels.BlockRows),
		"small": Range(100, 200), "one row": Range(9000, 9001), "listed": Rows([]int{n - 1, 0, 4096, 77, 8191}),
	}
	for _, std := range []bool{false, true} {
		o := p.opts
		if !std {
			o = LeastSquaresOptions{Intercept: true}
		}
		w := someW(p.d())
		type result struct {
			loss float64
			g    []float64
		}
		want := map[string]result{}
		for _, workers := range []int{1, 2, 3, 8} {
			for _, window := range []int{0, kernels.BlockRows, 2 * kernels.BlockRows} {
				o := o
				o.Workers = workers
				if window > 0 {
					o.Window, o.Release = window, func(lo, hi int) {}
				}
				ls, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
				if err != nil {
					t.Fatal(err)
				}
				for name, b := range batches {
					g := make([]float64, p.d())
					loss := ls.Eval(w, b, g)
					r, ok := want[name]
					if !ok {
						want[name] = result{loss, g}
						continue
					}
					if math.Float64bits(loss) != math.Float64bits(r.loss) || sameBits(g, r.g) >= 0 {
						t.Errorf("std %v, %d workers, window %d, %s: %v %v; 1 worker, no windows: %v %v", std, workers, window, name, loss, g, r.loss, r.g)
					}
				}
				ls.Close()
			}
		}
		clear(want)
	}
}

// TestRelease: the windows released by Eval and the steps: a batch of
// many windows releases each after its pass; a small contiguous batch
// keeps its window until one elsewhere comes; listed rows release
// nothing; Close releases the window kept.
func TestRelease(t *testing.T) {
	p := bigStdProblem(t, true) // 13522 rows: windows of 4096 rows 0 … 3
	var log []string
	o := p.opts
	o.Window, o.Release = kernels.BlockRows, func(lo, hi int) { log = append(log, fmt.Sprintf("[%d,%d)", lo, hi)) }
	ls, err := NewLeastSquaresWith(p.x, p.rows, p.cols, p.y, o)
	if err != nil {
		t.Fatal(err)
	}
	w := someW(p.d())
	expect := func(what string, want ...string) {
		t.Helper()
		if strings.Join(log, " ") != strings.Join(want, " ") {
			t.Errorf("%s: released %v, want %v", what, log, want)
		}
		log = nil
	}
	ls.Eval(w, All(p.rows), nil)
	expect("all rows", "[0,4096)", "[4096,8192)", "[8192,12288)", "[12288,13522)")
	ls.Eval(w, Range(10, 20), nil)
	expect("rows 10…19")
	ls.Eval(w, Range(4000, 5000), nil) // into window 1: window 0 is left behind
	expect("rows 4000…4999", "[0,4096)")
	ls.Eval(w, Rows([]int{0, 13000}), nil)
	expect("listed rows")
	ls.Eval(w, Range(9000, 9001), nil) // window 2: window 1 goes
	expect("row 9000", "[4096,8192)")
	ls.BeginSteps(w)
	ls.StepRows(Range(12287, 12290), []float64{0.01, 0.01, 0.01}, 0)
	expect("steps on rows 12287…12289", "[8192,12288)")
	ls.StepRows(Rows([]int{1, 2}), []float64{0.01, 0.01}, 0)
	expect("steps on listed rows")
	ls.Eval(w, Range(p.rows-1, p.rows), nil)
	expect("the last row")
	// More than a window: the windows of the batch, from its first row.
	ls.Eval(w, Range(100, 9000), nil)
	expect("rows 100…8999", "[12288,13522)", "[100,4196)", "[4196,8292)", "[8292,9000)")
	ls.Eval(w, Range(p.rows-1, p.rows), nil)
	ls.Close()
	expect("Close", "[12288,13522)")
	ls.Close()
	expect("Close again")
}

// TestNewLeastSquaresWithErrors: bad sizes and options name the field.
func TestNewLeastSquaresWithErrors(t *testing.T) {
	x, y := make([]float64, 12), make([]float64, 4) // 4 × 3
	std := func(f func(*LeastSquaresOptions)) LeastSquaresOptions {
		o := LeastSquaresOptions{Intercept: true, Shift: make([]float64, 3), Scale: []float64{1, 1, 1}, YScale: 1}
		f(&o)
		return o
	}
	nan := math.NaN()
	for _, c := range []struct {
		name       string
		x          []float64
		rows, cols int
		y          []float64
		o          LeastSquaresOptions
		want       string
	}{
		{"negative rows", x, -1, 3, y, LeastSquaresOptions{}, "negative dimension"},
		{"no rows", x, 0, 3, nil, LeastSquaresOptions{}, "no examples"},
		{"y length", x, 4, 3, make([]float64, 5), LeastSquaresOptions{}, "len(y) = 5, want rows = 4"},
		{"no parameters", nil, 4, 0, y, LeastSquaresOptions{}, "no parameters"},
		{"short x", x[:11], 4, 3, y, LeastSquaresOptions{}, "len(x) = 11"},
		{"short strided x", x, 4, 3, y, LeastSquaresOptions{Stride: 4}, "len(x) = 12, want at least (rows−1)·stride + cols for 4 rows of stride 4"},
		{"stride < cols", x, 4, 3, y, LeastSquaresOptions{Stride: 2}, "Stride = 2"},
		{"NaN in x", append(slices.Clone(x[:7]), nan, 0, 0, 0, 0), 4, 3, y, LeastSquaresOptions{}, "x row 2, column 1 is NaN"},
		{"Inf in y", x, 4, 3, []float64{0, 0, math.Inf(1), 0}, LeastSquaresOptions{}, "y[2] (row 2) is +Inf"},
		{"Shift alone", x, 4, 3, y, LeastSquaresOptions{Shift: make([]float64, 3)}, "len(LeastSquaresOptions.Scale) = 0"},
		{"YScale alone", x, 4, 3, y, LeastSquaresOptions{YScale: 1}, "len(LeastSquaresOptions.Shift) = 0"},
		{"short Scale", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.Scale = o.Scale[:2] }), "len(LeastSquaresOptions.Scale) = 2, want cols = 3"},
		{"negative Scale", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.Scale[1] = -1 }), "Scale[1] is -1"},
		{"NaN Shift", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.Shift[2] = nan }), "Shift[2] is NaN"},
		{"no YScale", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.YScale = 0 }), "YScale is 0"},
		{"Inf YScale", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.YScale = math.Inf(1) }), "YScale is +Inf"},
		{"NaN YShift", x, 4, 3, y, std(func(o *LeastSquaresOptions) { o.YShift = nan }), "YShift is NaN"},
		{"zero weight", x, 4, 3, y, LeastSquaresOptions{PenaltyWeights: []float64{1, 0, 1}}, "PenaltyWeights[1] is 0"},
		{"short weights", x, 4, 3, y, LeastSquaresOptions{PenaltyWeights: []float64{1}}, "len(LeastSquaresOptions.PenaltyWeights) = 1"},
		{"window without release", x, 4, 3, y, LeastSquaresOptions{Window: 4096}, "Window = 4096 without Release"},
		{"release without window", x, 4, 3, y, LeastSquaresOptions{Release: func(int, int) {}}, "Window = 0, want a positive multiple"},
		{"odd window", x, 4, 3, y, LeastSquaresOptions{Release: func(int, int) {}, Window: 5000}, "Window = 5000"},
	} {
		ls, err := NewLeastSquaresWith(c.x, c.rows, c.cols, c.y, c.o)
		if err == nil || ls != nil {
			t.Errorf("%s: got %v, %v; want an error", c.name, ls, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "NewLeastSquaresWith") {
			t.Errorf("%s: %q does not say %q", c.name, err, c.want)
		}
	}
	// Unchecked leaves the values alone; a longer x than needed is fine.
	bad := append(slices.Clone(x), nan)
	bad[0] = nan
	if _, err := NewLeastSquaresWith(bad, 4, 3, y, LeastSquaresOptions{Unchecked: true}); err != nil {
		t.Errorf("Unchecked: %v", err)
	}
}

// TestPenaltyWeightsOption: PenaltyWeights penalise as a PenaltyWeighter
// of the same weights does, bit for bit; without them the objective
// keeps the arithmetic of one without weights (the golden runs hold it
// to that).
func TestPenaltyWeightsOption(t *testing.T) {
	pr := small(t)
	c := []float64{0.5, 2, 3}
	ls, err := NewLeastSquaresWith(pr.x, pr.n, pr.p, pr.y, LeastSquaresOptions{Intercept: true, PenaltyWeights: c})
	if err != nil {
		t.Fatal(err)
	}
	wrapped := weighted{pr.objective(t), append(slices.Clone(c), 1)}
	for _, cfg := range []Config{
		{Rate: 0.05, L1: 0.02, L2: 0.1, MaxEpochs: 50},
		{Method: SGD, Rate: 0.01, L1: 0.02, L2: 0.1, MaxEpochs: 5, Seed: 2},
	} {
		compareRuns(t, fmt.Sprintf("%v", cfg.Method), mustMinimize(t, ls, make([]float64, 4), cfg), mustMinimize(t, wrapped, make([]float64, 4), cfg))
	}
	if weighter(pr.objective(t)) != nil {
		t.Error("a LeastSquares without PenaltyWeights counts as weighted")
	}
}
