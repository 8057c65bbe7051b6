package knn

import "fmt"

// BatchError says which query of a batch could not be searched.
type BatchError struct {
	Query int // the query's number in the batch, from 0
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("query %d: %v", e.Query, e.Err) }

func (e *BatchError) Unwrap() error { return e.Err }

// errShort is the error of a batch whose last query is incomplete.
func errShort(left, dim int) error {
	return fmt.Errorf("knn: the batch ends with %d values, not a whole query of %d", left, dim)
}
