package lsq

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/internal/golden"
	"github.com/lanes-go/lanes/kernels"
)

// TestEngineGolden is the promise of the engine, the same bits on every
// CPU, GOARCH and implementation of the kernels, as one number: every
// pass and solver of the package (the moments, centred, raw and at given
// shifts; the problem with and without intercept and penalties; Factor
// and Solve; MaxEigen; Lasso; the Quadratic objective and its validation
// twin; the metrics passes) on seeded data of several shapes (engineGoldenSets)
// becomes a line of a table, and the SHA-256 of the table must be the
// value committed in testdata/golden/engine.txt. CI runs it under qemu
// on arm64, riscv64, ppc64le, s390x and 386. It follows TestTSQRGolden,
// whose random source (tsqrGoldenRand) it shares, and package
// internal/golden: the flag, the files, the hashing and the diff.
//
// testdata/golden/engine-table.txt has one line per case: its
// description, then "#" and the first 16 hex digits of the SHA-256 of the
// result's fields (golden.HashFields). engine.txt holds the SHA-256 of
// the table. A pass needs only the hash; the table is there to name the
// first case that differs, and the test then names the field and element.
//
// Regenerate, only when the engine's arithmetic changes on purpose:
//
//	go test ./internal/lsq -run '^TestEngineGolden$' -update-golden

var engineGoldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "engine-table.txt"),
	Hash:    filepath.Join(golden.Dir, "engine.txt"),
	Header:  "# lsq engine golden table: case, then #sha256[:8] of its fields (name, text, length, bits little-endian; NaN canonical)\n",
	Command: "go test ./internal/lsq -run '^TestEngineGolden$' -update-golden",
}

// The golden table runs on three goroutines in windows of two blocks;
// TestEngineGoldenSameBits checks that other choices give the same bits.
const (
	engineGoldenWorkers = 3
	engineGoldenWindow  = 2 * kernels.BlockRows
)

func TestEngineGolden(t *testing.T) {
	cases := engineGoldenCases()
	if golden.Update() {
		// Written with generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		table := engineGoldenTableOf(cases, engineGoldenWorkers, engineGoldenWindow)
		restore()
		engineGoldenFiles.Write(t, table)
	}
	want := engineGoldenFiles.Want(t)
	for _, impl := range kernels.Available() {
		t.Run(impl, func(t *testing.T) {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			table := engineGoldenTableOf(cases, engineGoldenWorkers, engineGoldenWindow)
			engineGoldenFiles.Check(t, want, table, func(committed string) string {
				return engineGoldenDiff(cases, committed, table, engineGoldenWorkers, engineGoldenWindow)
			})
		})
	}
}

// TestEngineGoldenSameBits: the passes over the rows (the moments and
// the metrics) do not depend on the number of goroutines or on the
// windows (none, one block, two), with the kernels in use;
// TestEngineGolden covers the implementations. (The solvers' lines are
// functions of the moments' bits alone.)
func TestEngineGoldenSameBits(t *testing.T) {
	var cases []engineGoldenCase
	for _, c := range engineGoldenCases() {
		if c.pass {
			cases = append(cases, c)
		}
	}
	want := engineGoldenTableOf(cases, engineGoldenWorkers, engineGoldenWindow)
	for _, c := range []struct{ workers, window int }{{1, 0}, {2, kernels.BlockRows}} {
		got := engineGoldenTableOf(cases, c.workers, c.window)
		if got != want {
			t.Errorf("%d workers, window %d rows: %s", c.workers, c.window,
				engineGoldenDiff(cases, want, got, c.workers, c.window))
		}
	}
}

