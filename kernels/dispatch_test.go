package kernels

import (
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// The dispatch tests prove Use, Available and choose (the reading of
// LANES_KERNELS) behave as documented, on whatever set of
// implementations this binary and CPU have. A fake implementation that
// no CPU supports is registered for the duration of a test where one is
// needed, so the unsupported paths are exercised on every machine.

// withFakeUnsupported registers an implementation no CPU supports, of
// the highest rank, until the test ends.
func withFakeUnsupported(t *testing.T) string {
	t.Helper()
	const name = "fake-unsupported"
	saved := registry
	registry = append(slices.Clone(registry), &implementation{
		name: name, rank: 1 << 30, requires: []feature{{"FAKE-FEATURE", new(bool)}},
	})
	t.Cleanup(func() { registry = saved })
	return name
}

func TestAvailable(t *testing.T) {
	withFakeUnsupported(t)
	av := Available()
	if len(av) == 0 || av[len(av)-1] != Generic {
		t.Fatalf("Available() = %q, want it to end with %q", av, Generic)
	}
	if av[0] != supported()[0].name {
		t.Errorf("Available()[0] = %q, want the best supported %q", av[0], supported()[0].name)
	}
	seen := map[string]bool{}
	for i, name := range av {
		im := lookup(name)
		switch {
		case im == nil:
			t.Errorf("Available() lists %q, which is not registered", name)
		case !im.supported():
			t.Errorf("Available() lists %q, which this CPU does not support", name)
		case seen[name]:
			t.Errorf("Available() lists %q twice", name)
		case i > 0 && lookup(av[i-1]).rank < im.rank:
			t.Errorf("Available() = %q is not fastest first", av)
		}
		seen[name] = true
	}
}

func TestUseRestores(t *testing.T) {
	start := Impl()
	for _, first := range Available() {
		for _, second := range Available() {
			restore1, err := Use(first)
			if err != nil {
				t.Fatalf("Use(%q): %v", first, err)
			}
			if Impl() != first {
				t.Fatalf("after Use(%q), Impl() = %q", first, Impl())
			}
			restore2, err := Use(second)
			if err != nil {
				t.Fatalf("Use(%q): %v", second, err)
			}
			if Impl() != second {
				t.Fatalf("after Use(%q), Impl() = %q", second, Impl())
			}
			restore2()
			if Impl() != first {
				t.Fatalf("restoring Use(%q) gave Impl() = %q, want %q back", second, Impl(), first)
			}
			restore1()
			if Impl() != start {
				t.Fatalf("restoring Use(%q) gave Impl() = %q, want %q back", first, Impl(), start)
			}
		}
	}
}

// TestUseRoutesKernels proves Use switches what the exported kernels call,
// not only the name Impl reports: they dispatch on current().kind, and the
// function fields every other test calls are built from the same per-kind
// switches (directOf), so each implementation's kind must be its own and
// Use must make it current.
func TestUseRoutesKernels(t *testing.T) {
	kinds := map[kind]string{}
	for _, im := range registry {
		if other, dup := kinds[im.kind]; dup {
			t.Fatalf("implementations %q and %q share kind %d: one of them is never called", other, im.name, im.kind)
		}
		kinds[im.kind] = im.name
	}
	for _, name := range Available() {
		restore, err := Use(name)
		if err != nil {
			t.Fatal(err)
		}
		got := current()
		restore()
		if want := lookup(name); got != want || got.kind != want.kind {
			t.Fatalf("after Use(%q), the exported kernels dispatch on %q (kind %d), want kind %d", name, got.name, got.kind, want.kind)
		}
	}
}

// TestNoAllocs proves the exported kernels let a caller's stack arrays
// stay on the stack: dispatch makes direct calls, and the assembly is
// declared //go:noescape. A call through a function value would move both
// arrays to the heap on every call.
func TestNoAllocs(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *implementation) {
		allocs := testing.AllocsPerRun(50, func() {
			var x, y, a [16]float64
			x[0], y[0], a[0] = 1, 2, 3
			sink = Dot(x[:], y[:]) + Sum(x[:]) + SumSqDiff(x[:], y[:])
			Axpy(2, x[:], y[:])
			Scal(2, y[:])
			GemvN(4, 4, a[:], 4, x[:4], y[:4])
			GemvT(4, 4, a[:], 4, x[:4], y[:4])
			sink += y[0] + Asum(x[:]) + Nrm2(x[:]) + float64(Iamax(x[:]))
			ssr, sr := LossGrad(4, 4, a[:], 4, x[:4], 1, y[:4], x[4:8])
			sink += ssr + sr
			Gram(3, 4, a[:], 4, y[:])
			ShiftScale(3, 4, a[:], 4, x[:4], x[4:8], y[:], 5)
			GramDiag(3, 4, a[:], 4, x[:4], y[:4])
			sink += y[0]
		})
		if allocs != 0 {
			t.Errorf("exported kernels on stack arrays: %v allocations per run, want 0", allocs)
		}
	})
}

