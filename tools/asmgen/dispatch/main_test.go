package main

import (
	"path/filepath"
	"testing"

	"github.com/lanes-go/lanes/tools/asmgen/internal/generated"
)

// TestFilesUpToDate proves the dispatch files of package kernels are what
// the generator writes now: a generator or spec changed but not rerun
// fails here.
func TestFilesUpToDate(t *testing.T) {
	for name, want := range files() {
		if err := generated.Same(filepath.Join(kernelsDir, name), want); err != nil {
			t.Error(err)
		}
	}
}
