package dataset

import (
	"reflect"
	"slices"
	"testing"
)

// TestSplit: the held-out rows are a seeded sample, both sets keep the
// file's order, and together they are the rows of the set.
func TestSplit(t *testing.T) {
	const rows, cols = 50, 2
	s := &Set{Path: "p.csv", Rows: rows, Features: []string{"a", "b"}, Target: "y"}
	for i := range rows {
		s.X = append(s.X, float64(i), float64(-i))
		s.Y = append(s.Y, float64(i))
	}
	train, val, err := s.Split(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if train.Rows != 40 || val.Rows != 10 || len(train.X) != 40*cols || len(val.Y) != 10 {
		t.Fatalf("split 50 rows into %d and %d", train.Rows, val.Rows)
	}
	for _, part := range []*Set{train, val} {
		if part.Path != s.Path || part.Target != "y" || !reflect.DeepEqual(part.Features, s.Features) {
			t.Errorf("a part lost the set's names: %+v", part)
		}
		if !slices.IsSorted(part.Y) {
			t.Errorf("a part is not in the file's order: %v", part.Y)
		}
		for i, y := range part.Y {
			if part.X[i*cols] != y || part.X[i*cols+1] != -y {
				t.Errorf("row %d of a part: x %v, y %v", i, part.X[i*cols:(i+1)*cols], y)
			}
		}
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train.Y), val.Y...)))
	if !reflect.DeepEqual(all, s.Y) {
		t.Errorf("the parts together are %v", all)
	}
	// The sample is the seed's, the one lanes fit has always held out (a
	// model trained with --val-fraction depends on it): the same again,
	// another with another seed.
	if want := []float64{5, 13, 16, 21, 32, 36, 41, 44, 48, 49}; !reflect.DeepEqual(val.Y, want) {
		t.Errorf("seed 7 held out %v, want %v", val.Y, want)
	}
	_, again, _ := s.Split(0.2, 7)
	_, other, _ := s.Split(0.2, 8)
	if !reflect.DeepEqual(again.Y, val.Y) || reflect.DeepEqual(other.Y, val.Y) {
		t.Errorf("seed 7 held out %v then %v, seed 8 %v", val.Y, again.Y, other.Y)
	}

	if tr, v, err := s.Split(0, 7); tr != s || v != nil || err != nil {
		t.Errorf("Split(0) = %p, %v, %v, want the set itself", tr, v, err)
	}
	_, _, err = (&Set{Rows: 3, Features: []string{"a"}, X: []float64{1, 2, 3}, Y: []float64{1, 2, 3}}).Split(0.34, 1)
	if err == nil || err.Error() != "0.34 of 3 rows leaves 1 for validation and 2 for training; each needs at least two" {
		t.Errorf("Split of 3 rows: %v", err)
	}
}
