package main

import (
	"bytes"
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lanes-go/lanes/internal/kbench"
	"github.com/lanes-go/lanes/kernels"
)

// benchRun runs lanes bench with args and returns its stdout.
func benchRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := cmdBench(&env{stdout: &stdout, stderr: &stderr}, args)
	if stderr.Len() > 0 {
		t.Errorf("lanes bench %s wrote to stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String(), err
}

// benchDashes matches the line under the table's header.
var benchDashes = regexp.MustCompile(`^-+ {2}-+`)

// benchCells splits a table line at runs of two or more spaces.
var benchCells = regexp.MustCompile(` {2,}`)

// benchTableLines returns the header and the rows of the table in out:
// the line above the dashes, and the lines after them up to a blank one.
func benchTableLines(t *testing.T, out string) (header []string, rows [][]string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if i > 0 && benchDashes.MatchString(line) {
			header = benchCells.Split(lines[i-1], -1)
			for _, r := range lines[i+1:] {
				if strings.TrimSpace(r) == "" {
					break
				}
				rows = append(rows, benchCells.Split(strings.TrimSpace(r), -1))
			}
			return header, rows
		}
	}
	t.Fatalf("no table in:\n%s", out)
	return nil, nil
}

// benchHeaderCells returns the value columns of the table in out.
func benchHeaderCells(t *testing.T, out string) []string {
	t.Helper()
	header, _ := benchTableLines(t, out)
	if len(header) < 2 || header[0] != "kernel" || header[1] != "size" {
		t.Fatalf("table header %q does not start with kernel, size", header)
	}
	return header[2:]
}

// benchRows returns the value cells of the table rows of out, by
// "kernel size".
func benchRows(t *testing.T, out string) map[string][]string {
	t.Helper()
	_, rows := benchTableLines(t, out)
	m := map[string][]string{}
	for _, r := range rows {
		if len(r) < 2 {
			t.Fatalf("short table row %q", r)
		}
		m[r[0]+" "+r[1]] = r[2:]
	}
	return m
}

func TestBenchQuickTable(t *testing.T) {
	start := time.Now()
	out, err := benchRun(t, "--quick")
	if err != nil {
		t.Fatalf("lanes bench --quick: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("lanes bench --quick took %v, want well under a second", d)
	}
	t.Logf("output:\n%s", out)

	def := kernels.Impl()
	var want []string
	for _, im := range kernels.Available() {
		if im == def {
			im += "*"
		}
		want = append(want, im)
	}
	want = append(want, "gonum", def+"/gonum")
	if got := benchHeaderCells(t, out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("columns = %q, want %q", got, want)
	}

	rows := benchRows(t, out)
	for _, k := range kbench.Kernels() {
		for _, s := range kbench.Sizes(k, true) {
			cells, ok := rows[k+" "+s.String()]
			if !ok {
				t.Errorf("no row for %s %s", k, s)
				continue
			}
			if len(cells) != len(want) {
				t.Errorf("row %s %s has %d cells %q, want %d", k, s, len(cells), cells, len(want))
				continue
			}
			if !strings.HasSuffix(cells[len(cells)-1], "x") {
				t.Errorf("row %s %s: ratio %q does not end in x", k, s, cells[len(cells)-1])
			}
		}
	}
	wantRows := 0
	for _, k := range kbench.Kernels() {
		wantRows += len(kbench.Sizes(k, true))
	}
	if got, want := len(rows), wantRows; got != want {
		t.Errorf("%d rows, want %d", got, want)
	}
	for _, s := range []string{"cpu:", "gonum.org/v1/gonum/blas/gonum", "GFLOP/s", "single quick run", "benchstat", "benchmarks/"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if kernels.Impl() != def {
		t.Errorf("after lanes bench the implementation is %s, want %s restored", kernels.Impl(), def)
	}
}

func TestBenchKernelsAndImpls(t *testing.T) {
	out, err := benchRun(t, "--quick", "--ns", "--kernels", " GemvT,dot ", "--impls", "generic,gonum")
	if err != nil {
		t.Fatalf("lanes bench: %v", err)
	}
	rows := benchRows(t, out)
	if len(rows) != 3 {
		t.Errorf("rows %v, want dot at two sizes and gemvt at one", rows)
	}
	for key, cells := range rows {
		if !strings.HasPrefix(key, "dot ") && !strings.HasPrefix(key, "gemvt ") {
			t.Errorf("unexpected row %s", key)
		}
		for _, c := range cells { // --ns: every value has a unit
			if !strings.HasSuffix(c, "s") && !strings.HasSuffix(c, "x") {
				t.Errorf("row %s: cell %q has no time unit", key, c)
			}
		}
	}
	cols := benchHeaderCells(t, out)
	want := "generic gonum"
	if kernels.Impl() == kernels.Generic {
		want = "generic* gonum generic/gonum"
	}
	if strings.Join(cols, " ") != want {
		t.Errorf("columns %q, want %q", cols, want)
	}
}

func TestBenchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--quick", "--kernels", "dot,gemm"},
		{"--quick", "--kernels", ","},
		{"--quick", "--impls", "openblas"},
		{"--quick", "--time", "-1s"},
		{"--quick", "extra"},
		{"--no-such-flag"},
	} {
		out, err := benchRun(t, args...)
		if !isUsage(err) {
			t.Errorf("lanes bench %q: err = %v, want a usage error", args, err)
		}
		if out != "" {
			t.Errorf("lanes bench %q printed %q before failing", args, out)
		}
	}
	_, err := benchRun(t, "--kernels", "dot,gemm")
	for _, k := range kbench.Kernels() {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("error %v does not list kernel %q", err, k)
		}
	}
}

func TestBenchHelp(t *testing.T) {
	out, err := benchRun(t, "-h")
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("lanes bench -h: err = %v, want flag.ErrHelp", err)
	}
	for _, s := range []string{"Usage: lanes bench", "Examples:", "--kernels", "--quick", "--time"} {
		if !strings.Contains(out, s) {
			t.Errorf("help lacks %q:\n%s", s, out)
		}
	}
}

func TestBenchSig3(t *testing.T) {
	for v, want := range map[float64]string{0.01234: "0.01", 1.234: "1.23", 12.34: "12.3", 99.96: "100", 1234.5: "1234"} {
		if got := benchSig3(v); got != want {
			t.Errorf("benchSig3(%v) = %q, want %q", v, got, want)
		}
	}
}