func TestUseRejects(t *testing.T) {
	unsupported := withFakeUnsupported(t)
	before := Impl()
	for _, name := range []string{"bogus", "", unsupported} {
		restore, err := Use(name)
		if err == nil {
			restore()
			t.Errorf("Use(%q) succeeded, want an error", name)
			continue
		}
		if restore != nil {
			t.Errorf("Use(%q) failed but returned a restore function", name)
		}
		if !strings.Contains(err.Error(), "kernels.Use") || !strings.Contains(err.Error(), "\""+name+"\"") {
			t.Errorf("Use(%q) error %q does not name the function and the request", name, err)
		}
		if Impl() != before {
			t.Errorf("failed Use(%q) changed Impl() from %q to %q", name, before, Impl())
		}
	}
}

// TestChoose covers the values of LANES_KERNELS: empty picks the best,
// names are case- and space-insensitive, and a request this CPU cannot
// serve falls back to the best with a one-line warning naming it.
func TestChoose(t *testing.T) {
	unsupported := withFakeUnsupported(t)
	best := supported()[0]
	for _, req := range []string{"", "  ", Generic, " GENERIC ", AVX2, AVX512, NEON, "bogus", unsupported} {
		im, why, warning := choose(req, req != "")
		if why == "" {
			t.Errorf("choose(%q) gives no reason", req)
		}
		canonical := strings.ToLower(strings.TrimSpace(req))
		want := lookup(canonical)
		switch {
		case canonical == "":
			if im != best || warning != "" {
				t.Errorf("choose(%q) = %s, %q; want %s without warning", req, im.name, warning, best.name)
			}
		case want != nil && want.supported():
			if im != want || warning != "" {
				t.Errorf("choose(%q) = %s, %q; want %s without warning", req, im.name, warning, want.name)
			}
		default:
			if im != best {
				t.Errorf("choose(%q) = %s, want the fallback %s", req, im.name, best.name)
			}
			if warning == "" || strings.Contains(warning, "\n") {
				t.Errorf("choose(%q) warning %q, want one line", req, warning)
			}
			for _, w := range []string{EnvVar, canonical, "using " + best.name} {
				if !strings.Contains(warning, w) {
					t.Errorf("choose(%q) warning %q does not mention %q", req, warning, w)
				}
			}
		}
	}
}

// TestChooseWhy pins the reasons lanes cpu prints for the choice: the
// variable's value as it was given, and why a request was ignored.
func TestChooseWhy(t *testing.T) {
	for _, c := range []struct {
		env  string
		set  bool
		want string
	}{
		{"", false, "the best implementation this CPU supports (LANES_KERNELS is not set)"},
		{"", true, `the best implementation this CPU supports (LANES_KERNELS="" asks for none)`},
		{"generic", true, "forced by LANES_KERNELS=generic"},
		{" Generic ", true, "forced by LANES_KERNELS= Generic "},
		{"sse9", true, `LANES_KERNELS="sse9" was ignored (no such implementation (want one of `},
	} {
		if _, why, _ := choose(c.env, c.set); !strings.Contains(why, c.want) {
			t.Errorf("LANES_KERNELS=%q (set %v): why = %q, want it to contain %q", c.env, c.set, why, c.want)
		}
	}
	unsupported := withFakeUnsupported(t)
	if _, why, _ := choose(unsupported, true); !strings.Contains(why, "not supported on this CPU: no FAKE-FEATURE") {
		t.Errorf("LANES_KERNELS=%s: why = %q, want it to name the missing feature", unsupported, why)
	}
}

