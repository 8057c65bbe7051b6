package linreg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/golden"
	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/kernels"
)

// TestFitBits: every golden fit (fitGoldenCases: every method, penalty,
// intercept and validation set) is the same bits whatever runs it: every
// implementation of the kernels this machine has, 1, 2 or 3 workers,
// windows of one block with Release called after each, and X, y and the
// validation set memory-mapped from .npy files (package npymap), in
// windows of one block and in the default windows. The reference is the
// golden fit itself (the kernels in use, 3 workers, in memory), which
// TestFitGolden holds to the committed table.
func TestFitBits(t *testing.T) {
	type variant struct {
		name string
		fit  func(c fitGoldenCase) []fitField
		// released counts the rows a variant's Release saw (nil: no Release).
		released *int
	}
	var variants []variant
	for _, impl := range kernels.Available() {
		variants = append(variants, variant{name: impl + " kernels", fit: func(c fitGoldenCase) []fitField {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			return c.run()
		}})
	}
	for _, workers := range []int{1, 2} {
		variants = append(variants, variant{name: fmt.Sprintf("%d workers", workers), fit: func(c fitGoldenCase) []fitField {
			d := fitGoldenData(c.set)
			return c.fit(d.x, d.y, d.valX, d.valY, workers)
		}})
	}
	windowed := new(int)
	variants = append(variants, variant{name: "windows of 4096 rows", released: windowed, fit: func(c fitGoldenCase) []fitField {
		d := fitGoldenData(c.set)
		return c.fit(withWindows(d.x, windowed), d.y, withWindows(d.valX, windowed), d.valY, goldenWorkers)
	}})
	mapped, err := mapGoldenSets(t)
	if err != nil {
		t.Logf("the memory-mapped variants do not run: %v", err)
	}
	for _, window := range []int{kernels.BlockRows, 0} {
		if mapped == nil {
			break
		}
		name, released := "mapped, default windows", new(int)
		if window > 0 {
			name = fmt.Sprintf("mapped, windows of %d rows", window)
		}
		variants = append(variants, variant{name: name, released: released, fit: func(c fitGoldenCase) []fitField {
			m := mapped[c.set]
			x, valX := m.x.matrix(m.y, window, released), m.valX.matrix(m.valY, window, released)
			return c.fit(x, m.y.data, valX, m.valY.data, goldenWorkers)
		}})
	}

	if emulated() && testing.Short() {
		// Under qemu (CI's other GOARCHes, minutes of software FMA) keep
		// the windowed and memory-mapped variants, whose code differs by
		// GOARCH (page sizes, mmap); the golden test already compares the
		// kernels' bits there, and the workers' scheduling is the same
		// Go code natively.
		var kept []variant
		for _, v := range variants {
			if v.released != nil {
				kept = append(kept, v)
			}
		}
		variants = kept
	}
	for _, c := range fitGoldenCases() {
		want := c.run()
		for _, v := range variants {
			if diff := golden.FieldDiff(v.fit(c), want, v.name, "the golden run"); diff != "" {
				t.Errorf("%s with %s: %s", c.desc, v.name, diff)
			}
		}
	}
	for _, v := range variants {
		if v.released != nil && *v.released == 0 {
			t.Errorf("%s: nothing was released", v.name)
		}
	}
}

// withWindows returns x with a Release that counts the rows released, in
// windows of one block.
func withWindows(x Matrix, released *int) Matrix {
	x.windowRows = kernels.BlockRows
	x.Release = func(lo, hi int) {
		if lo < 0 || hi > x.Rows || lo >= hi {
			panic(fmt.Sprintf("Release(%d, %d) of %d rows", lo, hi, x.Rows))
		}
		*released += hi - lo
	}
	return x
}

// mappedSet is a golden set's arrays, memory-mapped.
type mappedSet struct {
	x, y, valX, valY mappedArray
}

// mappedArray is one mapped .npy file: its elements and its columns.
type mappedArray struct {
	a    *npymap.Array
	data []float64
	cols int
}

// matrix returns the array as a Matrix whose Release drops its pages and
// those of the targets y (as internal/dataset's mapped sets do), counting
// the rows, in windows of window rows (0: WindowRows).
func (m mappedArray) matrix(y mappedArray, window int, released *int) Matrix {
	rows := len(m.data) / m.cols
	return Matrix{Data: m.data, Rows: rows, Cols: m.cols, windowRows: window, Release: func(lo, hi int) {
		if lo < 0 || hi > rows || lo >= hi {
			panic(fmt.Sprintf("Release(%d, %d) of %d rows", lo, hi, rows))
		}
		m.a.Release(lo*m.cols, hi*m.cols)
		y.a.Release(lo, hi)
		*released += hi - lo
	}}
}

// mapGoldenSets writes every golden set to .npy files in a temporary
// directory and maps them, or returns an error where they cannot be
// mapped (a big-endian host, an OS without maps): the only layout that
// maps is little-endian float64. The maps are closed when t ends.
func mapGoldenSets(t *testing.T) (map[string]*mappedSet, error) {
	dir := t.TempDir()
	sets := map[string]*mappedSet{}
	for _, c := range fitGoldenCases() {
		if sets[c.set] != nil {
			continue
		}
		d := fitGoldenData(c.set)
		s := &mappedSet{}
		for _, f := range []struct {
			name string
			data []float64
			cols int
			out  *mappedArray
		}{
			{"x", d.x.Data, d.x.Cols, &s.x}, {"y", d.y, 0, &s.y},
			{"valx", d.valX.Data, d.valX.Cols, &s.valX}, {"valy", d.valY, 0, &s.valY},
		} {
			path := filepath.Join(dir, c.set+"-"+f.name+".npy")
			if err := os.WriteFile(path, npyFile(f.data, f.cols), 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := npymap.Open(path)
			if errors.Is(err, npymap.ErrNotMappable) {
				return nil, err
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			*f.out = mappedArray{a: a, data: a.Float64s(), cols: max(f.cols, 1)}
		}
		sets[c.set] = s
	}
	return sets, nil
}

// npyFile returns a .npy file (format 1.0, '<f8', C order) of the values
// as rows of cols columns, or as a vector for cols 0, its header padded
// to 64 bytes as numpy pads it.
func npyFile(values []float64, cols int) []byte {
	shape := fmt.Sprintf("(%d,)", len(values))
	if cols > 0 {
		shape = fmt.Sprintf("(%d, %d)", len(values)/cols, cols)
	}
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape)
	pad := 64 - (10+len(dict)+1)%64
	dict += strings.Repeat(" ", pad%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)), byte(len(dict)>>8))
	b = append(b, dict...)
	for _, v := range values {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}
