package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"golang.org/x/sys/cpu"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/cpuinfo"
)

const cpuHelp = `Usage: lanes cpu [--json]

Prints the processor, the instruction-set features the lanes kernels care
about, the kernel implementations built into this binary, which of them
this CPU can run, the one chosen and why, and how to force another.

The kernels choose once, at their first call, from golang.org/x/sys/cpu:
avx512 if the CPU and OS support AVX-512F, else avx2 (AVX2 and FMA), else
neon on arm64, else generic. The choice never changes a result, only the
speed: every implementation computes the same bits.

Examples:
  lanes cpu
  lanes cpu --json | jq .chosen
  LANES_KERNELS=generic lanes cpu          see what forcing an implementation does
  GODEBUG=cpu.avx512f=off lanes cpu        hide AVX-512 from Go
`

// cpuReport is what lanes cpu prints; --json writes it as is.
type cpuReport struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	GoVersion string `json:"go_version"`
	// GOAMD64 or GOARM64, when the build recorded it.
	ArchLevel string `json:"arch_level,omitempty"`
	NumCPU    int    `json:"num_cpu"`

	CPU struct {
		Brand     string `json:"brand"`
		Vendor    string `json:"vendor"`
		Microarch string `json:"microarch,omitempty"`
		Family    int    `json:"family,omitempty"`
		Model     int    `json:"model,omitempty"`
		CacheLine int    `json:"cache_line,omitempty"`
		L1D       int    `json:"l1d_bytes,omitempty"`
		L2        int    `json:"l2_bytes,omitempty"`
		L3        int    `json:"l3_bytes,omitempty"`
	} `json:"cpu"`

	// Features are the ones that matter to the kernels, as the CPU
	// reports them (kernels/cpuinfo, through klauspost/cpuid) and as Go
	// sees them (golang.org/x/sys/cpu, after GODEBUG; dispatch uses these).
	Features []cpuFeature `json:"features"`
	// AllFeatures is everything cpuid reports.
	AllFeatures []string `json:"all_features"`

	Implementations []cpuImplStatus `json:"implementations"`
	Available       []string        `json:"available"` // kernels.Available(): supported, best first
	Chosen          string          `json:"chosen"`    // kernels.Impl()
	Why             string          `json:"why"`

	LanesKernels    string `json:"lanes_kernels"` // the value of LANES_KERNELS
	LanesKernelsSet bool   `json:"lanes_kernels_set"`
	GODEBUG         string `json:"godebug,omitempty"`
}

type cpuFeature struct {
	Name     string   `json:"name"`
	CPU      bool     `json:"cpu"`                 // the processor and OS report it (cpuid)
	Go       bool     `json:"go"`                  // golang.org/x/sys/cpu reports it (after GODEBUG)
	NeededBy []string `json:"needed_by,omitempty"` // lanes implementations that require it
}

type cpuImplStatus struct {
	Name      string `json:"name"`
	BuiltIn   bool   `json:"built_in"`
	Supported bool   `json:"supported"`
	Chosen    bool   `json:"chosen"`
	// Requires lists the CPU features it needs, as kernels.Implementations
	// names them.
	Requires []string `json:"requires,omitempty"`
	// Reason says why it cannot run here.
	Reason string `json:"reason,omitempty"`
}

// cpuArchFeature is a row of the features table: its name (for the ones
// the kernels require, the name kernels.Implementations gives them), its
// name in cpuid/v2's list, and whether golang.org/x/sys/cpu reports it.
type cpuArchFeature struct {
	name, cpuid string
	goHas       bool
}

