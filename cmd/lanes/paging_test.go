package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/linreg"
)

// The tests of --release-pages: when a mapped file's pages are given back
// after each pass, and that the model never depends on it.

// withoutSeconds drops the line of the model's timing, the one thing two
// runs on the same data and flags may differ in.
func withoutSeconds(model []byte) string {
	var out []string
	for l := range strings.SplitSeq(string(model), "\n") {
		if !strings.Contains(l, "seconds") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestCLIReleasePagesFlag(t *testing.T) {
	dir := t.TempDir()
	xp, yp, _ := writeMappable(t, dir, 100, 2)
	good := testdata(t, "good.csv")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--data", xp, "--labels", yp, "--release-pages", "sometimes"}, []string{`--release-pages "sometimes" is not one of auto, always, never`}},
		{[]string{"--data", xp, "--labels", yp, "--release-pages", ""}, []string{`--release-pages "" is not one of auto, always, never`}},
		{[]string{"--data", good, "--release-pages", "always"}, []string{"--release-pages is for memory-mapped .npy data", "good.csv is a CSV file"}},
		{[]string{"--data", xp, "--labels", yp, "--val-fraction", "0.2", "--release-pages", "never"}, []string{"--release-pages", "--val-fraction", "copied into memory"}},
	} {
		args := append(append([]string{"fit"}, c.args...), "--out", "m.json")
		lanes(t, dir, args...).expect(t, 2, c.want...)
	}
	if got := strings.Join(files(t, dir), " "); got != "x.npy y.npy" {
		t.Errorf("refused runs left %s", got)
	}
	for _, p := range []string{"auto", "ALWAYS", "never"} {
		lanes(t, dir, "fit", "--data", xp, "--labels", yp, "--release-pages", p, "--quiet").expect(t, 0)
	}
	r := lanes(t, dir, "fit", "-h")
	for _, w := range []string{"--release-pages", "always or never", "used in place by every method", "half of the memory available"} {
		if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), w) {
			t.Errorf("lanes fit -h does not say %q", w)
		}
	}
}

// TestCLIReleasePagesSameBits: every method, on the same mapped files,
// writes the same model whether the pages are given back or kept.
func TestCLIReleasePagesSameBits(t *testing.T) {
	sameBitsAcrossPaging(t, 2000, 3, [][]string{
		{"--method", "gd"},
		{"--method", "sgd", "--epochs", "3", "--seed", "5"},
		{"--method", "minibatch", "--batch", "50", "--epochs", "3", "--seed", "5"},
		{"--method", "exact"},
		{"--method", "exact", "--l2", "0.5"},
		{"--l1", "0.01"},
		{"--method", "exact", "--l1", "0.01"},
	})
}

// TestCLIReleasePagesSameBitsWindows is TestCLIReleasePagesSameBits on a
// file of two windows (linreg.WindowRows), where giving pages back cuts
// every pass in two and sgd shuffles whole windows.
func TestCLIReleasePagesSameBitsWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("files of 32 MiB")
	}
	const cols = 512
	sameBitsAcrossPaging(t, linreg.WindowRows(cols)+100, cols, [][]string{
		{"--method", "gd"},
		{"--method", "sgd", "--epochs", "1", "--seed", "5"},
		{"--method", "exact"},
	})
}

// sameBitsAcrossPaging fits mapped files of rows × cols with each set of
// flags and every --release-pages, and fails unless each set of flags
// gives one model.
func sameBitsAcrossPaging(t *testing.T, rows, cols int, flagSets [][]string) {
	t.Helper()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	dir := t.TempDir()
	xp, yp, _ := writeMappable(t, dir, rows, cols)
	for _, flags := range flagSets {
		var first []byte
		for _, paging := range []string{"never", "always", "auto"} {
			args := append([]string{"fit", "--data", xp, "--labels", yp, "--release-pages", paging, "--out", "m.json", "--quiet"}, flags...)
			lanes(t, dir, args...).expect(t, 0)
			model, err := os.ReadFile(filepath.Join(dir, "m.json"))
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = model
			} else if withoutSeconds(model) != withoutSeconds(first) {
				t.Errorf("%v: --release-pages %s gives\n%s\nnever gave\n%s", flags, paging, model, first)
			}
		}
	}
}

// TestFitReleasesPages runs lanes fit in this process, with the memory
// available chosen by the test, and counts the pages given back.
func TestFitReleasesPages(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	dir := t.TempDir()
	const rows, cols = 1000, 3
	xp, yp, _ := writeMappable(t, dir, rows, cols)
	size := int64(8 * (rows*cols + rows)) // the values of X and y
	t.Cleanup(func() { mapFiles = dataset.MapWith })
	for _, c := range []struct {
		name      string
		args      []string
		available int64 // < 0: unknown
		released  bool
	}{
		{"always", []string{"--release-pages", "always"}, 1 << 40, true},
		{"never", []string{"--release-pages", "never"}, 1, false},
		{"auto, small file", nil, 2 * size, false},
		{"auto, large file", nil, 2*size - 1, true},
		{"auto, memory unknown", nil, -1, false},
		{"exact, always", []string{"--method", "exact", "--release-pages", "always"}, 1 << 40, true},
		{"exact, auto, large file", []string{"--method", "exact"}, 1, true},
		{"exact, never", []string{"--method", "exact", "--release-pages", "never"}, 1, false},
		{"sgd, auto, large file", []string{"--method", "sgd", "--epochs", "2"}, 1, true},
	} {
		var mapped []*dataset.Mapped
		mapFiles = func(x, y string, o dataset.MapOptions) (*dataset.Mapped, error) {
			o.Available = func() (int64, bool) { return c.available, c.available >= 0 }
			m, err := dataset.MapWith(x, y, o)
			mapped = append(mapped, m)
			return m, err
		}
		var stdout, stderr bytes.Buffer
		args := append([]string{"fit", "--data", xp, "--labels", yp, "--quiet"}, c.args...)
		if code := run(&env{stdout: &stdout, stderr: &stderr}, args); code != 0 {
			t.Fatalf("%s: lanes %v: exit %d\n%s", c.name, args, code, stderr.String())
		}
		if len(mapped) != 1 || mapped[0] == nil {
			t.Fatalf("%s: mapped %v, want the files mapped once", c.name, mapped)
		}
		m := mapped[0]
		// The file is one window: the fit's first pass (which checks the
		// values; fit maps unchecked) and its metrics give it back twice
		// at least.
		if got := m.Released(); m.Releasing() != c.released || (got >= 2) != c.released || (got == 0) == c.released {
			t.Errorf("%s: Releasing() = %v, pages given back %d times; want releasing %v", c.name, m.Releasing(), got, c.released)
		}
	}
}
