package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

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

func cmdCPU(e *env, args []string) error {
	fs := newFlags(e, "cpu", cpuHelp)
	asJSON := fs.Bool("json", false, "write the report as JSON")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	r := cpuinfo.NewReport()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	writeCPUReport(e.stdout, r)
	return nil
}

// writeCPUReport prints r as text, then how to force another
// implementation.
func writeCPUReport(w io.Writer, r *cpuinfo.Report) {
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
