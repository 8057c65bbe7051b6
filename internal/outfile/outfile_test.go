package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// inDir returns dir's entries, to prove what a run left behind.
func inDir(t *testing.T, dir string) []string {
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

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// planFails expects Plan to refuse, with a message containing every want.
func planFails(t *testing.T, inputs, outputs []Path, want ...string) {
	t.Helper()
	s, err := Plan(inputs, outputs)
	if err == nil {
		t.Fatalf("Plan(%v, %v) accepted the outputs", inputs, outputs)
	}
	if s != nil {
		t.Errorf("Plan returned a set with its error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func TestStageAndCommit(t *testing.T) {
	dir := t.TempDir()
	model, plot := filepath.Join(dir, "m.json"), filepath.Join(dir, "p.svg")
	write(t, model, "old model")
	if err := os.Chmod(model, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Plan(nil, []Path{{"--out", model}, {"--plot", plot}, {"--unused", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has("--out") || !s.Has("--plot") || s.Has("--unused") {
		t.Errorf("Has: --out %v, --plot %v, --unused %v", s.Has("--out"), s.Has("--plot"), s.Has("--unused"))
	}
	if got := inDir(t, dir); !slices.Equal(got, []string{"m.json"}) {
		t.Errorf("Plan left %v", got)
	}
	if err := s.Stage("--out", text("new model")); err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--plot", text("<svg/>")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, model); got != "old model" {
		t.Errorf("the model changed before Commit: %q", got)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if read(t, model) != "new model" || read(t, plot) != "<svg/>" {
		t.Errorf("after Commit: %q, %q", read(t, model), read(t, plot))
	}
	if got := inDir(t, dir); !slices.Equal(got, []string{"m.json", "p.svg"}) {
		t.Errorf("Commit left %v", got)
	}
	for path, want := range map[string]os.FileMode{model: 0o600, plot: 0o644} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
	s.Discard() // after Commit: nothing
	if read(t, model) != "new model" {
		t.Error("Discard after Commit touched the output")
	}
}

func TestFailureLeavesEverything(t *testing.T) {
	dir := t.TempDir()
	model, plot := filepath.Join(dir, "keep.json"), filepath.Join(dir, "p.svg")
	write(t, model, "precious")
	s, err := Plan(nil, []Path{{"--out", model}, {"--plot", plot}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--out", text("new")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("no finite loss to plot")
	if err := s.Stage("--plot", func(w io.Writer) error { io.WriteString(w, "half"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Stage returned %v, want the writer's error", err)
	}
	s.Discard()
	if got := inDir(t, dir); !slices.Equal(got, []string{"keep.json"}) {
		t.Errorf("a failed run left %v", got)
	}
	if read(t, model) != "precious" {
		t.Errorf("a failed run changed the existing output")
	}
	if err := s.Commit(); err == nil {
		t.Error("Commit after Discard succeeded")
	}
	if read(t, model) != "precious" {
		t.Errorf("Commit after Discard changed the existing output")
	}
}

func TestCommitNeedsEveryOutput(t *testing.T) {
	dir := t.TempDir()
	s, err := Plan(nil, []Path{{"--out", filepath.Join(dir, "a")}, {"--plot", filepath.Join(dir, "b.svg")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--out", text("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Stage("--out", text("a")); err == nil {
		t.Error("staging --out twice succeeded")
	}
	if err := s.Stage("--model", text("x")); err == nil {
		t.Error("staging an unknown flag succeeded")
	}
	if err := s.Commit(); err == nil || !strings.Contains(err.Error(), "--plot") {
		t.Errorf("Commit with --plot unstaged: %v", err)
	}
	if got := inDir(t, dir); len(got) != 0 {
		t.Errorf("a refused Commit left %v", got)
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.csv")
	write(t, data, "x,y\n1,2\n")
	in := []Path{{"--data", data}, {"--labels", ""}, {"--model", filepath.Join(dir, "missing.json")}}
	readOnly := filepath.Join(dir, "ro.json")
	write(t, readOnly, "{}")
	if err := os.Chmod(readOnly, 0o444); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		out  []Path
		want []string
	}{
		{"the input itself", []Path{{"--out", data}}, []string{"--out", "--data", "input"}},
		{"the input by another spelling", []Path{{"--out", filepath.Join(dir, ".", "sub", "..", "data.csv")}}, []string{"--data"}},
		{"a directory", []Path{{"--out", sub}}, []string{"--out", "directory"}},
		{"no such directory", []Path{{"--out", filepath.Join(dir, "nope", "m.json")}}, []string{"--out", "does not exist"}},
		{"read-only", []Path{{"--out", readOnly}}, []string{"--out", "read-only"}},
		{"two outputs, one path", []Path{{"--out", filepath.Join(dir, "x.svg")}, {"--plot", filepath.Join(dir, "x.svg")}}, []string{"--out " + filepath.Join(dir, "x.svg") + " and --plot " + filepath.Join(dir, "x.svg") + " are the same file"}},
		{"two outputs, two spellings", []Path{{"--out", filepath.Join(dir, "x.svg")}, {"--plot", filepath.Join(sub, "..", "x.svg")}}, []string{"same file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := inDir(t, dir)
			planFails(t, in, c.out, c.want...)
			if after := inDir(t, dir); !slices.Equal(before, after) {
				t.Errorf("a refused plan changed the directory: %v, then %v", before, after)
			}
		})
	}
}
