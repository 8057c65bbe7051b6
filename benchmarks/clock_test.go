package benchmarks

import "testing"

// clockStep is the operand of dependentOps, a variable so that the
// compiler can neither fold nor combine the chain.
var clockStep uint64 = 1

// dependentOps runs n·8 one-cycle integer operations (additions and
// exclusive ors, alternately, which no compiler merges into fewer
// instructions), each depending on the one before: one per cycle on any
// out-of-order x86 or arm64 core, so its time is n·8 cycles of this
// core's clock, at whatever boost the load allows.
//
//go:noinline
func dependentOps(n int) uint64 {
	x, y := clockStep, clockStep
	for range n {
		x += y
		x ^= y
		x += y
		x ^= y
		x += y
		x ^= y
		x += y
		x ^= y
	}
	return x
}

var sinkU64 uint64

// BenchmarkClock measures this core's clock, which the FMA peak of the
// Gram tables is computed from (2 FMA pipes × 4 float64 lanes × 2 flops
// × clock on AVX2): the GHz metric is the number of dependent one-cycle
// operations per nanosecond.
func BenchmarkClock(b *testing.B) {
	const n = 1 << 20
	for b.Loop() {
		sinkU64 = dependentOps(n)
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)*8*n/s/1e9, "GHz")
	}
}
