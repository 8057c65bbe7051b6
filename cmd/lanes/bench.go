package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lanes-go/lanes/internal/kbench"
	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/cpuinfo"
)

const benchHelp = `Usage: lanes bench [--kernels LIST] [--impls LIST] [--time D] [--ns] [--quick]

Prints a quick table of this machine's kernel throughput: one row per
kernel and size, one column per lanes implementation this CPU supports
(switched in-process with kernels.Use) and one for gonum's native BLAS
(gonum.org/v1/gonum/blas/gonum; floats.Sum for Sum), then how many times
faster the default lanes implementation is than gonum.

Kernels: dot, axpy, sum, nrm2 at n = 256, 4096 and 1<<20 (the last is
8 MiB per vector, past most L2 caches), and gemvn, gemvt (y = A·x and
y = Aᵀ·x, row-major) at 1000x128 and 4096x4096 (128 MiB), over float64;
dot32 at n = 384, 768 and 1536 and gemvn32 (one query against every row)
at 1000x768 and 16384x768 (48 MiB), the float32 kernels of embeddings
(package kernels/f32, against gonum's Sdot and Sgemv). Every column
reads the same seeded inputs. Each cell is the fastest of three runs of
testing.Benchmark that take about --time in all (one run with --quick);
the default run takes a few seconds.
This is one quick look, not a measurement to quote: for that, use
go test -bench and benchstat in benchmarks/ (see the table's footer).

Examples:
  lanes bench                          every kernel, GFLOP/s
  lanes bench --kernels dot,gemvn      two kernels only
  lanes bench --impls generic,gonum    the pure-Go reference against gonum
  lanes bench --ns --time 300ms        time per call, longer timings
  LANES_KERNELS=avx2 lanes bench       make avx2 the default (the ratio column)
`

// benchParseList splits a comma-separated flag value into lower-case names.
func benchParseList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func cmdBench(e *env, args []string) error {
	fs := newFlags(e, "bench", benchHelp)
	allKernels := kbench.Kernels()
	kernelList := fs.String("kernels", strings.Join(allKernels, ","), "comma-separated `kernels` to time: "+strings.Join(allKernels, ", "))
	impls := fs.String("impls", "", "comma-separated `implementations` to time (default: every one this CPU supports, and gonum)")
	budget := fs.Duration("time", 100*time.Millisecond, "about how long to time each cell (the best of three runs, or one with --quick)")
	nsPerCall := fs.Bool("ns", false, "report the time per call instead of GFLOP/s")
	quick := fs.Bool("quick", false, "tiny sizes and one 2ms run per cell: a smoke test that takes well under a second")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	timeSet := false
	fs.Visit(func(f *flag.Flag) { timeSet = timeSet || f.Name == "time" })
	runs := 3
	if *quick {
		runs = 1
		if !timeSet {
			*budget = 2 * time.Millisecond
		}
	}
	if *budget <= 0 {
		return usagef("--time must be positive, got %v", *budget)
	}

	ks := benchParseList(*kernelList)
	if len(ks) == 0 {
		return usagef("--kernels is empty; want some of %s", strings.Join(allKernels, ", "))
	}
	for _, k := range ks {
		if !slices.Contains(allKernels, k) {
			return usagef("unknown kernel %q in --kernels; want some of %s", k, strings.Join(allKernels, ", "))
		}
	}
	// Table order, whatever the order asked for.
	ks = slices.DeleteFunc(kbench.Kernels(), func(k string) bool { return !slices.Contains(ks, k) })

	def := kernels.Impl()
	available := kernels.Available()
	cols := append(slices.Clone(available), kbench.Gonum)
	if *impls != "" {
		want := benchParseList(*impls)
		if len(want) == 0 {
			return usagef("--impls is empty; want some of %s", strings.Join(cols, ", "))
		}
		for _, w := range want {
			if slices.Contains(cols, w) {
				continue
			}
			if _, err := kernels.Use(w); err != nil { // fails, changing nothing
				return usagef("--impls: %v", err)
			}
			return usagef("--impls: unknown implementation %q; want some of %s", w, strings.Join(cols, ", "))
		}
		cols = slices.DeleteFunc(cols, func(c string) bool { return !slices.Contains(want, c) })
	}
	ratio := slices.Contains(cols, def) && slices.Contains(cols, kbench.Gonum)

	writeBenchHeader(e.stdout, def, available, *budget, runs)
	t := newBenchTable(e.stdout, ks, *quick, cols, def, ratio, *nsPerCall)
	t.header()
	h := &kbench.Harness{Budget: *budget, Runs: runs}
	for _, k := range ks {
		for _, s := range kbench.Sizes(k, *quick) {
			times := make([]float64, len(cols))
			for i, c := range cols {
				var err error
				times[i], err = h.Time(k, c, s)
				if err != nil {
					return err
				}
			}
			t.row(k, s, times)
		}
	}
	fmt.Fprint(e.stdout, `
This is a single quick run, on a machine that may be busy: differences
under 10-20% mean little. For real comparisons, from the lanes source tree:

  go test ./benchmarks -run '^$' -bench 'Dot|Axpy|Gemv' -count 6 | tee new.txt
  benchstat -col /impl new.txt       (go install golang.org/x/perf/cmd/benchstat@latest)
  bash benchmarks/table.sh           the README's table

See benchmarks/README.md.
`)
	return nil
}

func writeBenchHeader(w io.Writer, def string, available []string, budget time.Duration, runs int) {
	c := cpuinfo.CPU()
	fmt.Fprintf(w, "cpu:   %s\n", benchCPULine(c))
	fmt.Fprintf(w, "go:    %s %s/%s, GOMAXPROCS=%d, one goroutine\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "lanes: %s supported here; %s is the default", strings.Join(available, ", "), def)
	if v, ok := os.LookupEnv(kernels.EnvVar); ok {
		fmt.Fprintf(w, " (%s=%s)", kernels.EnvVar, v)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "gonum: gonum.org/v1/gonum/blas/gonum (Ddot, Daxpy, Dnrm2, Dgemv, Sdot, Sgemv), floats.Sum\n")
	if runs == 1 {
		fmt.Fprintf(w, "each cell: one testing.Benchmark run of about %v\n\n", budget)
	} else {
		fmt.Fprintf(w, "each cell: the best of %d testing.Benchmark runs, about %v in all\n\n", runs, budget)
	}
}

// benchCPULine describes the processor in one line.
func benchCPULine(c cpuinfo.Info) string {
	s := c.Brand
	if s == "" {
		s = c.Vendor
	}
	if s == "" {
		s = "unknown " + c.Arch + " processor"
	}
	if c.Microarch != "" {
		s += " (" + c.Microarch + ")"
	}
	return fmt.Sprintf("%s, %d logical CPUs", s, runtime.NumCPU())
}

// benchTable prints rows as they are measured, in fixed-width columns.
type benchTable struct {
	w         io.Writer
	cols      []string
	def       string
	ratio, ns bool
	kw, sw    int   // widths of the kernel and size columns
	cw        []int // widths of the value columns
}

func newBenchTable(w io.Writer, ks []string, quick bool, cols []string, def string, ratio, ns bool) *benchTable {
	t := &benchTable{w: w, cols: cols, def: def, ratio: ratio, ns: ns, kw: len("kernel"), sw: len("size")}
	for _, k := range ks {
		t.kw = max(t.kw, len(k))
		for _, s := range kbench.Sizes(k, quick) {
			t.sw = max(t.sw, len(s.String()))
		}
	}
	for _, c := range t.colNames() {
		t.cw = append(t.cw, max(len(c), 10))
	}
	return t
}

func (t *benchTable) colNames() []string {
	var out []string
	for _, c := range t.cols {
		if c == t.def {
			c += "*"
		}
		out = append(out, c)
	}
	if t.ratio {
		out = append(out, t.def+"/gonum")
	}
	return out
}

func (t *benchTable) header() {
	unit := "GFLOP/s, higher is better"
	if t.ns {
		unit = "time per call, lower is better"
	}
	fmt.Fprintf(t.w, "%s; * = the default implementation", unit)
	if t.ratio {
		fmt.Fprintf(t.w, "; %s/gonum = how many times faster %s is", t.def, t.def)
	}
	fmt.Fprint(t.w, "\n\n")
	cells := t.colNames()
	t.line("kernel", "size", cells)
	dashes := make([]string, len(cells))
	for i := range cells {
		dashes[i] = strings.Repeat("-", t.cw[i])
	}
	t.line(strings.Repeat("-", t.kw), strings.Repeat("-", t.sw), dashes)
}

func (t *benchTable) line(kernel, size string, cells []string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %-*s", t.kw, kernel, t.sw, size)
	for i, c := range cells {
		fmt.Fprintf(&b, "  %*s", t.cw[i], c)
	}
	fmt.Fprintln(t.w, strings.TrimRight(b.String(), " "))
}

// row prints one kernel and size; times are nanoseconds per call.
func (t *benchTable) row(kernel string, s kbench.Shape, times []float64) {
	var cells []string
	for _, ns := range times {
		if t.ns {
			cells = append(cells, benchFormatNanos(ns))
		} else {
			cells = append(cells, benchSig3(s.Flops(kernel)/max(ns, 1e-3)))
		}
	}
	if t.ratio {
		def := times[slices.Index(t.cols, t.def)]
		g := times[slices.Index(t.cols, kbench.Gonum)]
		cells = append(cells, benchSig3(g/max(def, 1e-3))+"x")
	}
	t.line(kernel, s.String(), cells)
}

// benchFormatNanos prints a time per call in nanoseconds with a unit that
// keeps it short.
func benchFormatNanos(ns float64) string {
	switch {
	case ns < 1e3:
		return benchSig3(ns) + " ns"
	case ns < 1e6:
		return benchSig3(ns/1e3) + " µs"
	case ns < 1e9:
		return benchSig3(ns/1e6) + " ms"
	}
	return benchSig3(ns/1e9) + " s"
}

// benchSig3 prints v with about three significant digits and no exponent.
func benchSig3(v float64) string {
	switch {
	case v >= 99.95:
		return fmt.Sprintf("%.0f", v)
	case v >= 9.995:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
