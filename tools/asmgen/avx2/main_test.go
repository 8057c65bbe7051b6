package main

import (
	"reflect"
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
)

// TestFilesUpToDate generates every function, which must pass the check
// pass, and proves the files in the tree are what the generator writes
// now: a generator changed but not rerun fails here.
func TestFilesUpToDate(t *testing.T) {
	if err := avogen.UpToDate("avx2", files, avogen.Check(isa), emit); err != nil {
		t.Fatal(err)
	}
}

// TestElemTablesComplete proves the float32 table has an instruction
// wherever the float64 one has: an instruction added to one element type
// only fails here, not when a float32 kernel first needs it.
func TestElemTablesComplete(t *testing.T) {
	for _, e := range []elem{f64, f32} {
		v := reflect.ValueOf(e)
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.Func && f.IsNil() {
				t.Errorf("%s: no %s", e.GoType, v.Type().Field(i).Name)
			}
		}
	}
	if f64.PerVec() != 4 || f32.PerVec() != 8 {
		t.Errorf("%d and %d elements per YMM register, want 4 and 8", f64.PerVec(), f32.PerVec())
	}
}
