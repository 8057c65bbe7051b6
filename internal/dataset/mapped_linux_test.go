package dataset

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

// writeMappable writes a '<f8' C-order X of rows × cols and its y, which
// Map maps, and returns their paths and the size of X's header.
func writeMappable(t *testing.T, dir string, rows, cols int) (xp, yp string, header int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, rows*cols)
	y := make([]float64, rows)
	for i := range rows {
		for j := range cols {
			x[i*cols+j] = rng.NormFloat64()
			y[i] += float64(j+1) * x[i*cols+j]
		}
	}
	xb := npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+", "+strconv.Itoa(cols)+")", x, false)
	xp, yp = filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := os.WriteFile(xp, xb, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yp, npyBytes(t, "<f8", false, "("+strconv.Itoa(rows)+",)", y, false), 0o644); err != nil {
		t.Fatal(err)
	}
	return xp, yp, len(xb) - 8*rows*cols
}

// TestMappedTruncatedIsAnError: a mapped X that another program truncates
// during training gives SIGBUS on the lost pages. Guard turns that into
// a *TruncatedError naming the file, whichever goroutine faulted: the
// caller's or one of the kernels' plan workers.
func TestMappedTruncatedIsAnError(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	for _, workers := range []int{1, 2, 4} {
		dir := t.TempDir()
		xp, yp, header := writeMappable(t, dir, 40000, 8)
		m, err := Map(xp, yp)
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
			t.Errorf("workers %d: got %v, want a *TruncatedError saying %s changed size", workers, err, xp)
		}
	}
}
