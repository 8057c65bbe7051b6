package kernels

import (
	"fmt"
	"os"
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
	im := lookup(request)
	switch {
	case im == nil:
		return best, fmt.Sprintf("lanes: %s=%q names no implementation (want one of %s); using %s",
			EnvVar, request, strings.Join(names(registryNames()), ", "), best.name)
	case !im.supported():
		return best, fmt.Sprintf("lanes: %s=%s is not supported on this CPU; using %s", EnvVar, request, best.name)
	}
	return im, ""
}

// supported lists the implementations this CPU can run, best first.
func supported() []*implementation {
	var out []*implementation
	for _, im := range registry {
		if im.supported() {
			out = append(out, im)
		}
	}
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

func registryNames() []*implementation {
	all := slices.Clone(registry)
	slices.SortStableFunc(all, func(a, b *implementation) int { return b.rank - a.rank })
	return all
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

// Use switches every kernel to the named implementation and returns a
// function that restores the previous one. It fails, changing nothing, if
// the name is unknown or this CPU cannot run it. Use is safe to call
// concurrently with the kernels; each call runs wholly on one
// implementation.
func Use(name string) (restore func(), err error) {
	im := lookup(name)
	if im == nil {
		return nil, fmt.Errorf("kernels.Use: unknown implementation %q (want one of %s)",
			name, strings.Join(names(registryNames()), ", "))
	}
	if !im.supported() {
		return nil, fmt.Errorf("kernels.Use: implementation %q is not supported on this CPU", name)
	}
	prev := current()
	active.Store(im)
	return func() { active.Store(prev) }, nil
}
