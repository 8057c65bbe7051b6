package kernels

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/cpu"
)

// The environment tests prove that LANES_KERNELS and GODEBUG steer the
// choice made at the first call of a fresh process. The choice is made
// once per process, so each case re-executes this test binary as a child
// (guarded by childEnv) that reports what it chose and exits.

const childEnv = "LANES_KERNELS_TEST_CHILD"

// execEnv names a command that starts a binary of this GOARCH, such as
// "qemu-aarch64-static": the go test -exec of an emulated run. Without
// binfmt_misc the child can be started only through it; .ci/run sets it.
const execEnv = "LANES_TEST_EXEC"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		// Impl first: nothing may choose before the environment does.
		fmt.Printf("impl=%s\n", Impl())
		fmt.Printf("available=%s\n", strings.Join(Available(), ","))
		fmt.Printf("x86=avx2:%v,avx512f:%v\n", cpu.X86.HasAVX2, cpu.X86.HasAVX512F)
		fmt.Printf("arm64=asimd:%v\n", cpu.ARM64.HasASIMD)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is what a child process reported.
type child struct {
	impl      string
	available []string
	x86       string
	arm64     string
	stderr    string
}

// runChild runs this test binary as a child with env added to a copy of
// the environment from which LANES_KERNELS is removed. A GODEBUG in env is
// appended to the parent's (later settings win), so the child never sees
// more CPU features than the parent whose Available() the tests compare
// with.
func runChild(t *testing.T, env ...string) child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to re-execute: %v", err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	if wrap := strings.Fields(os.Getenv(execEnv)); len(wrap) > 0 {
		cmd = exec.Command(wrap[0], append(wrap[1:], exe, "-test.run=^$")...)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvVar+"=") && !strings.HasPrefix(kv, "GODEBUG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	parent := os.Getenv("GODEBUG")
	for i, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok && parent != "" {
			env[i] = "GODEBUG=" + parent + "," + v
		}
	}
	if parent != "" && !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "GODEBUG=") }) {
		env = append(env, "GODEBUG="+parent)
	}
	cmd.Env = append(cmd.Env, append([]string{childEnv + "=1"}, env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, syscall.ENOEXEC) {
			// Under user-mode emulation without binfmt_misc (qemu-aarch64
			// as go test -exec), the child cannot be started directly.
			t.Skipf("cannot re-execute the test binary here (set %s to the emulator): %v", execEnv, err)
		}
		t.Fatalf("child with %q: %v\nstderr: %s", env, err, stderr.String())
	}
	c := child{stderr: stderr.String()}
	for _, line := range strings.Split(stdout.String(), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "impl":
			c.impl = v
		case "available":
			c.available = strings.Split(v, ",")
		case "x86":
			c.x86 = v
		case "arm64":
			c.arm64 = v
		}
	}
	if c.impl == "" {
		t.Fatalf("child with %q reported nothing; stdout %q, stderr %q", env, stdout.String(), stderr.String())
	}
	return c
}

func TestEnvForcesGeneric(t *testing.T) {
	c := runChild(t, EnvVar+"=generic")
	if c.impl != Generic {
		t.Errorf("%s=generic: Impl() = %q, want generic", EnvVar, c.impl)
	}
	if c.stderr != "" {
		t.Errorf("%s=generic printed %q, want no warning", EnvVar, c.stderr)
	}
	if !slices.Equal(c.available, Available()) {
		t.Errorf("%s=generic changed Available() to %q, want %q: it forces the choice, not the list", EnvVar, c.available, Available())
	}
}

func TestEnvDefault(t *testing.T) {
	c := runChild(t)
	if want := supported()[0].name; c.impl != want {
		t.Errorf("no %s: Impl() = %q, want the best supported %q", EnvVar, c.impl, want)
	}
	if c.stderr != "" {
		t.Errorf("no %s: printed %q, want nothing", EnvVar, c.stderr)
	}
}

