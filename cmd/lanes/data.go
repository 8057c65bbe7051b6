package main

// Reading the data of fit and predict: a CSV file with a header, or a
// NumPy .npy file (with its targets in a second .npy file).
//
// Every error of the input is a usage error (exit status 2) and names
// the file; in a CSV file it also names the line (the header is line 1,
// and blank lines count, as in an editor) and the column, by its 1-based
// number and its header name:
//
//	data.csv:5: column 3 ("age"): "abc" is not a number
//
// Header names are trimmed of spaces; an empty header name is named
// col<N> after its 1-based column number (so an unnamed first column,
// such as a pandas index, becomes col1 and must be referred to as such).
// Two columns of the same name are refused outright.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"codeberg.org/sbinet/npyio"
)

// dataset is a table of examples: X row-major (rows × len(features)), and y when it has a target.
type dataset struct {
	path     string    // the file X came from, for messages
	x        []float64 // row-major, rows*len(features) values
	rows     int
	features []string  // column names: the CSV header, or x0, x1, … for .npy
	y        []float64 // the target, nil for readFeatures
	target   string    // the target's name ("y" for .npy labels)
}

// readTraining reads a training set. dataPath is a .csv (header row, then
// one example per row) or a .npy file (chosen by extension,
// case-insensitive: .npy is NumPy, anything else is CSV).
//
// CSV: target is a column name, or a 0-based column index written as
// digits (a column whose name is exactly target wins over the index);
// "" means the last column; all other columns are features, in the
// file's order. labelsPath must be "" for CSV.
//
// .npy: X is a 2-D array from dataPath (float64, float32 or integer
// dtypes, converted to float64; C or Fortran order), y from labelsPath,
// a 1-D array or an n×1 2-D array; labelsPath is required, and target
// must be "".
func readTraining(ctx context.Context, dataPath, labelsPath, target string) (*dataset, error) {
	if isNpy(dataPath) {
		if labelsPath == "" {
			return nil, usagef("%s is a .npy file: --labels is required, a .npy file of its targets", dataPath)
		}
		if target != "" {
			return nil, usagef("--target is for CSV data; the targets of %s come from --labels %s", dataPath, labelsPath)
		}
		x, rows, cols, err := readNpy(dataPath, false)
		if err != nil {
			return nil, err
		}
		y, n, _, err := readNpy(labelsPath, true)
		if err != nil {
			return nil, err
		}
		if n != rows {
			return nil, usagef("%s has %d values, %s has %d rows", labelsPath, n, dataPath, rows)
		}
		return &dataset{path: dataPath, x: x, rows: rows, features: npyFeatureNames(cols), y: y, target: "y"}, nil
	}
	if labelsPath != "" {
		return nil, usagef("--labels is for .npy data; %s is a CSV file, whose target is one of its columns (see --target)", dataPath)
	}
	return readCSV(ctx, dataPath, func(header []string) (xcols []int, ycol int, err error) {
		if len(header) == 1 {
			return nil, 0, usagef("%s: only one column: no features besides the target", dataPath)
		}
		ycol, err = targetColumn(dataPath, header, target)
		if err != nil {
			return nil, 0, err
		}
		for c := range header {
			if c != ycol {
				xcols = append(xcols, c)
			}
		}
		return xcols, ycol, nil
	})
}