// TestEngineGoldenDiagnosis proves that the golden test can fail and says
// where: a result one ulp off in one field of one case must be reported
// at its own line and, when generic still gives the golden bits (the
// ulp is added only with other kernels), by its field and element.
func TestEngineGoldenDiagnosis(t *testing.T) {
	var cases []engineGoldenCase // the small sets: this test runs the table twice
	for _, c := range engineGoldenCases() {
		if c.set.rows <= 100 {
			cases = append(cases, c)
		}
	}
	want := engineGoldenTableOf(cases, 1, 0)
	// The broken kernels: any but generic, which the diagnosis reruns as
	// the reference. Where generic is all there is, it is broken too, and
	// the diagnosis can only say so.
	broken := ""
	for _, impl := range kernels.Available() {
		if impl != kernels.Generic {
			broken = impl
			break
		}
	}
	if broken != "" {
		restore, err := kernels.Use(broken)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
	}
	for _, target := range []struct {
		desc, field string
		elem        int
	}{
		{"100x7 offset moments", "Gram", 11},
		{"5x1 plain intercept l1=0.05,l2=0.5 lasso", "v", 0},
		{"100x7 offset no-intercept ols cholesky", "L", 8},
		{"100x7 offset metrics", "TargetSpread", 0},
	} {
		t.Run(target.desc, func(t *testing.T) {
			cases := append([]engineGoldenCase(nil), cases...)
			line := -1
			for k, c := range cases {
				if c.desc != target.desc {
					continue
				}
				line = k + 2 // after the header, counting from 1
				run := c.run
				cases[k].run = func(r *engineGoldenRun) []golden.Field {
					fields := run(r)
					if broken != "" && kernels.Impl() == kernels.Generic {
						return fields
					}
					for i, f := range fields {
						if f.Name == target.field {
							v := append([]float64(nil), f.V...)
							v[target.elem] = math.Nextafter(v[target.elem], math.Inf(1))
							fields[i].V = v
						}
					}
					return fields
				}
			}
			if line < 0 {
				t.Fatalf("no case %q", target.desc)
			}
			msg := engineGoldenDiff(cases, want, engineGoldenTableOf(cases, 1, 0), 1, 0)
			wants := []string{"1 lines of the table differ", fmt.Sprintf("the first is line %d:", line),
				"\t" + target.desc + "\n", "\twant #", "\tgot  #"}
			if broken != "" {
				wants = append(wants, fmt.Sprintf("%s[%d] is ", target.field, target.elem))
			} else {
				wants = append(wants, "generic on this machine gives")
			}
			for _, w := range wants {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnosis does not contain %q:\n%s", w, msg)
				}
			}
			t.Logf("caught:\n%s", msg)
		})
	}
}

// TestEngineGoldenData checks that the golden data exercise what they
// are meant to: the far sets take the second centring pass (their shift
// is no longer the first row), the others one pass; the offset sets have
// a constant column, which the problem with an intercept drops.
func TestEngineGoldenData(t *testing.T) {
	for _, s := range engineGoldenSets {
		if s.rows > 2*kernels.BlockRows+1 {
			continue // the large ones cost a pass each under emulation
		}
		d := s.data(false)
		m, err := ComputeMoments(context.Background(), nil, d, true)
		if err != nil {
			t.Fatalf("%s: %v", s.desc(), err)
		}
		moved := m.YShift != d.Y[0]
		for j := range m.Cols {
			moved = moved || m.Shift[j] != d.Row(0)[j]
		}
		if moved != (s.class == "far") {
			t.Errorf("%s: second centring pass %v", s.desc(), moved)
		}
		if s.class == "offset" && len(NewProblem(m, true, 0, 0).Live) != s.cols-1 {
			t.Errorf("%s: the constant column is live", s.desc())
		}
	}
}

// engineGoldenCase is one line of the table: run computes the result
// with the kernels in use, on r's plan and windows.
type engineGoldenCase struct {
	desc string
	set  engineGoldenSet
	pass bool // a pass over the rows, not a solver on the moments
	run  func(r *engineGoldenRun) []golden.Field
}

// engineGoldenRun is one computation of the table: the plan, the window
// and what its cases share (the moments of a set, computed once).
type engineGoldenRun struct {
	plan   *kernels.BlockPlan
	window int // rows per window; 0 for no Release
	memo   map[string]any
}

// engineGoldenTableOf runs every case with the kernels in use on workers
// goroutines in windows of window rows (0: none), and returns the table:
// each case's fields as a golden.HashFields.
func engineGoldenTableOf(cases []engineGoldenCase, workers, window int) string {
	r := &engineGoldenRun{plan: kernels.NewBlockPlan(workers), window: window, memo: map[string]any{}}
	defer r.plan.Close()
	return golden.Table(engineGoldenFiles.Header, cases, func(c engineGoldenCase) (string, string) {
		return c.desc, golden.HashFields(c.run(r))
	})
}

