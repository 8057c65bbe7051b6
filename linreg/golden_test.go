package linreg

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

// TestFitGolden is the promise of linreg, the same model on every CPU,
// GOARCH and implementation of the kernels, as one number: the complete
// fit of every golden case (fitGoldenCases: every method, with and
// without intercept, L1, L2 and both, with a validation set, on seeded
// data with an offset column, a negatively correlated pair, a tiny
// column, a constant column and a nearly collinear pair) becomes a line of a table, and the
// SHA-256 of the table must be the value committed in testdata/golden.
// CI runs it natively, with -tags purego, with GOAMD64=v3 and under qemu
// on arm64, riscv64, ppc64le, s390x and 386. It follows the golden tests
// of packages kernels, gd and internal/lsq, with the files, hashing and
// diff of package internal/golden; TestFitBits checks that the
// bits do not depend on the implementation, the workers, the windows or a
// memory map either.
//
// testdata/golden/table.txt has one line per case: its description,
// then "#" and the first 16 hex digits of the SHA-256 of the model's
// record (fitRecord: coefficients, intercept, histories, the summary's
// losses, counts and stop reason, the options chosen; not the kernels'
// name, version or time), or of the fit's error. golden.txt holds the
// SHA-256 of the table.
//
// Regenerate, only when the arithmetic of a fit changes on purpose:
//
//	go test ./linreg -run '^TestFitGolden$' -update-golden

var goldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "table.txt"),
	Hash:    filepath.Join(golden.Dir, "golden.txt"),
	Header:  "# linreg golden table: fit, then #sha256[:8] of its record (name, text, length, bits little-endian; NaN canonical)\n",
	Command: "go test ./linreg -run '^TestFitGolden$' -update-golden",
}

// goldenWorkers is the Regressor.Workers of the golden fits.
const goldenWorkers = 3

func TestFitGolden(t *testing.T) {
	cases := fitGoldenCases()
	if golden.Update() {
		// Written with generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		table := fitGoldenTableOf(cases)
		restore()
		goldenFiles.Write(t, table)
	}
	want := goldenFiles.Want(t)
	// The kernels in use only (CI varies them with LANES_KERNELS);
	// TestFitBits holds every other implementation to these bits.
	table := fitGoldenTableOf(cases)
	goldenFiles.Check(t, want, table, func(committed string) string { return fitGoldenDiff(cases, committed, table) })
}

