package main

import (
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
)

// TestFilesUpToDate generates every function, which must pass the check
// pass, and proves the files in the tree are what the generator writes
// now: a generator changed but not rerun fails here.
func TestFilesUpToDate(t *testing.T) {
	if err := avogen.UpToDate("avx512", files, avogen.Check(isa), emit); err != nil {
		t.Fatal(err)
	}
}
