package lsq

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/golden"
	"github.com/lanes-go/lanes/kernels"
)

// TestTSQRGolden is the promise of TSQR, the same bits on every CPU,
// GOARCH, implementation of the kernels and number of goroutines, as one
// number: R of every golden case (tsqrGoldenCases: shapes from 0 to
// 40 columns and 0 to 3 blocks and a ragged one, data from random to
// collinear, zero, tiny, huge and special) becomes a line of a table,
// and the SHA-256 of the table must be the value committed in
// testdata/golden. CI runs it under qemu on arm64, riscv64, ppc64le,
// s390x and 386, where a compiler that fuses a multiplication into an
// addition the others round would show. It follows the golden tests of
// packages kernels and gd.
//
// testdata/golden/table.txt has one line per case: its description,
// then "#" and the first 16 hex digits of the SHA-256 of R's bits,
// little-endian, every NaN as one NaN (only NaN payloads may differ).
// golden.txt holds the SHA-256 of table.txt. A pass needs only the hash;
// the table is there to name the first case that differs.

// -update-golden (package internal/golden) rewrites testdata/golden with
// the generic kernels. That is legitimate only when the arithmetic of
// TSQR changes on purpose: an implementation that disagrees with the
// golden table is wrong, and a new case must add a line, not change the
// others. (The flag rewrites the table of every golden test it runs:
// name the one with -run.)
var tsqrGoldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "table.txt"),
	Hash:    filepath.Join(golden.Dir, "golden.txt"),
	Header:  "# lsq golden table: case, then #sha256[:8] of its result's bits, little-endian; NaN canonical\n",
	Command: "go test ./internal/lsq -run '^TestTSQRGolden$' -update-golden",
}

// tsqrGoldenCase is one line of the table: run computes the result with
// the kernels in use.
type tsqrGoldenCase struct {
	desc string
	run  func() []float64
}

func TestTSQRGolden(t *testing.T) {
	cases := tsqrGoldenCases()
	if golden.Update() {
		// Written with generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		table := tsqrGoldenTableOf(cases)
		restore()
		tsqrGoldenFiles.Write(t, table)
	}
	want := tsqrGoldenFiles.Want(t)
	for _, impl := range kernels.Available() {
		t.Run(impl, func(t *testing.T) {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			table := tsqrGoldenTableOf(cases)
			tsqrGoldenFiles.Check(t, want, table, func(committed string) string { return tsqrGoldenDiff(cases, committed, table) })
		})
	}
}

// TestTSQRGoldenDiagnosis proves that the golden test can fail and says
// where: a case whose R is one ulp off, or has a row of the other sign,
// must be reported at its own line.
func TestTSQRGoldenDiagnosis(t *testing.T) {
	var cases []tsqrGoldenCase // the small ones: this test runs the table twice
	for _, c := range tsqrGoldenCases() {
		var n, p int
		if _, err := fmt.Sscanf(c.desc, "tsqr %dx%d", &n, &p); err != nil {
			t.Fatalf("%q: %v", c.desc, err)
		}
		if n <= kernels.BlockRows+1 && p <= 8 {
			cases = append(cases, c)
		}
	}
	want := tsqrGoldenTableOf(cases)
	for _, c := range []struct {
		target string
		breakR func(r []float64)
	}{
		{"tsqr 4097x5 collinear", func(r []float64) { r[7] = math.Nextafter(r[7], math.Inf(1)) }},
		{"tsqr 4097x8 scaled", func(r []float64) {
			for k := range 8 {
				r[2*8+k] = -r[2*8+k]
			}
		}},
	} {
		t.Run(c.target, func(t *testing.T) {
			broken := make([]tsqrGoldenCase, len(cases))
			copy(broken, cases)
			line := -1
			for k, bc := range broken {
				if bc.desc == c.target {
					line = k + 2 // after the header, counting from 1
					run := bc.run
					broken[k].run = func() []float64 {
						r := run()
						c.breakR(r)
						return r
					}
				}
			}
			if line < 0 {
				t.Fatalf("no case %q", c.target)
			}
			msg := tsqrGoldenDiff(broken, want, tsqrGoldenTableOf(broken))
			for _, w := range []string{"1 lines of the table differ", fmt.Sprintf("the first is line %d:", line), "\t" + c.target + "\n", "\twant #", "\tgot  #"} {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnosis does not contain %q:\n%s", w, msg)
				}
			}
			t.Logf("caught:\n%s", msg)
		})
	}
}

// tsqrGoldenShapes are the golden cases' shapes: for each class the
// narrow matrices at every size, the wide ones at fewer, and two blocks of
// 40 columns once (a block of 40 columns is 6.5 million multiply-adds,
// and the table runs emulated on 386, where math.FMA is software).
func tsqrGoldenShapes(class string) [][2]int {
	const b = kernels.BlockRows
	shapes := [][2]int{{0, 0}, {5000, 0}, {0, 3}}
	for _, p := range []int{1, 2, 3, 5, 8} {
		for _, n := range []int{1, 2, 7, 100, b, b + 1, 3*b + 777} {
			shapes = append(shapes, [2]int{n, p})
		}
	}
	for _, p := range []int{17, 40} {
		ns := []int{3, 300}
		if class == "random" || class == "collinear" || class == "zeros" {
			ns = []int{3, p - 1, p, 300}
			if p == 17 || class == "collinear" {
				ns = append(ns, b+1)
			}
		}
		for _, n := range ns {
			shapes = append(shapes, [2]int{n, p})
		}
	}
	return shapes
}