// readFeatures reads the inputs of predict. For CSV the header must
// contain every name in features (extra columns, such as the target, are
// ignored and need not be numbers; order may differ), and X comes in the
// order of features; if features is nil the model has no names and every
// column is a feature, and there must be exactly nFeatures columns. For
// .npy, a 2-D array with nFeatures columns. y stays nil.
func readFeatures(ctx context.Context, dataPath string, features []string, nFeatures int) (*dataset, error) {
	if len(features) > 0 && len(features) != nFeatures {
		return nil, usagef("the model is inconsistent: %d feature names for %d features", len(features), nFeatures)
	}
	if isNpy(dataPath) {
		x, rows, cols, err := readNpy(dataPath, false)
		if err != nil {
			return nil, err
		}
		if cols != nFeatures {
			return nil, usagef("%s has %d columns, the model has %d %s", dataPath, cols, nFeatures, plural(nFeatures, "feature"))
		}
		return &dataset{path: dataPath, x: x, rows: rows, features: npyFeatureNames(cols)}, nil
	}
	return readCSV(ctx, dataPath, func(header []string) (xcols []int, ycol int, err error) {
		if len(features) == 0 {
			if len(header) != nFeatures {
				return nil, 0, usagef("%s has %d %s, the model has %d %s (and no feature names, so every column is a feature)",
					dataPath, len(header), plural(len(header), "column"), nFeatures, plural(nFeatures, "feature"))
			}
			for c := range header {
				xcols = append(xcols, c)
			}
			return xcols, -1, nil
		}
		for _, name := range features {
			c := columnIndex(header, name)
			if c < 0 {
				return nil, 0, usagef("%s: no column %q, a feature of the model; the header has: %s", dataPath, name, listNames(header))
			}
			xcols = append(xcols, c)
		}
		return xcols, -1, nil
	})
}

// isNpy reports whether path names a .npy file, by its extension.
func isNpy(path string) bool { return strings.EqualFold(filepath.Ext(path), ".npy") }

// npyFeatureNames returns x0, x1, …: the names of the columns of a .npy file.
func npyFeatureNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	return names
}

// targetColumn returns the index of the target column: the last one if
// target is "", else the column named target, else (if target is all
// digits) the column of that 0-based index.
func targetColumn(path string, header []string, target string) (int, error) {
	if target == "" {
		return len(header) - 1, nil
	}
	if c := columnIndex(header, target); c >= 0 {
		return c, nil
	}
	if isDigits(target) {
		i, err := strconv.Atoi(target)
		if err != nil || i >= len(header) {
			return 0, usagef("%s: no column %s (column indexes count from 0, so the last is %d); the header has: %s",
				path, target, len(header)-1, listNames(header))
		}
		return i, nil
	}
	return 0, usagef("%s: no column %q; the header has: %s", path, target, listNames(header))
}

func columnIndex(header []string, name string) int {
	for c, h := range header {
		if h == name {
			return c
		}
	}
	return -1
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// listNames lists header names for a message, the first 20 only.
func listNames(names []string) string {
	const limit = 20
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:limit], ", ") + fmt.Sprintf(", … (%d columns)", len(names))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// csvCheckRows is how often readCSV looks at its context: a few
// milliseconds of rows.
const csvCheckRows = 4096

// csvPlan chooses the columns of a CSV file from its header: the
// features, in the order of X, and the target (-1 for none). Its errors
// are usage errors.
type csvPlan func(header []string) (xcols []int, ycol int, err error)

