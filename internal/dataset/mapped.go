package dataset

import (
	"runtime"
	"runtime/debug"

	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/linreg"
)

// Mapped is a training set whose X and y are memory-mapped .npy files,
// used in place with no copy. Its data may be read only inside Guard.
type Mapped struct {
	set    *Set
	x      linreg.Matrix
	arrays []*npymap.Array
	paths  []string
}

// Map memory-maps a training set when X (xPath) and y (yPath) are .npy
// files of dtype '<f8' in C order, X of shape (n, d) and y of shape (n,)
// or (n, 1), with n, d ≥ 1 (see package npymap). For anything else it
// returns nil and no error, and the caller reads the files into memory
// with ReadNpy, which also gives the errors of a bad file.
//
// The values are checked for NaN and Inf, window by window, with ReadNpy's
// messages; a file truncated meanwhile gives a *TruncatedError. The
// caller closes the Mapped when done.
func Map(xPath, yPath string) (*Mapped, error) {
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
	m.x = linreg.Matrix{Data: xa.Float64s(), Rows: rows, Cols: cols, Release: func(lo, hi int) {
		xa.Release(lo*cols, hi*cols)
		ya.Release(lo, hi)
	}}
	m.set = &Set{Path: xPath, X: xa.Float64s(), Rows: rows, Features: npyFeatureNames(cols), Y: ya.Float64s(), Target: "y"}
	if err := m.Guard(m.check); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Set returns the training set, whose X and Y are the files' pages,
// read-only.
func (m *Mapped) Set() *Set { return m.set }

// Matrix returns X as a linreg.Matrix whose Release drops the pages of
// X's and y's rows that linreg has finished with, so that training keeps
// about a window of rows resident (see linreg.Matrix.Release).
func (m *Mapped) Matrix() linreg.Matrix { return m.x }

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
// called them (see kernels.LossGradPlan), so one guard around a run
// covers them.
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
// releasing each window after reading it.
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
		x.Release(lo, hi)
	}
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		for k, v := range y[lo:hi] {
			if !finite(v) {
				return nonFiniteLabel(m.paths[1], lo+k, v)
			}
		}
		x.Release(lo, hi)
	}
	return nil
}
