package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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
	for _, flags := range [][]string{
		{"--method", "gd", "--epochs", "20"},
		{"--method", "minibatch", "--epochs", "20"},
		{"--method", "exact"},
		{"--method", "exact", "--l1", "0.01"},
		// The parts copied from the mapping, not read then split.
		{"--method", "gd", "--val-fraction", "0.2", "--seed", "3"},
		{"--method", "exact", "--val-fraction", "0.2", "--seed", "3"},
	} {
		lanes(t, dir, append([]string{"fit", "--data", cx, "--labels", yp, "--out", "c.json", "--quiet"}, flags...)...).expect(t, 0)
		lanes(t, dir, append([]string{"fit", "--data", fx, "--labels", yp, "--out", "f.json", "--quiet"}, flags...)...).expect(t, 0)
		a, _ := os.ReadFile(filepath.Join(dir, "c.json"))
		b, _ := os.ReadFile(filepath.Join(dir, "f.json"))
		if withoutSeconds(a) != withoutSeconds(b) {
			t.Errorf("%v: mapped and in-memory models differ:\n%s\n%s", flags, a, b)
		}
	}
	c[5*cols+1] = math.NaN()
	bad := write("bad.npy", npyBytes(t, "<f8", false, shape, c, false))
	// The fit's first pass finds it (fit maps without a scan of its own),
	// and the message names the file as the scan would, for every method.
	for _, m := range []string{"gd", "sgd", "exact"} {
		lanes(t, dir, "fit", "--data", bad, "--labels", yp, "--method", m, "--quiet").expect(t, 2, "bad.npy: row 6, column 2: NaN is not allowed")
	}
	y[11] = math.Inf(-1)
	badY := write("bady.npy", npyBytes(t, "<f8", false, "(300,)", y, false))
	lanes(t, dir, "fit", "--data", cx, "--labels", badY, "--quiet").expect(t, 2, "bady.npy: row 12: -Inf is not allowed")
}

// writeMappable writes a '<f8' C-order X of rows × cols and its y, which
// fit memory-maps, and returns their paths and the size of X's header.
func writeMappable(t *testing.T, dir string, rows, cols int) (xp, yp string, header int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, rows*cols)
	y := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			x[i*cols+j] = rng.NormFloat64()
			y[i] += float64(j+1) * x[i*cols+j]
		}
	}
	xb := npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+", "+strconv.Itoa(cols)+")", x, false)
	xp, yp = filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := os.WriteFile(xp, xb, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yp, npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+",)", y, false), 0o644); err != nil {
		t.Fatal(err)
	}
	return xp, yp, len(xb) - 8*rows*cols
}