func TestEnvUnknownWarns(t *testing.T) {
	c := runChild(t, EnvVar+"=bogus")
	if want := supported()[0].name; c.impl != want {
		t.Errorf("%s=bogus: Impl() = %q, want the fallback %q", EnvVar, c.impl, want)
	}
	lines := strings.Split(strings.TrimSuffix(c.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "bogus") {
		t.Errorf("%s=bogus: stderr %q, want one line naming the request", EnvVar, c.stderr)
	}
}

// withoutName returns names without name.
func withoutName(names []string, name ...string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(s string) bool { return slices.Contains(name, s) })
}

// TestGODEBUGDisablesAVX512 proves dispatch reads the CPU through
// golang.org/x/sys/cpu, which honours GODEBUG: with cpu.avx512f=off the
// child must see no AVX-512F and must not list or pick avx512, but keep
// every other implementation this process has.
func TestGODEBUGDisablesAVX512(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("cpu.avx512f is an amd64 GODEBUG option")
	}
	c := runChild(t, "GODEBUG=cpu.avx512f=off")
	if strings.Contains(c.x86, "avx512f:true") {
		t.Fatalf("GODEBUG=cpu.avx512f=off did not reach golang.org/x/sys/cpu in the child (%s)", c.x86)
	}
	if c.impl == AVX512 {
		t.Errorf("GODEBUG=cpu.avx512f=off: Impl() = avx512")
	}
	if want := withoutName(Available(), AVX512); !slices.Equal(c.available, want) {
		t.Errorf("GODEBUG=cpu.avx512f=off: Available() = %q, want %q", c.available, want)
	}
	if c.impl != c.available[0] {
		t.Errorf("GODEBUG=cpu.avx512f=off: Impl() = %q, want the best left, %q", c.impl, c.available[0])
	}

	// A forced avx512 cannot be served either: warn and fall back.
	c = runChild(t, "GODEBUG=cpu.avx512f=off", EnvVar+"=avx512")
	if c.impl == AVX512 || !strings.Contains(c.stderr, "avx512") || strings.Count(c.stderr, "\n") != 1 {
		t.Errorf("GODEBUG=cpu.avx512f=off %s=avx512: Impl() = %q, stderr %q; want a fallback and a one-line warning", EnvVar, c.impl, c.stderr)
	}
}

// TestGODEBUGDisablesAVX proves that with AVX2 and AVX-512F both off only
// generic remains, whatever assembly the binary holds.
func TestGODEBUGDisablesAVX(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("cpu.avx2 and cpu.avx512f are amd64 GODEBUG options")
	}
	c := runChild(t, "GODEBUG=cpu.avx2=off,cpu.avx512f=off")
	if c.x86 != "avx2:false,avx512f:false" {
		t.Fatalf("GODEBUG did not reach golang.org/x/sys/cpu in the child (%s)", c.x86)
	}
	if c.impl != Generic || !slices.Equal(c.available, []string{Generic}) {
		t.Errorf("GODEBUG=cpu.avx2=off,cpu.avx512f=off: Impl() = %q, Available() = %q; want generic only", c.impl, c.available)
	}
}

// TestGODEBUGDisablesASIMD proves the same for NEON: with cpu.asimd=off
// golang.org/x/sys/cpu reports no Advanced SIMD and only generic remains.
// (The runtime's own feature list lacks asimd, so it warns on stderr.)
func TestGODEBUGDisablesASIMD(t *testing.T) {
	if runtime.GOARCH != "arm64" {
		t.Skip("cpu.asimd is an arm64 GODEBUG option")
	}
	c := runChild(t, "GODEBUG=cpu.asimd=off")
	if c.arm64 != "asimd:false" {
		t.Fatalf("GODEBUG=cpu.asimd=off did not reach golang.org/x/sys/cpu in the child (%s)", c.arm64)
	}
	if c.impl != Generic || !slices.Equal(c.available, []string{Generic}) {
		t.Errorf("GODEBUG=cpu.asimd=off: Impl() = %q, Available() = %q; want generic only", c.impl, c.available)
	}
}