// engineGoldenDiff explains how the table got (computed with the kernels
// in use on workers goroutines in windows of window rows) differs from
// want: how many lines differ, the first with both values, and,
// rerunning that case, the first field and element in which it differs
// from generic in the golden configuration (or that generic disagrees
// with the golden value too).
func engineGoldenDiff(cases []engineGoldenCase, want, got string, workers, window int) string {
	impl := kernels.Impl()
	msg, m := engineGoldenFiles.Diff(want, got, impl)
	if m == nil || m.Case < 0 || m.Case >= len(cases) {
		return msg
	}
	rerun := func(workers, window int) []golden.Field {
		r := &engineGoldenRun{plan: kernels.NewBlockPlan(workers), window: window, memo: map[string]any{}}
		defer r.plan.Close()
		return cases[m.Case].run(r)
	}
	out := rerun(workers, window)
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		return msg
	}
	ref := rerun(engineGoldenWorkers, engineGoldenWindow)
	restore()
	note, done := m.Generic(golden.HashFields(ref), impl)
	if done {
		return msg + note
	}
	outLabel := fmt.Sprintf("%s on %d workers, windows of %d rows", impl, workers, window)
	refLabel := fmt.Sprintf("generic on %d workers, windows of %d rows", engineGoldenWorkers, engineGoldenWindow)
	return msg + note + m.Fields(out, ref, outLabel, refLabel)
}

// engineGoldenSet is a seeded data set of the golden table.
type engineGoldenSet struct {
	rows, cols int
	class      string // see engineGoldenMatrix
}

func (s engineGoldenSet) desc() string { return fmt.Sprintf("%dx%d %s", s.rows, s.cols, s.class) }

// engineGoldenSets are the golden data: 0, 1, 7 and 64 columns, rows
// from a few to several blocks and never a multiple of a block, a first
// row far from the means (the second centring pass), columns of scales
// 2⁻⁶ to 2²⁶ around large offsets with a constant column. 64 columns stay
// within two blocks: the moments pass is 2000 multiply-adds a row there,
// and the table runs emulated.
var engineGoldenSets = []engineGoldenSet{
	{3*kernels.BlockRows + 5, 0, "plain"},
	{5, 1, "plain"},
	{2*kernels.BlockRows + 1, 1, "far"},
	{100, 7, "offset"},
	{3*kernels.BlockRows + 777, 7, "plain"},
	{3*kernels.BlockRows + 777, 7, "far"},
	{2*kernels.BlockRows + 5, 7, "offset"},
	{kernels.BlockRows + 123, 64, "plain"},
	{300, 64, "far"},
}

// engineGoldenPenalties are the data's (L1, L2) of the problems.
var engineGoldenPenalties = [][2]float64{{0, 0}, {0, 0.5}, {0.05, 0}, {0.05, 0.5}}

func penaltyDesc(l1, l2 float64) string {
	switch {
	case l1 == 0 && l2 == 0:
		return "ols"
	case l1 == 0:
		return fmt.Sprintf("l2=%g", l2)
	case l2 == 0:
		return fmt.Sprintf("l1=%g", l1)
	}
	return fmt.Sprintf("l1=%g,l2=%g", l1, l2)
}

