package cpuinfo

import (
	"encoding/json"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestReportFollowsKernels proves the report is kernels.Implementations,
// not a copy of its knowledge: every implementation with the same state
// and requirements, the reason for the choice, and a features row, with
// its "needed by", for every requirement of an implementation of this
// GOARCH.
func TestReportFollowsKernels(t *testing.T) {
	r := NewReport()
	impls := kernels.Implementations()
	if len(r.Implementations) != len(impls) {
		t.Fatalf("%d implementations reported, kernels has %d", len(r.Implementations), len(impls))
	}
	for i, in := range impls {
		st := r.Implementations[i]
		if st.Name != in.Name || st.BuiltIn != in.Built || st.Supported != in.Supported || st.Chosen != in.Active ||
			!slices.Equal(st.Requires, in.Requires) || (st.Reason == "") != in.Supported {
			t.Errorf("reported %+v for %+v", st, in)
		}
		if in.Active && (r.Why != in.Why || r.Chosen != in.Name) {
			t.Errorf("chosen %q, why %q; kernels says %q, %q", r.Chosen, r.Why, in.Name, in.Why)
		}
		if !in.Built {
			continue
		}
		for _, req := range in.Requires {
			i := slices.IndexFunc(r.Features, func(f Feature) bool { return f.Name == req })
			if i < 0 {
				t.Errorf("%s requires %s, which the features table lacks", in.Name, req)
			} else if !slices.Contains(r.Features[i].NeededBy, in.Name) {
				t.Errorf("feature %s is not needed by %s, which requires it", req, in.Name)
			}
		}
	}
	if r.Why == "" {
		t.Errorf("the report gives no reason for the choice")
	}
	if r.GOARCH != runtime.GOARCH || r.GOOS != runtime.GOOS || r.NumCPU != runtime.NumCPU() || !slices.Equal(r.Available, kernels.Available()) {
		t.Errorf("platform %s/%s, %d CPUs, available %q", r.GOOS, r.GOARCH, r.NumCPU, r.Available)
	}
}

// TestReportReasons: what the report says of each implementation that
// cannot run, and of the features, on a processor made up for the test:
// one that has AVX-512F, which Go does not see (as under
// GODEBUG=cpu.avx512f=off).
func TestReportReasons(t *testing.T) {
	c := Info{Arch: "amd64", Vendor: "V", Brand: "B", Microarch: "M", Family: 1, Model: 2,
		Features: []string{"AVX2", "AVX512F"}, CacheLine: 64, L1D: 1, L2: 2, L3: 3}
	table := []archFeature{{"SSE2", "SSE2", true}, {"AVX2", "AVX2", true}, {"AVX-512F", "AVX512F", false}}
	impls := []kernels.Info{
		{Name: "avx512", Built: true, Requires: []string{"AVX2", "AVX-512F", "AVX-512DQ"}, Missing: []string{"AVX-512F", "AVX-512DQ"}, WhyNot: "unusable"},
		{Name: "avx2", Built: true, Supported: true, Requires: []string{"AVX2"}, Active: true, Why: "the best"},
		{Name: "odd", Built: true, WhyNot: "unusable"},
		{Name: "neon", WhyNot: "not built into this binary"},
		{Name: "generic", Built: true, Supported: true},
	}
	r := newReport(c, impls, table)
	wantFeatures := []Feature{
		{Name: "SSE2", CPU: false, Go: true},
		{Name: "AVX2", CPU: true, Go: true, NeededBy: []string{"avx512", "avx2"}},
		{Name: "AVX-512F", CPU: true, Go: false, NeededBy: []string{"avx512"}},
	}
	if !reflect.DeepEqual(r.Features, wantFeatures) {
		t.Errorf("features %+v, want %+v", r.Features, wantFeatures)
	}
	wantReasons := []string{
		"no AVX-512F (the CPU has it; hidden by GODEBUG or the OS), no AVX-512DQ",
		"",
		"not supported on this CPU",
		"not built into this binary",
		"",
	}
	for i, st := range r.Implementations {
		if st.Reason != wantReasons[i] {
			t.Errorf("%s: reason %q, want %q", st.Name, st.Reason, wantReasons[i])
		}
		if st.Chosen != (st.Name == "avx2") || st.BuiltIn != impls[i].Built || st.Supported != impls[i].Supported {
			t.Errorf("%s: %+v for %+v", st.Name, st, impls[i])
		}
	}
	if r.Why != "the best" {
		t.Errorf("why %q, want the active implementation's", r.Why)
	}
	want := Processor{Brand: "B", Vendor: "V", Microarch: "M", Family: 1, Model: 2, CacheLine: 64, L1D: 1, L2: 2, L3: 3}
	if r.CPU != want || !slices.Equal(r.AllFeatures, c.Features) {
		t.Errorf("processor %+v, all features %q; want %+v, %q", r.CPU, r.AllFeatures, want, c.Features)
	}
}

// TestReportJSON pins the names and order of the fields of lanes cpu
// --json, a format scripts read.
func TestReportJSON(t *testing.T) {
	r := newReport(Info{Brand: "B", Microarch: "M", Family: 1, Model: 2, CacheLine: 64, L1D: 1, L2: 2, L3: 3, Features: []string{"X"}},
		[]kernels.Info{{Name: "avx2", Built: true, Requires: []string{"AVX2"}, Missing: []string{"AVX2"}}},
		[]archFeature{{"AVX2", "AVX2", false}})
	r.ArchLevel, r.GODEBUG = "GOAMD64=v1", "x=1"
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"goos":"","goarch":"","go_version":"","arch_level":"GOAMD64=v1","num_cpu":0,` +
		`"cpu":{"brand":"B","vendor":"","microarch":"M","family":1,"model":2,"cache_line":64,"l1d_bytes":1,"l2_bytes":2,"l3_bytes":3},` +
		`"features":[{"name":"AVX2","cpu":false,"go":false,"needed_by":["avx2"]}],"all_features":["X"],` +
		`"implementations":[{"name":"avx2","built_in":true,"supported":false,"chosen":false,"requires":["AVX2"],"reason":"no AVX2"}],` +
		`"available":null,"chosen":"","why":"","lanes_kernels":"","lanes_kernels_set":false,"godebug":"x=1"}`
	if got := string(b); got != want {
		t.Errorf("JSON\n%s\nwant\n%s", got, want)
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("first difference at %d: %q", i, got[max(i-20, 0):i+1])
				break
			}
		}
	}
	if strings.Contains(string(b), "Arch") {
		t.Errorf("Info.Arch leaked into the JSON")
	}
}
