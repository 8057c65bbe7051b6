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
	if ns < 10e3 || ns > 1e6 {
		t.Errorf("benchTime = %.0f ns per call, want about 10µs or a bit more", ns)
	}
	if calls < 6 {
		t.Errorf("benchTime made %d calls, want it to scale up", calls)
	}
	if took < 25*time.Millisecond || took > 2*time.Second {
		t.Errorf("benchTime took %v for a budget of 30ms", took)
	}
	if after := flag.Lookup("test.benchtime").Value.String(); after != before {
		t.Errorf("-test.benchtime is %s after benchTime, want %s", after, before)
	}
}
