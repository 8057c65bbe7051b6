package kernels

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// EnvVar names the environment variable that forces an implementation.
const EnvVar = "LANES_KERNELS"

var (
	active     atomic.Pointer[implementation]
	chooseOnce sync.Once
)

// current returns the implementation in use. It is small enough to inline,
// so a kernel call costs one load and one predictable branch more than a
// direct call; the choice itself happens once, on the first call, so that
// every ISA file's init has registered first.
func current() *implementation {
	if im := active.Load(); im != nil {
		return im
	}
	return chooseFirst()
}

func chooseFirst() *implementation {
	chooseOnce.Do(func() {
		im, warning := choose(os.Getenv(EnvVar))
		if warning != "" {
			fmt.Fprintln(os.Stderr, warning)
		}
		active.CompareAndSwap(nil, im)
	})
	return active.Load()
}

// choose picks the implementation for a LANES_KERNELS value ("" for
// automatic) and returns a warning when the request cannot be served.
func choose(request string) (*implementation, string) {
	best := supported()[0]
	request = strings.ToLower(strings.TrimSpace(request))
	if request == "" {
		return best, ""
	}
	if reason := unusable(request); reason != "" {
		return best, fmt.Sprintf("lanes: %s=%q: %s; using %s", EnvVar, request, reason, best.name)
	}
	return lookup(request), ""
}

// unusable says why the named implementation cannot run here, or returns
// "" if it can.
func unusable(name string) string {
	im := lookup(name)
	switch {
	case im == nil && slices.Contains([]string{Generic, AVX2, AVX512, NEON}, name):
		return fmt.Sprintf("not built into this binary, which has %s (GOARCH=%s)",
			strings.Join(names(byRank(registry)), ", "), runtime.GOARCH)
	case im == nil:
		return fmt.Sprintf("no such implementation (want one of %s)", strings.Join(names(byRank(registry)), ", "))
	case !im.supported():
		return "not supported on this CPU"
	}
	return ""
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

func lookup(name string) *implementation {
	for _, im := range registry {
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
	prev := current()
	active.Store(lookup(name))
	return func() { active.Store(prev) }, nil
}
