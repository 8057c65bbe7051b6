// Command report turns go test -bench output of ./benchmarks into a
// Markdown table of medians and ratios (computed with benchstat's own
// library, golang.org/x/perf/benchmath) and one GFLOP/s chart per Level-1
// kernel (gonum.org/v1/plot), with the machine's measured memory
// bandwidth drawn as a ceiling.
//
// Usage, from the module root:
//
//	go run ./benchmarks/cmd/report -in benchmarks/results/all-raw.txt
//	go run ./benchmarks/cmd/report -bench 'Dot|Axpy' -count 6 -benchtime 0.1s
//
// Flags:
//
//	-in FILE      read saved go test -bench output; repeatable or
//	              comma-separated. Without -in, the benchmarks are run:
//	              go test ./benchmarks -run '^$' -bench PATTERN -count N
//	              -benchtime T (plus -tags openblas with -openblas), and
//	              the raw output is kept in a temporary file whose name is
//	              printed.
//	-out DIR      where report.md and the charts go (benchmarks/results)
//	-bench PAT    the -bench pattern when running (.)
//	-count N      go test -count when running (6)
//	-benchtime T  go test -benchtime when running (0.1s)
//	-openblas     build the benchmarks with -tags openblas (needs cgo and
//	              libopenblas; OPENBLAS_NUM_THREADS=1 is set)
//	-format EXT   chart format: svg, png or pdf (svg)
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

func main() {
	var inputs listFlag
	flag.Var(&inputs, "in", "saved go test -bench output `file` (repeatable or comma-separated); without it the benchmarks are run")
	out := flag.String("out", filepath.Join("benchmarks", "results"), "output `dir`ectory")
	bench := flag.String("bench", ".", "go test -bench `pattern` when running")
	count := flag.Int("count", 6, "go test -count when running")
	benchtime := flag.String("benchtime", "0.1s", "go test -benchtime when running")
	openblas := flag.Bool("openblas", false, "run with -tags openblas")
	format := flag.String("format", "svg", "chart format: svg, png or pdf")
	flag.Parse()
	if err := run(inputs, *out, *bench, *count, *benchtime, *openblas, *format); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(inputs []string, out, bench string, count int, benchtime string, openblas bool, format string) error {
	switch format {
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("-format %q: want svg, png or pdf", format)
	}
	files := map[string]io.Reader{}
	if len(inputs) == 0 {
		raw, err := runBenchmarks(bench, count, benchtime, openblas)
		if err != nil {
			return err
		}
		inputs = []string{raw}
	}
	for _, name := range inputs {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files[name] = bytes.NewReader(b)
	}
	d, err := parse(files, inputs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	bw, haveBW := d.measuredBandwidth()
	charts := map[string]string{}
	for _, k := range d.kernels {
		var name string
		var err error
		switch {
		case chartable(k):
			name, err = chart(d, k, bw, haveBW, out, format)
		case barChartable(k):
			name, err = barChart(d, k, bw, haveBW, out, format)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("chart %s: %v", k.name, err)
		}
		charts[k.name] = name
		fmt.Println("wrote", filepath.Join(out, name))
	}
	md := markdown(d, inputs, charts)
	path := filepath.Join(out, "report.md")
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return nil
}

// runBenchmarks runs go test -bench on the benchmarks package, echoing
// its output to stderr, and returns the name of a temporary file that
// holds it.
func runBenchmarks(bench string, count int, benchtime string, openblas bool) (string, error) {
	args := []string{"test"}
	if openblas {
		args = append(args, "-tags", "openblas")
	}
	args = append(args, "github.com/lanes-go/lanes/benchmarks", "-run", "^$", "-bench", bench,
		"-count", fmt.Sprint(count), "-benchtime", benchtime)
	f, err := os.CreateTemp("", "lanes-report-*.txt")
	if err != nil {
		return "", err
	}
	defer f.Close()
	fmt.Fprintln(os.Stderr, "running go", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Stdout = io.MultiWriter(f, os.Stderr)
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	if openblas {
		cmd.Env = append(cmd.Env, "OPENBLAS_NUM_THREADS=1", "CGO_ENABLED=1")
	}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %v (partial output in %s)", strings.Join(args, " "), err, f.Name())
	}
	fmt.Fprintln(os.Stderr, "raw results:", f.Name())
	return f.Name(), nil
}