// engineGoldenCases are, for every set, the lines of its passes (the
// moments centred, raw and at the training means of a validation set;
// the metrics) and of its problems, with and without intercept and with
// every penalty (the problem; Factor and Solve where there is no L1;
// MaxEigen; Lasso where there is an L1; the Quadratic and its validation
// twin).
func engineGoldenCases() []engineGoldenCase {
	var cases []engineGoldenCase
	for _, s := range engineGoldenSets {
		addCase := func(what string, pass bool, run func(r *engineGoldenRun) []golden.Field) {
			cases = append(cases, engineGoldenCase{s.desc() + " " + what, s, pass, run})
		}
		add := func(what string, run func(r *engineGoldenRun) []golden.Field) { addCase(what, false, run) }
		addCase("moments", true, func(r *engineGoldenRun) []golden.Field { return momentsFields(r.moments(s, true)) })
		addCase("moments raw", true, func(r *engineGoldenRun) []golden.Field { return momentsFields(r.moments(s, false)) })
		addCase("moments at", true, func(r *engineGoldenRun) []golden.Field {
			return append(momentsFields(r.momentsAt(s, true)), momentsFields(r.momentsAt(s, false))...)
		})
		addCase("metrics", true, func(r *engineGoldenRun) []golden.Field { return r.metrics(s, s.desc()+" metrics") })
		for _, intercept := range []bool{true, false} {
			ic := "intercept"
			if !intercept {
				ic = "no-intercept"
			}
			for _, pen := range engineGoldenPenalties {
				l1, l2 := pen[0], pen[1]
				prefix := ic + " " + penaltyDesc(l1, l2) + " "
				solve := func(what string, f func(r *engineGoldenRun, pr *Problem) []golden.Field) {
					add(prefix+what, func(r *engineGoldenRun) []golden.Field {
						m, err := r.moments(s, intercept)
						if err != nil {
							return errFields(err)
						}
						return f(r, NewProblem(m, intercept, l1, l2))
					})
				}
				solve("problem", func(_ *engineGoldenRun, pr *Problem) []golden.Field { return problemFields(pr) })
				if l1 == 0 {
					solve("cholesky", func(_ *engineGoldenRun, pr *Problem) []golden.Field { return choleskyFields(pr) })
				}
				solve("maxeigen", func(_ *engineGoldenRun, pr *Problem) []golden.Field {
					l, err := MaxEigen(context.Background(), penalisedCurvature(pr), pr.K())
					return append(errFields(err), golden.Field{Name: "L", V: []float64{l}})
				})
				if l1 > 0 {
					solve("lasso", func(_ *engineGoldenRun, pr *Problem) []golden.Field { return lassoFields(pr) })
				}
				desc := s.desc() + " " + prefix + "quadratic"
				solve("quadratic", func(r *engineGoldenRun, pr *Problem) []golden.Field {
					mv, err := r.momentsAt(s, intercept)
					if err != nil {
						return errFields(err)
					}
					gl1, gl2 := pr.GDPenalties(l1, l2)
					v := goldenVector(tsqrGoldenRand(desc), pr.K())
					fields := []golden.Field{{Name: "GDPenalties", V: []float64{gl1, gl2}}}
					fields = append(fields, quadraticFields("train ", pr.Quadratic(), v)...)
					return append(fields, quadraticFields("validation ", pr.Validation(mv), v)...)
				})
			}
		}
	}
	return cases
}

// dataOf returns the set's rows (or its validation set's) in r's windows.
func (r *engineGoldenRun) dataOf(s engineGoldenSet, val bool) Data {
	d := s.data(val)
	if r.window > 0 {
		d.Window, d.Release = r.window, func(lo, hi int) {}
	}
	return d
}

// moments returns the set's moments, centred or not, computed once per run.
func (r *engineGoldenRun) moments(s engineGoldenSet, centre bool) (*Moments, error) {
	key := fmt.Sprint(s.desc(), " moments ", centre)
	if v, ok := r.memo[key]; ok {
		res := v.([2]any)
		m, _ := res[0].(*Moments)
		err, _ := res[1].(error)
		return m, err
	}
	m, err := ComputeMoments(context.Background(), r.plan, r.dataOf(s, false), centre)
	r.memo[key] = [2]any{m, err}
	return m, err
}

// momentsAt returns the moments of the set's validation rows in the
// coordinates of its training rows: shifted by their means with an
// intercept, by nothing without, and scaled alike.
func (r *engineGoldenRun) momentsAt(s engineGoldenSet, intercept bool) (*Moments, error) {
	key := fmt.Sprint(s.desc(), " moments at ", intercept)
	if v, ok := r.memo[key]; ok {
		res := v.([2]any)
		m, _ := res[0].(*Moments)
		err, _ := res[1].(error)
		return m, err
	}
	m, err := r.moments(s, intercept)
	if err != nil {
		return nil, err
	}
	shift, yshift := make([]float64, m.Cols), 0.0
	if intercept {
		for j := range shift {
			shift[j] = m.Mean(j)
		}
		yshift = m.YMean()
	}
	mv, err := ComputeMomentsAt(context.Background(), r.plan, r.dataOf(s, true), shift, m.Scale, yshift, m.YScale, false)
	r.memo[key] = [2]any{mv, err}
	return mv, err
}

