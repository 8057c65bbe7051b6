package linreg

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/lanes-go/lanes/gd"
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
// of packages kernels, gd and internal/lsq; TestFitBits checks that the
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

var updateGolden = flag.Bool("update-golden", false,
	"rewrite linreg/testdata/golden with the generic kernels (only when the arithmetic of a fit changes on purpose)")

var (
	goldenDir   = filepath.Join("testdata", "golden")
	goldenTable = filepath.Join(goldenDir, "table.txt")
	goldenHash  = filepath.Join(goldenDir, "golden.txt")
)

// goldenHeader is the first line of the table, hashed with the rest.
const goldenHeader = "# linreg golden table: fit, then #sha256[:8] of its record (name, text, length, bits little-endian; NaN canonical)\n"

// goldenWorkers is the Regressor.Workers of the golden fits.
const goldenWorkers = 3

func TestFitGolden(t *testing.T) {
	cases := fitGoldenCases()
	if *updateGolden {
		// Written with generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		table := fitGoldenTableOf(cases)
		restore()
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenTable, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenHash, []byte(goldenSum(table)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s and %s with generic: %d cases, %s", goldenTable, goldenHash, len(cases), goldenSum(table))
	}
	raw, err := os.ReadFile(goldenHash)
	if err != nil {
		t.Fatalf("%v (write it with go test ./linreg -run '^TestFitGolden$' -update-golden)", err)
	}
	// The kernels in use only (CI varies them with LANES_KERNELS);
	// TestFitBits holds every other implementation to these bits.
	table := fitGoldenTableOf(cases)
	if got, want := goldenSum(table), strings.TrimSpace(string(raw)); got != want {
		wantTable, err := os.ReadFile(goldenTable)
		if err != nil {
			t.Fatalf("hash %s, want %s; %v", got, want, err)
		}
		// A checkout that turned \n into \r\n must still diff by line.
		t.Fatalf("hash %s, want %s (%s):\n%s", got, want, goldenHash,
			fitGoldenDiff(cases, strings.ReplaceAll(string(wantTable), "\r\n", "\n"), table))
	}
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
							if f.name == target.field {
								v := append([]float64(nil), f.v...)
								v[target.elem] = math.Nextafter(v[target.elem], math.Inf(1))
								rec[i].v = v
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
type fitField struct {
	name string
	v    []float64
	text string
}

// fitRecord is everything a fit returns that must be the same bits
// everywhere: not Summary.Kernels, Version or Seconds.
func fitRecord(m *Model, err error) []fitField {
	var rec []fitField
	if err != nil {
		rec = append(rec, fitField{name: "error", text: err.Error()})
	}
	if m == nil {
		return rec
	}
	one := func(name string, v float64) fitField { return fitField{name: name, v: []float64{v}} }
	var val []float64
	if m.Summary.ValMSE != nil {
		val = []float64{*m.Summary.ValMSE}
	}
	o, s := m.Options, m.Summary
	return append(rec,
		fitField{name: "Coef", v: m.Coef}, one("Intercept", m.Intercept),
		fitField{name: "History", v: m.History}, fitField{name: "ValHistory", v: m.ValHistory},
		one("MSE", s.MSE), one("Loss", s.Loss), fitField{name: "ValMSE", v: val},
		fitField{name: "Epochs,Steps", v: []float64{float64(s.Epochs), float64(s.Steps)}},
		fitField{name: "Stop", text: s.Method + " " + s.Stop},
		one("Rate", o.Rate), fitField{name: "Schedule", text: fmt.Sprintf("%s %s %v", o.Schedule, o.Update, o.AutoRate)},
		fitField{name: "Options", v: []float64{float64(o.Epochs), float64(o.BatchSize), o.Tol, o.L1, o.L2}},
	)
}

// goldenBits returns the bits of v with every NaN made the same NaN.
func goldenBits(v float64) uint64 {
	if math.IsNaN(v) {
		return 0x7ff8_0000_0000_0000
	}
	return math.Float64bits(v)
}

// fitGoldenValue is the table's record of a fit: "#" and the first 16
// hex digits of the SHA-256 of its fields, each its name, its text, its
// length and its values' bits, little-endian explicitly, so that s390x
// hashes the same bytes.
func fitGoldenValue(rec []fitField) string {
	h := sha256.New()
	var b [8]byte
	for _, f := range rec {
		h.Write([]byte(f.name + "\x00" + f.text + "\x00"))
		binary.LittleEndian.PutUint64(b[:], uint64(len(f.v)))
		h.Write(b[:])
		for _, v := range f.v {
			binary.LittleEndian.PutUint64(b[:], goldenBits(v))
			h.Write(b[:])
		}
	}
	return "#" + hex.EncodeToString(h.Sum(nil)[:8])
}

// fitGoldenTableOf fits every case with the kernels in use and returns
// the table.
func fitGoldenTableOf(cases []fitGoldenCase) string {
	var b strings.Builder
	b.WriteString(goldenHeader)
	for _, c := range cases {
		b.WriteString(c.desc + " " + fitGoldenValue(c.run()) + "\n")
	}
	return b.String()
}

func goldenSum(table string) string {
	s := sha256.Sum256([]byte(table))
	return hex.EncodeToString(s[:])
}

// fitGoldenDiff explains how the table got differs from want: how many
// lines differ, the first with both values, and, refitting that case,
// the first field and element in which the kernels in use differ from
// generic (or that generic disagrees with the golden value too).
func fitGoldenDiff(cases []fitGoldenCase, want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	first, count := -1, 0
	for i := range max(len(wl), len(gl)) {
		if i >= len(wl) || i >= len(gl) || wl[i] != gl[i] {
			if first < 0 {
				first = i
			}
			count++
		}
	}
	if first < 0 {
		return "table.txt matches these fits but golden.txt is not its hash: regenerate both with -update-golden"
	}
	line := func(ls []string, i int) string {
		if i < len(ls) {
			return ls[i]
		}
		return "(none)"
	}
	split := func(l string) (desc, value string) {
		sp := max(strings.LastIndexByte(l, ' '), 0)
		return l[:sp], l[sp+1:]
	}
	wantDesc, wantVal := split(line(wl, first))
	gotDesc, gotVal := split(line(gl, first))
	if wantDesc != gotDesc {
		return fmt.Sprintf("line %d of %s is not this test's case (the case list changed? a new case must only add a line):\n\twant %q\n\tgot  %q",
			first+1, goldenTable, line(wl, first), line(gl, first))
	}
	impl := kernels.Impl()
	msg := fmt.Sprintf("%d lines of the table differ from %s; the first is line %d:\n\t%s\n\twant %s\n\tgot  %s with %s kernels on %s",
		count, goldenTable, first+1, wantDesc, wantVal, gotVal, impl, runtime.GOARCH)
	k := first - strings.Count(goldenHeader, "\n")
	if k < 0 || k >= len(cases) || cases[k].desc != wantDesc {
		return msg
	}
	out := cases[k].run()
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		return msg
	}
	ref := cases[k].run()
	restore()
	if v := fitGoldenValue(ref); v != wantVal {
		msg += fmt.Sprintf("\n\tgeneric on this machine gives %s: the Go arithmetic differs on %s (a fused multiply-add?), or the golden files are stale", v, runtime.GOARCH)
		if v == gotVal {
			return msg + "; generic gives the same as " + impl
		}
	}
	return msg + "\n\t" + fitRecordDiff(out, ref, impl, "generic")
}

// fitRecordDiff names the first field and element in which record a
// (labelled as) differs from record b (labelled bs), or returns "".
func fitRecordDiff(a, b []fitField, as, bs string) string {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		switch {
		case x.name != y.name:
			return fmt.Sprintf("field %d is %q with %s, %q with %s", i, x.name, as, y.name, bs)
		case x.text != y.text:
			return fmt.Sprintf("%s is %q with %s, %q with %s", x.name, x.text, as, y.text, bs)
		case len(x.v) != len(y.v):
			return fmt.Sprintf("%s has %d values with %s, %d with %s", x.name, len(x.v), as, len(y.v), bs)
		}
		for j := range x.v {
			if goldenBits(x.v[j]) != goldenBits(y.v[j]) {
				return fmt.Sprintf("%s[%d] is %v (%#016x) with %s, %v (%#016x) with %s",
					x.name, j, x.v[j], math.Float64bits(x.v[j]), as, y.v[j], math.Float64bits(y.v[j]), bs)
			}
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d fields with %s, %d with %s", len(a), as, len(b), bs)
	}
	return ""
}

// The data. Every value is built from the integer output of PCG by bit
// operations, exact operations (a power of two, a negation, ½·x) and
// single IEEE roundings (an addition, a math.FMA), never a bare x*y+z
// that a compiler could fuse on one GOARCH and not another, so that the
// data are the same bits everywhere.

// goldenRNG draws from PCG, whose output is specified; only its raw
// Uint64 is used, not methods whose algorithm a Go release could change.
type goldenRNG struct{ p *rand.PCG }

func newGoldenRNG(desc string) goldenRNG {
	h := fnv.New64a()
	h.Write([]byte(desc))
	return goldenRNG{rand.NewPCG(h.Sum64(), 0x6c696e72)}
}

// normal returns a value of random sign and mantissa, exponent lo…hi.
func (r goldenRNG) normal(lo, hi int) float64 {
	e := uint64(lo + int(r.p.Uint64()%uint64(hi-lo+1)) + 1023)
	b := r.p.Uint64()
	return math.Float64frombits(b&(1<<63) | e<<52 | b&(1<<52-1))
}

// lowBits returns v with its low b mantissa bits random.
func (r goldenRNG) lowBits(v float64, b int) float64 {
	mask := uint64(1)<<b - 1
	return math.Float64frombits(math.Float64bits(v)&^mask | r.p.Uint64()&mask)
}

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
func goldenMatrix(name string, r goldenRNG, n int) (Matrix, []float64) {
	cols := map[string]int{"mixed": 4, "constant": 5, "collinear": 2}[name]
	if cols == 0 {
		panic("goldenMatrix: no set " + name)
	}
	beta := goldenVector(newGoldenRNG(name+" β"), cols)
	x, y := make([]float64, n*cols), make([]float64, n)
	for i := range n {
		row := x[i*cols : (i+1)*cols]
		if name == "collinear" {
			row[0] = r.normal(-1, 1)
			row[1] = r.lowBits(row[0], 40)
		} else {
			row[0] = r.normal(-1, 1)
			row[1] = 1024 + r.normal(-1, 1)
			row[2] = float64(-0.5*row[0]) + r.normal(-3, -2)
			row[3] = r.normal(-22, -20)
			if name == "constant" {
				row[4] = 7
			}
		}
		yi := 3 + r.normal(-4, -3)
		for j, v := range row {
			yi = math.FMA(beta[j], v, yi)
		}
		y[i] = yi
	}
	return NewMatrix(x, n, cols), y
}

// goldenVector returns k values of random sign and exponents −1…1.
func goldenVector(r goldenRNG, k int) []float64 {
	v := make([]float64, k)
	for j := range v {
		v[j] = r.normal(-1, 1)
	}
	return v
}
