package kbench

import (
	"flag"
	"testing"
	"time"
)

// TestBenchTime: benchTime scales a benchmark up to its budget and
// reports the time of one call, and leaves testing's own -benchtime as it
// found it.
func TestBenchTime(t *testing.T) {
	before := flag.Lookup("test.benchtime").Value.String()
	calls := 0
	start := time.Now()
	ns := benchTime(func(b *testing.B) {
		for b.Loop() {
			calls++
			time.Sleep(10 * time.Microsecond)
		}
	}, 30*time.Millisecond, 3)
	took := time.Since(start)
	// A 10µs sleep never takes less, but on a loaded machine it may take
	// a millisecond or more (CI's other steps share the cores): only the
	// lower bound is a property of benchTime.
	if ns < 10e3 {
		t.Errorf("benchTime = %.0f ns per call, want at least the 10µs each call sleeps", ns)
	}
	if calls < 6 {
		t.Errorf("benchTime made %d calls, want it to scale up", calls)
	}
	if took < 25*time.Millisecond || took > 10*time.Second {
		t.Errorf("benchTime took %v for a budget of 30ms", took)
	}
	if after := flag.Lookup("test.benchtime").Value.String(); after != before {
		t.Errorf("-test.benchtime is %s after benchTime, want %s", after, before)
	}
}
