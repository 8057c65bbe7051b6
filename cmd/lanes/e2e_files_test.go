//go:build unix

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The end-to-end tests of a user's files: outputs are checked before any
// work, written only when the whole run has succeeded, and never put in
// place of an input, a directory, a device or each other.

// copyFile copies a fixture into dir and returns its new path.
func copyFile(t *testing.T, from, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, name)
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// unchanged fails unless the file at path still holds want.
func unchanged(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s changed: %.60q", path, got)
	}
}

func TestCLIOutputIsNeverAnInput(t *testing.T) {
	dir := t.TempDir()
	data := copyFile(t, testdata(t, "good.csv"), dir, "v.csv")
	x := copyFile(t, testdata(t, "good_x.npy"), dir, "x.npy")
	y := copyFile(t, testdata(t, "good_y.npy"), dir, "y.npy")
	before := map[string][]byte{}
	for _, p := range []string{data, x, y} {
		before[p], _ = os.ReadFile(p)
	}
	if err := os.Symlink("v.csv", filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	lanes(t, dir, "fit", "--data", data, "--out", data, "--quiet").expect(t, 2, "--out", "--data", "input")
	lanes(t, dir, "fit", "--data", data, "--out", "link.csv", "--quiet").expect(t, 2, "--out link.csv", "--data")
	svgData := copyFile(t, data, dir, "data.svg") // a CSV whatever its name, and a valid --plot name
	before[svgData], _ = os.ReadFile(svgData)
	lanes(t, dir, "fit", "--data", svgData, "--out", "m.json", "--plot", svgData).expect(t, 2, "--plot", "--data")
	lanes(t, dir, "fit", "--data", x, "--labels", y, "--out", y).expect(t, 2, "--out", "--labels")
	lanes(t, dir, "fit", "--data", data, "--out", "x.svg", "--plot", "x.svg").expect(t, 2, "--out x.svg", "--plot x.svg", "same file")
	for p, b := range before {
		unchanged(t, p, b)
	}

	lanes(t, dir, "fit", "--data", data, "--out", "m.json", "--quiet").expect(t, 0)
	model, _ := os.ReadFile(filepath.Join(dir, "m.json"))
	lanes(t, dir, "predict", "--model", "m.json", "--data", data, "--out", data).expect(t, 2, "--out", "--data")
	lanes(t, dir, "predict", "--model", "m.json", "--data", data, "--out", "m.json").expect(t, 2, "--out", "--model")
	unchanged(t, data, before[data])
	unchanged(t, filepath.Join(dir, "m.json"), model)
}

func TestCLIOutputKinds(t *testing.T) {
	dir := t.TempDir()
	good := testdata(t, "good.csv")
	if err := os.Mkdir(filepath.Join(dir, "loss.svg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "somedir"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Refused before any work: exit 2, the flag named.
	lanes(t, dir, "fit", "--data", good, "--out", "somedir").expect(t, 2, "--out somedir", "directory")
	lanes(t, dir, "fit", "--data", good, "--out", "m.json", "--plot", "loss.svg").expect(t, 2, "--plot loss.svg", "directory")
	lanes(t, dir, "fit", "--data", good, "--out", "no/such/dir/m.json").expect(t, 2, "--out", "does not exist")
	lanes(t, dir, "fit", "--data", good, "--out", "/dev/null").expect(t, 2, "--out /dev/null", "character device")
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	lanes(t, dir, "fit", "--data", good, "--out", "fifo").expect(t, 2, "--out fifo", "named pipe")
	if os.Geteuid() == 0 {
		// The device replaced by a regular file in the report: root can do
		// it, so make a node here and see it survive.
		dev := filepath.Join(dir, "null")
		if err := unix.Mknod(dev, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Fatal(err)
		}
		lanes(t, dir, "fit", "--data", good, "--out", dev).expect(t, 2, "character device")
		lanes(t, dir, "predict", "--model", "m.json", "--data", good, "--out", dev).expect(t, 2, "character device")
		if fi, err := os.Lstat(dev); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("the device node is now %v (%v)", fi.Mode(), err)
		}
	}
	if got := files(t, dir); !slices.Equal(got, []string{"fifo", "loss.svg", "null", "somedir"}) &&
		!slices.Equal(got, []string{"fifo", "loss.svg", "somedir"}) {
		t.Errorf("refused runs left %v", got)
	}
}

func TestCLIOutputSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "real.json"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", filepath.Join(dir, "model.json")); err != nil {
		t.Fatal(err)
	}
	lanes(t, dir, "fit", "--data", testdata(t, "good.csv"), "--out", "model.json", "--quiet").expect(t, 0)
	fi, err := os.Lstat(filepath.Join(dir, "model.json"))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("model.json is no longer a link: %v, %v", fi.Mode(), err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "real.json"))
	if err != nil || !strings.Contains(string(b), `"coef"`) {
		t.Errorf("the link's target holds %.40q (%v), want the model", b, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "real.json")); fi.Mode().Perm() != 0o600 {
		t.Errorf("the replaced file's mode became %v, want 0600 kept", fi.Mode().Perm())
	}
}

// A run that fails keeps every existing file and writes none.
func TestCLIFailedRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.json")
	if err := os.WriteFile(keep, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(one, []byte("x,y\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	three := filepath.Join(dir, "three.csv")
	if err := os.WriteFile(three, []byte("x,y\n1,2\n2,4\n3,7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := testdata(t, "good.csv")
	lanes(t, dir, "fit", "--data", good, "--method", "exact", "--out", "keep.json", "--plot", "p.svg").expect(t, 2, "--plot", "exact")
	lanes(t, dir, "fit", "--data", one, "--out", "keep.json", "--plot", "p.svg").expect(t, 2, "one.csv", "at least 2")
	lanes(t, dir, "fit", "--data", three, "--val-fraction", "0.34", "--out", "keep.json", "--plot", "p.svg").expect(t, 2, "--val-fraction", "at least two")
	lanes(t, dir, "fit", "--data", good, "--lr", "1000", "--optimizer", "plain", "--out", "keep.json", "--plot", "p.svg").expect(t, 1, "diverged")
	unchanged(t, keep, []byte("precious"))
	if got := files(t, dir); !slices.Equal(got, []string{"keep.json", "one.csv", "three.csv"}) {
		t.Errorf("failed runs left %v", got)
	}
}

// lanes fit > /dev/full: the summary cannot be written, so the run fails
// and the model is not written either.
func TestCLIStdoutFull(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"fit", "--data", testdata(t, "good.csv"), "--out", "m.json", "--quiet"},
		{"demo", "--steps", "10"},
		{"cpu"},
	} {
		cmd := lanesCmd(t, args...)
		cmd.Dir, cmd.Stdout = dir, full
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "writing to stdout") {
			t.Errorf("lanes %v > /dev/full: exit %d (%v), stderr %q; want 1 and the write error", args, code, err, stderr.String())
		}
	}
	if got := files(t, dir); len(got) > 0 {
		t.Errorf("runs that could not print left %v", got)
	}
}
