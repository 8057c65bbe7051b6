package dataset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvCheckRows is how often readCSV looks at its context: a few
// milliseconds of rows.
const csvCheckRows = 4096

// csvPlan chooses the columns of a CSV file from its header: the
// features, in the order of X, and the target (-1 for none).
type csvPlan func(header []string) (xcols []int, ycol int, err error)

// readCSV reads a CSV file, streaming: a header line, then one example a
// line, of which plan chooses the columns. Only the chosen columns are
// parsed. It stops when ctx is cancelled, returning ctx's error.
func readCSV(ctx context.Context, path string, plan csvPlan) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("%s: empty file, expected a header line", path)
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

	d := &Set{Path: path, Features: make([]string, len(xcols))}
	for i, c := range xcols {
		d.Features[i] = header[c]
	}
	if ycol >= 0 {
		d.Target = header[ycol]
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
				return nil, fmt.Errorf("%s:%d: %d %s, the header has %d", path, pe.StartLine, len(rec), plural(len(rec), "field"), len(header))
			}
			return nil, csvError(path, err)
		}
		for _, c := range xcols {
			v, err := parseCell(rec[c])
			if err != nil {
				return nil, cellError(path, cr, c, header[c], err)
			}
			d.X = append(d.X, v)
		}
		if ycol >= 0 {
			v, err := parseCell(rec[ycol])
			if err != nil {
				return nil, cellError(path, cr, ycol, header[ycol], err)
			}
			d.Y = append(d.Y, v)
		}
		d.Rows++
		if d.Rows%csvCheckRows == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if d.Rows == 1 && size > 0 {
			// Size X and Y from the length of the first row, rather than
			// grow them by copying as the rows come.
			if n := cr.InputOffset() - start; n > 0 {
				est := int((size-start)/n*9/8) + 16
				d.X = slices.Grow(d.X, est*len(xcols))
				if ycol >= 0 {
					d.Y = slices.Grow(d.Y, est)
				}
			}
		}
	}
	if d.Rows == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", path)
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
			return nil, fmt.Errorf("%s:1: column %d: the name %s is not valid UTF-8; save the file as UTF-8",
				path, c+1, strconv.QuoteToASCII(name))
		}
		if prev, ok := seen[name]; ok {
			return nil, fmt.Errorf("%s:1: columns %d and %d are both named %q", path, prev+1, c+1, name)
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
		return nil, fmt.Errorf("%s:1: the first line holds numbers (%s), not column names: the first line must be a header naming the columns", path, listNames(header))
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
	return fmt.Errorf("%s:%d: column %d (%q): %v", path, line, c+1, name, err)
}

// csvError rewords an error of encoding/csv, such as a stray quote.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return fmt.Errorf("%s:%d: %v (at byte %d of the line)", path, pe.Line, pe.Err, pe.Column)
}
