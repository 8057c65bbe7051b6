package dataset

import (
	"context"
	"encoding/binary"
	"math"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

func TestParsePaging(t *testing.T) {
	for s, want := range map[string]Paging{"auto": PagingAuto, "always": PagingAlways, "never": PagingNever, "NEVER": PagingNever, " Always ": PagingAlways} {
		if got, err := ParsePaging(s); got != want || err != nil {
			t.Errorf("ParsePaging(%q) = %v, %v, want %v", s, got, err, want)
		}
	}
	for _, p := range []Paging{PagingAuto, PagingAlways, PagingNever} {
		if got, err := ParsePaging(p.String()); got != p || err != nil {
			t.Errorf("ParsePaging(%v.String()) = %v, %v", p, got, err)
		}
	}
	for _, s := range []string{"", "sometimes", "yes", "auto,never"} {
		_, err := ParsePaging(s)
		if err == nil || err.Error() != `"`+s+`" is not one of auto, always, never` {
			t.Errorf("ParsePaging(%q): %v, want an error naming it and the choices", s, err)
		}
	}
}

// TestPagingDecision: auto gives pages back when the files take more than
// half the memory available, and keeps them when that is unknown; always
// and never do as they say whatever the memory.
func TestPagingDecision(t *testing.T) {
	known := func(n int64) func() (int64, bool) { return func() (int64, bool) { return n, true } }
	unknown := func() (int64, bool) { return 0, false }
	for _, c := range []struct {
		p         Paging
		size      int64
		available func() (int64, bool)
		want      bool
	}{
		{PagingAuto, 500, known(1000), false},
		{PagingAuto, 501, known(1000), true},
		{PagingAuto, 1 << 40, known(0), true},
		{PagingAuto, 1 << 40, unknown, false},
		{PagingAlways, 1, known(math.MaxInt64), true},
		{PagingAlways, 1, unknown, true},
		{PagingNever, 1 << 40, known(1), false},
		{PagingNever, 1 << 40, unknown, false},
	} {
		if got := c.p.releases(c.size, c.available); got != c.want {
			avail, ok := c.available()
			t.Errorf("%v for %d bytes with %d available (known %v): releases = %v, want %v", c.p, c.size, avail, ok, got, c.want)
		}
	}
}

func TestParseMemInfo(t *testing.T) {
	const meminfo = "MemTotal:       32768000 kB\nMemFree:         1000000 kB\nMemAvailable:   24213248 kB\nBuffers:          100 kB\n"
	if got, ok := parseMemInfo([]byte(meminfo)); !ok || got != 24213248*1024 {
		t.Errorf("parseMemInfo = %d, %v, want %d", got, ok, int64(24213248*1024))
	}
	for _, bad := range []string{
		"MemTotal:       32768000 kB\n", // a kernel older than 3.14
		"MemAvailable:   lots kB\n",
		"MemAvailable:   12 MB\n",
		"MemAvailable:   -5 kB\n",
		"MemAvailable:   9223372036854775807 kB\n", // bytes overflow int64
		"",
	} {
		if got, ok := parseMemInfo([]byte(bad)); ok {
			t.Errorf("parseMemInfo(%q) = %d, want not ok", bad, got)
		}
	}
	for text, want := range map[string]int64{"1073741824\n": 1 << 30, "536870912": 1 << 29} {
		if got, ok := parseCgroupLimit([]byte(text)); !ok || got != want {
			t.Errorf("parseCgroupLimit(%q) = %d, %v, want %d", text, got, ok, want)
		}
	}
	for _, none := range []string{"max\n", "9223372036854771712\n", "0", ""} {
		if got, ok := parseCgroupLimit([]byte(none)); ok {
			t.Errorf("parseCgroupLimit(%q) = %d, want no limit", none, got)
		}
	}
	if avail, ok := MemAvailable(); ok && avail <= 0 {
		t.Errorf("MemAvailable() = %d, true", avail)
	}
}

// TestMapPaging: MapWith decides once whether pages are given back; the
// NaN check and linreg's passes then give them back (counted by
// Released) only if so, and the fits are the same bits either way.
func TestMapPaging(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("nothing is memory-mapped on a big-endian host: the files are read into memory")
	}
	const rows, cols = 3000, 4
	xp, yp, _ := writeMappable(t, t.TempDir(), rows, cols)
	size := int64(8 * (rows*cols + rows))
	known := func(n int64) func() (int64, bool) { return func() (int64, bool) { return n, true } }
	regressors := map[string]linreg.Regressor{
		"gd":        {Epochs: 50},
		"sgd":       {Method: linreg.SGD, Epochs: 2, Seed: 3},
		"minibatch": {Method: linreg.MiniBatch, BatchSize: 64, Epochs: 2, Seed: 3},
		"exact":     {Method: linreg.Exact},
		"lasso":     {Method: linreg.Exact, L1: 0.01},
		"gd l1":     {L1: 0.01, Epochs: 50},
	}
	reference := map[string][]float64{}
	for _, c := range []struct {
		name      string
		o         MapOptions
		releasing bool
	}{
		{"never", MapOptions{Paging: PagingNever, Available: known(1)}, false},
		{"always", MapOptions{Paging: PagingAlways, Available: known(math.MaxInt64)}, true},
		{"auto, small file", MapOptions{Available: known(2 * size)}, false},
		{"auto, large file", MapOptions{Available: known(2*size - 1)}, true},
		{"auto, memory unknown", MapOptions{Available: func() (int64, bool) { return 0, false }}, false},
	} {
		m, err := MapWith(xp, yp, c.o)
		if err != nil || m == nil {
			t.Fatalf("%s: MapWith = %v, %v", c.name, m, err)
		}
		x := m.Matrix()
		if m.Releasing() != c.releasing || (x.Release != nil) != c.releasing {
			t.Errorf("%s: Releasing() = %v, Matrix().Release set %v; want %v", c.name, m.Releasing(), x.Release != nil, c.releasing)
		}
		// The check of MapWith: one window of X, one of y.
		if got, want := m.Released(), map[bool]int64{false: 0, true: 2}[c.releasing]; got != want {
			t.Errorf("%s: the check gave pages back %d times, want %d", c.name, got, want)
		}
		for name, r := range regressors {
			before := m.Released()
			var model *linreg.Model
			err := m.Guard(func() (err error) {
				model, err = r.Fit(context.Background(), x, m.Set().Y)
				return err
			})
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, name, err)
			}
			if released := m.Released() - before; (released > 0) != c.releasing {
				t.Errorf("%s, %s: pages given back %d times during the fit", c.name, name, released)
			}
			bits := append(append([]float64(nil), model.Coef...), model.Intercept, model.Summary.MSE, model.Summary.Loss)
			if ref, ok := reference[name]; !ok {
				reference[name] = bits
			} else if !sameBits(ref, bits) {
				t.Errorf("%s, %s: %v, but %v with the pages kept", c.name, name, bits, ref)
			}
		}
		m.Close()
	}
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
