//go:build linux

package npymap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// handMade builds a .npy file: version 1.0 with the header padded so
// the data start at pad (64 in numpy's files), little-endian values.
func handMade(t *testing.T, major byte, descr string, fortran bool, shape string, pad int, data any) []byte {
	t.Helper()
	order := "False"
	if fortran {
		order = "True"
	}
	pre := 10
	if major > 1 {
		pre = 12
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, order, shape)
	for (pre+len(dict)+1)%pad != 0 {
		dict += " "
	}
	dict += "\n"
	var b bytes.Buffer
	b.Write(npyio.Magic[:])
	b.Write([]byte{major, 0})
	if major > 1 {
		binary.Write(&b, binary.LittleEndian, uint32(len(dict)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	}
	b.WriteString(dict)
	if data != nil {
		if err := binary.Write(&b, binary.LittleEndian, data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func writeFile(t *testing.T, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.npy")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNpyio compares the mapping with npyio's reading of the same file,
// and checks that npyio's own files, whose headers are not padded to a
// multiple of 8 bytes, are refused as not mappable (the caller falls back
// to reading them).
func TestNpyio(t *testing.T) {
	skipBigEndian(t)
	const rows, cols = 1000, 7
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = float64(i)*0.25 - 3
	}
	path := writeFile(t, handMade(t, 1, "<f8", false, fmt.Sprintf("(%d, %d)", rows, cols), 64, data))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var m mat.Dense
	if err := npyio.Read(f, &m); err != nil {
		t.Fatal(err)
	}
	f.Close()
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !reflect.DeepEqual(a.Shape(), []int{rows, cols}) {
		t.Errorf("shape %v", a.Shape())
	}
	if got, want := a.Float64s(), m.RawMatrix().Data; !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, data) {
		t.Error("data differ from npyio's")
	}

	for _, val := range []any{mat.NewDense(rows, cols, data), data} {
		var buf bytes.Buffer
		if err := npyio.Write(&buf, val); err != nil {
			t.Fatal(err)
		}
		a, err := Open(writeFile(t, buf.Bytes()))
		if err == nil {
			// Aligned by chance: then it must round-trip.
			if !reflect.DeepEqual(a.Float64s(), data) {
				t.Error("npyio's file: data differ")
			}
			a.Close()
			continue
		}
		if !errors.Is(err, ErrNotMappable) || !strings.Contains(err.Error(), "multiple of 8") {
			t.Errorf("npyio's file: %v", err)
		}
	}
}

func TestVersions(t *testing.T) {
	skipBigEndian(t)
	v := []float64{1, 2, 3, 4, 5, 6}
	for _, major := range []byte{1, 2, 3} {
		a, err := Open(writeFile(t, handMade(t, major, "<f8", false, "(3, 2)", 64, v)))
		if err != nil {
			t.Fatalf("version %d: %v", major, err)
		}
		if !reflect.DeepEqual(a.Float64s(), v) || !reflect.DeepEqual(a.Shape(), []int{3, 2}) {
			t.Errorf("version %d: %v %v", major, a.Float64s(), a.Shape())
		}
		a.Close()
	}
	// A Fortran-order array with one non-trivial dimension is C order too.
	a, err := Open(writeFile(t, handMade(t, 1, "<f8", true, "(6, 1)", 64, v)))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}

func TestRefusals(t *testing.T) {
	skipBigEndian(t)
	v := []float64{1, 2, 3, 4, 5, 6}
	for _, tc := range []struct {
		name     string
		content  []byte
		mappable bool // a valid file that only cannot be used in place
		want     string
	}{
		{"float32", handMade(t, 1, "<f4", false, "(3, 2)", 64, []float32{1, 2, 3, 4, 5, 6}), true, "dtype <f4"},
		{"big-endian", handMade(t, 1, ">f8", false, "(3, 2)", 64, v), true, "dtype >f8"},
		{"int64", handMade(t, 1, "<i8", false, "(3, 2)", 64, []int64{1, 2, 3, 4, 5, 6}), true, "dtype <i8"},
		{"fortran", handMade(t, 1, "<f8", true, "(3, 2)", 64, v), true, "Fortran order"},
		{"misaligned", handMade(t, 1, "<f8", false, "(3, 2)", 4, v)[:0], true, "multiple of 8"},
		{"truncated", handMade(t, 1, "<f8", false, "(3, 2)", 64, v[:5]), false, "truncated or corrupt"},
		{"not npy", []byte("a,b\n1,2\n"), false, "not a .npy file"},
		{"version", append(append([]byte{}, npyio.Magic[:]...), 9, 0, 0, 0), false, "unknown format version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			content := tc.content
			if tc.name == "misaligned" {
				// Pad the header to a length ≡ 4 (mod 8).
				for pad := 4; ; pad++ {
					c := handMade(t, 1, "<f8", false, "(3, 2)", pad, v)
					if (len(c)-48)%8 == 4 {
						content = c
						break
					}
				}
			}
			a, err := Open(writeFile(t, content))
			if err == nil {
				a.Close()
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotMappable) != tc.mappable || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q (ErrNotMappable: %v), want one containing %q (%v)", err, errors.Is(err, ErrNotMappable), tc.want, tc.mappable)
			}
		})
	}
}

func TestReleaseKeepsData(t *testing.T) {
	skipBigEndian(t)
	n := 3*os.Getpagesize()/8*10 + 5 // several pages, not a whole number
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) + 0.5
	}
	a, err := Open(writeFile(t, handMade(t, 1, "<f8", false, fmt.Sprintf("(%d,)", n), 64, v)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, r := range [][2]int{{0, n}, {1, 2}, {100, n / 2}, {n / 3, n}, {-5, n + 5}, {7, 3}} {
		a.Release(r[0], r[1])
		if !reflect.DeepEqual(a.Float64s(), v) {
			t.Fatalf("after Release(%d, %d) the data differ", r[0], r[1])
		}
	}
}

// skipBigEndian skips a test of mapping on a big-endian host, where
// nothing maps (TestBigEndianRefuses covers that).
func skipBigEndian(t *testing.T) {
	t.Helper()
	if !littleEndian() {
		t.Skip("a big-endian host maps nothing")
	}
}

// TestBigEndianRefuses: on a big-endian host every file is refused with
// ErrNotMappable, so callers fall back to reading and converting.
func TestBigEndianRefuses(t *testing.T) {
	if littleEndian() {
		t.Skip("little-endian host")
	}
	v := []float64{1, 2, 3, 4, 5, 6}
	path := writeFile(t, handMade(t, 1, "<f8", false, "(3, 2)", 64, v))
	if _, err := Open(path); !errors.Is(err, ErrNotMappable) {
		t.Fatalf("Open on a big-endian host: %v, want ErrNotMappable", err)
	}
}

// TestHoldsTheFaultOfATruncatedFile: reading the pages that a truncation
// took away faults, and with debug.SetPanicOnFault the panic's address
// is one that Holds recognises, which is how lanes fit tells "the file
// changed size" from any other fault.
func TestHoldsTheFaultOfATruncatedFile(t *testing.T) {
	skipBigEndian(t)
	n := 4 * os.Getpagesize() / 8
	v := make([]float64, n)
	path := writeFile(t, handMade(t, 1, "<f8", false, fmt.Sprintf("(%d,)", n), 64, v))
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	data := a.Float64s()
	if a.Shrank() {
		t.Error("Shrank is true before the truncation")
	}
	if !a.Holds(uintptr(unsafe.Pointer(&data[0]))) || !a.Holds(uintptr(unsafe.Pointer(&data[n-1]))) {
		t.Error("Holds refuses addresses of the data")
	}
	var outside float64
	if a.Holds(uintptr(unsafe.Pointer(&outside))) || a.Holds(0) || a.Holds(uintptr(unsafe.Pointer(&data[n-1]))+8) {
		t.Error("Holds accepts an address outside the mapping")
	}
	if err := os.Truncate(path, 64); err != nil {
		t.Fatal(err)
	}
	addr := func() (addr uintptr) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			p := recover()
			if _, ok := p.(runtime.Error); !ok {
				t.Fatalf("reading a truncated mapping: %v, want a memory fault", p)
			}
			// qemu's user-mode emulation reports SIGBUS without its
			// address, and the runtime then raises an error with none.
			if fault, ok := p.(interface{ Addr() uintptr }); ok {
				addr = fault.Addr()
			}
		}()
		sink = data[n-1] + data[n/2]
		return 0
	}()
	if addr != 0 && !a.Holds(addr) {
		t.Errorf("Holds(%#x) is false for the fault in the truncated file", addr)
	}
	if !a.Shrank() {
		t.Error("Shrank is false for a truncated file")
	}
}

