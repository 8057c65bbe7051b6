//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const interruptChild = "LANES_INTERRUPT_TEST_CHILD"

// TestCLIInterruptTwice: the first Ctrl-C cancels the run's context; the
// second, for a run that does not stop, runs the registered cleanup and
// exits at once with status 130. The child is this test binary, stuck
// after its first interrupt as a loop that never checks its context
// would be.
func TestCLIInterruptTwice(t *testing.T) {
	if marker := os.Getenv(interruptChild); marker != "" {
		in := catchInterrupts(&env{stdout: os.Stdout, stderr: os.Stderr})
		in.onExit(func() { os.Remove(marker) })
		os.Stdout.WriteString("ready\n")
		<-in.ctx.Done()
		os.Stdout.WriteString("cancelled\n")
		for {
			time.Sleep(time.Hour) // a run that ignores its context
		}
	}
	marker := filepath.Join(t.TempDir(), "staged.tmp")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{os.Args[0], "-test.run=^TestCLIInterruptTwice$"}
	if wrap := strings.Fields(os.Getenv(execEnv)); len(wrap) > 0 {
		args = append(wrap, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), interruptChild+"="+marker)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	expectLine := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("child printed %q (%v), want %q; stderr:\n%s", lines.Text(), lines.Err(), want, stderr.String())
		}
	}
	expectLine("ready")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	expectLine("cancelled")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the first interrupt ran the cleanup: %v", err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit status %d (%v), want %d; stderr:\n%s", code, err, exitInterrupted, stderr.String())
	}
	for _, w := range []string{"stopping (again to quit at once)", "again: quitting at once"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the forced exit did not run the cleanup")
	}
}

// TestCLIInterruptExact: Ctrl-C during a long exact solve stops it
// promptly, exits 1 and writes nothing (it used to be swallowed, the
// model written and the exit status 0).
func TestCLIInterruptExact(t *testing.T) {
	if testing.Short() {
		t.Skip("a solve of several seconds")
	}
	// 3000 × 2500: the moments pass takes a fraction of a second, the
	// Cholesky factorisation of the 2500 × 2500 moments several more, so
	// the signal lands inside the solve (3000 × 1500 finished before it
	// once the engine solved on the moments).
	const rows, cols = 3000, 2500
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, rows*cols)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := make([]float64, rows)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	for name, data := range map[string][]byte{
		"x.npy": npyBytes(t, "<f8", false, fmt.Sprintf("(%d, %d)", rows, cols), x, false),
		"y.npy": npyBytes(t, "<f8", false, fmt.Sprintf("(%d,)", rows), y, false),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := lanesCmd(t, "fit", "--data", "x.npy", "--labels", "y.npy", "--method", "exact", "--out", "m.json")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(400 * time.Millisecond) // into the run: the moments or the solve (about 2 s in all)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	took := time.Since(sent)
	if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit status %d, stderr:\n%s\nwant 1 and interrupted", code, stderr.String())
	}
	if took > 2*time.Second {
		t.Errorf("the run took %v to stop after Ctrl-C", took)
	}
	if got := files(t, dir); len(got) != 2 {
		t.Errorf("an interrupted run left %v", got)
	}
}
