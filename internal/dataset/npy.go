package dataset

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio"
)

// npyShape is what readNpy accepts: the features X (2-D), the labels y
// (1-D, or 2-D of one column), or vectors (2-D, or 1-D as one row).
type npyShape int

const (
	npyFeatures npyShape = iota
	npyLabels
	npyVectors
)

// readNpy reads a .npy file as float64: a 2-D array (rows × cols), or
// the 1-D forms the shape allows. Fortran-order
// arrays are transposed into row-major order. NaN and infinities are
// refused, naming their row and column.
func readNpy(path string, want npyShape) (data []float64, rows, cols int, err error) {
	labels := want == npyLabels
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, 0, err
	}
	br := bufio.NewReaderSize(f, 1<<20)

	// Check the preamble ourselves: npyio panics on some malformed
	// headers, and trusts the header length and shape.
	notNpy := func(why string) error {
		return fmt.Errorf("%s: not a .npy file: %s", path, why)
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
	panicked := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				err, panicked = notNpy(fmt.Sprint("malformed header: ", p)), true
			}
		}()
		r, err = npyio.NewReader(br)
	}()
	if panicked {
		return nil, 0, 0, err
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v", path, err)
	}

	h := r.Header.Descr
	dtype := strings.Trim(h.Type, "'\"")
	conv, esize, err := npyDtype(dtype)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v", path, err)
	}

	shape := h.Shape
	switch {
	case labels && len(shape) == 1:
		rows, cols = shape[0], 1
	case labels && len(shape) == 2 && shape[1] == 1:
		rows, cols = shape[0], 1
	case labels:
		return nil, 0, 0, fmt.Errorf("%s: an array of shape %s: the labels must be a 1-D array, or a 2-D array of one column", path, shapeString(shape))
	case len(shape) == 2:
		rows, cols = shape[0], shape[1]
	case len(shape) == 1 && want == npyVectors:
		rows, cols = 1, shape[0]
	case len(shape) == 1:
		return nil, 0, 0, fmt.Errorf("%s: a 1-D array of %d values: X must be a 2-D array, rows × features (reshape it to (%d, 1) for one feature)", path, shape[0], shape[0])
	default:
		return nil, 0, 0, fmt.Errorf("%s: an array of shape %s: X must be a 2-D array, rows × features", path, shapeString(shape))
	}
	if rows < 0 || cols < 0 {
		return nil, 0, 0, notNpy("negative shape " + shapeString(shape))
	}
	if rows == 0 {
		return nil, 0, 0, fmt.Errorf("%s: an array of shape %s: no rows", path, shapeString(shape))
	}
	if cols == 0 {
		return nil, 0, 0, fmt.Errorf("%s: an array of shape %s: no columns", path, shapeString(shape))
	}
	// rows and cols come from the header and may be anything: compare
	// without a product that could overflow.
	have := fi.Size() - hdrStart - hdrLen
	if int64(rows) > have/int64(esize)/int64(cols) || int64(rows)*int64(cols)*int64(esize) != have {
		need := new(big.Int).Mul(big.NewInt(int64(rows)), big.NewInt(int64(cols)))
		need.Mul(need, big.NewInt(int64(esize)))
		return nil, 0, 0, fmt.Errorf("%s: %d bytes of data, but an array of shape %s and dtype %s takes %v bytes: the file is truncated or corrupt",
			path, have, shapeString(shape), dtype, need)
	}

	data, err = conv(r, rows*cols)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v", path, err)
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
		if !finite(v) {
			if labels {
				return nil, 0, 0, nonFiniteLabel(path, k, v)
			}
			return nil, 0, 0, nonFiniteCell(path, k, cols, v)
		}
	}
	return data, rows, cols, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// nonFinite names a NaN or an infinity in a message.
func nonFinite(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	return fmt.Sprint(v)
}

// nonFiniteCell is the error of the NaN or infinity v at index k of a
// row-major X of cols columns.
func nonFiniteCell(path string, k, cols int, v float64) error {
	return fmt.Errorf("%s: row %d, column %d: %s is not allowed (rows and columns count from 1)", path, k/cols+1, k%cols+1, nonFinite(v))
}

// nonFiniteLabel is the error of the NaN or infinity v at index k of y.
func nonFiniteLabel(path string, k int, v float64) error {
	return fmt.Errorf("%s: row %d: %s is not allowed (rows count from 1)", path, k+1, nonFinite(v))
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

// ReadFloat32Npy reads a 2-D .npy array of float32 values into memory, row
// major (a 1-D array is one row): dtype <f4, or any dtype whose every value is exactly a float32
// (values that would round are refused, naming the first, rather than
// changed). NaN and infinities are refused, naming their row and column.
func ReadFloat32Npy(path string) (data []float32, rows, cols int, err error) {
	x, rows, cols, err := readNpy(path, npyVectors)
	if err != nil {
		return nil, 0, 0, err
	}
	data = make([]float32, len(x))
	for k, v := range x {
		data[k] = float32(v)
		if float64(data[k]) != v {
			return nil, 0, 0, fmt.Errorf("%s: row %d, column %d: %v is not exactly a float32 (rows and columns count from 1); convert the array with numpy's astype(np.float32) if rounding is intended",
				path, k/cols+1, k%cols+1, v)
		}
	}
	return data, rows, cols, nil
}
