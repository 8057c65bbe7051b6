// Package cpuinfo describes the processor for reports: its vendor, brand,
// microarchitecture, features and caches, as github.com/klauspost/cpuid/v2
// detects them (CPU), and, in a Report, what the kernels make of it: the
// features they need as the CPU reports them and as Go sees them after
// GODEBUG, every implementation of package kernels, whether it can run
// here and why not, and which one is chosen and why.
//
// It is for tools such as the command lanes cpu and the benchmarks.
// Package kernels does not use it (it chooses with golang.org/x/sys/cpu,
// which honours GODEBUG), so programs that only run kernels do not pay for
// cpuid's detection at start-up; cpuinfo imports kernels, never the
// reverse.
package cpuinfo

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/klauspost/cpuid/v2"
)

// Info describes the processor as far as choosing and judging kernels
// goes. Fields the CPU does not report are empty or zero.
type Info struct {
	Arch      string   // runtime.GOARCH
	Vendor    string   // e.g. "AuthenticAMD"
	Brand     string   // the brand string, e.g. "AMD EPYC 9R45"
	Microarch string   // e.g. "Zen 5", when the family and model are known
	Family    int      // CPUID family (x86)
	Model     int      // CPUID model (x86)
	Features  []string // instruction-set features, as cpuid/v2 names them
	CacheLine int      // bytes
	L1D       int      // bytes per core, or 0
	L2        int      // bytes, or 0
	L3        int      // bytes, or 0
}

// CPU returns what github.com/klauspost/cpuid/v2 reports about this
// processor. Dispatch does not use it (golang.org/x/sys/cpu decides, so
// GODEBUG applies); it is for reports such as `lanes cpu` and benchmarks.
func CPU() Info {
	c := cpuid.CPU
	info := Info{
		Arch:      runtime.GOARCH,
		Vendor:    c.VendorString,
		Brand:     c.BrandName,
		Family:    c.Family,
		Model:     c.Model,
		Features:  c.FeatureSet(),
		CacheLine: c.CacheLine,
		L1D:       max(c.Cache.L1D, 0),
		L2:        max(c.Cache.L2, 0),
		L3:        max(c.Cache.L3, 0),
	}
	info.Microarch = microarch(c.VendorID, c.Family, c.Model)
	return info
}

// Has reports whether Features lists the named feature, as cpuid/v2 names
// it: "AVX2", "FMA3", "AVX512F", "ASIMD".
func (i Info) Has(feature string) bool { return slices.Contains(i.Features, feature) }

// microarch names the AMD Zen generations from family and model, the ones
// whose AVX-512 and FMA behaviour differ enough to matter for benchmarks.
// Other processors are named by family and model only.
func microarch(v cpuid.Vendor, family, model int) string {
	if v != cpuid.AMD && v != cpuid.Hygon {
		if family == 0 && model == 0 {
			return ""
		}
		return fmt.Sprintf("family %#x model %#x", family, model)
	}
	switch {
	case family == 0x17 && model >= 0x30:
		return "Zen 2"
	case family == 0x17:
		return "Zen/Zen+"
	case family == 0x19 && (model <= 0x0f || (model >= 0x20 && model <= 0x5f)):
		return "Zen 3"
	case family == 0x19:
		return "Zen 4"
	case family == 0x1a:
		return "Zen 5"
	}
	return fmt.Sprintf("family %#x model %#x", family, model)
}
