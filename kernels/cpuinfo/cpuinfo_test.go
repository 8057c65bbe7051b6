package cpuinfo

import (
	"runtime"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

func TestCPU(t *testing.T) {
	c := CPU()
	if c.Arch != runtime.GOARCH {
		t.Errorf("Arch = %q, want %q", c.Arch, runtime.GOARCH)
	}
	if c.L1D < 0 || c.L2 < 0 || c.L3 < 0 {
		t.Errorf("cache sizes %d, %d, %d: want 0 when unknown, never negative", c.L1D, c.L2, c.L3)
	}
	for _, f := range c.Features {
		if !c.Has(f) {
			t.Errorf("Has(%q) = false, but Features lists it", f)
		}
	}
	if c.Has("no such feature") {
		t.Errorf("Has reports a feature cpuid does not name")
	}
	t.Logf("%+v", c)
}

// TestMicroarch pins the Zen generations that benchmark reports name.
func TestMicroarch(t *testing.T) {
	for _, c := range []struct {
		v             cpuid.Vendor
		family, model int
		want          string
	}{
		{cpuid.AMD, 0x17, 0x01, "Zen/Zen+"},
		{cpuid.AMD, 0x17, 0x31, "Zen 2"},
		{cpuid.AMD, 0x19, 0x01, "Zen 3"},
		{cpuid.AMD, 0x19, 0x21, "Zen 3"},
		{cpuid.AMD, 0x19, 0x11, "Zen 4"},
		{cpuid.Hygon, 0x19, 0x61, "Zen 4"},
		{cpuid.AMD, 0x1a, 0x02, "Zen 5"},
		{cpuid.AMD, 0x15, 0x02, "family 0x15 model 0x2"},
		{cpuid.Intel, 0x6, 0x8f, "family 0x6 model 0x8f"},
		{cpuid.Intel, 0, 0, ""},
	} {
		if got := microarch(c.v, c.family, c.model); got != c.want {
			t.Errorf("microarch(%v, %#x, %#x) = %q, want %q", c.v, c.family, c.model, got, c.want)
		}
	}
}