// metrics runs the metrics passes over the set at seeded coefficients:
// Residuals, PredictionSums of the same predictions, TargetSpread, R2.
func (r *engineGoldenRun) metrics(s engineGoldenSet, desc string) []golden.Field {
	d := r.dataOf(s, false)
	rng := tsqrGoldenRand(desc)
	coef, b := goldenVector(rng, d.Cols), rng.Normal(0, 1)
	sums, err := Residuals(context.Background(), r.plan, d, coef, b)
	if err != nil {
		return errFields(err)
	}
	pred := make([]float64, d.Rows)
	if d.Cols > 0 {
		kernels.GemvN(d.Rows, d.Cols, d.X, d.Stride, coef, pred)
	}
	for i := range pred {
		pred[i] += b
	}
	given := PredictionSums(d.Y, pred)
	spread, err := TargetSpread(context.Background(), r.plan, d)
	if err != nil {
		return errFields(err)
	}
	return []golden.Field{
		{Name: "Residuals", V: []float64{sums.SqErr, sums.AbsErr}},
		{Name: "PredictionSums", V: []float64{given.SqErr, given.AbsErr}},
		{Name: "TargetSpread", V: []float64{spread}},
		{Name: "R2", V: []float64{R2(sums.SqErr, spread)}},
	}
}

func errFields(err error) []golden.Field {
	if err == nil {
		return nil
	}
	return []golden.Field{{Name: "error", Text: err.Error()}}
}

func momentsFields(m *Moments, err error) []golden.Field {
	if err != nil {
		return errFields(err)
	}
	means := make([]float64, m.Cols+1)
	for j := range m.Cols {
		means[j] = m.Mean(j)
	}
	means[m.Cols] = m.YMean()
	return []golden.Field{
		{Name: "Shift", V: m.Shift}, {Name: "Scale", V: m.Scale},
		{Name: "YShift", V: []float64{m.YShift}}, {Name: "YScale", V: []float64{m.YScale}},
		{Name: "Gram", V: m.Gram}, {Name: "means", V: means},
	}
}

func problemFields(pr *Problem) []golden.Field {
	live := make([]float64, len(pr.Live))
	for a, j := range pr.Live {
		live[a] = float64(j)
	}
	return []golden.Field{
		{Name: "Live", V: live}, {Name: "Sigma", V: pr.Sigma}, {Name: "A", V: pr.A}, {Name: "C", V: pr.C},
		{Name: "YY", V: []float64{pr.YY}}, {Name: "L1w", V: pr.L1w}, {Name: "L2w", V: pr.L2w},
	}
}

// penalisedCurvature returns A + diag(L2w), the matrix the solvers and
// MaxEigen see.
func penalisedCurvature(pr *Problem) []float64 {
	k := pr.K()
	h := append([]float64(nil), pr.A...)
	for j := range k {
		h[j*k+j] += pr.L2w[j]
	}
	return h
}

// choleskyFields factors the penalised curvature and solves for c: the
// least-squares or ridge solution, its coefficients and objective.
func choleskyFields(pr *Problem) []golden.Field {
	k := pr.K()
	ch, err := Factor(context.Background(), penalisedCurvature(pr), k)
	if err != nil {
		return errFields(err)
	}
	dep := make([]float64, len(ch.Dependent))
	for a, j := range ch.Dependent {
		dep[a] = float64(j)
	}
	v := append([]float64(nil), pr.C...)
	ch.Solve(v)
	coef, b := pr.Coef(v)
	return []golden.Field{
		{Name: "L", V: ch.L}, {Name: "Pivot", V: ch.Pivot}, {Name: "Dependent", V: dep},
		{Name: "MinPivot", V: []float64{ch.MinPivot()}}, {Name: "v", V: v},
		{Name: "coef", V: coef}, {Name: "intercept", V: []float64{b}},
		{Name: "Value", V: []float64{pr.Value(v, make([]float64, k))}},
	}
}

