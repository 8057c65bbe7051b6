package main

import (
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
)

// TestFilesUpToDate proves the files in the tree are what the generator
// writes now: a generator changed but not rerun fails here.
func TestFilesUpToDate(t *testing.T) {
	if err := avogen.UpToDate("xstate", files, nil, emit); err != nil {
		t.Fatal(err)
	}
}