// sink keeps the reads of the truncated pages from being optimised away.
var sink float64

// TestFloat32 maps a '<f4' array with OpenFloat32, and checks that each
// open refuses the other's dtype as not mappable, naming both.
func TestFloat32(t *testing.T) {
	skipBigEndian(t)
	const rows, cols = 300, 5
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = float32(i)*0.5 - 7
	}
	path := writeFile(t, handMade(t, 1, "<f4", false, fmt.Sprintf("(%d, %d)", rows, cols), 64, data))
	a, err := OpenFloat32(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Float32s(), data) || a.Float64s() != nil || !reflect.DeepEqual(a.Shape(), []int{rows, cols}) {
		t.Errorf("OpenFloat32: shape %v, data differ or Float64s not nil", a.Shape())
	}
	a.Release(0, rows*cols) // pages come back from the file
	if !reflect.DeepEqual(a.Float32s(), data) {
		t.Error("data differ after Release")
	}
	a.Close()
	if _, err := Open(path); !errors.Is(err, ErrNotMappable) || !strings.Contains(err.Error(), "<f4") {
		t.Errorf("Open of a <f4 file: %v", err)
	}
	f8path := writeFile(t, handMade(t, 1, "<f8", false, "(2,)", 64, []float64{1, 2}))
	if _, err := OpenFloat32(f8path); !errors.Is(err, ErrNotMappable) || !strings.Contains(err.Error(), "not <f4") {
		t.Errorf("OpenFloat32 of a <f8 file: %v", err)
	}
	short := writeFile(t, handMade(t, 1, "<f4", false, "(3,)", 64, []float32{1, 2}))
	if _, err := OpenFloat32(short); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("OpenFloat32 of a truncated file: %v", err)
	}
}
