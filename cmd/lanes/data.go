package main

// The data of fit and predict, read by package internal/dataset: which
// flags choose which reader, and the exit status of its errors. Every
// error of the input is a usage error (exit status 2), but for a mapped
// file truncated during the run (exit status 1).

import (
	"context"
	"errors"
	"fmt"

	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/linreg"
)

// checkDataFlags checks that --labels and --target suit the kind of
// --data: a .npy file (by its extension, case-insensitive) takes its
// targets from --labels, a CSV file from one of its columns.
func checkDataFlags(data, labels, target string) error {
	if dataset.IsNpy(data) {
		if labels == "" {
			return usagef("%s is a .npy file: --labels is required, a .npy file of its targets", data)
		}
		if target != "" {
			return usagef("--target is for CSV data; the targets of %s come from --labels %s", data, labels)
		}
		return nil
	}
	if labels != "" {
		return usagef("--labels is for .npy data; %s is a CSV file, whose target is one of its columns (see --target)", data)
	}
	return nil
}

// readTraining reads the training set of fit into memory, after
// checkDataFlags: X and y from the .npy files data and labels, or a CSV
// file data with the target column target. Its errors are usage errors;
// that of an interruption wraps ctx's.
func readTraining(ctx context.Context, data, labels, target string) (*dataset.Set, error) {
	var (
		ds  *dataset.Set
		err error
	)
	if dataset.IsNpy(data) {
		ds, err = dataset.ReadNpy(data, labels)
	} else {
		ds, err = dataset.ReadCSV(ctx, data, target)
	}
	return ds, asUsage(err) // errors.Is still sees a context.Canceled
}

// parsePaging reads --release-pages, which is refused where it can
// change nothing: CSV data, and --val-fraction, which copies the rows.
func parsePaging(o fitOptions) (dataset.Paging, error) {
	p, err := dataset.ParsePaging(o.releasePages)
	switch {
	case err != nil:
		return p, usagef("--release-pages %w", err)
	case !o.set["release-pages"]:
		return p, nil
	case !dataset.IsNpy(o.data):
		return p, usagef("--release-pages is for memory-mapped .npy data; %s is a CSV file, read into memory", o.data)
	case o.valFraction > 0:
		return p, usagef("--release-pages is for training on memory-mapped files in place; with --val-fraction the rows are copied into memory")
	}
	return p, nil
}

// fitData is the data of a fit.
type fitData struct {
	ds         *dataset.Set // the data as a whole: its path and names
	train, val *dataset.Set // val is nil without --val-fraction
	x          linreg.Matrix
	mapped     *dataset.Mapped // the files that x is, in place; nil when x is in memory
}

// loadFitData reads the data of fit. A float64 C-order .npy pair is
// memory-mapped: without --val-fraction training reads it in place, its
// pages given back per paging; with it, the two parts are copied from
// the mapping, which is then closed, so that the rows are in memory once
// (they are a seeded sample, not a range of the file). Anything else is
// read into memory and split there. The caller closes d.mapped if it is
// not nil.
func loadFitData(ctx context.Context, o fitOptions, paging dataset.Paging) (*fitData, error) {
	if err := checkDataFlags(o.data, o.labels, o.target); err != nil {
		return nil, err
	}
	// Without --val-fraction the fit's first pass checks the values (and
	// fitAndDescribe words what it finds as the scan would): no pass of
	// its own over a file that may be as large as memory.
	mapped, err := mapTraining(o.data, o.labels, paging, o.valFraction == 0)
	if err != nil {
		return nil, err
	}
	if mapped != nil && o.valFraction == 0 {
		set := mapped.Set()
		return &fitData{ds: set, train: set, x: mapped.Matrix(), mapped: mapped}, nil
	}
	var ds *dataset.Set
	if mapped != nil {
		ds = mapped.Set()
	} else if ds, err = readTraining(ctx, o.data, o.labels, o.target); errors.Is(err, context.Canceled) {
		return nil, errors.New("interrupted: no model written")
	} else if err != nil {
		return nil, err
	}
	var d *fitData
	split := func() error {
		train, val, err := ds.Split(o.valFraction, o.seed)
		if err != nil {
			return usagef("--val-fraction %w", err)
		}
		d = &fitData{ds: ds, train: train, val: val, x: train.Matrix()}
		return nil
	}
	if mapped == nil {
		if err := split(); err != nil {
			return nil, err
		}
		return d, nil
	}
	err = noModel(mapped.Guard(split))
	mapped.Close()
	if err != nil {
		return nil, err
	}
	named := *ds
	named.X, named.Y = nil, nil // the mapping's, unmapped now
	d.ds = &named
	return d, nil
}

// mapTraining memory-maps the training set of fit, after checkDataFlags,
// when dataset.MapWith can (with paging; unchecked: the values are not
// scanned, the fit checks them): nil for data it cannot map,
// which the caller reads with readTraining. Its errors are usage errors,
// but for a file truncated meanwhile (see noModel).
func mapTraining(data, labels string, paging dataset.Paging, unchecked bool) (*dataset.Mapped, error) {
	if !dataset.IsNpy(data) {
		return nil, nil
	}
	m, err := mapFiles(data, labels, dataset.MapOptions{Paging: paging, Unchecked: unchecked})
	if err != nil && !isTruncated(err) {
		return nil, asUsage(err)
	}
	return m, noModel(err)
}

// mapFiles is dataset.MapWith; tests replace it to choose the memory
// available and to look at the Mapped.
var mapFiles = dataset.MapWith

// noModel returns err, saying that no model was written when it reports a
// mapped file truncated during the run: a failure of the run, not of its
// input (exit status 1).
func noModel(err error) error {
	if isTruncated(err) {
		return fmt.Errorf("%w: no model written", err)
	}
	return err
}

func isTruncated(err error) bool {
	var te *dataset.TruncatedError
	return errors.As(err, &te)
}
