package benchmarks

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// endToEndShape is one data set of BenchmarkEndToEnd.
type endToEndShape struct{ rows, cols int }

func (s endToEndShape) String() string { return fmt.Sprintf("%dx%d", s.rows, s.cols) }

// endToEndShapes are the shapes of issue 15's targets, 200,000×64 and
// 2,000,000×8, or with LANES_BENCH_SMALL set a tiny one that checks the
// harness in seconds.
func endToEndShapes() []endToEndShape {
	if os.Getenv("LANES_BENCH_SMALL") != "" {
		return []endToEndShape{{20000, 8}}
	}
	return []endToEndShape{{200000, 64}, {2000000, 8}}
}

// endToEndFiles are the two .npy files of a shape, read by both sides.
type endToEndFiles struct{ x, y string }

// endToEndDataVersion names the generator below; change it whenever the
// generator changes, so that no stale cache is reused.
const endToEndDataVersion = "v1"

// endToEndDir is where the data of a shape are kept between runs:
// $LANES_BENCH_DATA/v1-ROWSxCOLS, by default under os.TempDir(). Writing
// 100 MB of .npy takes longer than some fits, and the whole-command
// comparison of endtoend.sh needs the same files after the benchmark.
func endToEndDir(s endToEndShape) string {
	root := os.Getenv("LANES_BENCH_DATA")
	if root == "" {
		root = filepath.Join(os.TempDir(), "lanes-endtoend")
	}
	return filepath.Join(root, endToEndDataVersion+"-"+s.String())
}

// endToEndData returns the files of a shape, writing them first unless a
// previous run left them complete.
func endToEndData(b *testing.B, s endToEndShape) endToEndFiles {
	dir := endToEndDir(s)
	f := endToEndFiles{x: filepath.Join(dir, "X.npy"), y: filepath.Join(dir, "y.npy")}
	if complete(f.x, 8*int64(s.rows)*int64(s.cols)) && complete(f.y, 8*int64(s.rows)) {
		return f
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	x, y := endToEndProblem(s)
	if err := writeNpy(f.x, x, s.rows, s.cols); err != nil {
		b.Fatal(err)
	}
	if err := writeNpy(f.y, y, s.rows); err != nil {
		b.Fatal(err)
	}
	return f
}

// endToEndProblem returns X (row-major) and y of a seeded linear model
// plus noise: y = X·w + 0.5 + N(0, 0.1²), w uniform in [−1, 1]. The
// columns share a factor (correlation 0.36) and have offsets in [−1, 1],
// so that centring matters and the problem is not the identity, while
// scikit-learn's SGDRegressor, which does not standardise, still
// converges as users run it.
func endToEndProblem(s endToEndShape) (x, y []float64) {
	r := rand.New(rand.NewPCG(2026, uint64(s.rows)<<16|uint64(s.cols)))
	offset, w := make([]float64, s.cols), make([]float64, s.cols)
	for j := range w {
		offset[j], w[j] = 2*r.Float64()-1, 2*r.Float64()-1
	}
	x, y = make([]float64, s.rows*s.cols), make([]float64, s.rows)
	for i := range y {
		row, factor := x[i*s.cols:(i+1)*s.cols], r.NormFloat64()
		sum := 0.5
		for j := range row {
			row[j] = 0.8*r.NormFloat64() + 0.6*factor + offset[j]
			sum += row[j] * w[j]
		}
		y[i] = sum + 0.1*r.NormFloat64()
	}
	return x, y
}

// complete reports whether path is an .npy file of dataBytes bytes of
// data after a header of at most a few hundred bytes.
func complete(path string, dataBytes int64) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > dataBytes && st.Size() <= dataBytes+4096
}

// writeNpy writes a float64 array of the given shape, (n,) or (rows,
// cols), as numpy.save does: format 1.0, '<f8', C order, the header padded
// with spaces so that the data start at a multiple of 64 bytes (npyio's
// writer leaves them unaligned, which lanes fit cannot map: it would read
// such a file into memory instead, not the user's path). It writes a
// temporary file and renames it, so an interrupted run leaves no
// truncated file for the next to trust.
func writeNpy(path string, data []float64, shape ...int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	shapeText := strings.Join(dims, ", ")
	if len(shape) == 1 {
		shapeText += ","
	}
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shapeText)
	const preamble = 10 // magic, version, header length
	pad := 64 - (preamble+len(dict)+1)%64
	header := dict + strings.Repeat(" ", pad%64) + "\n"

	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.npy")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing left to remove
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(header)))
	w.WriteString(header)
	var buf [8]byte
	for _, v := range data {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil { // bufio keeps the first error
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
