// Package dataset reads the data of lanes fit and lanes predict: a CSV
// file with a header, or NumPy .npy files, read into memory or, when
// their layout allows, memory-mapped and used in place (see Map).
//
// Every error about the input names the file; in a CSV file it also names
// the line (the header is line 1, and blank lines count, as in an editor)
// and the column, by its 1-based number and its header name:
//
//	data.csv:5: column 3 ("age"): "abc" is not a number
//
// Header names are trimmed of spaces; an empty header name is named
// col<N> after its 1-based column number (so an unnamed first column,
// such as a pandas index, becomes col1 and must be referred to as such).
// Two columns of the same name are refused outright.
package dataset

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lanes-go/lanes/linreg"
)

// Set is a table of examples: X row-major (Rows × len(Features)), and Y
// when it has a target.
type Set struct {
	Path     string    // the file X came from, for messages
	X        []float64 // row-major, Rows*len(Features) values
	Rows     int
	Features []string  // column names: the CSV header, or x0, x1, … for .npy
	Y        []float64 // the target, nil from ReadFeatures
	Target   string    // the target's name ("y" for .npy labels)
}

// Matrix returns X as a linreg.Matrix.
func (s *Set) Matrix() linreg.Matrix { return linreg.NewMatrix(s.X, s.Rows, len(s.Features)) }

// IsNpy reports whether path names a .npy file, by its extension
// (case-insensitive): anything else is read as CSV.
func IsNpy(path string) bool { return strings.EqualFold(filepath.Ext(path), ".npy") }

// ReadCSV reads a training set from a CSV file: a header line, then one
// example a line. target is a column name, or a 0-based column index
// written as digits (a column whose name is exactly target wins over the
// index); "" means the last column. All other columns are features, in
// the file's order. A gigabyte takes seconds, so it stops when ctx is
// cancelled, returning ctx's error.
func ReadCSV(ctx context.Context, path, target string) (*Set, error) {
	return readCSV(ctx, path, func(header []string) (xcols []int, ycol int, err error) {
		if len(header) == 1 {
			return nil, 0, fmt.Errorf("%s: only one column: no features besides the target", path)
		}
		ycol, err = targetColumn(path, header, target)
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

// ReadNpy reads a training set from .npy files: X from xPath, a 2-D array
// (float64, float32 or integer dtypes, converted to float64; C or Fortran
// order), and y from yPath, a 1-D array or an n×1 2-D array.
func ReadNpy(xPath, yPath string) (*Set, error) {
	x, rows, cols, err := readNpy(xPath, npyFeatures)
	if err != nil {
		return nil, err
	}
	y, n, _, err := readNpy(yPath, npyLabels)
	if err != nil {
		return nil, err
	}
	if n != rows {
		return nil, fmt.Errorf("%s has %d values, %s has %d rows", yPath, n, xPath, rows)
	}
	return &Set{Path: xPath, X: x, Rows: rows, Features: npyFeatureNames(cols), Y: y, Target: "y"}, nil
}

// ReadFeatures reads the inputs of a model of nFeatures features named
// features (nil for a model without names), from a CSV or a .npy file by
// IsNpy. For CSV the header must contain every name in features (extra
// columns, such as the target, are ignored and need not be numbers; order
// may differ), and X comes in the order of features; if features is nil
// every column is a feature, and there must be exactly nFeatures columns.
// For .npy, a 2-D array with nFeatures columns. Y stays nil.
func ReadFeatures(ctx context.Context, path string, features []string, nFeatures int) (*Set, error) {
	if len(features) > 0 && len(features) != nFeatures {
		return nil, fmt.Errorf("the model is inconsistent: %d feature names for %d features", len(features), nFeatures)
	}
	if IsNpy(path) {
		x, rows, cols, err := readNpy(path, npyFeatures)
		if err != nil {
			return nil, err
		}
		if cols != nFeatures {
			return nil, fmt.Errorf("%s has %d columns, the model has %d %s", path, cols, nFeatures, plural(nFeatures, "feature"))
		}
		return &Set{Path: path, X: x, Rows: rows, Features: npyFeatureNames(cols)}, nil
	}
	return readCSV(ctx, path, func(header []string) (xcols []int, ycol int, err error) {
		if len(features) == 0 {
			if len(header) != nFeatures {
				return nil, 0, fmt.Errorf("%s has %d %s, the model has %d %s (and no feature names, so every column is a feature)",
					path, len(header), plural(len(header), "column"), nFeatures, plural(nFeatures, "feature"))
			}
			for c := range header {
				xcols = append(xcols, c)
			}
			return xcols, -1, nil
		}
		for _, name := range features {
			c := columnIndex(header, name)
			if c < 0 {
				return nil, 0, fmt.Errorf("%s: no column %q, a feature of the model; the header has: %s", path, name, listNames(header))
			}
			xcols = append(xcols, c)
		}
		return xcols, -1, nil
	})
}

// Split holds out a fraction of the rows for validation, chosen by a
// shuffle seeded by seed so that sorted files still give a fair sample,
// and returns the training and validation sets; both keep the file's
// row order. A fraction of 0 returns s itself and no validation set.
// Each set must keep at least two rows.
func (s *Set) Split(fraction float64, seed uint64) (train, val *Set, err error) {
	nVal := int(math.Round(fraction * float64(s.Rows)))
	if fraction == 0 {
		return s, nil, nil
	}
	if nVal < 2 || s.Rows-nVal < 2 {
		return nil, nil, fmt.Errorf("%v of %d rows leaves %d for validation and %d for training; each needs at least two",
			fraction, s.Rows, nVal, s.Rows-nVal)
	}
	held := make([]bool, s.Rows)
	for _, i := range rand.New(rand.NewPCG(seed, 0x7a1)).Perm(s.Rows)[:nVal] {
		held[i] = true
	}
	d := len(s.Features)
	// Sized up front: the parts of a mapped file are its only copy in
	// memory, and growing them by appends would take up to twice that.
	train = &Set{Path: s.Path, Features: s.Features, Target: s.Target,
		X: make([]float64, 0, (s.Rows-nVal)*d), Y: make([]float64, 0, s.Rows-nVal)}
	val = &Set{Path: s.Path, Features: s.Features, Target: s.Target,
		X: make([]float64, 0, nVal*d), Y: make([]float64, 0, nVal)}
	for i := range s.Rows {
		to := train
		if held[i] {
			to = val
		}
		to.X = append(to.X, s.X[i*d:(i+1)*d]...)
		to.Y = append(to.Y, s.Y[i])
		to.Rows++
	}
	return train, val, nil
}

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
			return 0, fmt.Errorf("%s: no column %s (column indexes count from 0, so the last is %d); the header has: %s",
				path, target, len(header)-1, listNames(header))
		}
		return i, nil
	}
	return 0, fmt.Errorf("%s: no column %q; the header has: %s", path, target, listNames(header))
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
