package dataset

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"

	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/linreg"
)

// Mapped is a training set whose X and y are memory-mapped .npy files,
// used in place with no copy. Its data may be read only inside Guard.
type Mapped struct {
	set       *Set
	x         linreg.Matrix
	arrays    []*npymap.Array
	paths     []string
	releasing bool
	released  atomic.Int64 // calls of x.Release, for Released
}

// MapOptions are the choices of MapWith.
type MapOptions struct {
	// Paging says whether the pages are given back after each pass; the
	// zero value is PagingAuto.
	Paging Paging
	// Available, if not nil, replaces MemAvailable in PagingAuto's
	// decision (tests give a figure of their own).
	Available func() (int64, bool)
	// Unchecked skips the scan of the values for NaN and Inf, for a
	// caller whose first pass over the rows checks them anyway (every
	// linreg fit does, naming the first in row order with a
	// *linreg.NonFiniteError): NonFinite words that error as the scan
	// would have, and a pass over a file the size of memory is saved.
	Unchecked bool
}

// Map is MapWith with the zero MapOptions: pages given back only when
// the files are large for the memory available.
func Map(xPath, yPath string) (*Mapped, error) { return MapWith(xPath, yPath, MapOptions{}) }

// MapWith memory-maps a training set when X (xPath) and y (yPath) are
// .npy files of dtype '<f8' in C order, X of shape (n, d) and y of shape
// (n,) or (n, 1), with n, d ≥ 1 (see package npymap). For anything else
// it returns nil and no error, and the caller reads the files into memory
// with ReadNpy, which also gives the errors of a bad file.
//
// The values are checked for NaN and Inf, window by window, with ReadNpy's
// messages; a file truncated meanwhile gives a *TruncatedError. Whether
// the pages are given back, by that check and then by linreg's passes
// through Matrix().Release, is decided here, once, by o.Paging. The
// caller closes the Mapped when done.
func MapWith(xPath, yPath string, o MapOptions) (*Mapped, error) {
	xa, err := npymap.Open(xPath)
	if err != nil {
		return nil, nil
	}
	ya, err := npymap.Open(yPath)
	if err != nil {
		xa.Close()
		return nil, nil
	}
	m := &Mapped{arrays: []*npymap.Array{xa, ya}, paths: []string{xPath, yPath}}
	xs, ys := xa.Shape(), ya.Shape()
	if len(xs) != 2 || xs[0] < 1 || xs[1] < 1 || !(len(ys) == 1 && ys[0] == xs[0] || len(ys) == 2 && ys[0] == xs[0] && ys[1] == 1) {
		m.Close()
		return nil, nil
	}
	rows, cols := xs[0], xs[1]
	m.x = linreg.Matrix{Data: xa.Float64s(), Rows: rows, Cols: cols}
	available := o.Available
	if available == nil {
		available = MemAvailable
	}
	// The bytes of the values, X's and y's: what stays resident when
	// nothing is given back.
	size := 8 * (int64(rows)*int64(cols) + int64(rows))
	if m.releasing = o.Paging.releases(size, available); m.releasing {
		m.x.Release = func(lo, hi int) {
			m.released.Add(1)
			xa.Release(lo*cols, hi*cols)
			ya.Release(lo, hi)
		}
	}
	m.set = &Set{Path: xPath, X: xa.Float64s(), Rows: rows, Features: npyFeatureNames(cols), Y: ya.Float64s(), Target: "y"}
	if o.Unchecked {
		return m, nil
	}
	if err := m.Guard(m.check); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// NonFinite returns the error of a NaN or infinity that a linreg fit of
// Matrix() found, worded as MapWith's own scan words it (naming the file,
// the row and the column); nil if e is not about the training rows.
func (m *Mapped) NonFinite(e *linreg.NonFiniteError) error {
	if e.Matrix != "X" {
		return nil
	}
	if e.Col < 0 {
		return nonFiniteLabel(m.paths[1], e.Row, e.Value)
	}
	return nonFiniteCell(m.paths[0], e.Row*m.x.Cols+e.Col, m.x.Cols, e.Value)
}

// Set returns the training set, whose X and Y are the files' pages,
// read-only.
func (m *Mapped) Set() *Set { return m.set }

// Matrix returns X as a linreg.Matrix over the mapped pages. When the
// pages are given back (Releasing), its Release drops the pages of X's
// and y's rows that linreg has finished with, so that training keeps
// about a window of rows resident (see linreg.Matrix.Release); otherwise
// it has no Release, and linreg reads it whole, as an array in memory.
// The model is the same bits either way.
func (m *Mapped) Matrix() linreg.Matrix { return m.x }

// Releasing reports whether the pages are given back after each pass:
// the decision of MapWith's Paging.
func (m *Mapped) Releasing() bool { return m.releasing }

// Released returns how many times pages have been given back so far:
// once per window per pass, the NaN check of MapWith's included; 0 when
// not Releasing.
func (m *Mapped) Released() int64 { return m.released.Load() }

// Close unmaps the files.
func (m *Mapped) Close() {
	for _, a := range m.arrays {
		a.Close()
	}
}

// A TruncatedError reports a mapped file that another program truncated
// while it was being read.
type TruncatedError struct{ Path string }

func (e *TruncatedError) Error() string {
	return e.Path + " changed size while lanes was reading it (another program truncated or rewrote it)"
}

// Guard runs f, which reads the mapped files, and turns a memory fault
// inside them into a *TruncatedError: when another program truncates a
// mapped file, reading its lost pages raises SIGBUS, which would
// otherwise kill the process with a fault dump. Faults elsewhere are not
// the files' to explain and go on as panics. The kernels' worker
// goroutines fault with a panic too and hand it to the goroutine that
// called them (see kernels.BlockPlan and kernels.LossGradPlan), so one
// guard around a run covers them.
func (m *Mapped) Guard(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if _, ok := p.(runtime.Error); !ok {
			panic(p)
		}
		// A fault inside a mapping, or any run-time error while a mapped
		// file is shorter than it was: where the platform reports a fault
		// without its address (qemu's user-mode emulation), the runtime
		// raises a nil-dereference error with none.
		fault, _ := p.(interface{ Addr() uintptr })
		for i, a := range m.arrays {
			if fault != nil && a.Holds(fault.Addr()) || a.Shrank() {
				err = &TruncatedError{Path: m.paths[i]}
				return
			}
		}
		panic(p)
	}()
	return f()
}

// check reports the first NaN or Inf of X, then of y, as readNpy does,
// releasing each window after reading it when the pages are given back.
func (m *Mapped) check() error {
	x, y := m.x, m.set.Y
	w := linreg.WindowRows(x.Cols)
	for lo := 0; lo < x.Rows; lo += w {
		hi := min(lo+w, x.Rows)
		for k, v := range x.Data[lo*x.Cols : hi*x.Cols] {
			if !finite(v) {
				return nonFiniteCell(m.paths[0], lo*x.Cols+k, x.Cols, v)
			}
		}
		m.release(lo, hi)
	}
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		for k, v := range y[lo:hi] {
			if !finite(v) {
				return nonFiniteLabel(m.paths[1], lo+k, v)
			}
		}
		m.release(lo, hi)
	}
	return nil
}

// release gives back the pages of rows [lo, hi) when Releasing.
func (m *Mapped) release(lo, hi int) {
	if m.x.Release != nil {
		m.x.Release(lo, hi)
	}
}