// engineGoldenSweeps caps Lasso's sweeps in the table, far above the 16
// its problems take (the ill-conditioned ones included: no intercept on
// large offsets, one far row among few), so that a regression shows as a
// recorded error rather than a long run. Wide problems get fewer: a sweep
// of 64 columns is 64² = 4096 multiply-adds, and the table runs emulated.
func engineGoldenSweeps(k int) int {
	if k > 8 {
		return 300
	}
	return 5000
}

func lassoFields(pr *Problem) []golden.Field {
	sweeps := 0
	v, err := pr.Lasso(context.Background(), engineGoldenSweeps(pr.K()), func() { sweeps++ })
	if err != nil {
		return errFields(err)
	}
	coef, b := pr.Coef(v)
	return []golden.Field{
		{Name: "v", V: v}, {Name: "sweeps", V: []float64{float64(sweeps)}},
		{Name: "coef", V: coef}, {Name: "intercept", V: []float64{b}},
		{Name: "Value", V: []float64{pr.Value(v, make([]float64, pr.K()))}},
	}
}

// quadraticFields evaluates q at v: loss, gradient and penalty weights.
func quadraticFields(prefix string, q *Quadratic, v []float64) []golden.Field {
	_, k := q.Dims()
	grad := make([]float64, k)
	loss := q.Eval(v, gd.All(1), grad)
	w := make([]float64, k)
	for j := range w {
		w[j] = q.PenaltyWeight(j)
	}
	return []golden.Field{
		{Name: prefix + "loss", V: []float64{loss}}, {Name: prefix + "grad", V: grad},
		{Name: prefix + "PenaltyWeight", V: w},
	}
}

// goldenVector returns k values of random sign and exponents −2…1.
func goldenVector(r golden.RNG, k int) []float64 {
	v := make([]float64, k)
	for j := range v {
		v[j] = r.Normal(-2, 1)
	}
	return v
}

// engineGoldenData holds the sets' data, generated once per test binary
// (they do not depend on the kernels).
var engineGoldenData sync.Map // description → Data

// data returns the set's rows, or its validation set's (a third of them
// and one, from another seed).
func (s engineGoldenSet) data(val bool) Data {
	key := s.desc()
	rows := s.rows
	if val {
		key += " validation"
		rows = s.rows/3 + 1
	}
	if d, ok := engineGoldenData.Load(key); ok {
		return d.(Data)
	}
	d := engineGoldenMatrix(tsqrGoldenRand("engine "+key), s.class, rows, s.cols)
	engineGoldenData.Store(key, d)
	return d
}

// engineGoldenMatrix returns n rows of p features of the class and their
// targets y = 3 + x·β + noise, β_j of exponents −2…1 and zero for every
// fourth column (so that lasso has zeros to find), the noise of exponents
// −5…−4; every product is a math.FMA, every other operation exact or
// one IEEE rounding, so the data are the same bits on every GOARCH:
//   - plain: exponents −1…1;
//   - far: plain, but the first row's features and target have exponents
//     12…13, thousands of standard deviations from the means;
//   - offset: column j is (1024 + plain)·2^(8·(j mod 5) − 16), scales from
//     2⁻⁶ to 2²⁶ on offsets 2⁸ times larger, and column 3 is constant.
func engineGoldenMatrix(r golden.RNG, class string, n, p int) Data {
	beta := make([]float64, p)
	for j := range beta {
		if j%4 != 3 {
			beta[j] = r.Normal(-2, 1)
		}
	}
	x, y := make([]float64, n*p), make([]float64, n)
	for i := range n {
		yi := 3 + r.Normal(-5, -4)
		if class == "far" && i == 0 {
			yi = r.Normal(12, 13)
		}
		for j := range p {
			v := r.Normal(-1, 1)
			switch {
			case class == "far" && i == 0:
				v = r.Normal(12, 13)
			case class == "offset" && j == 3:
				v = 1e6
			case class == "offset":
				v = math.Ldexp(1024+v, 8*(j%5)-16)
			}
			x[i*p+j] = v
			yi = math.FMA(beta[j], v, yi)
		}
		y[i] = yi
	}
	return Data{X: x, Rows: n, Cols: p, Stride: max(p, 1), Y: y}
}