var tsqrGoldenClasses = []string{"random", "scaled", "collinear", "intercept", "zeros", "tiny", "huge", "special"}

// tsqrGoldenCases are the TSQR passes of every class and shape, each on
// three goroutines in windows of two blocks (the bits do not depend on
// either).
func tsqrGoldenCases() []tsqrGoldenCase {
	var cases []tsqrGoldenCase
	for c, class := range tsqrGoldenClasses {
		for _, sh := range tsqrGoldenShapes(class) {
			n, p := sh[0], sh[1]
			desc := fmt.Sprintf("tsqr %dx%d %s", n, p, class)
			if c > 0 && p == 0 {
				continue // one class is enough for no columns
			}
			cases = append(cases, tsqrGoldenCase{desc, func() []float64 {
				a := tsqrGoldenMatrix(tsqrGoldenRand(desc), class, n, p)
				return tsqrPass(a, n, p, 3, 2*kernels.BlockRows)
			}})
		}
	}
	return cases
}

// tsqrGoldenTableOf runs every case with the kernels in use and returns
// the table: each case's R as a golden.Hash.
func tsqrGoldenTableOf(cases []tsqrGoldenCase) string {
	return golden.Table(tsqrGoldenFiles.Header, cases, func(c tsqrGoldenCase) (string, string) {
		return c.desc, golden.Hash(c.run())
	})
}

// tsqrGoldenDiff explains how the table got differs from the table want:
// how many lines differ, the first with both values, and, rerunning that
// case, the first element of R in which the kernels in use differ from
// generic (or that generic disagrees with the golden value too).
func tsqrGoldenDiff(cases []tsqrGoldenCase, want, got string) string {
	impl := kernels.Impl()
	msg, m := tsqrGoldenFiles.Diff(want, got, impl)
	if m == nil || m.Case < 0 || m.Case >= len(cases) {
		return msg
	}
	c := cases[m.Case]
	out := c.run()
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		return msg
	}
	ref := c.run()
	restore()
	note, done := m.Generic(golden.Hash(ref), impl)
	if done {
		return msg + note
	}
	p := int(math.Sqrt(float64(len(out))))
	return msg + note + m.Floats(out, ref, func(i int) string { return fmt.Sprintf("R[%d][%d]", i/p, i%p) }, impl, "generic")
}

// The inputs. Every value is built from the integer output of PCG by bit
// operations alone, never by float arithmetic, so that no compiler can
// round or fuse it differently on another GOARCH. Each case seeds its own
// generator from its description, so adding a case leaves the data, and
// the table lines, of every other case alone.

// tsqrGoldenRand returns the source of the case desc.
func tsqrGoldenRand(desc string) golden.RNG { return golden.NewRNG(desc, 0x74737172) }

// tsqrGoldenSpecials are mixed into the "special" class.
var tsqrGoldenSpecials = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
	math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64,
}

// tsqrGoldenMatrix returns an n×p row-major matrix of the class:
//   - random: exponents −2…2, well-conditioned;
//   - scaled: column k's exponents within 1 of its own, from −40…40;
//   - collinear: column 0 random, column k column 0 with its low
//     12, 20, 28 or 36 mantissa bits random: condition numbers 2¹⁶ to 2⁴⁰;
//   - intercept: a column of ones and features 1 + a tiny random part;
//   - zeros: columns 2, 5, 8, … zero, columns 3, 7, 11, … copies of
//     column 0 (but 11, 23, … are zero);
//   - tiny: exponents −1010…−990, so that columns have norms below 2⁻⁹⁶⁹
//     and the reflectors rescale them;
//   - huge: exponents 960…990, so that Nrm2 scales;
//   - special: random, with ±0, ±Inf, NaN, the smallest subnormal and
//     ±MaxFloat64 at one element in 50.
func tsqrGoldenMatrix(r golden.RNG, class string, n, p int) []float64 {
	a := make([]float64, n*p)
	exps := make([]int, p)
	for k := range exps {
		exps[k] = r.Intn(81) - 40
	}
	for i := range n {
		row := a[i*p : (i+1)*p]
		for k := range row {
			switch class {
			case "random":
				row[k] = r.Normal(-2, 2)
			case "scaled":
				row[k] = r.Normal(exps[k]-1, exps[k]+1)
			case "collinear":
				if k == 0 {
					row[k] = r.Normal(-1, 1)
				} else {
					row[k] = r.LowBits(row[0], 12+8*(k%4))
				}
			case "intercept":
				row[k] = 1
				if k > 0 {
					row[k] = r.LowBits(1, 12+8*(k%4))
				}
			case "zeros":
				switch {
				case k%3 == 2:
					row[k] = 0
				case k%4 == 3:
					row[k] = row[0]
				default:
					row[k] = r.Normal(-2, 2)
				}
			case "tiny":
				row[k] = r.Normal(-1010, -990)
			case "huge":
				row[k] = r.Normal(960, 990)
			case "special":
				row[k] = r.Normal(-2, 2)
				if r.Intn(50) == 0 {
					row[k] = tsqrGoldenSpecials[r.Intn(len(tsqrGoldenSpecials))]
				}
			default:
				panic("tsqrGoldenMatrix: no class " + class)
			}
		}
	}
	return a
}
