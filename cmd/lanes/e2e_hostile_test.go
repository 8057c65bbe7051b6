package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIHostileInput: lying headers, huge flags and odd bytes give a
// clear message and the right exit status, never a crash, a hang or a
// file written.
func TestCLIHostileInput(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := testdata(t, "good.csv")
	lanes(t, dir, "fit", "--data", good, "--out", "m.json", "--quiet").expect(t, 0)

	lying := put("lying.npy", npyBytes(t, "<f8", false, "(4611686018427387905, 3)", []float64{1, 2, 3}, false))
	lanes(t, dir, "predict", "--model", "m.json", "--data", lying).expect(t, 2, "lying.npy", "truncated or corrupt")

	const maxInt = "9223372036854775807"
	lanes(t, dir, "fit", "--data", good, "--method", "minibatch", "--batch", maxInt).expect(t, 2, "--batch", "200 training rows")
	r := lanes(t, dir, "fit", "--data", good, "--method", "sgd", "--shuffle-block", maxInt, "--epochs", "2", "--quiet")
	r.expect(t, 0)
	r = lanes(t, dir, "fit", "--data", good, "--method", "sgd", "--epochs", maxInt, "--tol", "0.01", "--quiet")
	r.expect(t, 0)
	lanes(t, dir, "demo", "--points", maxInt).expect(t, 2, "--points")

	latin1 := put("latin1.csv", []byte("na\xefve,y\n1,2\n2,4\n3,6\n"))
	lanes(t, dir, "fit", "--data", latin1, "--out", "l.json").expect(t, 2, "latin1.csv:1: column 1", "UTF-8")

	goSyntax := put("go.csv", []byte("x,y\n1,2\n1_0,3\n0x1p1,4\n"))
	lanes(t, dir, "fit", "--data", goSyntax).expect(t, 2, "go.csv:3: column 1", `"1_0" is not a number`)

	empty := put("empty.json", nil)
	lanes(t, dir, "predict", "--model", empty, "--data", good).expect(t, 2, "empty.json", "is empty")

	for _, name := range []string{"l.json", "lying.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a failed run wrote %s", name)
		}
	}
	if got := strings.Join(files(t, dir), " "); got != "empty.json go.csv latin1.csv lying.npy m.json" {
		t.Errorf("the directory holds %s", got)
	}
}