// TestImplementations proves the report agrees with Built, Available and
// Impl, lists every implementation once with its requirements, says why
// each one that cannot run cannot, and why the active one is active.
func TestImplementations(t *testing.T) {
	unsupported := withFakeUnsupported(t)
	check := func(wantWhy string) {
		t.Helper()
		infos := Implementations()
		seen := map[string]bool{}
		var built, available, active []string
		for _, in := range infos {
			if seen[in.Name] {
				t.Errorf("%s listed twice", in.Name)
			}
			seen[in.Name] = true
			if in.Built {
				built = append(built, in.Name)
			}
			if in.Supported {
				available = append(available, in.Name)
			}
			if in.Active {
				active = append(active, in.Name)
				if !strings.Contains(in.Why, wantWhy) {
					t.Errorf("%s is active because %q, want %q", in.Name, in.Why, wantWhy)
				}
			} else if in.Why != "" {
				t.Errorf("%s is not active but has Why %q", in.Name, in.Why)
			}
			if in.Supported != (in.WhyNot == "") {
				t.Errorf("%+v: WhyNot must be set exactly when it is not supported", in)
			}
			if in.Supported && !in.Built {
				t.Errorf("%+v: supported but not built", in)
			}
			if in.Built && !in.Supported && len(in.Missing) == 0 {
				t.Errorf("%+v: built and unsupported, but nothing missing", in)
			}
			for _, f := range in.Missing {
				if !slices.Contains(in.Requires, f) || !strings.Contains(in.WhyNot, "no "+f) {
					t.Errorf("%+v: missing %s, which it does not require or WhyNot does not name", in, f)
				}
			}
		}
		for _, name := range []string{Generic, AVX2, AVX512, NEON, unsupported} {
			if !seen[name] {
				t.Errorf("Implementations() lacks %s", name)
			}
		}
		if !slices.Equal(built, Built()) || !slices.Equal(available, Available()) || !slices.Equal(active, []string{Impl()}) {
			t.Errorf("built %q, available %q, active %q; want %q, %q, [%s]", built, available, active, Built(), Available(), Impl())
		}
	}
	check("")
	for _, in := range Implementations() {
		if in.Name == Generic && len(in.Requires) != 0 {
			t.Errorf("generic requires %q", in.Requires)
		}
		if in.Name == AVX2 && !slices.Equal(in.Requires, []string{"AVX", "AVX2", "FMA"}) {
			t.Errorf("avx2 requires %q, want AVX, AVX2 and FMA", in.Requires)
		}
	}
	restore, err := Use(Generic)
	if err != nil {
		t.Fatal(err)
	}
	check("switched in-process with kernels.Use")
	restore()
	check("")
}

// TestUseConcurrent switches implementations while other goroutines run
// kernels: every result must still be generic's bits, and under -race
// the switch must not race with the calls.
func TestUseConcurrent(t *testing.T) {
	x, y := pools[classRandom].window(257, 1)
	want := generic.Dot(x, y)
	stop := make(chan struct{})
	errs := make(chan string, 2)
	for range 2 {
		go func() {
			for {
				select {
				case <-stop:
					errs <- ""
					return
				default:
				}
				if got := Dot(x, y); !sameBits(got, want) {
					errs <- "Dot gave " + fmtBits(got) + " during switching, want " + fmtBits(want)
					return
				}
			}
		}()
	}
	names := Available()
	for i := range 2000 {
		restore, err := Use(names[i%len(names)])
		if err != nil {
			t.Fatal(err)
		}
		restore()
	}
	close(stop)
	for range 2 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestBuilt: every available implementation is built in, generic always
// is, and Built is in rank order like Available.
func TestBuilt(t *testing.T) {
	built := Built()
	if len(built) == 0 || built[len(built)-1] != Generic {
		t.Fatalf("Built() = %v, want generic last", built)
	}
	for _, name := range Available() {
		if !slices.Contains(built, name) {
			t.Errorf("%s is available but not in Built() = %v", name, built)
		}
	}
	for _, name := range built {
		if lookup(name) == nil {
			t.Errorf("Built() names %q, which is not registered", name)
		}
	}
}
