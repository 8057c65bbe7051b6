package kernels

import (
	"runtime"

	"github.com/lanes-go/lanes/kernels/internal/choice"
)

// kind identifies an implementation to the direct-call switches of
// direct_*.go, which the exported kernels call with current().kind. It is
// the kind package kernels/f32 reads from package choice, so that both
// packages run the same implementation.
type kind = choice.Kind

const (
	kindGeneric = choice.Generic
	kindAVX2    = choice.AVX2
	kindAVX512  = choice.AVX512
	kindNEON    = choice.NEON
)

// Implementation names accepted by LANES_KERNELS and Use.
const (
	Generic = "generic"
	AVX2    = "avx2"
	AVX512  = "avx512"
	NEON    = "neon"
)

// implementation is one complete set of kernels. Its functions assume
// checked arguments: the exported wrappers check them.
//
// The exported kernels do not call the function fields: they call the
// per-kind switches of direct_*.go, whose direct calls let the compiler see
// that no slice escapes (a call through a function value would move every
// caller's stack array to the heap). The fields of every implementation are
// built from those same switches (directOf), so tests that call them run
// exactly what the exported kernels run; tests may also build deliberately
// broken implementations by replacing fields.
type implementation struct {
	name string
	// rank orders implementations by preference: the highest supported
	// one is the default.
	rank int
	kind kind
	// goarch is the GOARCH its assembly is built for, "" for generic.
	goarch string
	// requires lists the CPU features its code uses beyond the baseline
	// of its GOARCH: it runs only where golang.org/x/sys/cpu reports them
	// all.
	requires []feature

	// direct has a function for every kernel of the specification; the
	// generator of direct_*.go writes its fields.
	direct
	// nrm2 and iamax are compositions of the kernels above (nrm2.go,
	// abs.go); they are fields so that tests can run them per
	// implementation.
	nrm2  func(x []float64) float64
	iamax func(x []float64) int
}

// feature is a CPU feature as golang.org/x/sys/cpu reports it, which
// honours GODEBUG (cpu.avx512f=off and the like) and reports a feature only
// when the OS also saves the registers it needs.
type feature struct {
	name string // "AVX2", "AVX-512F", "ASIMD"
	has  *bool  // &cpu.X86.HasAVX2
}

// newImplementation returns the implementation of kind k, its kernels
// routed through the same direct-call switches as the exported functions.
func newImplementation(name string, rank int, k kind) *implementation {
	goarch, requires := asmTarget(k)
	return &implementation{
		name: name, rank: rank, kind: k, goarch: goarch, requires: requires,
		direct: directOf(k),
		nrm2:   func(x []float64) float64 { return nrm2Kind(k, x) },
		iamax:  func(x []float64) int { return iamaxKind(k, x) },
	}
}

// known lists every implementation lanes has, whether or not this binary
// holds it, best first.
var known = []*implementation{
	newImplementation(AVX512, 30, kindAVX512),
	newImplementation(AVX2, 20, kindAVX2),
	newImplementation(NEON, 20, kindNEON),
	newImplementation(Generic, 0, kindGeneric),
}

// registry holds every implementation compiled into this binary, whether
// or not the CPU supports it.
var registry = func() []*implementation {
	var out []*implementation
	for _, im := range known {
		if im.built() {
			out = append(out, im)
		}
	}
	return out
}()

// built reports whether this binary holds im's code: generic always, the
// assembly of this GOARCH unless built with -tags purego or noasm.
func (im *implementation) built() bool {
	return im.goarch == "" || asmBuilt && im.goarch == runtime.GOARCH
}

// missing lists the features im requires that this CPU or OS lacks, as
// golang.org/x/sys/cpu reports them.
func (im *implementation) missing() []string {
	var out []string
	for _, f := range im.requires {
		if !*f.has {
			out = append(out, f.name)
		}
	}
	return out
}

// supported reports whether this CPU and OS can run im.
func (im *implementation) supported() bool {
	for _, f := range im.requires {
		if !*f.has {
			return false
		}
	}
	return true
}
