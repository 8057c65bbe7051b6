package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// The end-to-end tests build the lanes binary once and run it as a user
// would, checking its stdout, stderr, exit status and the files it
// writes.

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var (
	buildOnce   sync.Once
	buildDir    string
	lanesBinary string
	buildErr    error
)

// TestMain removes the binary the tests built, if any.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// built builds the lanes binary on first use (for this GOARCH: an
// emulated run passes GOARCH on to go build) and returns its path.
func built(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "lanes-e2e-"); buildErr != nil {
			return
		}
		lanesBinary = filepath.Join(buildDir, "lanes")
		out, err := exec.Command("go", "build", "-o", lanesBinary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building lanes: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return lanesBinary
}

// execEnv names a command that starts a binary of this GOARCH, such as
// qemu-aarch64-static in an emulated run; .ci/run sets it.
const execEnv = "LANES_TEST_EXEC"

// lanesCmd returns the command that runs the binary with args, through
// LANES_TEST_EXEC when it is set.
func lanesCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bin := built(t)
	if wrap := strings.Fields(os.Getenv(execEnv)); len(wrap) > 0 {
		return exec.Command(wrap[0], append(append(wrap[1:], bin), args...)...)
	}
	return exec.Command(bin, args...)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// lanes runs the binary in dir with args.
func lanes(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := lanesCmd(t, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running lanes %v: %v", args, err)
	}
	return r
}

// expect fails unless r exited with code and its stderr contains every
// want (for failures) or is empty (for success).
func (r result) expect(t *testing.T, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	if code == 0 && r.stderr != "" {
		t.Errorf("stderr not empty on success:\n%s", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
		}
	}
}

// testdata returns the absolute path of a fixture.
func testdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// files lists the names in dir, to prove a failed run wrote nothing.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// normalize replaces what changes from run to run and machine to machine
// (the time and the kernels) in the demo's output.
func normalize(s string) string {
	s = regexp.MustCompile(`(?m)^Time: .* for`).ReplaceAllString(s, "Time: <time> for")
	return regexp.MustCompile(`(?m)^Kernels: .*$`).ReplaceAllString(s, "Kernels: <impl>")
}

func TestCLIDefaultRunGolden(t *testing.T) {
	r := lanes(t, t.TempDir())
	r.expect(t, 0)
	got := normalize(r.stdout)
	golden := filepath.Join("testdata", "demo.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (write it with go test ./cmd/lanes -run TestCLIDefaultRunGolden -update)", err)
	}
	if got != string(want) {
		t.Errorf("default run output differs from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
	// The same numbers whichever kernels run: every implementation this
	// CPU supports, forced as a user would.
	for _, impl := range kernels.Available() {
		cmd := lanesCmd(t)
		cmd.Env = append(os.Environ(), "LANES_KERNELS="+impl)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if normalize(string(out)) != got {
			t.Errorf("LANES_KERNELS=%s prints other numbers:\n%s", impl, out)
		}
		if !strings.Contains(string(out), "Kernels: "+impl+"\n") {
			t.Errorf("LANES_KERNELS=%s ran other kernels:\n%s", impl, out)
		}
	}
}

func TestCLIDemoFlags(t *testing.T) {
	dir := t.TempDir()
	r := lanes(t, dir, "demo", "--steps", "30", "--every", "10", "--lr", "0.1")
	r.expect(t, 0)
	if n := strings.Count(r.stdout, "Step: "); n != 3 {
		t.Errorf("%d loss lines for 30 steps every 10:\n%s", n, r.stdout)
	}
	r = lanes(t, dir, "demo", "--method", "sgd", "--steps", "200", "--schedule", "warmup-linear:warmup=20,decay=100,total=200")
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "Step: 200,") {
		t.Errorf("sgd demo did not reach step 200:\n%s", r.stdout)
	}
	lanes(t, dir, "demo", "--lr", "50").expect(t, 1, "diverged", "step", "--lr")
	lanes(t, dir, "demo", "--lr", "-1").expect(t, 2, "--lr")
	lanes(t, dir, "demo", "--schedule", "bogus").expect(t, 2, "bogus")
}

