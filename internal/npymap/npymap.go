// Package npymap maps a NumPy .npy file into memory read-only, so that a
// float64 (or float32) array of any size is used in place, with no copy: the kernel
// reads its pages from the file on first access, and Release gives them
// back, so that a sequential pass over a file larger than memory keeps
// only a window of it resident.
//
// Only the one layout that can be used as a []float64 as it lies on disk
// maps: dtype '<f8' (little-endian float64), C order, on a little-endian
// host, with the data at an 8-byte-aligned offset (numpy writes every
// header padded to a multiple of 64 bytes). OpenFloat32 does the same for
// '<f4' (little-endian float32) as a []float32. Open refuses everything else
// with an error saying why; the caller falls back to reading the file
// into memory.
package npymap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"

	"codeberg.org/sbinet/npyio"
)

// ErrNotMappable is wrapped by the errors of Open about a valid .npy
// file that cannot be used in place (its dtype, order or alignment, or
// the host's byte order, or an OS without memory maps).
var ErrNotMappable = errors.New("npymap: cannot be used in place")

// Array is a read-only memory-mapped .npy array of float64. Its methods
// other than Close may be called from several goroutines; none may be
// called after Close, and no slice from Float64s may be used after it.
type Array struct {
	mapping []byte    // the whole file
	data    []float64 // the array, inside mapping (OpenFloat32: nil)
	data32  []float32 // the array of OpenFloat32, inside mapping
	offset  int       // byte offset of data in mapping
	// elemSize is the size of an element in bytes: 8, or 4 for OpenFloat32.
	elemSize int
	shape    []int
	pageSz   int
	file     *os.File // open while mapped, for Shrank; nil where nothing maps
	size     int64    // the file's size when mapped
}

// Shape returns the array's shape (a copy).
func (a *Array) Shape() []int { return append([]int(nil), a.shape...) }

// Float64s returns the array's elements in C order, read-only: they are
// the file's pages, and writing to them faults. It is nil for an array
// opened with OpenFloat32.
func (a *Array) Float64s() []float64 { return a.data }

// Float32s returns the elements of an array opened with OpenFloat32, as
// Float64s does; it is nil for one opened with Open.
func (a *Array) Float32s() []float32 { return a.data32 }

// Holds reports whether addr lies inside the file's mapping: a memory
// fault at such an address means the file shrank under the mapping.
func (a *Array) Holds(addr uintptr) bool {
	if len(a.mapping) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(a.mapping)))
	return addr >= start && addr-start < uintptr(len(a.mapping))
}

// header is what Open needs of a .npy header.
type header struct {
	dataOffset int64
	descr      string
	fortran    bool
	shape      []int
}

// readHeader parses the preamble and the header dictionary of a .npy
// file of the given size.
func readHeader(f io.ReaderAt, size int64) (header, error) {
	var h header
	notNpy := func(why string) error { return fmt.Errorf("not a .npy file: %s", why) }
	var pre [12]byte
	n, _ := f.ReadAt(pre[:], 0)
	if n < 10 || !bytes.Equal(pre[:6], npyio.Magic[:]) {
		return h, notNpy(`it does not start with "\x93NUMPY"`)
	}
	var start, length int64
	switch pre[6] {
	case 1:
		start, length = 10, int64(binary.LittleEndian.Uint16(pre[8:10]))
	case 2, 3:
		if n < 12 {
			return h, notNpy("truncated header")
		}
		start, length = 12, int64(binary.LittleEndian.Uint32(pre[8:12]))
	default:
		return h, notNpy(fmt.Sprintf("unknown format version %d.%d", pre[6], pre[7]))
	}
	if start+length > size {
		return h, notNpy("truncated header")
	}
	dict := make([]byte, length)
	if _, err := f.ReadAt(dict, start); err != nil {
		return h, notNpy("truncated header")
	}
	if bytes.IndexByte(dict, '\n') < 0 || bytes.IndexByte(dict, '}') < 0 {
		return h, notNpy("malformed header")
	}
	var r *npyio.Reader
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = notNpy(fmt.Sprint("malformed header: ", p))
			}
		}()
		// Version 3.0 differs from 2.0 only in allowing UTF-8 in the
		// dictionary, which npyio does not know: parse it as 2.0.
		p := append([]byte(nil), pre[:start]...)
		if p[6] == 3 {
			p[6] = 2
		}
		r, err = npyio.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader(dict)))
	}()
	if err != nil {
		return h, err
	}
	h.dataOffset = start + length
	h.descr = strings.Trim(r.Header.Descr.Type, `'"`)
	h.fortran = r.Header.Descr.Fortran
	h.shape = append([]int(nil), r.Header.Descr.Shape...)
	return h, nil
}

// dtype is an element type that maps: its .npy descr and size in bytes.
type dtype struct {
	descr string // "<f8"
	size  int64
	name  string // "little-endian float64"
}

var (
	f8 = dtype{"<f8", 8, "little-endian float64"}
	f4 = dtype{"<f4", 4, "little-endian float32"}
)

// check reports why h cannot be mapped as a slice of dt from a file of
// the given size, and returns the number of elements.
func (h header) check(size int64, dt dtype) (int, error) {
	if !littleEndian() {
		return 0, fmt.Errorf("%w: the host is big-endian", ErrNotMappable)
	}
	if h.descr != dt.descr {
		return 0, fmt.Errorf("%w: dtype %s, not %s (%s)", ErrNotMappable, h.descr, dt.descr, dt.name)
	}
	count := int64(1)
	for _, d := range h.shape {
		if d < 0 {
			return 0, fmt.Errorf("not a .npy file: negative shape %v", h.shape)
		}
		if d > 0 && count > (size/dt.size)/int64(d) {
			return 0, fmt.Errorf("npymap: an array of shape %v does not fit in the file's %d bytes", h.shape, size)
		}
		count *= int64(d)
	}
	if h.fortran && nonTrivial(h.shape) > 1 {
		return 0, fmt.Errorf("%w: Fortran order", ErrNotMappable)
	}
	if h.dataOffset%dt.size != 0 {
		return 0, fmt.Errorf("%w: the data starts at byte %d, not a multiple of %d", ErrNotMappable, h.dataOffset, dt.size)
	}
	if have := size - h.dataOffset; count*dt.size != have {
		return 0, fmt.Errorf("npymap: %d bytes of data, but an array of shape %v and dtype %s takes %d bytes: the file is truncated or corrupt",
			have, h.shape, dt.descr, count*dt.size)
	}
	return int(count), nil
}

// nonTrivial counts the dimensions longer than 1: with at most one, C
// and Fortran order are the same layout.
func nonTrivial(shape []int) int {
	n := 0
	for _, d := range shape {
		if d > 1 {
			n++
		}
	}
	return n
}

func littleEndian() bool {
	return binary.NativeEndian.Uint16([]byte{1, 0}) == 1
}

// openHeader opens path and reads its header.
func openHeader(path string) (*os.File, header, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, header{}, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, header{}, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, header{}, 0, fmt.Errorf("%w: %s is not a regular file", ErrNotMappable, path)
	}
	h, err := readHeader(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, header{}, 0, fmt.Errorf("%s: %w", path, err)
	}
	return f, h, fi.Size(), nil
}
