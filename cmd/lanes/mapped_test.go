package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIFitMapped fits the same data from a '<f8' C-order file, which
// is memory-mapped, and from a Fortran-order copy, which is read into
// memory: the model files must be the same, but for the timing.
func TestCLIFitMapped(t *testing.T) {
	const rows, cols = 300, 3
	rng := rand.New(rand.NewPCG(4, 5))
	c, f := make([]float64, rows*cols), make([]float64, rows*cols)
	y := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			v := rng.NormFloat64()
			c[i*cols+j], f[j*rows+i] = v, v
			y[i] += float64(j+1) * v
		}
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shape := "(300, 3)"
	cx := write("c.npy", npyBytes(t, "<f8", false, shape, c, false))
	fx := write("f.npy", npyBytes(t, "<f8", true, shape, f, false))
	yp := write("y.npy", npyBytes(t, "<f8", false, "(300,)", y, false))
	for _, method := range []string{"gd", "minibatch"} {
		lanes(t, dir, "fit", "--data", cx, "--labels", yp, "--method", method, "--epochs", "20", "--out", "c.json", "--quiet").expect(t, 0)
		lanes(t, dir, "fit", "--data", fx, "--labels", yp, "--method", method, "--epochs", "20", "--out", "f.json", "--quiet").expect(t, 0)
		a, _ := os.ReadFile(filepath.Join(dir, "c.json"))
		b, _ := os.ReadFile(filepath.Join(dir, "f.json"))
		strip := func(s []byte) string {
			var out []string
			for _, l := range strings.Split(string(s), "\n") {
				if !strings.Contains(l, "seconds") {
					out = append(out, l)
				}
			}
			return strings.Join(out, "\n")
		}
		if strip(a) != strip(b) {
			t.Errorf("%s: mapped and in-memory models differ:\n%s\n%s", method, a, b)
		}
	}
	c[5*cols+1] = math.NaN()
	bad := write("bad.npy", npyBytes(t, "<f8", false, shape, c, false))
	lanes(t, dir, "fit", "--data", bad, "--labels", yp, "--quiet").expect(t, 2, "row 6, column 2: NaN is not allowed")
}
