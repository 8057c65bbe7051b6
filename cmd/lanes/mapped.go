package main

import (
	"fmt"
	"math"
	"runtime/debug"

	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/linreg"
)

// mappedSet is the memory-mapped files of a run: X and y.
type mappedSet struct {
	arrays []*npymap.Array
	paths  []string
}

// close unmaps the files.
func (ms *mappedSet) close() {
	for _, a := range ms.arrays {
		a.Close()
	}
}

// guard runs f, which reads the mapped files, and turns a memory fault
// inside them into an error: when another program truncates a mapped
// file, reading its lost pages raises SIGBUS, which would otherwise kill
// the process with a fault dump. Faults elsewhere are not lanes' to
// explain and go on as panics. The kernels' worker goroutines fault with
// a panic too and hand it to the goroutine that called them (see
// kernels.LossGradPlan), so one guard around the run covers them.
func (ms *mappedSet) guard(f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if fault, ok := p.(interface{ Addr() uintptr }); ok {
			for i, a := range ms.arrays {
				if a.Holds(fault.Addr()) {
					err = fmt.Errorf("%s changed size while lanes was reading it (another program truncated or rewrote it): no model written", ms.paths[i])
					return
				}
			}
		}
		panic(p)
	}()
	return f()
}

// mapTraining memory-maps the training set of fit when X (dataPath) and
// y (labelsPath) are .npy files of dtype '<f8' in C order: X is then
// the file's pages, used in place with no copy, and the returned
// Matrix's Release drops the pages of X's and y's rows that linreg has
// finished with, so that training keeps about a window of rows resident
// (see linreg.Matrix.Release). ms is nil for anything else, which the
// caller reads into memory as before (readTraining also gives the errors
// of a bad file). The caller closes ms when done, and reads the data
// only inside ms.guard.
//
// The values are checked for NaN and Inf here, window by window, with
// readNpy's messages.
func mapTraining(dataPath, labelsPath, target string) (ds *dataset, x linreg.Matrix, ms *mappedSet, err error) {
	if !isNpy(dataPath) || labelsPath == "" || target != "" {
		return nil, x, nil, nil
	}
	xa, err := npymap.Open(dataPath)
	if err != nil {
		return nil, x, nil, nil
	}
	ya, err := npymap.Open(labelsPath)
	if err != nil {
		xa.Close()
		return nil, x, nil, nil
	}
	ms = &mappedSet{arrays: []*npymap.Array{xa, ya}, paths: []string{dataPath, labelsPath}}
	xs, ys := xa.Shape(), ya.Shape()
	if len(xs) != 2 || xs[0] < 1 || xs[1] < 1 || !(len(ys) == 1 && ys[0] == xs[0] || len(ys) == 2 && ys[0] == xs[0] && ys[1] == 1) {
		ms.close()
		return nil, x, nil, nil
	}
	rows, cols := xs[0], xs[1]
	x = linreg.Matrix{Data: xa.Float64s(), Rows: rows, Cols: cols, Release: func(lo, hi int) {
		xa.Release(lo*cols, hi*cols)
		ya.Release(lo, hi)
	}}
	ds = &dataset{path: dataPath, x: xa.Float64s(), rows: rows, features: npyFeatureNames(cols), y: ya.Float64s(), target: "y"}
	if err := ms.guard(func() error { return checkMapped(dataPath, labelsPath, x, ds.y) }); err != nil {
		ms.close()
		return nil, x, nil, err
	}
	return ds, x, ms, nil
}

// checkMapped reports the first NaN or Inf of X, then of y, as readNpy
// does, releasing each window after reading it.
func checkMapped(dataPath, labelsPath string, x linreg.Matrix, y []float64) error {
	w := linreg.WindowRows(x.Cols)
	bad := func(v float64) string {
		if math.IsNaN(v) {
			return "NaN"
		}
		return fmt.Sprint(v)
	}
	for lo := 0; lo < x.Rows; lo += w {
		hi := min(lo+w, x.Rows)
		for k, v := range x.Data[lo*x.Cols : hi*x.Cols] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				k += lo * x.Cols
				return usagef("%s: row %d, column %d: %s is not allowed (rows and columns count from 1)", dataPath, k/x.Cols+1, k%x.Cols+1, bad(v))
			}
		}
		x.Release(lo, hi)
	}
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		for k, v := range y[lo:hi] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return usagef("%s: row %d: %s is not allowed (rows count from 1)", labelsPath, lo+k+1, bad(v))
			}
		}
		x.Release(lo, hi)
	}
	return nil
}