// readCSV reads a CSV file, streaming: a header line, then one example a
// line, of which plan chooses the columns. Only the chosen columns are
// parsed. A gigabyte takes seconds, so it stops when ctx is cancelled,
// returning ctx's error.
func readCSV(ctx context.Context, path string, plan csvPlan) (*dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("%w", err)
	}
	defer f.Close()

	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	br := bufio.NewReaderSize(f, 1<<20)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0 // the header's
	cr.TrimLeadingSpace = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, usagef("%s: empty file, expected a header line", path)
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	header, err := readHeader(path, rec)
	if err != nil {
		return nil, err
	}
	start := cr.InputOffset()
	xcols, ycol, err := plan(header)
	if err != nil {
		return nil, err
	}

	d := &dataset{path: path, features: make([]string, len(xcols))}
	for i, c := range xcols {
		d.features[i] = header[c]
	}
	if ycol >= 0 {
		d.target = header[ycol]
	}
	for {
		rec, err = cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				// Read returns the record along with ErrFieldCount.
				return nil, usagef("%s:%d: %d %s, the header has %d", path, pe.StartLine, len(rec), plural(len(rec), "field"), len(header))
			}
			return nil, csvError(path, err)
		}
		for _, c := range xcols {
			v, err := parseCell(rec[c])
			if err != nil {
				return nil, cellError(path, cr, c, header[c], err)
			}
			d.x = append(d.x, v)
		}
		if ycol >= 0 {
			v, err := parseCell(rec[ycol])
			if err != nil {
				return nil, cellError(path, cr, ycol, header[ycol], err)
			}
			d.y = append(d.y, v)
		}
		d.rows++
		if d.rows%csvCheckRows == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if d.rows == 1 && size > 0 {
			// Size x and y from the length of the first row, rather than
			// grow them by copying as the rows come.
			if n := cr.InputOffset() - start; n > 0 {
				est := int((size-start)/n*9/8) + 16
				d.x = slices.Grow(d.x, est*len(xcols))
				if ycol >= 0 {
					d.y = slices.Grow(d.y, est)
				}
			}
		}
	}
	if d.rows == 0 {
		return nil, usagef("%s: no data rows after the header", path)
	}
	return d, nil
}

// readHeader returns the column names of a header record: trimmed of
// spaces, col<N> for an empty one, and all different.
func readHeader(path string, rec []string) ([]string, error) {
	header := make([]string, len(rec))
	seen := make(map[string]int, len(rec))
	looksNumeric := true
	for c, name := range rec {
		name = strings.TrimSpace(name)
		if name == "" {
			name = "col" + strconv.Itoa(c+1)
		}
		if !utf8.ValidString(name) {
			// Refused here, not when the model file cannot hold it after
			// the training: the names go into the model's JSON, which is
			// UTF-8.
			return nil, usagef("%s:1: column %d: the name %s is not valid UTF-8; save the file as UTF-8",
				path, c+1, strconv.QuoteToASCII(name))
		}
		if prev, ok := seen[name]; ok {
			return nil, usagef("%s:1: columns %d and %d are both named %q", path, prev+1, c+1, name)
		}
		seen[name] = c
		header[c] = name
		if _, err := strconv.ParseFloat(name, 64); err != nil {
			looksNumeric = false
		}
	}
	// A header of numbers such as 0.5,1.25,3 is data: the file has no
	// header. Names of digits only, such as pandas' 0,1,2, are names.
	if looksNumeric && !allDigits(header) {
		return nil, usagef("%s:1: the first line holds numbers (%s), not column names: the first line must be a header naming the columns", path, listNames(header))
	}
	return header, nil
}

func allDigits(names []string) bool {
	for _, n := range names {
		if !isDigits(n) {
			return false
		}
	}
	return true
}

// cellErr is why a cell is not a usable number; its message follows the
// column in a cell error.
type cellErr string

func (e cellErr) Error() string { return string(e) }

// parseCell parses a number written as data files write numbers (see
// isDecimal), refusing NaN and infinities with their own messages.
func parseCell(s string) (float64, error) {
	if isDecimal(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err == nil && !math.IsInf(v, 0) {
			return v, nil // the fast path: no spaces, a finite number
		}
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return 0, cellErr("empty cell, expected a number")
	case isDecimal(s):
		v, err := strconv.ParseFloat(s, 64)
		if errors.Is(err, strconv.ErrRange) || math.IsInf(v, 0) {
			return 0, cellErr(s + " is out of range")
		}
		return v, err
	}
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "nan":
		return 0, cellErr("NaN is not allowed")
	case "inf", "infinity":
		return 0, cellErr(s + " is not allowed (infinite)")
	}
	return 0, cellErr(strconv.Quote(s) + " is not a number")
}

// isDecimal reports whether s is a number as CSV files write them: an
// optional sign, digits with at most one decimal point (and at least one
// digit), and an optional exponent, e or E, an optional sign and digits.
// strconv.ParseFloat alone would also take Go's syntax (1_000, 0x1p3,
// 0b…), which in a data file is a typo or a different convention, never
// the number it parses as.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := i
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		}
		if i == exp {
			return false
		}
	}
	return i == len(s)
}

