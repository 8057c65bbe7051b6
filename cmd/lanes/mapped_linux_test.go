package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCLIMappedTruncatedDuringFit truncates X while lanes fit trains on
// its mapping: exit 1, the file named, no model written, whether the
// pages are given back after each pass or kept.
func TestCLIMappedTruncatedDuringFit(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	for _, paging := range []string{"always", "never"} {
		t.Run(paging, func(t *testing.T) {
			dir := t.TempDir()
			xp, yp, header := writeMappable(t, dir, 50000, 8)
			cmd := lanesCmd(t, "fit", "--data", xp, "--labels", yp, "--method", "sgd", "--lr", "0.0001", "--epochs", "100000", "--release-pages", paging, "--out", "m.json", "--quiet")
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			// Wait until the process has mapped X (under qemu too: the guest's
			// mappings are the emulator's).
			maps := filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "maps")
			deadline := time.Now().Add(30 * time.Second)
			for {
				b, err := os.ReadFile(maps)
				if err == nil && bytes.Contains(b, []byte(xp)) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("lanes did not map %s within 30 s (%v); stderr:\n%s", xp, err, stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := os.Truncate(xp, int64(header+8*8*10)); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(stderr.String(), "x.npy changed size while lanes was reading it (another program truncated or rewrote it): no model written") {
				t.Fatalf("exit status %d, stderr:\n%s\nwant 1 and x.npy changed size …: no model written", code, stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("a fault dump on stderr:\n%s", stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "m.json")); err == nil {
				t.Error("the model was written")
			}
		})
	}
}