// cpuArchFeatures lists the features of this GOARCH that lanes cares about:
// every one the implementations require, and a few that tell more about
// the CPU.
func cpuArchFeatures() []cpuArchFeature {
	switch runtime.GOARCH {
	case "amd64":
		return []cpuArchFeature{
			{"SSE2", "SSE2", cpu.X86.HasSSE2},
			{"SSE4.1", "SSE4", cpu.X86.HasSSE41},
			{"AVX", "AVX", cpu.X86.HasAVX},
			{"AVX2", "AVX2", cpu.X86.HasAVX2},
			{"FMA", "FMA3", cpu.X86.HasFMA},
			{"AVX-512F", "AVX512F", cpu.X86.HasAVX512F},
			{"AVX-512DQ", "AVX512DQ", cpu.X86.HasAVX512DQ},
			{"AVX-512VL", "AVX512VL", cpu.X86.HasAVX512VL},
			{"AVX-512BW", "AVX512BW", cpu.X86.HasAVX512BW},
		}
	case "arm64":
		return []cpuArchFeature{
			{"FP", "FP", cpu.ARM64.HasFP},
			{"ASIMD", "ASIMD", cpu.ARM64.HasASIMD},
			{"ASIMDDP", "ASIMDDP", cpu.ARM64.HasASIMDDP},
			{"SVE", "SVE", cpu.ARM64.HasSVE},
			{"SVE2", "SVE2", cpu.ARM64.HasSVE2},
		}
	}
	return nil
}

func newCPUReport() *cpuReport {
	r := &cpuReport{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(),
		NumCPU: runtime.NumCPU(), GODEBUG: os.Getenv("GODEBUG"),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GO"+strings.ToUpper(runtime.GOARCH) {
				r.ArchLevel = s.Key + "=" + s.Value
			}
		}
	}
	c := cpuinfo.CPU()
	r.CPU.Brand, r.CPU.Vendor, r.CPU.Microarch = c.Brand, c.Vendor, c.Microarch
	r.CPU.Family, r.CPU.Model, r.CPU.CacheLine = c.Family, c.Model, c.CacheLine
	r.CPU.L1D, r.CPU.L2, r.CPU.L3 = c.L1D, c.L2, c.L3
	r.AllFeatures = c.Features

	impls := kernels.Implementations()
	for _, f := range cpuArchFeatures() {
		row := cpuFeature{Name: f.name, CPU: c.Has(f.cpuid), Go: f.goHas}
		for _, im := range impls {
			if slices.Contains(im.Requires, f.name) {
				row.NeededBy = append(row.NeededBy, im.Name)
			}
		}
		r.Features = append(r.Features, row)
	}

	r.Chosen = kernels.Impl()
	r.Available = kernels.Available()
	for _, im := range impls {
		st := cpuImplStatus{Name: im.Name, BuiltIn: im.Built, Supported: im.Supported, Chosen: im.Active, Requires: im.Requires}
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

	r.LanesKernels, r.LanesKernelsSet = os.LookupEnv(kernels.EnvVar)
	return r
}