// cellError places err in column c (0-based) of the record cr just read.
func cellError(path string, cr *csv.Reader, c int, name string, err error) error {
	line, _ := cr.FieldPos(c)
	return usagef("%s:%d: column %d (%q): %v", path, line, c+1, name, err)
}

// csvError rewords an error of encoding/csv, such as a stray quote.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return usagef("reading %s: %w", path, err)
	}
	return usagef("%s:%d: %v (at byte %d of the line)", path, pe.Line, pe.Err, pe.Column)
}

// readNpy reads a .npy file as float64: a 2-D array (rows × cols), or,
// if labels, a 1-D array or an n×1 array (cols is 1). Fortran-order
// arrays are transposed into row-major order.
func readNpy(path string, labels bool) (data []float64, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, usagef("%w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, 0, usagef("%w", err)
	}
	br := bufio.NewReaderSize(f, 1<<20)

	// Check the preamble ourselves: npyio panics on some malformed
	// headers, and trusts the header length and shape.
	notNpy := func(why string) error {
		return usagef("%s: not a .npy file: %s", path, why)
	}
	pre, _ := br.Peek(10)
	if len(pre) < 10 || !bytes.Equal(pre[:6], npyio.Magic[:]) {
		return nil, 0, 0, notNpy(`it does not start with "\x93NUMPY"`)
	}
	var hdrStart, hdrLen int64
	switch pre[6] {
	case 1:
		hdrStart, hdrLen = 10, int64(binary.LittleEndian.Uint16(pre[8:10]))
	case 2, 3:
		p, _ := br.Peek(12)
		if len(p) < 12 {
			return nil, 0, 0, notNpy("truncated header")
		}
		hdrStart, hdrLen = 12, int64(binary.LittleEndian.Uint32(p[8:12]))
	default:
		return nil, 0, 0, notNpy(fmt.Sprintf("unknown format version %d.%d", pre[6], pre[7]))
	}
	if hdrStart+hdrLen > fi.Size() {
		return nil, 0, 0, notNpy("truncated header")
	}
	if p, _ := br.Peek(int(hdrStart + hdrLen)); bytes.IndexByte(p[hdrStart:], '\n') < 0 || bytes.IndexByte(p[hdrStart:], '}') < 0 {
		return nil, 0, 0, notNpy("malformed header")
	}

	var r *npyio.Reader
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = notNpy(fmt.Sprint("malformed header: ", p))
			}
		}()
		r, err = npyio.NewReader(br)
	}()
	if err != nil {
		if isUsage(err) {
			return nil, 0, 0, err
		}
		return nil, 0, 0, usagef("%s: %v", path, err)
	}

	h := r.Header.Descr
	dtype := strings.Trim(h.Type, "'\"")
	conv, esize, err := npyDtype(dtype)
	if err != nil {
		return nil, 0, 0, usagef("%s: %v", path, err)
	}

	shape := h.Shape
	switch {
	case labels && len(shape) == 1:
		rows, cols = shape[0], 1
	case labels && len(shape) == 2 && shape[1] == 1:
		rows, cols = shape[0], 1
	case labels:
		return nil, 0, 0, usagef("%s: an array of shape %s: the labels must be a 1-D array, or a 2-D array of one column", path, shapeString(shape))
	case len(shape) == 2:
		rows, cols = shape[0], shape[1]
	case len(shape) == 1:
		return nil, 0, 0, usagef("%s: a 1-D array of %d values: X must be a 2-D array, rows × features (reshape it to (%d, 1) for one feature)", path, shape[0], shape[0])
	default:
		return nil, 0, 0, usagef("%s: an array of shape %s: X must be a 2-D array, rows × features", path, shapeString(shape))
	}
	if rows < 0 || cols < 0 {
		return nil, 0, 0, notNpy("negative shape " + shapeString(shape))
	}
	if rows == 0 {
		return nil, 0, 0, usagef("%s: an array of shape %s: no rows", path, shapeString(shape))
	}
	if cols == 0 {
		return nil, 0, 0, usagef("%s: an array of shape %s: no columns", path, shapeString(shape))
	}
	// rows and cols come from the header and may be anything: compare
	// without a product that could overflow.
	have := fi.Size() - hdrStart - hdrLen
	if int64(rows) > have/int64(esize)/int64(cols) || int64(rows)*int64(cols)*int64(esize) != have {
		need := new(big.Int).Mul(big.NewInt(int64(rows)), big.NewInt(int64(cols)))
		need.Mul(need, big.NewInt(int64(esize)))
		return nil, 0, 0, usagef("%s: %d bytes of data, but an array of shape %s and dtype %s takes %v bytes: the file is truncated or corrupt",
			path, have, shapeString(shape), dtype, need)
	}

	data, err = conv(r, rows*cols)
	if err != nil {
		return nil, 0, 0, usagef("%s: %v", path, err)
	}
	if h.Fortran && cols > 1 {
		t := make([]float64, len(data))
		for j := range cols {
			col := data[j*rows : (j+1)*rows]
			for i, v := range col {
				t[i*cols+j] = v
			}
		}
		data = t
	}
	for k, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			what := "NaN"
			if !math.IsNaN(v) {
				what = fmt.Sprint(v)
			}
			if labels {
				return nil, 0, 0, usagef("%s: row %d: %s is not allowed (rows count from 1)", path, k+1, what)
			}
			return nil, 0, 0, usagef("%s: row %d, column %d: %s is not allowed (rows and columns count from 1)", path, k/cols+1, k%cols+1, what)
		}
	}
	return data, rows, cols, nil
}

