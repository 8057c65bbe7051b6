package gd

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/golden"
	"github.com/lanes-go/lanes/kernels"
)

// TestGolden is the promise of package gd, the same bits on every CPU,
// GOARCH and kernel implementation, as one number: every golden run of
// Minimize (goldenConfigs) and every golden schedule (scheduleGoldens)
// becomes a line of a table, and the SHA-256 of the table must be the
// value committed in testdata/golden. CI runs it under qemu on arm64,
// riscv64, ppc64le, s390x and 386. It follows the golden test of package
// kernels.
//
// testdata/golden/table.txt has one line per case: its description, then
// "#" and the first 16 hex digits of the SHA-256 of its bits (hashRun for
// a run, hashRates for a schedule). golden.txt holds the SHA-256 of
// table.txt. A pass needs only the hash; the table is there to name the
// first case that differs.
//
// A change to the engine's arithmetic, the data generation, a schedule's
// formula or the configurations changes the table on purpose; anything
// else that changes it is a bug.

// -update-golden (package internal/golden) rewrites testdata/golden with
// the generic kernels. That is legitimate only when the arithmetic of the
// engine or of a schedule changes on purpose: an implementation that
// disagrees with the golden table is wrong, and a new case must add a
// line, not change the others.
var goldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "table.txt"),
	Hash:    filepath.Join(golden.Dir, "golden.txt"),
	Header:  "# gd golden table: case, then #sha256[:8] of its bits (hashRun, hashRates); NaN canonical\n",
	Command: "go test ./gd -run '^TestGolden$' -update-golden",
}

// goldenCase is one line of the table: value runs the case and returns
// "#" and its 16 hex digits.
type goldenCase struct {
	desc  string
	value func(t *testing.T) string
}

// goldenCases are the runs of goldenConfigs, by name, then the schedules
// of scheduleGoldens, in their order.
func goldenCases(t *testing.T) []goldenCase {
	pr := detProblem(t)
	val := newProblem(t, problemSpec{seed: 92, n: 30, p: 37, intercept: true, noise: 0.3}).objective(t)
	configs := goldenConfigs(val)
	var cases []goldenCase
	for _, name := range slices.Sorted(maps.Keys(configs)) {
		cfg := configs[name]
		cases = append(cases, goldenCase{"minimize " + name, func(t *testing.T) string {
			return "#" + hashRun(mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg))
		}})
	}
	steps := scheduleGoldenSteps()
	for _, g := range scheduleGoldens {
		cases = append(cases, goldenCase{fmt.Sprintf("schedule %s %+v", g.name, g.s), func(*testing.T) string {
			return "#" + hashRates(g.s, steps)
		}})
	}
	return cases
}

func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	if golden.Update() {
		// Written with generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		table := goldenTableOf(t, cases)
		restore()
		goldenFiles.Write(t, table)
	}
	want := goldenFiles.Want(t)
	for _, impl := range kernels.Available() {
		t.Run(impl, func(t *testing.T) {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			table := goldenTableOf(t, cases)
			goldenFiles.Check(t, want, table, func(committed string) string { return goldenDiff(committed, table) })
		})
	}
}

// TestGoldenDiagnosis proves that the golden test can fail and says where:
// a run or a schedule one ulp off must be reported at its own line.
func TestGoldenDiagnosis(t *testing.T) {
	cases := goldenCases(t)
	want := goldenTableOf(t, cases)
	for _, target := range []string{"minimize batch/plain", "schedule Cosine/nowarmup"} {
		t.Run(target, func(t *testing.T) {
			broken := slices.Clone(cases)
			line := -1
			for k, c := range broken {
				if c.desc == target || strings.HasPrefix(c.desc, target+" ") {
					line = k + 2 // after the header, counting from 1
					broken[k].value = offByOneUlp(t, target)
				}
			}
			if line < 0 {
				t.Fatalf("no case %q", target)
			}
			msg := goldenDiff(want, goldenTableOf(t, broken))
			for _, w := range []string{"1 lines of the table differ", fmt.Sprintf("the first is line %d:", line), "\t" + target, "\twant #", "\tgot  #"} {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnosis does not contain %q:\n%s", w, msg)
				}
			}
			t.Logf("caught:\n%s", msg)
		})
	}
}

// offByOneUlp returns the value of a golden case with its rate one ulp
// higher.
func offByOneUlp(t *testing.T, target string) func(*testing.T) string {
	switch target {
	case "minimize batch/plain":
		pr := detProblem(t)
		cfg := goldenConfigs(nil)["batch/plain"]
		cfg.Rate = math.Nextafter(cfg.Rate, 1)
		return func(t *testing.T) string {
			return "#" + hashRun(mustMinimize(t, pr.objective(t), make([]float64, pr.d()), cfg))
		}
	case "schedule Cosine/nowarmup":
		return func(*testing.T) string {
			return "#" + hashRates(Cosine{Base: math.Nextafter(0.3, 1), Min: 0, Total: 3333}, scheduleGoldenSteps())
		}
	}
	t.Fatalf("no broken version of %q", target)
	return nil
}

// goldenTableOf runs every case with the kernels in use and returns the
// table.
func goldenTableOf(t *testing.T, cases []goldenCase) string {
	return golden.Table(goldenFiles.Header, cases, func(c goldenCase) (string, string) { return c.desc, c.value(t) })
}

// goldenDiff explains how the table got differs from the table want:
// how many lines differ, and the first, with both values (the runs'
// values are hashes: there is no element to name).
func goldenDiff(want, got string) string {
	msg, _ := goldenFiles.Diff(want, got, kernels.Impl())
	return msg
}

// hashRun returns the first 16 hex digits of the SHA-256 of the bits of a
// run's parameters, losses, counts and history, big-endian, every NaN as
// one value.
func hashRun(res Result) string {
	h := sha256.New()
	put := func(v float64) {
		b := math.Float64bits(v)
		if math.IsNaN(v) {
			b = 0x7ff8000000000001
		}
		h.Write(binary.BigEndian.AppendUint64(nil, b))
	}
	for _, v := range res.W {
		put(v)
	}
	put(res.Loss)
	put(res.InitialLoss)
	put(res.ValLoss)
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(res.Epochs)<<40|uint64(res.Steps)<<8|uint64(res.Stop)))
	for _, e := range res.History {
		put(e.Loss)
		put(e.ValLoss)
		put(e.Rate)
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(e.Epoch)<<32|uint64(e.Step)))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// hashRates returns the first 16 hex digits of the SHA-256 of the bits of
// s's rates at steps, big-endian.
func hashRates(s Schedule, steps []int) string {
	h := sha256.New()
	var b [8]byte
	for _, step := range steps {
		binary.BigEndian.PutUint64(b[:], math.Float64bits(s.Rate(step)))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
