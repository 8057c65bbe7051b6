package f32

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// The self-check proves that the bitwise sweep can fail: each mutant is
// the reference with one mistake a vector kernel could make, and the sweep
// must report it. A sweep that passes a mutant would pass a broken kernel.

// recorder is a failer that records the first failure instead of stopping.
type recorder struct{ msg string }

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(r)
}

// catches runs the reduction sweep on a mutant and returns its report.
func catches(k reduction) (msg string) {
	r := new(recorder)
	defer func() {
		if p := recover(); p != nil && p != any(r) {
			panic(p)
		}
		msg = r.msg
	}()
	sweepReduction(r, k)
	return ""
}

// mutantDot is DotF32 with one change: lanes is its number of lanes,
// fused whether it rounds each product first, reverseFold whether the
// lanes combine in adjacent pairs, and plusZero whether it adds the final +0.
func mutantDot(lanes int, fused, reverseFold, plusZero bool) func(_ float32, x, y []float32) float32 {
	return func(_ float32, x, y []float32) float32 {
		acc := make([]float32, lanes)
		for i := range x {
			if fused {
				acc[i%lanes] = generic.FMA32(x[i], y[i], acc[i%lanes])
			} else {
				acc[i%lanes] = float32(x[i]*y[i]) + acc[i%lanes]
			}
		}
		for w := lanes / 2; w >= 1; w /= 2 {
			for j := 0; j < w; j++ {
				if reverseFold { // adjacent pairs (2j, 2j+1): another tree
					acc[j] = acc[2*j] + acc[2*j+1]
				} else {
					acc[j] = acc[j] + acc[j+w]
				}
			}
		}
		if plusZero {
			return acc[0] + 0
		}
		return acc[0]
	}
}

func TestSweepCatchesMutants(t *testing.T) {
	want := func(_ float32, x, y []float32) float32 { return generic.DotF32(x, y) }
	if msg := catches(reduction{"Dot", mutantDot(64, true, false, true), want}); msg != "" {
		t.Fatalf("the faithful copy of Dot was reported: %s", msg)
	}
	for _, m := range []struct {
		name string
		got  func(_ float32, x, y []float32) float32
	}{
		{"32 lanes", mutantDot(32, true, false, true)},
		{"products rounded before the add", mutantDot(64, false, false, true)},
		{"another fold tree", mutantDot(64, true, true, true)},
		{"last element dropped", func(a float32, x, y []float32) float32 {
			if len(x) > 0 {
				x, y = x[:len(x)-1], y[:len(y)-1]
			}
			return generic.DotF32(x, y)
		}},
		{"NaN lost", func(a float32, x, y []float32) float32 {
			r := generic.DotF32(x, y)
			if r != r {
				return float32(math.Inf(1))
			}
			return r
		}},
	} {
		msg := catches(reduction{"Dot", m.got, want})
		if msg == "" {
			t.Errorf("the sweep passed the mutant %q", m.name)
			continue
		}
		if !strings.Contains(msg, "class=") || !strings.Contains(msg, "n=") {
			t.Errorf("mutant %q: the report does not say where: %s", m.name, msg)
		}
		t.Logf("%s: caught at %s", m.name, msg)
	}
	// A −0 result needs all 64 lanes −0, which random data does not make:
	// TestNegativeZero builds that case, and catches the missing + 0.
	noPlusZero := mutantDot(64, true, false, false)
	if negativeZeroDiff(func(x, y []float32) float32 { return noPlusZero(0, x, y) }) == "" {
		t.Error("TestNegativeZero's check passed a Dot without the final + 0")
	}
}