// npyConv reads n values of a dtype in one Read and converts them to float64.
type npyConv func(r *npyio.Reader, n int) ([]float64, error)

func npyRead[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](r *npyio.Reader, n int) ([]float64, error) {
	buf := make([]T, n)
	if err := r.Read(&buf); err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i, v := range buf {
		out[i] = float64(v)
	}
	return out, nil
}

func npyReadFloat64(r *npyio.Reader, n int) ([]float64, error) {
	buf := make([]float64, n)
	if err := r.Read(&buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// npyDtype returns the reader of a dtype such as <f8, and its size in bytes.
func npyDtype(dtype string) (npyConv, int, error) {
	s := dtype
	if s != "" && strings.ContainsRune("<>|=", rune(s[0])) {
		s = s[1:]
	}
	kinds := map[byte]string{'b': "bool", 'c': "complex", 'O': "object", 'U': "string", 'S': "string", 'a': "string",
		'V': "void", 'M': "datetime", 'm': "timedelta", 'f': "float", 'i': "integer", 'u': "integer"}
	unsupported := func() error {
		what := ""
		if len(s) > 0 && kinds[s[0]] != "" {
			what = " (" + kinds[s[0]] + ")"
		}
		return fmt.Errorf("dtype %s%s is not supported: it must be float64, float32 or an integer type", dtype, what)
	}
	if len(s) < 2 {
		return nil, 0, unsupported()
	}
	switch s {
	case "f8":
		return npyReadFloat64, 8, nil
	case "f4":
		return npyRead[float32], 4, nil
	case "i1":
		return npyRead[int8], 1, nil
	case "i2":
		return npyRead[int16], 2, nil
	case "i4":
		return npyRead[int32], 4, nil
	case "i8":
		return npyRead[int64], 8, nil
	case "u1":
		return npyRead[uint8], 1, nil
	case "u2":
		return npyRead[uint16], 2, nil
	case "u4":
		return npyRead[uint32], 4, nil
	case "u8":
		return npyRead[uint64], 8, nil
	}
	return nil, 0, unsupported()
}

func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
