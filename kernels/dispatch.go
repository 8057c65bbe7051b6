package kernels

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lanes-go/lanes/kernels/internal/choice"
)

// EnvVar names the environment variable that forces an implementation.
const EnvVar = "LANES_KERNELS"

var (
	active     atomic.Pointer[implementation]
	chooseOnce sync.Once
	// activeWhy says why active is the implementation in use.
	activeWhy atomic.Pointer[string]
)

func init() { choice.Register(func() { chooseFirst() }) }

// setActive switches the kernels of package kernels, and through package
// choice those of kernels/f32, to im.
func setActive(im *implementation) {
	active.Store(im)
	choice.Set(im.kind)
}

// whyUse is activeWhy after Use.
var whyUse = "switched in-process with kernels.Use"

// current returns the implementation in use. It is small enough to inline,
// so a kernel call costs one load and one predictable branch more than a
// direct call; the choice itself happens once, on the first call, so that
// it sees the environment of the running program.
func current() *implementation {
	if im := active.Load(); im != nil {
		return im
	}
	return chooseFirst()
}

func chooseFirst() *implementation {
	chooseOnce.Do(func() {
		request, set := os.LookupEnv(EnvVar)
		im, why, warning := choose(request, set)
		if warning != "" {
			fmt.Fprintln(os.Stderr, warning)
		}
		activeWhy.Store(&why)
		if active.CompareAndSwap(nil, im) {
			choice.Set(im.kind)
		}
	})
	return active.Load()
}

// choose picks the implementation for a LANES_KERNELS value (set reports
// whether the variable is set at all; empty or blank is automatic). It
// says why in words, and returns a warning when the request cannot be
// served.
func choose(request string, set bool) (im *implementation, why, warning string) {
	best := supported()[0]
	name := strings.ToLower(strings.TrimSpace(request))
	switch {
	case name == "" && !set:
		return best, "the best implementation this CPU supports (" + EnvVar + " is not set)", ""
	case name == "":
		return best, fmt.Sprintf("the best implementation this CPU supports (%s=%q asks for none)", EnvVar, request), ""
	}
	if reason := unusable(name); reason != "" {
		return best, fmt.Sprintf("%s=%q was ignored (%s), so the best this CPU supports", EnvVar, request, reason),
			fmt.Sprintf("lanes: %s=%q: %s; using %s", EnvVar, name, reason, best.name)
	}
	return lookup(name), fmt.Sprintf("forced by %s=%s", EnvVar, request), ""
}

// unusable says why the named implementation cannot run here, or returns
// "" if it can.
func unusable(name string) string {
	im := lookup(name)
	switch {
	case im == nil && knownAs(name) != nil:
		return fmt.Sprintf("%s; this binary has %s", notBuilt(knownAs(name)), strings.Join(Built(), ", "))
	case im == nil:
		return fmt.Sprintf("no such implementation (want one of %s)", strings.Join(Built(), ", "))
	case !im.supported():
		return "not supported on this CPU: no " + strings.Join(im.missing(), ", no ")
	}
	return ""
}

// notBuilt says why this binary does not hold im.
func notBuilt(im *implementation) string {
	if im.goarch != runtime.GOARCH {
		return fmt.Sprintf("not built into this binary: its assembly is for GOARCH=%s, this is GOARCH=%s", im.goarch, runtime.GOARCH)
	}
	return "not built into this binary, which was built with -tags purego or noasm"
}

// supported lists the implementations this CPU can run, best first.
func supported() []*implementation {
	var out []*implementation
	for _, im := range registry {
		if im.supported() {
			out = append(out, im)
		}
	}
	return byRank(out)
}

// byRank returns the implementations sorted best first.
func byRank(ims []*implementation) []*implementation {
	out := slices.Clone(ims)
	slices.SortStableFunc(out, func(a, b *implementation) int { return b.rank - a.rank })
	return out
}

// lookup returns the implementation of that name in this binary, or nil.
func lookup(name string) *implementation {
	for _, im := range registry {
		if im.name == name {
			return im
		}
	}
	return nil
}

// knownAs returns the implementation of that name whether or not this
// binary holds it, or nil.
func knownAs(name string) *implementation {
	for _, im := range known {
		if im.name == name {
			return im
		}
	}
	return nil
}

func names(ims []*implementation) []string {
	out := make([]string, len(ims))
	for i, im := range ims {
		out[i] = im.name
	}
	return out
}

// Impl names the implementation in use: "avx512", "avx2", "neon" or
// "generic".
func Impl() string { return current().name }

// Available lists the implementations this CPU can run, fastest first.
// The last is always "generic".
func Available() []string { return names(supported()) }

// Built lists the implementations compiled into this binary, whether or
// not this CPU can run them, best first: on amd64 "avx512", "avx2" and
// "generic"; on arm64 "neon" and "generic"; elsewhere, and with -tags
// purego or noasm, "generic" alone.
func Built() []string { return names(byRank(registry)) }

// Use switches every kernel to the named implementation and returns a
// function that restores the previous one: the one active when Use was
// called. It fails, changing nothing, if the name is unknown or this CPU
// cannot run it.
//
// Use is meant for tests, benchmarks and program start-up. Kernel calls
// may run concurrently with Use and restore: each runs wholly on one
// implementation. But calls of Use and of restore functions must not run
// concurrently with each other, and restores must come in the reverse
// order of their Uses: two goroutines that each call Use and then their
// restore can leave either one's choice active at the end, not the one
// from before.
func Use(name string) (restore func(), err error) {
	if reason := unusable(name); reason != "" {
		return nil, fmt.Errorf("kernels.Use(%q): %s", name, reason)
	}
	prev, prevWhy := current(), activeWhy.Load()
	activeWhy.Store(&whyUse)
	setActive(lookup(name))
	return func() {
		activeWhy.Store(prevWhy)
		setActive(prev)
	}, nil
}
