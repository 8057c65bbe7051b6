package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
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
)

// readTraining reads a training set as lanes fit does: ReadNpy for a .npy
// X, else ReadCSV.
func readTraining(ctx context.Context, path, labels, target string) (*Set, error) {
	if IsNpy(path) {
		return ReadNpy(path, labels)
	}
	return ReadCSV(ctx, path, target)
}

// writeTemp writes content to a file named name in a fresh temporary
// directory and returns its path.
func writeTemp(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

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

func TestReadCSV(t *testing.T) {
	const plain = "a,b,c\n1,2,3\n4,5,6\n"
	tests := []struct {
		name, content, target string
		features              []string
		x, y                  []float64
		targetName            string
	}{
		{"default last", plain, "", []string{"a", "b"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"by name", plain, "a", []string{"b", "c"}, []float64{2, 3, 5, 6}, []float64{1, 4}, "a"},
		{"by index", plain, "1", []string{"a", "c"}, []float64{1, 3, 4, 6}, []float64{2, 5}, "b"},
		{"index 0", plain, "0", []string{"b", "c"}, []float64{2, 3, 5, 6}, []float64{1, 4}, "a"},
		{"digit name wins over index", "x,0,1\n1,2,3\n4,5,6\n", "0", []string{"x", "1"}, []float64{1, 3, 4, 6}, []float64{2, 5}, "0"},
		{"CRLF", "a,b,c\r\n1,2,3\r\n4,5,6\r\n", "", []string{"a", "b"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"BOM", "\xEF\xBB\xBFa,b,c\n1,2,3\n4,5,6\n", "a", []string{"b", "c"}, []float64{2, 3, 5, 6}, []float64{1, 4}, "a"},
		{"spaces", " a , b ,c\n 1 ,\t2,3 \n4,  5  ,6\n", "a", []string{"b", "c"}, []float64{2, 3, 5, 6}, []float64{1, 4}, "a"},
		{"blank lines", "a,b,c\n\n1,2,3\n\n4,5,6\n\n\n", "", []string{"a", "b"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"no final newline", "a,b,c\n1,2,3\n4,5,6", "", []string{"a", "b"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"quoted", "\"a\",\"b\",\"c\"\n\"1\",2,\"3\"\n4,5,6\n", "", []string{"a", "b"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"numbers", "a,b,c\n-1.5e3,+.25,1E2\n1e-400,-0,7\n", "", []string{"a", "b"}, []float64{-1500, 0.25, 0, 0}, []float64{100, 7}, "c"},
		{"decimal forms", "a,b,c\n5.,.5,-0.0e+0\n1E-2,00012,3e0\n", "", []string{"a", "b"}, []float64{5, 0.5, 0.01, 12}, []float64{0, 3}, "c"},
		{"UTF-8 names", "naïve,価格,y\n1,2,3\n4,5,6\n", "価格", []string{"naïve", "y"}, []float64{1, 3, 4, 6}, []float64{2, 5}, "価格"},
		{"empty name", "a,,c\n1,2,3\n4,5,6\n", "", []string{"a", "col2"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "c"},
		{"pandas digit names", "0,1,2\n1,2,3\n4,5,6\n", "", []string{"0", "1"}, []float64{1, 2, 4, 5}, []float64{3, 6}, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "data.csv", []byte(tt.content))
			d, err := readTraining(context.Background(), path, "", tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if d.Path != path || d.Rows != 2 || d.Target != tt.targetName ||
				!reflect.DeepEqual(d.Features, tt.features) || !reflect.DeepEqual(d.X, tt.x) || !reflect.DeepEqual(d.Y, tt.y) {
				t.Errorf("got %+v, want features %q x %v y %v target %q", d, tt.features, tt.x, tt.y, tt.targetName)
			}
		})
	}
}

func TestReadCSVAnyExtension(t *testing.T) {
	// Anything but .npy is CSV, whatever its extension.
	for _, name := range []string{"DATA.CSV", "data.txt", "data"} {
		path := writeTemp(t, name, []byte("a,b\n1,2\n"))
		d, err := readTraining(context.Background(), path, "", "")
		if err != nil || d.Rows != 1 {
			t.Errorf("%s: %v, %+v", name, err, d)
		}
	}
}

// dataErrorCase is an input expected to fail with an error whose
// message contains every string of want ("FILE" stands for the path).
type dataErrorCase struct {
	name, file string
	content    []byte
	labels     []byte // a labels file labels.npy, if not nil
	labelsArg  string // --labels when labels is nil
	target     string
	want       []string
}

func checkDataError(t *testing.T, err error, path string, want []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range want {
		w = strings.ReplaceAll(w, "FILE", path)
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestReadTrainingErrors(t *testing.T) {
	f64 := func(shape string, v ...float64) []byte { return npyBytes(t, "<f8", false, shape, v, false) }
	good := f64("(2, 2)", 1, 2, 3, 4)
	tests := []dataErrorCase{
		// CSV
		{name: "non-numeric", file: "data.csv", content: []byte("x,y,age\n1,2,3\n1,2,3\n1,2,3\n1,2,abc\n"),
			want: []string{`FILE:5: column 3 ("age"): "abc" is not a number`}},
		{name: "non-numeric CRLF BOM", file: "data.csv", content: []byte("\xEF\xBB\xBFx,y\r\n1,2\r\n\r\n1, abc \r\n"),
			want: []string{`FILE:4: column 2 ("y"): "abc" is not a number`}},
		{name: "empty cell", file: "data.csv", content: []byte("x,y\n1,2\n,2\n"),
			want: []string{`FILE:3: column 1 ("x"): empty cell, expected a number`}},
		{name: "too few fields", file: "data.csv", content: []byte("a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n"),
			want: []string{"FILE:7: 3 fields, the header has 4"}},
		{name: "too many fields", file: "data.csv", content: []byte("a,b\n1,2\n1,2,3\n"),
			want: []string{"FILE:3: 3 fields, the header has 2"}},
		{name: "one field", file: "data.csv", content: []byte("a,b\n1,2\n1\n"),
			want: []string{"FILE:3: 1 field, the header has 2"}},
		{name: "bare quote", file: "data.csv", content: []byte("a,b\n1,2\n1,2\"\n"),
			want: []string{`FILE:3: bare " in non-quoted-field (at byte 4 of the line)`}},
		{name: "NaN", file: "data.csv", content: []byte("a,x\n1,2\n1,2\n1,NaN\n"),
			want: []string{`FILE:4: column 2 ("x"): NaN is not allowed`}},
		{name: "nan lower", file: "data.csv", content: []byte("a,x\nnan,2\n"),
			want: []string{`FILE:2: column 1 ("a"): NaN is not allowed`}},
		{name: "inf", file: "data.csv", content: []byte("a,x\n1,2\n1, -inf\n"),
			want: []string{`FILE:3: column 2 ("x"): -inf is not allowed`}},
		{name: "Infinity target", file: "data.csv", content: []byte("a,x\n1,Infinity\n"),
			want: []string{`FILE:2: column 2 ("x"): Infinity is not allowed`}},
		{name: "overflow", file: "data.csv", content: []byte("a,x\n1,2\n1,2\n1e400,2\n"),
			want: []string{`FILE:4: column 1 ("a"): 1e400 is out of range`}},
		{name: "negative overflow", file: "data.csv", content: []byte("a,x\n1,-1e400\n"),
			want: []string{`FILE:2: column 2 ("x"): -1e400 is out of range`}},
		{name: "Go digit separator", file: "data.csv", content: []byte("a,x\n1,2\n1_0,2\n"),
			want: []string{`FILE:3: column 1 ("a"): "1_0" is not a number`}},
		{name: "Go hex float", file: "data.csv", content: []byte("a,x\n1,0x1p1\n"),
			want: []string{`FILE:2: column 2 ("x"): "0x1p1" is not a number`}},
		{name: "binary literal", file: "data.csv", content: []byte("a,x\n0b101,2\n"),
			want: []string{`FILE:2: column 1 ("a"): "0b101" is not a number`}},
		{name: "bare exponent", file: "data.csv", content: []byte("a,x\n1e,2\n"),
			want: []string{`FILE:2: column 1 ("a"): "1e" is not a number`}},
		{name: "lone point", file: "data.csv", content: []byte("a,x\n.,2\n"),
			want: []string{`FILE:2: column 1 ("a"): "." is not a number`}},
		{name: "Latin-1 header", file: "data.csv", content: []byte("na\xefve,y\n1,2\n"),
			want: []string{`FILE:1: column 1: the name "na\xefve" is not valid UTF-8; save the file as UTF-8`}},
		{name: "Latin-1 target name", file: "data.csv", content: []byte("x,pr\xeax\n1,2\n"),
			want: []string{`FILE:1: column 2: the name "pr\xeax" is not valid UTF-8`}},
		{name: "npy lying shape", file: "data.npy", content: npyBytes(t, "<f8", false, "(4611686018427387905, 3)", []float64{1, 2, 3}, false), labels: f64("(1,)", 1),
			want: lyingShape("FILE: 24 bytes of data, but an array of shape (4611686018427387905, 3) and dtype <f8 takes 110680464442257309720 bytes")},
		{name: "npy lying shape int8", file: "data.npy", content: npyBytes(t, "|i1", false, "(9223372036854775807, 2)", []int8{1, 2}, false), labels: f64("(1,)", 1),
			want: lyingShape("FILE: 2 bytes of data, but an array of shape (9223372036854775807, 2)")},
		{name: "npy lying shape 32-bit", file: "data.npy", content: npyBytes(t, "<f8", false, "(2147483647, 3)", []float64{1, 2, 3}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: 24 bytes of data, but an array of shape (2147483647, 3) and dtype <f8 takes 51539607528 bytes"}},
		{name: "empty file", file: "data.csv", content: []byte{},
			want: []string{"FILE: empty file, expected a header line"}},
		{name: "blank file", file: "data.csv", content: []byte("\n\r\n\n"),
			want: []string{"FILE: empty file, expected a header line"}},
		{name: "BOM only", file: "data.csv", content: []byte("\xEF\xBB\xBF"),
			want: []string{"FILE: empty file, expected a header line"}},
		{name: "header only", file: "data.csv", content: []byte("a,b,c\n"),
			want: []string{"FILE: no data rows after the header"}},
		{name: "header only blank lines", file: "data.csv", content: []byte("a,b,c\r\n\r\n\r\n"),
			want: []string{"FILE: no data rows after the header"}},
		{name: "unknown target", file: "data.csv", content: []byte("a,b,c\n1,2,3\n"), target: "price",
			want: []string{`FILE: no column "price"; the header has: a, b, c`}},
		{name: "target index out of range", file: "data.csv", content: []byte("a,b,c\n1,2,3\n"), target: "3",
			want: []string{"FILE: no column 3 (column indexes count from 0, so the last is 2); the header has: a, b, c"}},
		{name: "huge target index", file: "data.csv", content: []byte("a,b,c\n1,2,3\n"), target: "99999999999999999999999",
			want: []string{"FILE: no column 99999999999999999999999"}},
		{name: "duplicate names", file: "data.csv", content: []byte("a,x,b,x\n1,2,3,4\n"),
			want: []string{`FILE:1: columns 2 and 4 are both named "x"`}},
		{name: "duplicate after trimming", file: "data.csv", content: []byte("x, x\n1,2\n"),
			want: []string{`FILE:1: columns 1 and 2 are both named "x"`}},
		{name: "one column", file: "data.csv", content: []byte("y\n1\n2\n"),
			want: []string{"FILE: only one column: no features besides the target"}},
		{name: "no header", file: "data.csv", content: []byte("1.5,2,3\n1,2,3\n"),
			want: []string{"FILE:1: the first line holds numbers (1.5, 2, 3), not column names"}},
		{name: "missing file", file: "nonexistent.csv", content: nil,
			want: []string{"open FILE: no such file or directory"}},

		// .npy
		{name: "npy labels length", file: "data.npy", content: good, labels: f64("(3,)", 1, 2, 3),
			want: []string{"labels.npy has 3 values, FILE has 2 rows"}},
		{name: "npy 1-D X", file: "data.npy", content: f64("(3,)", 1, 2, 3), labels: f64("(3,)", 1, 2, 3),
			want: []string{"FILE: a 1-D array of 3 values: X must be a 2-D array", "(3, 1)"}},
		{name: "npy 3-D X", file: "data.npy", content: f64("(1, 2, 1)", 1, 2), labels: f64("(1,)", 1),
			want: []string{"FILE: an array of shape (1, 2, 1): X must be a 2-D array"}},
		{name: "npy scalar X", file: "data.npy", content: f64("()", 1), labels: f64("(1,)", 1),
			want: []string{"FILE: an array of shape (): X must be a 2-D array"}},
		{name: "npy 2-column labels", file: "data.npy", content: good, labels: f64("(2, 2)", 1, 2, 3, 4),
			want: []string{"labels.npy: an array of shape (2, 2): the labels must be a 1-D array, or a 2-D array of one column"}},
		{name: "npy no rows", file: "data.npy", content: f64("(0, 2)"), labels: f64("(0,)"),
			want: []string{"FILE: an array of shape (0, 2): no rows"}},
		{name: "npy no columns", file: "data.npy", content: f64("(2, 0)"), labels: f64("(2,)", 1, 2),
			want: []string{"FILE: an array of shape (2, 0): no columns"}},
		{name: "npy NaN", file: "data.npy", content: f64("(3, 2)", 1, 2, 3, 4, 5, math.NaN()), labels: f64("(3,)", 1, 2, 3),
			want: []string{"FILE: row 3, column 2: NaN is not allowed (rows and columns count from 1)"}},
		{name: "npy Inf", file: "data.npy", content: f64("(3, 2)", 1, math.Inf(-1), 3, 4, 5, 6), labels: f64("(3,)", 1, 2, 3),
			want: []string{"FILE: row 1, column 2: -Inf is not allowed"}},
		{name: "npy NaN Fortran", file: "data.npy", content: npyBytes(t, "<f8", true, "(3, 2)", []float64{1, 2, 3, 4, 5, math.NaN()}, false), labels: f64("(3,)", 1, 2, 3),
			want: []string{"FILE: row 3, column 2: NaN is not allowed"}},
		{name: "npy labels NaN", file: "data.npy", content: good, labels: f64("(2,)", 1, math.NaN()),
			want: []string{"labels.npy: row 2: NaN is not allowed (rows count from 1)"}},
		{name: "npy complex", file: "data.npy", content: npyBytes(t, "<c16", false, "(1, 1)", []float64{1, 0}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: dtype <c16 (complex) is not supported: it must be float64, float32 or an integer type"}},
		{name: "npy bool", file: "data.npy", content: npyBytes(t, "|b1", false, "(1, 2)", []uint8{1, 0}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: dtype |b1 (bool) is not supported"}},
		{name: "npy object", file: "data.npy", content: npyBytes(t, "|O", false, "(1, 1)", nil, false), labels: f64("(1,)", 1),
			want: []string{"FILE: dtype |O (object) is not supported"}},
		{name: "npy string", file: "data.npy", content: npyBytes(t, "<U3", false, "(1, 1)", []uint32{97, 98, 99}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: dtype <U3 (string) is not supported"}},
		{name: "npy float16", file: "data.npy", content: npyBytes(t, "<f2", false, "(1, 1)", []uint16{0}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: dtype <f2 (float) is not supported"}},
		{name: "npy structured", file: "data.npy", content: npyBytes(t, "[('a', '<f8')]", false, "(1, 1)", []float64{1}, false), labels: f64("(1,)", 1),
			want: []string{"FILE: ", "is not supported"}},
		{name: "npy labels complex", file: "data.npy", content: good, labels: npyBytes(t, "<c8", false, "(2,)", []float32{1, 0, 2, 0}, false),
			want: []string{"labels.npy: dtype <c8 (complex) is not supported"}},
		{name: "not npy", file: "data.npy", content: []byte("a,b\n1,2\n"), labels: f64("(1,)", 1),
			want: []string{`FILE: not a .npy file: it does not start with "\x93NUMPY"`}},
		{name: "empty npy", file: "data.npy", content: []byte{}, labels: f64("(1,)", 1),
			want: []string{"FILE: not a .npy file"}},
		{name: "labels not npy", file: "data.npy", content: good, labels: []byte("1\n2\n"),
			want: []string{"labels.npy: not a .npy file"}},
		{name: "npy truncated header", file: "data.npy", content: good[:40], labels: f64("(2,)", 1, 2),
			want: []string{"FILE: not a .npy file: truncated header"}},
		{name: "npy truncated data", file: "data.npy", content: good[:len(good)-4], labels: f64("(2,)", 1, 2),
			want: []string{"FILE: 28 bytes of data, but an array of shape (2, 2) and dtype <f8 takes 32 bytes"}},
		{name: "npy trailing data", file: "data.npy", content: append(append([]byte{}, good...), 0, 0, 0, 0, 0, 0, 0, 0), labels: f64("(2,)", 1, 2),
			want: []string{"FILE: 40 bytes of data, but an array of shape (2, 2) and dtype <f8 takes 32 bytes"}},
		{name: "npy malformed header", file: "data.npy", content: append(append(append([]byte{}, npyio.Magic[:]...), 1, 0, 4, 0), "abcd"...), labels: f64("(1,)", 1),
			want: []string{"FILE: not a .npy file: malformed header"}},
		{name: "npy bad version", file: "data.npy", content: append(append(append([]byte{}, npyio.Magic[:]...), 9, 0, 4, 0), "abcd"...), labels: f64("(1,)", 1),
			want: []string{"FILE: not a .npy file: unknown format version 9.0"}},
		{name: "labels missing", file: "data.npy", content: good, labelsArg: "nonexistent.npy",
			want: []string{"open nonexistent.npy: no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if tt.content != nil {
				if err := os.WriteFile(path, tt.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			labels := tt.labelsArg
			if tt.labels != nil {
				labels = filepath.Join(dir, "labels.npy")
				if err := os.WriteFile(labels, tt.labels, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := tt.want
			if tt.labels == nil && tt.labelsArg != "" {
				// The path of a missing labels file is relative.
				labels = filepath.Join(dir, tt.labelsArg)
				want = nil
				for _, w := range tt.want {
					want = append(want, strings.ReplaceAll(w, tt.labelsArg, labels))
				}
			}
			d, err := readTraining(context.Background(), path, labels, tt.target)
			if err == nil {
				t.Fatalf("no error, got %+v", d)
			}
			checkDataError(t, err, path, want)
		})
	}
}

func TestReadNpy(t *testing.T) {
	wantX := []float64{1, 2, 3, 4, 5, 6}
	wantY := []float64{7, 8, 9}
	tests := []struct {
		name   string
		x, y   []byte
		wx, wy []float64
	}{
		{"float64, 1-D labels", npyBytes(t, "<f8", false, "(3, 2)", []float64{1, 2, 3, 4, 5, 6}, false),
			npyBytes(t, "<f8", false, "(3,)", []float64{7, 8, 9}, false), wantX, wantY},
		{"float64, n×1 labels", npyBytes(t, "<f8", false, "(3, 2)", []float64{1, 2, 3, 4, 5, 6}, false),
			npyBytes(t, "<f8", false, "(3, 1)", []float64{7, 8, 9}, false), wantX, wantY},
		{"float32", npyBytes(t, "<f4", false, "(3, 2)", []float32{1, 2, 3, 4, 5, 6.5}, false),
			npyBytes(t, "<f4", false, "(3,)", []float32{7, 8, 9}, false), []float64{1, 2, 3, 4, 5, 6.5}, wantY},
		{"int64", npyBytes(t, "<i8", false, "(3, 2)", []int64{1, 2, 3, 4, 5, -6}, false),
			npyBytes(t, "<i8", false, "(3,)", []int64{7, 8, 9}, false), []float64{1, 2, 3, 4, 5, -6}, wantY},
		{"int32, uint8 labels", npyBytes(t, "<i4", false, "(3, 2)", []int32{1, 2, 3, 4, 5, 6}, false),
			npyBytes(t, "|u1", false, "(3,)", []uint8{7, 8, 9}, false), wantX, wantY},
		{"int16, uint16", npyBytes(t, "<i2", false, "(3, 2)", []int16{1, 2, 3, 4, 5, 6}, false),
			npyBytes(t, "<u2", false, "(3, 1)", []uint16{7, 8, 9}, false), wantX, wantY},
		{"int8, uint32, uint64", npyBytes(t, "|i1", false, "(3, 2)", []int8{1, 2, 3, 4, 5, 6}, false),
			npyBytes(t, "<u8", false, "(3,)", []uint64{7, 8, 9}, false), wantX, wantY},
		{"Fortran order", npyBytes(t, "<f8", true, "(3, 2)", []float64{1, 3, 5, 2, 4, 6}, false),
			npyBytes(t, "<f8", true, "(3, 1)", []float64{7, 8, 9}, false), wantX, wantY},
		{"Fortran order int32", npyBytes(t, "<i4", true, "(3, 2)", []int32{1, 3, 5, 2, 4, 6}, false),
			npyBytes(t, "<u4", false, "(3,)", []uint32{7, 8, 9}, false), wantX, wantY},
		{"big-endian", npyBytes(t, ">f8", false, "(3, 2)", []float64{1, 2, 3, 4, 5, 6}, true),
			npyBytes(t, ">i4", false, "(3,)", []int32{7, 8, 9}, true), wantX, wantY},
		{"one column", npyBytes(t, "<f8", true, "(3, 1)", []float64{1, 2, 3}, false),
			npyBytes(t, "<f8", false, "(3,)", []float64{7, 8, 9}, false), []float64{1, 2, 3}, wantY},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			xp, yp := filepath.Join(dir, "X.NPY"), filepath.Join(dir, "y.npy")
			os.WriteFile(xp, tt.x, 0o644)
			os.WriteFile(yp, tt.y, 0o644)
			d, err := readTraining(context.Background(), xp, yp, "")
			if err != nil {
				t.Fatal(err)
			}
			cols := len(tt.wx) / len(tt.wy)
			if d.Path != xp || d.Rows != 3 || len(d.Features) != cols || d.Features[0] != "x0" || d.Target != "y" ||
				!reflect.DeepEqual(d.X, tt.wx) || !reflect.DeepEqual(d.Y, tt.wy) {
				t.Errorf("got %+v, want x %v y %v", d, tt.wx, tt.wy)
			}
		})
	}
}

func TestReadFeaturesCSV(t *testing.T) {
	const content = "id,b,y,a\nfirst,2,3,1\nsecond, 5 ,not a number,4\n"
	path := writeTemp(t, "in.csv", []byte(content))
	d, err := ReadFeatures(context.Background(), path, []string{"a", "b"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rows != 2 || !reflect.DeepEqual(d.Features, []string{"a", "b"}) || !reflect.DeepEqual(d.X, []float64{1, 2, 4, 5}) || d.Y != nil {
		t.Errorf("got %+v", d)
	}

	path = writeTemp(t, "in.csv", []byte("p,q\r\n1,2\r\n3,4\r\n"))
	d, err = ReadFeatures(context.Background(), path, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rows != 2 || !reflect.DeepEqual(d.Features, []string{"p", "q"}) || !reflect.DeepEqual(d.X, []float64{1, 2, 3, 4}) || d.Y != nil {
		t.Errorf("got %+v", d)
	}
}

func TestReadFeaturesNpy(t *testing.T) {
	path := writeTemp(t, "in.npy", npyBytes(t, "<f4", true, "(2, 3)", []float32{1, 4, 2, 5, 3, 6}, false))
	d, err := ReadFeatures(context.Background(), path, []string{"a", "b", "c"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rows != 2 || !reflect.DeepEqual(d.Features, []string{"x0", "x1", "x2"}) || !reflect.DeepEqual(d.X, []float64{1, 2, 3, 4, 5, 6}) || d.Y != nil {
		t.Errorf("got %+v", d)
	}
}

func TestReadFeaturesErrors(t *testing.T) {
	tests := []struct {
		name, file string
		content    []byte
		features   []string
		n          int
		want       []string
	}{
		{"missing feature", "in.csv", []byte("a,c\n1,2\n"), []string{"a", "b"}, 2,
			[]string{`FILE: no column "b", a feature of the model; the header has: a, c`}},
		{"column count", "in.csv", []byte("a,b,c\n1,2,3\n"), nil, 2,
			[]string{"FILE has 3 columns, the model has 2 features (and no feature names, so every column is a feature)"}},
		{"bad cell in a feature", "in.csv", []byte("id,a\nx,1\ny,1\nz,oops\n"), []string{"a"}, 1,
			[]string{`FILE:4: column 2 ("a"): "oops" is not a number`}},
		{"field count", "in.csv", []byte("id,a\nx,1\ny\n"), []string{"a"}, 1,
			[]string{"FILE:3: 1 field, the header has 2"}},
		{"duplicate", "in.csv", []byte("a,b,a\n1,2,3\n"), []string{"b"}, 1,
			[]string{`FILE:1: columns 1 and 3 are both named "a"`}},
		{"empty", "in.csv", []byte(""), []string{"b"}, 1,
			[]string{"FILE: empty file, expected a header line"}},
		{"header only", "in.csv", []byte("a,b\n"), []string{"b"}, 1,
			[]string{"FILE: no data rows after the header"}},
		{"missing file", "none.csv", nil, nil, 1,
			[]string{"open FILE: no such file or directory"}},
		{"npy columns", "in.npy", npyBytes(t, "<f8", false, "(1, 3)", []float64{1, 2, 3}, false), nil, 2,
			[]string{"FILE has 3 columns, the model has 2 features"}},
		{"npy 1-D", "in.npy", npyBytes(t, "<f8", false, "(3,)", []float64{1, 2, 3}, false), nil, 1,
			[]string{"FILE: a 1-D array of 3 values"}},
		{"npy NaN", "in.npy", npyBytes(t, "<f8", false, "(2, 2)", []float64{1, 2, math.NaN(), 4}, false), nil, 2,
			[]string{"FILE: row 2, column 1: NaN is not allowed"}},
		{"npy not npy", "in.npy", []byte("PK\x03\x04"), nil, 2,
			[]string{"FILE: not a .npy file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if tt.content != nil {
				os.WriteFile(path, tt.content, 0o644)
			}
			d, err := ReadFeatures(context.Background(), path, tt.features, tt.n)
			if err == nil {
				t.Fatalf("no error, got %+v", d)
			}
			checkDataError(t, err, path, tt.want)
		})
	}
}

// BenchmarkReadCSV reads a CSV file of 100,000 rows of 10 columns (about
// 9 MB); -benchtime and b.SetBytes give the throughput.
func BenchmarkReadCSV(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	buf.WriteString("a,b,c,d,e,f,g,h,i,y\n")
	for range 100_000 {
		for j := range 10 {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.FormatFloat(rng.NormFloat64(), 'g', 6, 64))
		}
		buf.WriteByte('\n')
	}
	path := filepath.Join(b.TempDir(), "bench.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readTraining(context.Background(), path, "", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// lyingShape is what a shape beyond int says: the size check's message
// where int has 64 bits; where it has 32, npyio's header parser already
// refuses the number.
func lyingShape(msg string) []string {
	if strconv.IntSize == 32 {
		return []string{"FILE: ", "value out of range"}
	}
	return []string{msg}
}

// TestReadCSVCancelled: reading a large CSV stops when its context is
// cancelled, returning the context's error (Ctrl-C during lanes fit's
// reading), and reads to the end otherwise.
func TestReadCSVCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range 3 * csvCheckRows {
		fmt.Fprintf(&b, "%d,%d,%d\n", i, 2*i, 3*i)
	}
	path := writeTemp(t, "big.csv", []byte(b.String()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s, err := ReadCSV(ctx, path, ""); !errors.Is(err, context.Canceled) || s != nil {
		t.Errorf("cancelled: %v rows, err %v; want context.Canceled", s, err)
	}
	if _, err := ReadFeatures(ctx, path, []string{"a", "b"}, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFeatures cancelled: err %v; want context.Canceled", err)
	}
	s, err := ReadCSV(context.Background(), path, "")
	if err != nil || s.Rows != 3*csvCheckRows {
		t.Errorf("not cancelled: %v, err %v", s, err)
	}
}