func TestCLIFitCSV(t *testing.T) {
	dir := t.TempDir()
	r := lanes(t, dir, "fit", "--data", testdata(t, "good.csv"), "--out", "model.json", "--plot", "loss.svg", "--val-fraction", "0.2")
	r.expect(t, 0)
	for _, w := range []string{"MSE", "R²", "epochs", "validation", "model.json", "loss.svg"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("summary does not mention %q:\n%s", w, r.stdout)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Coef      []float64 `json:"coef"`
		Intercept *float64  `json:"intercept"`
		Features  []string  `json:"features"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Coef) != 2 || m.Intercept == nil || strings.Join(m.Features, ",") != "x1,x2" {
		t.Fatalf("model.json: coef %v, intercept %v, features %v", m.Coef, m.Intercept, m.Features)
	}
	// good.csv is y = 3·x1 − 2·x2 + 1 plus small noise.
	if d := []float64{m.Coef[0] - 3, m.Coef[1] + 2, *m.Intercept - 1}; abs(d[0]) > 0.05 || abs(d[1]) > 0.05 || abs(d[2]) > 0.05 {
		t.Errorf("fitted %v + %v, want about 3, −2 and 1", m.Coef, *m.Intercept)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "loss.svg"))
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("loss.svg: %v, %.40q", err, svg)
	}

	// predict with that model, to stdout and to a file.
	r = lanes(t, dir, "predict", "--model", "model.json", "--data", testdata(t, "good.csv"))
	r.expect(t, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "prediction" || len(lines) != 201 {
		t.Errorf("predict wrote %d lines starting %q, want a header and 200 predictions", len(lines), lines[0])
	}
	lanes(t, dir, "predict", "--model", "model.json", "--data", testdata(t, "good.csv"), "--out", "pred.csv").expect(t, 0)
	got, err := os.ReadFile(filepath.Join(dir, "pred.csv"))
	if err != nil || string(got) != r.stdout {
		t.Errorf("pred.csv differs from stdout's predictions (%v)", err)
	}
}

func TestCLIFitNpy(t *testing.T) {
	dir := t.TempDir()
	r := lanes(t, dir, "fit", "--data", testdata(t, "good_x.npy"), "--labels", testdata(t, "good_y.npy"),
		"--method", "minibatch", "--batch", "16", "--epochs", "50", "--out", "m.json", "--quiet")
	r.expect(t, 0)
	lanes(t, dir, "predict", "--model", "m.json", "--data", testdata(t, "good_x.npy")).expect(t, 0)
	lanes(t, dir, "fit", "--data", testdata(t, "good_x.npy")).expect(t, 2, "--labels")
}

func TestCLIFitExact(t *testing.T) {
	r := lanes(t, t.TempDir(), "fit", "--data", testdata(t, "good.csv"), "--method", "exact")
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "exact") {
		t.Errorf("summary does not name the method:\n%s", r.stdout)
	}
}

// TestFitBadInput runs every kind of bad input and usage: each must exit
// 2, name the file, line and column where there are some, and leave no
// model or plot behind.
func TestCLIFitBadInput(t *testing.T) {
	good := testdata(t, "good.csv")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"non-numeric cell", []string{"--data", testdata(t, "bad_cell.csv")}, []string{"bad_cell.csv", ":5", "column 2"}},
		{"wrong field count", []string{"--data", testdata(t, "bad_fields.csv")}, []string{"bad_fields.csv", ":4"}},
		{"NaN", []string{"--data", testdata(t, "bad_nan.csv")}, []string{"bad_nan.csv", ":3", "column 1", "NaN"}},
		{"empty file", []string{"--data", testdata(t, "empty.csv")}, []string{"empty.csv", "empty"}},
		{"no data rows", []string{"--data", testdata(t, "header_only.csv")}, []string{"header_only.csv", "no data rows"}},
		{"missing file", []string{"--data", "nope.csv"}, []string{"nope.csv"}},
		{"unknown target", []string{"--data", good, "--target", "price"}, []string{"good.csv", "price"}},
		{"negative lr", []string{"--data", good, "--lr", "-0.1"}, []string{"--lr"}},
		{"zero batch", []string{"--data", good, "--method", "minibatch", "--batch", "0"}, []string{"--batch"}},
		{"val fraction", []string{"--data", good, "--val-fraction", "1.5"}, []string{"--val-fraction"}},
		{"no data flag", nil, []string{"--data"}},
		{"bad method", []string{"--data", good, "--method", "newton"}, []string{"--method", "newton"}},
		{"bad plot", []string{"--data", good, "--plot", "loss.pdf"}, []string{"loss.pdf"}},
		{"bad schedule", []string{"--data", good, "--lr", "0.1", "--schedule", "cosine:total=x"}, []string{"cosine", "total"}},
		{"unknown flag", []string{"--data", good, "--learning-rate", "1"}, []string{"learning-rate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"fit"}, c.args...)
			args = append(args, "--out", "model.json", "--plot", "loss.svg")
			if c.name == "bad plot" {
				args = args[:len(args)-2]
			}
			lanes(t, dir, args...).expect(t, 2, c.want...)
			if f := files(t, dir); len(f) > 0 {
				t.Errorf("a failed run left %v", f)
			}
		})
	}
}

func TestCLIFitDiverges(t *testing.T) {
	dir := t.TempDir()
	r := lanes(t, dir, "fit", "--data", testdata(t, "good.csv"), "--lr", "1000", "--optimizer", "plain",
		"--out", "model.json", "--plot", "loss.png")
	r.expect(t, 1, "diverged", "step", "smaller --lr")
	if f := files(t, dir); len(f) > 0 {
		t.Errorf("a diverged run left %v", f)
	}
}

func TestCLIPredictErrors(t *testing.T) {
	dir := t.TempDir()
	lanes(t, dir, "fit", "--data", testdata(t, "good.csv"), "--out", "model.json", "--quiet").expect(t, 0)
	if err := os.WriteFile(filepath.Join(dir, "other.csv"), []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lanes(t, dir, "predict", "--model", "model.json", "--data", "other.csv").expect(t, 2, "other.csv", "x1")
	lanes(t, dir, "predict", "--model", "missing.json", "--data", "other.csv").expect(t, 2, "missing.json")
	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	lanes(t, dir, "predict", "--model", "broken.json", "--data", "other.csv").expect(t, 2, "broken.json")
	lanes(t, dir, "predict", "--data", "other.csv").expect(t, 2, "--model")
}

func TestCLIHelpAndUnknownCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"help"}, {"-h"}, {"fit", "-h"}, {"predict", "-h"}, {"demo", "-h"}, {"bench", "-h"}, {"cpu", "-h"}, {"help", "fit"}} {
		r := lanes(t, dir, args...)
		r.expect(t, 0)
		if !strings.Contains(r.stdout, "Usage") || !strings.Contains(r.stdout, "lanes") {
			t.Errorf("lanes %v: no usage on stdout:\n%s", args, r.stdout)
		}
	}
	lanes(t, dir, "train").expect(t, 2, "unknown command", "fit")
}

func TestCLIBenchAndCPU(t *testing.T) {
	dir := t.TempDir()
	r := lanes(t, dir, "bench", "--quick")
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "gonum") {
		t.Errorf("bench has no gonum column:\n%s", r.stdout)
	}
	r = lanes(t, dir, "cpu")
	r.expect(t, 0)
	if !strings.Contains(r.stdout, "LANES_KERNELS") {
		t.Errorf("cpu does not say how to force an implementation:\n%s", r.stdout)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
