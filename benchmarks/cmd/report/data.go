package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// Units as benchfmt tidies them: ns/op becomes sec/op and MB/s becomes
// B/s (values scaled to match); GFLOP/s is left as it is.
const (
	unitTime   = "sec/op"
	unitBytes  = "B/s"
	unitGFLOPs = "GFLOP/s"
)

// dataset is every benchmark result read, grouped by kernel, row (size or
// shape) and implementation, in the order they first appear.
type dataset struct {
	// configs holds the distinct values of the file configuration keys
	// shown in the report header (cpu, lanes-microarch, openblas-core,
	// goos, goarch), in order of appearance.
	configs map[string][]string
	kernels []*kernel
	units   benchfmt.UnitMetadataMap
}

// kernel is one benchmark function, such as Dot or GemvN.
type kernel struct {
	name string // without the Benchmark prefix
	rows []*row
}

// row is one size or shape of a kernel.
type row struct {
	label string  // "n=1024" or "shape=1000x128"
	x     float64 // n for n=N rows, else 0
	cells map[string]*cell
	impls []string // keys of cells, in order of appearance
}

// cell holds the samples of one implementation at one row, per unit.
type cell struct {
	values map[string][]float64
}

var headerKeys = []string{"cpu", "lanes-microarch", "openblas-core", "goos", "goarch"}

// parse reads go test -bench output (any number of files, concatenated
// logically) into a dataset. It uses benchfmt, as benchstat does, so
// units are tidied the same way.
func parse(files map[string]io.Reader, order []string) (*dataset, error) {
	d := &dataset{configs: map[string][]string{}, units: benchfmt.UnitMetadataMap{}}
	kernels := map[string]*kernel{}
	rows := map[string]*row{}
	for _, name := range order {
		r := benchfmt.NewReader(files[name], name)
		for r.Scan() {
			switch rec := r.Result().(type) {
			case *benchfmt.SyntaxError:
				return nil, rec
			case *benchfmt.UnitMetadata:
				// Collected below from r.Units().
			case *benchfmt.Result:
				d.add(rec, kernels, rows)
			}
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		for k, v := range r.Units() {
			d.units[k] = v
		}
	}
	if len(d.kernels) == 0 {
		return nil, fmt.Errorf("no benchmark results in %s", strings.Join(order, ", "))
	}
	return d, nil
}

func (d *dataset) add(res *benchfmt.Result, kernels map[string]*kernel, rows map[string]*row) {
	for _, key := range headerKeys {
		v := strings.TrimSpace(res.GetConfig(key))
		if v != "" && !slices.Contains(d.configs[key], v) {
			d.configs[key] = append(d.configs[key], v)
		}
	}
	base, parts := res.Name.Parts()
	kname := strings.TrimPrefix(string(base), "Benchmark")
	impl := "default"
	var label []string
	for _, p := range parts {
		switch {
		case bytes.HasPrefix(p, []byte("/impl=")):
			impl = string(p[len("/impl="):])
		case bytes.HasPrefix(p, []byte("/")):
			label = append(label, string(p[1:]))
		default:
			// "-2", the GOMAXPROCS suffix: not part of the row.
		}
	}
	k := kernels[kname]
	if k == nil {
		k = &kernel{name: kname}
		kernels[kname] = k
		d.kernels = append(d.kernels, k)
	}
	lbl := strings.Join(label, "/")
	rw := rows[kname+"\x00"+lbl]
	if rw == nil {
		rw = &row{label: lbl, cells: map[string]*cell{}}
		if len(label) == 1 && strings.HasPrefix(lbl, "n=") {
			if n, err := strconv.ParseFloat(lbl[2:], 64); err == nil {
				rw.x = n
			}
		}
		rows[kname+"\x00"+lbl] = rw
		k.rows = append(k.rows, rw)
	}
	c := rw.cells[impl]
	if c == nil {
		c = &cell{values: map[string][]float64{}}
		rw.cells[impl] = c
		rw.impls = append(rw.impls, impl)
	}
	for _, v := range res.Values {
		c.values[v.Unit] = append(c.values[v.Unit], v.Value)
	}
}

// lanesImpls are the lanes implementations, best first: the first one a
// row has is its base (what kernels.Impl() picks by default on that CPU).
var lanesImpls = []string{"avx512", "avx2", "neon", "generic"}

// peerOrder fixes the order of the known peer columns after the lanes
// ones; anything else follows in order of appearance.
var peerOrder = []string{"gonum", "gonum-subdot", "plain", "openblas"}

// columns returns the implementations of a kernel in report order: the
// lanes ones best first, then the peers.
func (k *kernel) columns() []string {
	seen := map[string]bool{}
	var appeared []string
	for _, r := range k.rows {
		for _, im := range r.impls {
			if !seen[im] {
				seen[im] = true
				appeared = append(appeared, im)
			}
		}
	}
	var cols []string
	for _, im := range slices.Concat(lanesImpls, peerOrder) {
		if seen[im] {
			cols = append(cols, im)
		}
	}
	for _, im := range appeared {
		if !slices.Contains(cols, im) {
			cols = append(cols, im)
		}
	}
	return cols
}

// base returns the row's reference implementation: its best lanes one,
// or failing that its first column.
func (r *row) base(cols []string) string {
	for _, im := range lanesImpls {
		if r.cells[im] != nil {
			return im
		}
	}
	for _, im := range cols {
		if r.cells[im] != nil {
			return im
		}
	}
	return ""
}

// sample returns the benchmath sample of one unit in a cell, or nil.
func (d *dataset) sample(c *cell, unit string) *benchmath.Sample {
	if c == nil || len(c.values[unit]) == 0 {
		return nil
	}
	thr := benchmath.DefaultThresholds // alpha 0.05, as benchstat
	return benchmath.NewSample(slices.Clone(c.values[unit]), &thr)
}

// confidence is benchstat's default confidence level for the ± ranges.
const confidence = 0.95

// summary returns benchstat's summary (median and 95% interval, unless
// the unit's metadata says assume=exact) of one unit in a cell.
func (d *dataset) summary(c *cell, unit string) (benchmath.Summary, bool) {
	s := d.sample(c, unit)
	if s == nil {
		return benchmath.Summary{}, false
	}
	return d.units.GetAssumption(unit).Summary(s, confidence), true
}

// compare runs benchstat's test (Mann-Whitney U) between two cells.
func (d *dataset) compare(base, other *cell, unit string) (benchmath.Comparison, bool) {
	s1, s2 := d.sample(base, unit), d.sample(other, unit)
	if s1 == nil || s2 == nil {
		return benchmath.Comparison{}, false
	}
	return d.units.GetAssumption(unit).Compare(s1, s2), true
}
