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

// mapTraining memory-maps the training set of fit, after checkDataFlags,
// when dataset.Map can: nil for data it cannot map, which the caller
// reads with readTraining. Its errors are usage errors, but for a file
// truncated meanwhile (see noModel).
func mapTraining(data, labels string) (*dataset.Mapped, error) {
	if !dataset.IsNpy(data) {
		return nil, nil
	}
	m, err := dataset.Map(data, labels)
	if err != nil && !isTruncated(err) {
		return nil, asUsage(err)
	}
	return m, noModel(err)
}

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
