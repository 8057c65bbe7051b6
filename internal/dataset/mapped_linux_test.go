package dataset

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

// TestMappedTruncatedIsAnError: a mapped X that another program truncates
// during training gives SIGBUS on the lost pages. Guard turns that into
// a *TruncatedError naming the file, whichever goroutine faulted: the
// caller's or one of the kernels' plan workers, and whether the pages
// were given back or kept (truncation unmaps them either way).
func TestMappedTruncatedIsAnError(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	for _, c := range []struct {
		workers int
		paging  Paging
	}{{1, PagingAlways}, {2, PagingAlways}, {4, PagingAlways}, {1, PagingNever}, {2, PagingNever}} {
		workers := c.workers
		dir := t.TempDir()
		xp, yp, header := writeMappable(t, dir, 40000, 8)
		m, err := MapWith(xp, yp, MapOptions{Paging: c.paging})
		if err != nil || m == nil {
			t.Fatalf("not mapped: %v", err)
		}
		if err := os.Truncate(xp, int64(header+8*8*100)); err != nil {
			t.Fatal(err)
		}
		err = m.Guard(func() error {
			_, err := linreg.Regressor{Workers: workers, Epochs: 3}.Fit(context.Background(), m.Matrix(), m.Set().Y)
			return err
		})
		m.Close()
		var te *TruncatedError
		if !errors.As(err, &te) || te.Path != xp ||
			err.Error() != xp+" changed size while lanes was reading it (another program truncated or rewrote it)" {
			t.Errorf("workers %d, paging %v: got %v, want a *TruncatedError saying %s changed size", workers, c.paging, err, xp)
		}
	}
}
