package cpuinfo

import (
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/lanes-go/lanes/kernels"
)

// Report is what lanes knows of this machine and its kernels: the
// platform, the processor, the features the kernels care about as the
// processor reports them and as Go sees them, every implementation of the
// kernels and whether it can run here, the one chosen and why, and the
// environment variables that change the choice. Its JSON form is what
// lanes cpu --json writes.
type Report struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"go_version"`
	// ArchLevel is GOAMD64=… or GOARM64=…, when the build recorded it.
	ArchLevel string `json:"arch_level,omitempty"`
	NumCPU    int    `json:"num_cpu"` // runtime.NumCPU

	CPU Processor `json:"cpu"`

	// Features are the ones that matter to the kernels on this GOARCH, as
	// the CPU reports them (CPU, through klauspost/cpuid) and as Go sees
	// them (golang.org/x/sys/cpu, after GODEBUG; dispatch uses these).
	// None on a GOARCH for which lanes has no assembly.
	Features []Feature `json:"features"`
	// AllFeatures is everything cpuid reports (Info.Features).
	AllFeatures []string `json:"all_features"`

	// Implementations are kernels.Implementations, best first.
	Implementations []Implementation `json:"implementations"`
	Available       []string         `json:"available"` // kernels.Available(): supported, best first
	Chosen          string           `json:"chosen"`    // kernels.Impl()
	Why             string           `json:"why"`       // why Chosen is in use

	LanesKernels    string `json:"lanes_kernels"`     // the value of LANES_KERNELS (kernels.EnvVar)
	LanesKernelsSet bool   `json:"lanes_kernels_set"` // whether it is set, perhaps to ""
	GODEBUG         string `json:"godebug,omitempty"`
}

// Processor is the processor of a Report: the fields of Info but Arch
// (Report.GOARCH) and Features (Report.AllFeatures).
type Processor struct {
	Brand     string `json:"brand"`
	Vendor    string `json:"vendor"`
	Microarch string `json:"microarch,omitempty"`
	Family    int    `json:"family,omitempty"`
	Model     int    `json:"model,omitempty"`
	CacheLine int    `json:"cache_line,omitempty"`
	L1D       int    `json:"l1d_bytes,omitempty"`
	L2        int    `json:"l2_bytes,omitempty"`
	L3        int    `json:"l3_bytes,omitempty"`
}

// Feature is an instruction-set feature that matters to the kernels.
type Feature struct {
	// Name is the feature's name, for one an implementation requires the
	// name in kernels.Info.Requires: "AVX2", "FMA", "AVX-512F", "ASIMD".
	Name string `json:"name"`
	CPU  bool   `json:"cpu"` // the processor and OS report it (cpuid)
	// Go reports whether golang.org/x/sys/cpu reports it, after GODEBUG:
	// what dispatch goes by. A feature the CPU has and Go does not see is
	// hidden by GODEBUG, or by an OS that does not save its registers.
	Go       bool     `json:"go"`
	NeededBy []string `json:"needed_by,omitempty"` // the implementations that require it
}

// Implementation is one implementation of the kernels in a Report.
type Implementation struct {
	Name      string `json:"name"`
	BuiltIn   bool   `json:"built_in"`  // this binary holds its code
	Supported bool   `json:"supported"` // built in, and this CPU and OS can run it
	Chosen    bool   `json:"chosen"`    // the one in use
	// Requires lists the CPU features it needs, as kernels.Implementations
	// names them.
	Requires []string `json:"requires,omitempty"`
	// Reason says why it cannot run here: why it is not built in, or the
	// features it lacks ("no AVX-512F"), each said to be hidden if the CPU
	// has it but Go does not see it. "" if it is Supported.
	Reason string `json:"reason,omitempty"`
}

// NewReport describes this machine and the kernels' choice now.
func NewReport() *Report {
	r := newReport(CPU(), kernels.Implementations(), archFeatures())
	r.GOOS, r.GOARCH, r.GoVersion = runtime.GOOS, runtime.GOARCH, runtime.Version()
	r.NumCPU, r.GODEBUG = runtime.NumCPU(), os.Getenv("GODEBUG")
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GO"+strings.ToUpper(runtime.GOARCH) {
				r.ArchLevel = s.Key + "=" + s.Value
			}
		}
	}
	r.Chosen, r.Available = kernels.Impl(), kernels.Available()
	r.LanesKernels, r.LanesKernelsSet = os.LookupEnv(kernels.EnvVar)
	return r
}

// newReport assembles what a report says of the processor c, its
// features table and the implementations impls; NewReport adds the
// platform, the environment, Chosen and Available.
func newReport(c Info, impls []kernels.Info, table []archFeature) *Report {
	r := &Report{
		CPU: Processor{
			Brand: c.Brand, Vendor: c.Vendor, Microarch: c.Microarch, Family: c.Family, Model: c.Model,
			CacheLine: c.CacheLine, L1D: c.L1D, L2: c.L2, L3: c.L3,
		},
		AllFeatures: c.Features,
	}
	for _, f := range table {
		row := Feature{Name: f.name, CPU: c.Has(f.cpuid), Go: f.goHas}
		for _, im := range impls {
			if slices.Contains(im.Requires, f.name) {
				row.NeededBy = append(row.NeededBy, im.Name)
			}
		}
		r.Features = append(r.Features, row)
	}
	for _, im := range impls {
		st := Implementation{Name: im.Name, BuiltIn: im.Built, Supported: im.Supported, Chosen: im.Active, Requires: im.Requires}
		switch {
		case !im.Built:
			st.Reason = im.WhyNot
		case !im.Supported:
			st.Reason = r.missing(im.Missing)
		}
		if im.Active {
			r.Why = im.Why
		}
		r.Implementations = append(r.Implementations, st)
	}
	return r
}

// missing names the features, as Go sees them, that keep an
// implementation from running, and says which of them the CPU has.
func (r *Report) missing(features []string) string {
	var out []string
	for _, name := range features {
		i := slices.IndexFunc(r.Features, func(f Feature) bool { return f.Name == name })
		if i >= 0 && r.Features[i].CPU {
			name += " (the CPU has it; hidden by GODEBUG or the OS)"
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return "not supported on this CPU"
	}
	return "no " + strings.Join(out, ", no ")
}
