package knn

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
)

// npyFile writes a float32 .npy file as numpy does, its header padded to
// 64 bytes so that the data can be mapped in place.
func npyFile(t *testing.T, shape string, data any) string {
	t.Helper()
	descr := "<f4"
	if _, ok := data.([]float64); ok {
		descr = "<f8"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	var b bytes.Buffer
	b.Write(npyio.Magic[:])
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	binary.Write(&b, binary.LittleEndian, data)
	path := filepath.Join(t.TempDir(), "v.npy")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpen: a mapped file, the same file as npyio writes it (read into
// memory) and the same data in memory give the same results.
func TestOpen(t *testing.T) {
	const rows, dim = 2500, 48
	data := randomRows(rows, dim, 21)
	q := randomRows(1, dim, 22)
	mem, _ := New(data, dim, Options{Metric: Cosine})
	want, _ := mem.Search(q, 20)

	var buf bytes.Buffer
	if err := npyio.Write(&buf, data); err != nil {
		t.Fatal(err)
	}
	// npyio writes a 1-D array: one row, read into memory (its header is
	// not padded for a map).
	flat := filepath.Join(t.TempDir(), "flat.npy")
	os.WriteFile(flat, buf.Bytes(), 0o644)
	if ix, err := Open(flat, Options{}); err != nil || ix.Len() != 1 || ix.Dim() != rows*dim {
		t.Errorf("Open of a 1-D array: %v", err)
	}

	for _, path := range []string{npyFile(t, fmt.Sprintf("(%d, %d)", rows, dim), data)} {
		ix, err := Open(path, Options{Metric: Cosine, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if ix.mapped == nil && littleEndian() {
			t.Errorf("%s was not mapped", path) // a big-endian host reads it instead
		}
		got, _ := ix.Search(q, 20)
		if !sameResults(got, want) {
			t.Errorf("mapped: %v, want %v", got, want)
		}
		if ix.Len() != rows || ix.Dim() != dim {
			t.Errorf("Len %d Dim %d", ix.Len(), ix.Dim())
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// float64 values that are exactly float32 are read into memory.
	d64 := make([]float64, len(data))
	for i, v := range data {
		d64[i] = float64(v)
	}
	ix, err := Open(npyFile(t, fmt.Sprintf("(%d, %d)", rows, dim), d64), Options{Metric: Cosine})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Search(q, 20); ix.mapped != nil || !sameResults(got, want) {
		t.Errorf("<f8 file: mapped=%v, %v, want %v", ix.mapped != nil, got, want)
	}
	d64[3*dim+4] = 0.1
	if _, err := Open(npyFile(t, fmt.Sprintf("(%d, %d)", rows, dim), d64), Options{}); err == nil ||
		!strings.Contains(err.Error(), "row 4, column 5: 0.1 is not exactly a float32") {
		t.Errorf("<f8 file with 0.1: %v", err)
	}
}

func TestOpenRefuses(t *testing.T) {
	bad := randomRows(10, 3, 1)
	bad[2*3+1] = float32(math.NaN())
	inf := randomRows(10, 3, 1)
	inf[9*3+2] = float32(math.Inf(1))
	for _, c := range []struct {
		path, want string
	}{
		{npyFile(t, "(10, 3)", bad), "row 3, column 2: NaN is not allowed"},
		{npyFile(t, "(10, 3)", inf), "row 10, column 3: +Inf is not allowed"},
		{npyFile(t, "(0, 3)", []float32{}), "no rows"},
		{npyFile(t, "(3, 0)", []float32{}), "no columns"},
		{npyFile(t, "(2, 3, 5)", make([]float32, 30)), "2-D array"},
		{filepath.Join(t.TempDir(), "missing.npy"), "no such file"},
		{t.TempDir(), "is a directory"},
	} {
		if _, err := Open(c.path, Options{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open: %v, want %q", err, c.want)
		}
	}
}

func littleEndian() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }
