package main

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sample is a short go test -bench output: avx512 against gonum (clearly
// slower) and plain (indistinguishable) for Dot at two sizes, and one
// GemvN shape. Bytes and flops are consistent with the times (Dot: 16n
// bytes, 2n flops).
const sample = `lanes-microarch: Zen 5
goos: linux
goarch: amd64
pkg: github.com/lanes-go/lanes/benchmarks
cpu: Test CPU @ 1GHz            
BenchmarkDot/n=1024/impl=avx512-2   	1000	        10.0 ns/op	1638400.00 MB/s	       204.8 GFLOP/s
BenchmarkDot/n=1024/impl=avx512-2   	1000	        11.0 ns/op	1489454.55 MB/s	       186.2 GFLOP/s
BenchmarkDot/n=1024/impl=avx512-2   	1000	        12.0 ns/op	1365333.33 MB/s	       170.7 GFLOP/s
BenchmarkDot/n=1024/impl=avx512-2   	1000	        13.0 ns/op	1260307.69 MB/s	       157.5 GFLOP/s
BenchmarkDot/n=1024/impl=avx512-2   	1000	        14.0 ns/op	1170285.71 MB/s	       146.3 GFLOP/s
BenchmarkDot/n=1024/impl=avx512-2   	1000	        15.0 ns/op	1092266.67 MB/s	       136.5 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        20.0 ns/op	819200.00 MB/s	       102.4 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        21.0 ns/op	780190.48 MB/s	        97.52 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        22.0 ns/op	744727.27 MB/s	        93.09 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        23.0 ns/op	712347.83 MB/s	        89.04 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        24.0 ns/op	682666.67 MB/s	        85.33 GFLOP/s
BenchmarkDot/n=1024/impl=gonum-2    	1000	        25.0 ns/op	655360.00 MB/s	        81.92 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        10.5 ns/op	1560380.95 MB/s	       195.0 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        11.5 ns/op	1424695.65 MB/s	       178.1 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        12.5 ns/op	1310720.00 MB/s	       163.8 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        13.5 ns/op	1213629.63 MB/s	       151.7 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        14.5 ns/op	1129931.03 MB/s	       141.2 GFLOP/s
BenchmarkDot/n=1024/impl=plain-2    	1000	        15.5 ns/op	1056929.03 MB/s	       132.1 GFLOP/s
BenchmarkDot/n=4194304/impl=avx512-2	10	   1000000 ns/op	67108.86 MB/s	         8.389 GFLOP/s
BenchmarkDot/n=4194304/impl=avx512-2	10	   1000000 ns/op	67108.86 MB/s	         8.389 GFLOP/s
BenchmarkDot/n=4194304/impl=avx512-2	10	   1000000 ns/op	67108.86 MB/s	         8.389 GFLOP/s
BenchmarkDot/n=4194304/impl=gonum-2 	10	   2000000 ns/op	33554.43 MB/s	         4.194 GFLOP/s
BenchmarkDot/n=4194304/impl=gonum-2 	10	   2000000 ns/op	33554.43 MB/s	         4.194 GFLOP/s
BenchmarkDot/n=4194304/impl=gonum-2 	10	   2000000 ns/op	33554.43 MB/s	         4.194 GFLOP/s
BenchmarkGemvN/shape=1000x128/impl=avx512-2	100	  10000 ns/op	103424.00 MB/s	        25.60 GFLOP/s
BenchmarkGemvN/shape=1000x128/impl=gonum-2 	100	  30000 ns/op	34474.67 MB/s	         8.533 GFLOP/s
PASS
`

func parseSample(t *testing.T) *dataset {
	t.Helper()
	d, err := parse(map[string]io.Reader{"sample.txt": strings.NewReader(sample)}, []string{"sample.txt"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTable(t *testing.T) {
	d := parseSample(t)
	if got := len(d.kernels); got != 2 {
		t.Fatalf("got %d kernels, want 2 (Dot, GemvN)", got)
	}
	dot := d.kernels[0]
	if got, want := strings.Join(dot.columns(), " "), "avx512 gonum plain"; got != want {
		t.Errorf("columns %q, want %q", got, want)
	}
	// Medians of six: (12+13)/2 and (22+23)/2 ns, as benchstat computes.
	if s, _ := d.summary(dot.rows[0].cells["avx512"], unitTime); math.Abs(s.Center-12.5e-9) > 1e-21 {
		t.Errorf("avx512 median %v, want 12.5e-9", s.Center)
	}
	md := markdown(d, []string{"sample.txt"}, nil)
	for _, want := range []string{
		"| cpu | `Test CPU @ 1GHz` |",
		"| lanes-microarch | `Zen 5` |",
		"| n | avx512 sec/op | gonum sec/op | plain sec/op | gonum vs avx512 | plain vs avx512 |",
		// gonum is slower in every run (p = 0.002): a ratio; plain
		// overlaps avx512: "~".
		"| 1024 | 12.50n ± 20% | 22.50n ± 11% | 13.00n ± 19% | 1.80× | ~ (1.04×) |",
		// Three runs are too few for a 95% interval (±∞) or for p < 0.05.
		"| 4194304 | 1.000m ± ∞ | 2.000m ± ∞ |  | ~ (2.00×) |  |",
		"| shape | avx512 sec/op | gonum sec/op | gonum vs avx512 |",
		"| 1000x128 | 10.00µ ± ∞ | 30.00µ ± ∞ | ~ (3.00×) |",
		"| measured memory bandwidth | 67.1 GB/s (median MB/s of Dot/n=4194304/impl=avx512",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks\n%s\ngot:\n%s", want, md)
		}
	}
}

func TestCharts(t *testing.T) {
	dir := t.TempDir()
	d := parseSample(t)
	bw, ok := d.measuredBandwidth()
	if !ok || bw.bytesPerSec != 67108.86e6 {
		t.Fatalf("bandwidth %+v, %v; want 67108.86 MB/s", bw, ok)
	}
	if chartable(d.kernels[1]) {
		t.Error("GemvN should not get a line chart")
	}
	name, err := chart(d, d.kernels[0], bw, true, dir, "svg")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	svg := string(b)
	for _, want := range []string{"<svg", "avx512", "gonum", "plain", "memory bandwidth 67.1 GB/s × 2 flop / 16 B = 8.39 GFLOP/s", "GFLOP/s", "10k", "1M"} {
		if !strings.Contains(svg, want) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
}

// TestFlopsPerByte checks the report's table of flops and bytes per
// element against the benchmarks that define them: every
// level1(b, bytes, flops, ...) call of benchmarks/bench_test.go must be
// in flopsPerByte with the same numbers, and nothing else.
func TestFlopsPerByte(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "bench_test.go"))
	if err != nil {
		t.Skip("benchmarks/bench_test.go not found:", err)
	}
	re := regexp.MustCompile(`func Benchmark(\w+)\(b \*testing\.B\) \{\s*level1\(b, (\d+), (\d+),`)
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		name := m[1]
		bytes, _ := strconv.Atoi(m[2])
		flops, _ := strconv.Atoi(m[3])
		seen[name] = true
		got, ok := flopsPerByte[name]
		if !ok {
			t.Errorf("Benchmark%s (%d flop / %d B per element) is missing from flopsPerByte", name, flops, bytes)
			continue
		}
		if got != [2]int{flops, bytes} {
			t.Errorf("flopsPerByte[%q] = %d flop / %d B, bench_test.go says %d / %d", name, got[0], got[1], flops, bytes)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no level1 benchmarks found in bench_test.go")
	}
	for name := range flopsPerByte {
		if !seen[name] {
			t.Errorf("flopsPerByte has %q, which bench_test.go does not run through level1", name)
		}
	}
	for _, name := range memoryBoundKernels {
		if !seen[name] {
			t.Errorf("memoryBoundKernels has %q, which bench_test.go does not run through level1", name)
		}
	}
}
