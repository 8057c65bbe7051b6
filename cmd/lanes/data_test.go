package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// The readers themselves are tested in internal/dataset; these tests are
// of what the command adds: the flags that choose a reader, the exit
// status of their errors, and the fixtures of testdata/.

var genDataFixtures = flag.Bool("gen-data-fixtures", false, "rewrite the data fixtures of testdata/ (see testdata/README.md)")

// npyBytes builds a .npy file by hand: descr such as '<f8', the shape
// such as (3, 2), and the raw data, little-endian values such as a
// []float32 or []int64 (or big-endian if big).
func npyBytes(t *testing.T, descr string, fortran bool, shape string, data any, big bool) []byte {
	t.Helper()
	order := "False"
	if fortran {
		order = "True"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, order, shape)
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	var b bytes.Buffer
	b.Write(npyio.Magic[:])
	b.Write([]byte{1, 0})
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	var bo binary.ByteOrder = binary.LittleEndian
	if big {
		bo = binary.BigEndian
	}
	if data != nil {
		if err := binary.Write(&b, bo, data); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestDataFlags: --labels and --target must suit the kind of --data.
func TestDataFlags(t *testing.T) {
	for _, c := range []struct{ data, labels, target, want string }{
		{"x.npy", "", "", "x.npy is a .npy file: --labels is required, a .npy file of its targets"},
		{"X.NPY", "", "", "X.NPY is a .npy file: --labels is required, a .npy file of its targets"},
		{"x.npy", "y.npy", "y", "--target is for CSV data; the targets of x.npy come from --labels y.npy"},
		{"x.csv", "y.npy", "", "--labels is for .npy data; x.csv is a CSV file, whose target is one of its columns (see --target)"},
		{"x.npy.csv", "y.npy", "", "--labels is for .npy data; x.npy.csv is a CSV file, whose target is one of its columns (see --target)"},
		{"x.npy", "y.npy", "", ""},
		{"x.csv", "", "price", ""},
		{"x", "", "", ""},
	} {
		err := checkDataFlags(c.data, c.labels, c.target)
		if c.want == "" && err != nil || c.want != "" && (err == nil || err.Error() != c.want || !isUsage(err)) {
			t.Errorf("checkDataFlags(%q, %q, %q) = %v, want %q", c.data, c.labels, c.target, err, c.want)
		}
	}
}

// TestReadTrainingErrors: the errors of the readers are usage errors, but
// an interruption.
func TestReadTrainingErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"bad.csv": []byte("a,b\n1,x\n"),
		"bad.npy": []byte("PK\x03\x04"),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readTraining(context.Background(), path, filepath.Join(dir, "y.npy"), ""); err == nil || !isUsage(err) {
			t.Errorf("%s: %v is not a usage error", name, err)
		}
	}
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, []byte("a,b\n"+strings.Repeat("1,2\n", 5000)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readTraining(ctx, big, "", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

// TestDataFixtures checks the committed fixtures of testdata/ (see its
// README.md): good.csv and good_x.npy, good_y.npy hold the same data, and
// each broken file fails where it says. With -gen-data-fixtures it first
// rewrites them.
func TestDataFixtures(t *testing.T) {
	if *genDataFixtures {
		generateDataFixtures(t)
	}
	csvSet, err := readTraining(context.Background(), "testdata/good.csv", "", "y")
	if err != nil {
		t.Fatal(err)
	}
	npySet, err := readTraining(context.Background(), "testdata/good_x.npy", "testdata/good_y.npy", "")
	if err != nil {
		t.Fatal(err)
	}
	if csvSet.Rows != 200 || !reflect.DeepEqual(csvSet.Features, []string{"x1", "x2"}) {
		t.Errorf("good.csv: %d rows, features %q", csvSet.Rows, csvSet.Features)
	}
	if npySet.Rows != 200 || !reflect.DeepEqual(csvSet.X, npySet.X) || !reflect.DeepEqual(csvSet.Y, npySet.Y) {
		t.Errorf("good_x.npy, good_y.npy differ from good.csv")
	}
	for i := range csvSet.Rows {
		x1, x2, y := csvSet.X[2*i], csvSet.X[2*i+1], csvSet.Y[i]
		if math.Abs(3*x1-2*x2+1-y) > 0.5 {
			t.Errorf("good.csv:%d: %v, %v, %v is far from y = 3·x1 − 2·x2 + 1", i+2, x1, x2, y)
		}
	}

	for _, tt := range []struct{ file, want string }{
		{"bad_cell.csv", `testdata/bad_cell.csv:5: column 2 ("x2"): "abc" is not a number`},
		{"bad_fields.csv", "testdata/bad_fields.csv:4: 2 fields, the header has 3"},
		{"bad_nan.csv", `testdata/bad_nan.csv:3: column 1 ("x1"): NaN is not allowed`},
		{"empty.csv", "testdata/empty.csv: empty file, expected a header line"},
		{"header_only.csv", "testdata/header_only.csv: no data rows after the header"},
	} {
		_, err := readTraining(context.Background(), "testdata/"+tt.file, "", "")
		if err == nil || !isUsage(err) || err.Error() != tt.want {
			t.Errorf("%s: got %v, want %s", tt.file, err, tt.want)
		}
	}
}

// generateDataFixtures writes the fixtures of testdata/: 200 rows of
// y = 3·x1 − 2·x2 + 1 + noise from a fixed seed, and the broken files.
func generateDataFixtures(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 1))
	const n = 200
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	parse := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	var csv bytes.Buffer
	csv.WriteString("x1,x2,y\n")
	var lines []string
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := range n {
		s1, s2 := num(rng.Float64()*10-5), num(rng.Float64()*10-5)
		x1, x2 := parse(s1), parse(s2)
		sy := num(3*x1 - 2*x2 + 1 + 0.1*rng.NormFloat64())
		line := s1 + "," + s2 + "," + sy
		lines = append(lines, line)
		csv.WriteString(line + "\n")
		x.Set(i, 0, x1)
		x.Set(i, 1, x2)
		y[i] = parse(sy)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll("testdata", 0o755)
	write("good.csv", csv.Bytes())
	var bx, by bytes.Buffer
	if err := npyio.Write(&bx, x); err != nil {
		t.Fatal(err)
	}
	if err := npyio.Write(&by, y); err != nil {
		t.Fatal(err)
	}
	write("good_x.npy", bx.Bytes())
	write("good_y.npy", by.Bytes())

	// The broken files: the header, then lines[0:8] with one defect
	// (line k of the file is lines[k-2]).
	broken := func(edit func(rows [][]string)) []byte {
		rows := make([][]string, 8)
		for i := range rows {
			rows[i] = strings.Split(lines[i], ",")
		}
		edit(rows)
		var b bytes.Buffer
		b.WriteString("x1,x2,y\n")
		for _, r := range rows {
			b.WriteString(strings.Join(r, ",") + "\n")
		}
		return b.Bytes()
	}
	write("bad_cell.csv", broken(func(rows [][]string) { rows[5-2][1] = "abc" }))
	write("bad_fields.csv", broken(func(rows [][]string) { rows[4-2] = rows[4-2][:2] }))
	write("bad_nan.csv", broken(func(rows [][]string) { rows[3-2][0] = "NaN" }))
	write("empty.csv", nil)
	write("header_only.csv", []byte("x1,x2,y\n"))
}
