package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/cpuinfo"
)

func cpuRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cmdCPU(&env{stdout: &stdout, stderr: &stderr}, args)
	if stderr.Len() > 0 {
		t.Errorf("lanes cpu %s wrote to stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String(), err
}

func TestCPUText(t *testing.T) {
	out, err := cpuRun(t)
	if err != nil {
		t.Fatalf("lanes cpu: %v", err)
	}
	t.Logf("output:\n%s", out)
	impl := kernels.Impl()
	for _, s := range []string{
		"Chosen:        " + impl + ",",
		"* " + impl,
		"<- chosen",
		kernels.EnvVar + "=generic lanes",
		"go build -tags purego",
		"never changes a result",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("lanes cpu output lacks %q", s)
		}
	}
	for _, im := range kernels.Available() {
		if !strings.Contains(out, im) {
			t.Errorf("lanes cpu output does not list %s", im)
		}
	}
	if c := cpuinfo.CPU(); c.Brand != "" && !strings.Contains(out, c.Brand) {
		t.Errorf("lanes cpu output lacks the brand %q", c.Brand)
	}
}

func TestCPUJSON(t *testing.T) {
	out, err := cpuRun(t, "--json")
	if err != nil {
		t.Fatalf("lanes cpu --json: %v", err)
	}
	var r cpuinfo.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("lanes cpu --json does not parse: %v\n%s", err, out)
	}
	if r.Chosen != kernels.Impl() {
		t.Errorf("chosen = %q, want %q", r.Chosen, kernels.Impl())
	}
	if !slices.Equal(r.Available, kernels.Available()) {
		t.Errorf("available = %q, want %q", r.Available, kernels.Available())
	}
	if r.GOARCH == "" || r.GOOS == "" || r.Why == "" {
		t.Errorf("goos %q, goarch %q, why %q: want all set", r.GOOS, r.GOARCH, r.Why)
	}
	var chosen, generic int
	for _, st := range r.Implementations {
		if st.Chosen {
			chosen++
			if st.Name != r.Chosen || !st.Supported {
				t.Errorf("implementation %+v marked chosen, want %s and supported", st, r.Chosen)
			}
		}
		if st.Supported != slices.Contains(r.Available, st.Name) {
			t.Errorf("implementation %+v: supported disagrees with kernels.Available() %q", st, r.Available)
		}
		if st.Supported && !st.BuiltIn {
			t.Errorf("implementation %+v supported but not built in", st)
		}
		if st.Name == kernels.Generic && st.BuiltIn && st.Supported {
			generic++
		}
	}
	if chosen != 1 || generic != 1 {
		t.Errorf("%d chosen and %d generic implementations, want 1 each: %+v", chosen, generic, r.Implementations)
	}
	// The requirements lanes cares about are listed on its two assembly
	// architectures, and agree with what is supported.
	switch r.GOARCH {
	case "amd64", "arm64":
		if len(r.Features) == 0 {
			t.Errorf("no features listed for %s", r.GOARCH)
		}
		for _, f := range r.Features {
			for _, im := range f.NeededBy {
				if slices.Contains(r.Available, im) && !f.Go {
					t.Errorf("%s is supported but needs %s, which Go does not see", im, f.Name)
				}
			}
		}
	}
}

func TestCPUHelpAndUsage(t *testing.T) {
	out, err := cpuRun(t, "-h")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("lanes cpu -h: err = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(out, "Usage: lanes cpu") || !strings.Contains(out, "--json") {
		t.Errorf("help:\n%s", out)
	}
	for _, args := range [][]string{{"extra"}, {"--bogus"}} {
		if _, err := cpuRun(t, args...); !isUsage(err) {
			t.Errorf("lanes cpu %q: err = %v, want a usage error", args, err)
		}
	}
}

// TestCPUForced runs lanes cpu in a child process whose environment
// forces an implementation, since the choice is made once per process.
func TestCPUForced(t *testing.T) {
	if os.Getenv("LANES_CPU_TEST_CHILD") == "1" {
		var stdout bytes.Buffer
		if err := cmdCPU(&env{stdout: &stdout, stderr: os.Stderr}, nil); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("<<<" + stdout.String() + ">>>")
		return
	}
	if testing.Short() {
		t.Skip("runs child processes")
	}
	child := func(env ...string) (stdout, stderr string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCPUForced$")
		if wrap := strings.Fields(os.Getenv(execEnv)); len(wrap) > 0 {
			cmd = exec.Command(wrap[0], append(wrap[1:], os.Args[0], "-test.run=^TestCPUForced$")...)
		}
		cmd.Env = append(os.Environ(), append([]string{"LANES_CPU_TEST_CHILD=1"}, env...)...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		if err := cmd.Run(); err != nil {
			t.Fatalf("child %q: %v\n%s%s", env, err, o.String(), e.String())
		}
		s := o.String()
		i, j := strings.Index(s, "<<<"), strings.LastIndex(s, ">>>")
		if i < 0 || j < i {
			t.Fatalf("child %q printed no report:\n%s", env, s)
		}
		return s[i+3 : j], e.String()
	}

	out, _ := child("LANES_KERNELS=generic")
	for _, s := range []string{"Chosen:        generic, forced by LANES_KERNELS=generic", `LANES_KERNELS: "generic"`} {
		if !strings.Contains(out, s) {
			t.Errorf("LANES_KERNELS=generic: output lacks %q:\n%s", s, out)
		}
	}

	out, errOut := child("LANES_KERNELS=sse9")
	best := kernels.Available()[0]
	if want := "Chosen:        " + best + `, LANES_KERNELS="sse9" was ignored (no such implementation`; !strings.Contains(out, want) {
		t.Errorf("LANES_KERNELS=sse9: output lacks %q:\n%s", want, out)
	}
	if !strings.Contains(errOut, "sse9") {
		t.Errorf("LANES_KERNELS=sse9: the kernels gave no warning on stderr: %q", errOut)
	}

	if slices.Contains(kernels.Available(), kernels.AVX512) {
		out, _ := child("GODEBUG=cpu.avx512f=off")
		for _, s := range []string{"Chosen:        avx2,", "hidden from Go", "avx512   built in, cannot run here: no AVX-512F (the CPU has it"} {
			if !strings.Contains(out, s) {
				t.Errorf("GODEBUG=cpu.avx512f=off: output lacks %q:\n%s", s, out)
			}
		}
	}
}