// TestFitGoldenDiagnosis proves that the golden test can fail and says
// where: a model one ulp off in one field must be reported at its own
// line and, when generic still gives the golden bits, by field and
// element.
func TestFitGoldenDiagnosis(t *testing.T) {
	var cases []fitGoldenCase // the quick ones: this test runs the table twice
	for _, c := range fitGoldenCases() {
		if c.r.method() == Exact {
			cases = append(cases, c)
		}
	}
	want := fitGoldenTableOf(cases)
	broken := "" // kernels to break; generic is the diagnosis's reference
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
		{"exact l1=0.01", "Coef", 2},
		{"exact validation", "ValMSE", 0},
		{"exact collinear", "Intercept", 0},
	} {
		t.Run(target.desc, func(t *testing.T) {
			cases := append([]fitGoldenCase(nil), cases...)
			line := -1
			for k, c := range cases {
				if c.desc == target.desc {
					line = k + 2 // after the header, counting from 1
					cases[k].breakRecord = func(rec []fitField) {
						if broken != "" && kernels.Impl() == kernels.Generic {
							return
						}
						for i, f := range rec {
							if f.Name == target.field {
								v := append([]float64(nil), f.V...)
								v[target.elem] = math.Nextafter(v[target.elem], math.Inf(1))
								rec[i].V = v
							}
						}
					}
				}
			}
			if line < 0 {
				t.Fatalf("no case %q", target.desc)
			}
			msg := fitGoldenDiff(cases, want, fitGoldenTableOf(cases))
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

// fitGoldenCase is one line of the table: the Regressor (without its
// validation set and workers) and the data it fits.
type fitGoldenCase struct {
	desc       string
	r          Regressor
	set        string // see goldenMatrix
	validation bool
	// breakRecord, if set, perturbs the record (TestFitGoldenDiagnosis).
	breakRecord func([]fitField)
}

// fitGoldenCases are the golden fits: every method, with and without
// intercept, with L1, L2 and both, with a validation set, on the mixed
// data; each method on the nearly collinear data; GD and Exact with a
// constant column (which Exact may refuse: the table records the error).
// Gradient runs are a few epochs (GD stops on its gradient).
func fitGoldenCases() []fitGoldenCase {
	var cases []fitGoldenCase
	add := func(desc, set string, val bool, r Regressor) {
		cases = append(cases, fitGoldenCase{desc: desc, r: r, set: set, validation: val})
	}
	for _, method := range []Method{GD, SGD, MiniBatch, Exact} {
		base := Regressor{Method: method}
		switch method {
		case SGD:
			base.Epochs, base.Seed = 2, 1
		case MiniBatch:
			base.Epochs, base.Seed, base.BatchSize = 3, 2, 64
		}
		variant := func(f func(r *Regressor)) Regressor {
			r := base
			f(&r)
			return r
		}
		name := string(method)
		add(name, "mixed", false, base)
		add(name+" no-intercept", "mixed", false, variant(func(r *Regressor) { r.NoIntercept = true }))
		add(name+" l2=0.1", "mixed", false, variant(func(r *Regressor) { r.L2 = 0.1 }))
		add(name+" l1=0.01", "mixed", false, variant(func(r *Regressor) { r.L1 = 0.01 }))
		add(name+" l1=0.01,l2=0.1", "mixed", false, variant(func(r *Regressor) { r.L1, r.L2 = 0.01, 0.1 }))
		add(name+" no-intercept l1=0.01,l2=0.1", "mixed", false, variant(func(r *Regressor) { r.NoIntercept, r.L1, r.L2 = true, 0.01, 0.1 }))
		add(name+" validation", "mixed", true, base)
		add(name+" collinear", "collinear", false, base)
	}
	add("gd constant", "constant", false, Regressor{})
	add("exact constant", "constant", false, Regressor{Method: Exact})
	add("exact constant l2=0.1", "constant", false, Regressor{Method: Exact, L2: 0.1})
	add("sgd shuffle-block=4096", "mixed", false, Regressor{Method: SGD, Epochs: 2, Seed: 3, ShuffleBlock: 4096})
	add("minibatch batch=5000 adam", "mixed", false, Regressor{Method: MiniBatch, Epochs: 4, Seed: 4, BatchSize: 5000, Update: gd.Adam{}})
	add("gd rate=0.05 momentum", "mixed", false, Regressor{Epochs: 200, Rate: 0.05, Update: gd.Momentum{Mu: 0.5}})
	return cases
}

// fit runs the case on x and y (and, with a validation set, valX and
// valY) with the given workers and returns its record, or the error's.
func (c fitGoldenCase) fit(x Matrix, y []float64, valX Matrix, valY []float64, workers int) []fitField {
	r := c.r
	r.Workers = workers
	if c.validation {
		r.ValX, r.ValY = valX, valY
	}
	m, err := r.Fit(context.Background(), x, y)
	rec := fitRecord(m, err)
	if c.breakRecord != nil {
		c.breakRecord(rec)
	}
	return rec
}

// run fits the case on its golden data, in memory, on goldenWorkers.
func (c fitGoldenCase) run() []fitField {
	d := fitGoldenData(c.set)
	return c.fit(d.x, d.y, d.valX, d.valY, goldenWorkers)
}

// fitField is a named part of a fit's record: values, or a text.
type fitField = golden.Field

// fitRecord is everything a fit returns that must be the same bits
// everywhere: not Summary.Kernels, Version or Seconds.
func fitRecord(m *Model, err error) []fitField {
	var rec []fitField
	if err != nil {
		rec = append(rec, fitField{Name: "error", Text: err.Error()})
	}
	if m == nil {
		return rec
	}
	one := func(name string, v float64) fitField { return fitField{Name: name, V: []float64{v}} }
	var val []float64
	if m.Summary.ValMSE != nil {
		val = []float64{*m.Summary.ValMSE}
	}
	o, s := m.Options, m.Summary
	return append(rec,
		fitField{Name: "Coef", V: m.Coef}, one("Intercept", m.Intercept),
		fitField{Name: "History", V: m.History}, fitField{Name: "ValHistory", V: m.ValHistory},
		one("MSE", s.MSE), one("Loss", s.Loss), fitField{Name: "ValMSE", V: val},
		fitField{Name: "Epochs,Steps", V: []float64{float64(s.Epochs), float64(s.Steps)}},
		fitField{Name: "Stop", Text: s.Method + " " + s.Stop},
		one("Rate", o.Rate), fitField{Name: "Schedule", Text: fmt.Sprintf("%s %s %v", o.Schedule, o.Update, o.AutoRate)},
		fitField{Name: "Options", V: []float64{float64(o.Epochs), float64(o.BatchSize), o.Tol, o.L1, o.L2}},
	)
}

// fitGoldenTableOf fits every case with the kernels in use and returns
// the table: each record as a golden.HashFields.
func fitGoldenTableOf(cases []fitGoldenCase) string {
	return golden.Table(goldenFiles.Header, cases, func(c fitGoldenCase) (string, string) {
		return c.desc, golden.HashFields(c.run())
	})
}

// fitGoldenDiff explains how the table got differs from want: how many
// lines differ, the first with both values, and, refitting that case,
// the first field and element in which the kernels in use differ from
// generic (or that generic disagrees with the golden value too).
func fitGoldenDiff(cases []fitGoldenCase, want, got string) string {
	impl := kernels.Impl()
	msg, m := goldenFiles.Diff(want, got, impl)
	if m == nil || m.Case < 0 || m.Case >= len(cases) {
		return msg
	}
	out := cases[m.Case].run()
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		return msg
	}
	ref := cases[m.Case].run()
	restore()
	note, done := m.Generic(golden.HashFields(ref), impl)
	if done {
		return msg + note
	}
	return msg + note + m.Fields(out, ref, impl, "generic")
}

// The data. Every value is built from the integer output of PCG by bit
// operations, exact operations (a power of two, a negation, ½·x) and
// single IEEE roundings (an addition, a math.FMA), never a bare x*y+z
// that a compiler could fuse on one GOARCH and not another, so that the
// data are the same bits everywhere.

// newGoldenRNG returns the source of the data named desc.
func newGoldenRNG(desc string) golden.RNG { return golden.NewRNG(desc, 0x6c696e72) }

// goldenSet is a training set and its validation set.
type goldenSet struct {
	x, valX Matrix
	y, valY []float64
}

// goldenRows is the size of the golden training sets: two blocks and a
// ragged third, so that the passes have a tree and several workers and
// windows something to share.
const goldenRows = 2*kernels.BlockRows + 300

var goldenSets sync.Map // name → *goldenSet

// fitGoldenData returns the named set, generated once per test binary.
func fitGoldenData(name string) *goldenSet {
	if s, ok := goldenSets.Load(name); ok {
		return s.(*goldenSet)
	}
	s := &goldenSet{}
	s.x, s.y = goldenMatrix(name, newGoldenRNG(name), goldenRows)
	s.valX, s.valY = goldenMatrix(name, newGoldenRNG(name+" validation"), goldenRows/4)
	goldenSets.Store(name, s)
	return s
}

// goldenMatrix returns n rows of the named data, drawn from r, and their
// targets y = 3 + x·β + noise (β of exponents −1…1, the same for a set
// and its validation set; noise of exponents −4…−3):
//   - mixed: column 0 of exponents −1…1; column 1 the same on an offset
//     of 1024; column 2 −½ times column 0 plus a small part (a
//     correlation near −0.9); column 3 of exponents −22…−20;
//   - constant: mixed and a fifth column, constant 7;
//   - collinear: column 0 of exponents −1…1 and column 1 the same with its
//     low 40 mantissa bits random (a correlation of 1 − 1e−8 or so).
func goldenMatrix(name string, r golden.RNG, n int) (Matrix, []float64) {
	cols := map[string]int{"mixed": 4, "constant": 5, "collinear": 2}[name]
	if cols == 0 {
		panic("goldenMatrix: no set " + name)
	}
	beta := goldenVector(newGoldenRNG(name+" β"), cols)
	x, y := make([]float64, n*cols), make([]float64, n)
	for i := range n {
		row := x[i*cols : (i+1)*cols]
		if name == "collinear" {
			row[0] = r.Normal(-1, 1)
			row[1] = r.LowBits(row[0], 40)
		} else {
			row[0] = r.Normal(-1, 1)
			row[1] = 1024 + r.Normal(-1, 1)
			row[2] = float64(-0.5*row[0]) + r.Normal(-3, -2)
			row[3] = r.Normal(-22, -20)
			if name == "constant" {
				row[4] = 7
			}
		}
		yi := 3 + r.Normal(-4, -3)
		for j, v := range row {
			yi = math.FMA(beta[j], v, yi)
		}
		y[i] = yi
	}
	return NewMatrix(x, n, cols), y
}

// goldenVector returns k values of random sign and exponents −1…1.
func goldenVector(r golden.RNG, k int) []float64 {
	v := make([]float64, k)
	for j := range v {
		v[j] = r.Normal(-1, 1)
	}
	return v
}
