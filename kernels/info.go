package kernels

import "slices"

// Info describes one implementation of the kernels, as Implementations
// reports it.
type Info struct {
	Name string // "avx512", "avx2", "neon" or "generic"
	// Built reports whether this binary holds its code: not if it is for
	// another GOARCH, nor after -tags purego or noasm.
	Built bool
	// Supported reports whether it is built and this CPU and OS can run
	// it: the implementations Available lists.
	Supported bool
	// Requires lists the CPU features its code uses beyond the baseline of
	// its GOARCH, such as "AVX2" and "FMA"; none for generic.
	Requires []string
	// Missing lists the features of Requires that this CPU or OS lacks, as
	// golang.org/x/sys/cpu reports them after GODEBUG.
	Missing []string
	// WhyNot says why it cannot run here; "" if it is Supported.
	WhyNot string
	// Active reports whether it is the implementation in use (Impl).
	Active bool
	// Why says, for the active one, why it is in use: the best this CPU
	// supports, forced by LANES_KERNELS, or switched by Use.
	Why string
}

// Implementations describes every implementation lanes has, built into
// this binary or not, best first: what each requires, whether it can run
// here and why not, and which one is in use and why. It is for reports,
// such as the command lanes cpu; dispatch uses the same information.
func Implementations() []Info {
	act := current()
	all := slices.Clone(registry)
	for _, im := range known {
		if lookup(im.name) == nil {
			all = append(all, im)
		}
	}
	var out []Info
	for _, im := range byRank(all) {
		info := Info{Name: im.name, Built: lookup(im.name) == im}
		for _, f := range im.requires {
			info.Requires = append(info.Requires, f.name)
		}
		switch {
		case !info.Built:
			info.WhyNot = notBuilt(im)
		case !im.supported():
			info.Missing = im.missing()
			info.WhyNot = unusable(im.name)
		default:
			info.Supported = true
		}
		if im == act {
			info.Active, info.Why = true, *activeWhy.Load()
		}
		out = append(out, info)
	}
	return out
}
