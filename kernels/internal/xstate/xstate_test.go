package xstate

import (
	"runtime"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestZeroUpperThenInUse proves the two halves of the mechanism agree:
// right after VZEROUPPER, XINUSE must report the YMM and ZMM0-15 upper
// halves clean. Reading XCR0 (ECX = 0) by mistake, or mixing up EDX and
// EAX, would report them set.
func TestZeroUpperThenInUse(t *testing.T) {
	if !Supported() {
		t.Skipf("XGETBV with ECX = 1 not available (GOARCH=%s, or build tags, or CPU)", runtime.GOARCH)
	}
	if !cpu.X86.HasAVX {
		t.Skip("no AVX: VZEROUPPER cannot run")
	}
	ZeroUpper()
	if v := InUse(); v&(YMMUpper|ZMMHi256) != 0 {
		t.Fatalf("XINUSE = %#x right after VZEROUPPER, want bits 2 and 6 clear", v)
	}
}

// TestFallback proves builds without the assembly report nothing usable
// rather than garbage.
func TestFallback(t *testing.T) {
	if asm {
		t.Skip("this build has the assembly")
	}
	if Supported() || InUse() != 0 {
		t.Fatalf("without XGETBV: Supported() = %v, InUse() = %#x; want false, 0", Supported(), InUse())
	}
	ZeroUpper() // must not crash
}
