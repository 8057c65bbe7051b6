package dataset

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

// TestMap: '<f8' C-order files map, with the values of ReadNpy; other
// layouts do not, and NaN or Inf are refused with ReadNpy's messages.
func TestMap(t *testing.T) {
	dir := t.TempDir()
	put := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	xv := []float64{1, 2, 3, 4, 5, 6}
	x := put("x.npy", npyBytes(t, "<f8", false, "(3, 2)", xv, false))
	y := put("y.npy", npyBytes(t, "<f8", false, "(3,)", []float64{7, 8, 9}, false))
	y2 := put("y2.npy", npyBytes(t, "<f8", false, "(3, 1)", []float64{7, 8, 9}, false))
	m, err := Map(x, y2)
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		// '<f8' is not this host's order: nothing maps, the caller reads.
		if m != nil || err != nil {
			t.Fatalf("Map on a big-endian host: %v, %v; want nil, nil", m, err)
		}
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	if err != nil || m == nil {
		t.Fatalf("Map: %v, %v", m, err)
	}
	want, err := ReadNpy(x, y2)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Set(); !reflect.DeepEqual(got, want) {
		t.Errorf("mapped %+v, read %+v", got, want)
	}
	// A file this small keeps its pages, by the memory available or for
	// want of knowing it (see TestMapPaging).
	if mx := m.Matrix(); mx.Rows != 3 || mx.Cols != 2 || !reflect.DeepEqual(mx.Data, xv) || mx.Release != nil || m.Releasing() {
		t.Errorf("Matrix() = %+v", mx)
	}
	m.Close()

	for _, c := range []struct{ name, x, y string }{
		{"Fortran X", put("f.npy", npyBytes(t, "<f8", true, "(3, 2)", xv, false)), y},
		{"float32 X", put("f4.npy", npyBytes(t, "<f4", false, "(3, 2)", []float32{1, 2, 3, 4, 5, 6}, false)), y},
		{"1-D X", put("x1.npy", npyBytes(t, "<f8", false, "(6,)", xv, false)), y},
		{"y too long", x, put("y4.npy", npyBytes(t, "<f8", false, "(4,)", []float64{1, 2, 3, 4}, false))},
		{"y of two columns", x, put("y32.npy", npyBytes(t, "<f8", false, "(3, 2)", xv, false))},
		{"no rows", put("x0.npy", npyBytes(t, "<f8", false, "(0, 2)", nil, false)), put("y0.npy", npyBytes(t, "<f8", false, "(0,)", nil, false))},
		{"missing y", x, filepath.Join(dir, "none.npy")},
	} {
		if m, err := Map(c.x, c.y); m != nil || err != nil {
			t.Errorf("%s: Map = %v, %v, want nil and no error", c.name, m, err)
		}
	}

	bad := slices.Clone(xv)
	bad[2*2+1] = math.Inf(-1)
	for _, c := range []struct{ x, y, want string }{
		{put("xbad.npy", npyBytes(t, "<f8", false, "(3, 2)", bad, false)), y, "xbad.npy: row 3, column 2: -Inf is not allowed (rows and columns count from 1)"},
		{x, put("ybad.npy", npyBytes(t, "<f8", false, "(3,)", []float64{7, math.NaN(), 9}, false)), "ybad.npy: row 2: NaN is not allowed (rows count from 1)"},
	} {
		m, err := Map(c.x, c.y)
		if m != nil || err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("Map(%s, %s) = %v, %v, want %s", c.x, c.y, m, err, c.want)
		}
		if _, rerr := ReadNpy(c.x, c.y); err == nil || rerr == nil || rerr.Error() != err.Error() {
			t.Errorf("Map says %v, ReadNpy %v", err, rerr)
		}
	}
}

// TestMapChecksEveryWindow: the NaN and Inf check of Map goes window by
// window (linreg.WindowRows); a bad value past the first window is named
// by its row in the file.
func TestMapChecksEveryWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("a file of 32 MiB")
	}
	const cols = 1024
	rows := linreg.WindowRows(cols) + 1
	dir := t.TempDir()
	xb := npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+", 1024)", make([]float64, rows*cols), false)
	x := filepath.Join(dir, "x.npy")
	if err := os.WriteFile(x, xb, 0o644); err != nil {
		t.Fatal(err)
	}
	yv := make([]float64, rows)
	y := filepath.Join(dir, "y.npy")
	if err := os.WriteFile(y, npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+",)", yv, false), 0o644); err != nil {
		t.Fatal(err)
	}
	yv[rows-1] = math.NaN()
	ybad := filepath.Join(dir, "ybad.npy")
	if err := os.WriteFile(ybad, npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+",)", yv, false), 0o644); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s: row %d: NaN is not allowed (rows count from 1)", ybad, rows)
	if m, err := Map(x, ybad); m != nil || err == nil || err.Error() != want {
		t.Errorf("Map(x, ybad) = %v, %v, want %s", m, err, want)
	}
	// Make X's value at the last row, third column +Inf.
	f, err := os.OpenFile(x, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	off := int64(len(xb) - 8*rows*cols + 8*((rows-1)*cols+2))
	if _, err := f.WriteAt(binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.Inf(1))), off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want = fmt.Sprintf("%s: row %d, column 3: +Inf is not allowed (rows and columns count from 1)", x, rows)
	if m, err := Map(x, y); m != nil || err == nil || err.Error() != want {
		t.Errorf("Map(x, y) = %v, %v, want %s", m, err, want)
	}
}

// writeMappable writes a '<f8' C-order X of rows × cols and its y, which
// Map maps, and returns their paths and the size of X's header.
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