// missing names the features, as Go sees them, that keep an
// implementation from running, and says which of them the CPU has.
func (r *cpuReport) missing(features []string) string {
	var out []string
	for _, name := range features {
		i := slices.IndexFunc(r.Features, func(f cpuFeature) bool { return f.Name == name })
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

func cmdCPU(e *env, args []string) error {
	fs := newFlags(e, "cpu", cpuHelp)
	asJSON := fs.Bool("json", false, "write the report as JSON")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	r := newCPUReport()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.write(e.stdout)
	return nil
}

func (r *cpuReport) write(w io.Writer) {
	c := r.CPU
	name := c.Brand
	if name == "" {
		name = "unknown (the CPU reports no brand string)"
	}
	fmt.Fprintf(w, "CPU:        %s\n", name)
	var ids []string
	if c.Vendor != "" {
		ids = append(ids, c.Vendor)
	}
	if c.Microarch != "" {
		ids = append(ids, c.Microarch)
	}
	if c.Family != 0 || c.Model != 0 {
		if s := fmt.Sprintf("family %#x model %#x", c.Family, c.Model); !slices.Contains(ids, s) {
			ids = append(ids, s)
		}
	}
	if len(ids) > 0 {
		fmt.Fprintf(w, "            %s\n", strings.Join(ids, ", "))
	}
	var caches []string
	for _, cc := range []struct {
		name string
		n    int
	}{{"L1d", c.L1D}, {"L2", c.L2}, {"L3", c.L3}} {
		if cc.n > 0 {
			caches = append(caches, cc.name+" "+cpuByteSize(cc.n))
		}
	}
	if c.CacheLine > 0 {
		caches = append(caches, fmt.Sprintf("%d-byte lines", c.CacheLine))
	}
	if len(caches) > 0 {
		fmt.Fprintf(w, "Caches:     %s\n", strings.Join(caches, ", "))
	}
	plat := fmt.Sprintf("%s/%s, %d logical CPUs, %s", r.GOOS, r.GOARCH, r.NumCPU, r.GoVersion)
	if r.ArchLevel != "" {
		plat += ", " + r.ArchLevel
	}
	fmt.Fprintf(w, "Platform:   %s\n", plat)

	if len(r.Features) > 0 {
		fmt.Fprintf(w, "\nFeatures    CPU  Go   needed by\n")
		for _, f := range r.Features {
			need := strings.Join(f.NeededBy, ", ")
			if f.CPU && !f.Go {
				need = strings.TrimLeft(need+"; hidden from Go (GODEBUG, or the OS does not save the registers)", "; ")
			}
			fmt.Fprintf(w, "  %-9s %-4s %-4s %s\n", f.Name, cpuYesNo(f.CPU), cpuYesNo(f.Go), need)
		}
		fmt.Fprintf(w, "  (CPU: what the processor and OS report, via klauspost/cpuid; Go: what\n")
		fmt.Fprintf(w, "  golang.org/x/sys/cpu reports after GODEBUG, which is what lanes uses)\n")
	} else {
		fmt.Fprintf(w, "\nFeatures:   lanes has no assembly for %s; it runs the generic kernels\n", r.GOARCH)
	}

	fmt.Fprintf(w, "\nImplementations (best first)\n")
	for _, st := range r.Implementations {
		var state string
		switch {
		case !st.BuiltIn:
			state = st.Reason
		case st.Supported:
			state = "supported"
		default:
			state = "built in, cannot run here: " + st.Reason
		}
		mark := "  "
		if st.Chosen {
			mark, state = "* ", state+"  <- chosen"
		}
		fmt.Fprintf(w, "%s%-8s %s\n", mark, st.Name, state)
	}
	fmt.Fprintf(w, "\n%-15s%s, %s\n", "Chosen:", r.Chosen, r.Why)
	if r.LanesKernelsSet {
		fmt.Fprintf(w, "%-15s%q\n", kernels.EnvVar+":", r.LanesKernels)
	} else {
		fmt.Fprintf(w, "%-15snot set\n", kernels.EnvVar+":")
	}
	if r.GODEBUG != "" {
		fmt.Fprintf(w, "%-15s%s\n", "GODEBUG:", r.GODEBUG)
	}

	hints := [][2]string{
		{kernels.EnvVar + "=generic lanes ...", "force one: " + strings.Join(r.Available, ", ") + " can run here"},
		{"", "(one this CPU cannot run warns on stderr and is ignored)"},
	}
	switch arch := r.GOARCH; {
	case len(r.Available) < 2: // generic only: nothing to hide
	case arch == "amd64":
		hints = append(hints,
			[2]string{"GODEBUG=cpu.avx512f=off lanes ...", "hide AVX-512F from Go: avx2 is chosen"},
			[2]string{"GODEBUG=cpu.avx2=off lanes ...", "hide AVX2, which both avx2 and avx512 need: generic"})
	case arch == "arm64":
		hints = append(hints,
			[2]string{"GODEBUG=cpu.asimd=off lanes ...", "hide ASIMD from golang.org/x/sys/cpu: generic"},
			[2]string{"", "(the runtime warns that it does not know asimd; ignore it)"})
	}
	hints = append(hints,
		[2]string{"go build -tags purego ./cmd/lanes", "leave out all assembly: generic only"},
		[2]string{`kernels.Use("generic")`, "in Go code; returns a function that restores"})
	fmt.Fprintf(w, "\nTo force another implementation:\n")
	width := 0
	for _, h := range hints {
		width = max(width, len(h[0]))
	}
	for _, h := range hints {
		fmt.Fprintf(w, "  %-*s  %s\n", width, h[0], h[1])
	}
	fmt.Fprintf(w, "\nThe choice never changes a result, only the speed: every implementation\n")
	fmt.Fprintf(w, "computes the same bits. 'lanes bench' times each of them here.\n")
}

func cpuYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cpuByteSize prints a cache size in KiB or MiB.
func cpuByteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
