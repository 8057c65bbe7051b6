package kbench

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/lanes-go/lanes/kernels"
)

func TestShapes(t *testing.T) {
	for s, want := range map[Shape]string{
		{0, 256}: "n=256", {0, 4096}: "n=4096", {0, 1 << 16}: "n=1<<16", {0, 1 << 20}: "n=1<<20",
		{0, 3 << 16}: "n=196608", {1000, 128}: "1000x128", {4096, 4096}: "4096x4096",
	} {
		if got := s.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", s, got, want)
		}
	}
	for _, c := range []struct {
		kernel string
		s      Shape
		want   float64
	}{
		{"dot", Shape{0, 100}, 200}, {"axpy", Shape{0, 100}, 200}, {"nrm2", Shape{0, 100}, 200},
		{"sum", Shape{0, 100}, 100}, {"gemvn", Shape{10, 20}, 400}, {"gemvt", Shape{10, 20}, 400},
	} {
		if got := c.s.Flops(c.kernel); got != c.want {
			t.Errorf("%v.Flops(%q) = %v, want %v", c.s, c.kernel, got, c.want)
		}
	}
	k := Kernels()
	k[0] = "changed"
	if Kernels()[0] != "dot" {
		t.Errorf("Kernels returns its own slice: %q", Kernels())
	}
	for _, quick := range []bool{false, true} {
		for _, kernel := range Kernels() {
			sizes := Sizes(kernel, quick)
			if len(sizes) == 0 {
				t.Errorf("Sizes(%q, %v) is empty", kernel, quick)
			}
			for _, s := range sizes {
				if gemv := strings.HasPrefix(kernel, "gemv"); (s.M > 0) != gemv || s.N < 1 {
					t.Errorf("Sizes(%q, %v) has %v", kernel, quick, s)
				}
			}
		}
	}
}

// TestTimeEveryCell times every kernel at its quick sizes on every
// implementation, which also checks that each benchmark passes the
// kernels operands of the sizes they want (a kernel panics otherwise),
// and that Time leaves the implementation as it found it.
func TestTimeEveryCell(t *testing.T) {
	def := kernels.Impl()
	h := &Harness{Budget: time.Millisecond, Runs: 1}
	for _, k := range Kernels() {
		for _, s := range Sizes(k, true) {
			for _, impl := range append(kernels.Available(), Gonum) {
				ns, err := h.Time(k, impl, s)
				if err != nil {
					t.Fatalf("Time(%s, %s, %v): %v", k, impl, s, err)
				}
				if !(ns > 0) || math.IsInf(ns, 0) {
					t.Errorf("Time(%s, %s, %v) = %v ns", k, impl, s, ns)
				}
				if kernels.Impl() != def {
					t.Fatalf("after Time(%s, %s, %v) the implementation is %s, want %s restored", k, impl, s, kernels.Impl(), def)
				}
			}
		}
	}
}

// TestOperands: every implementation reads the same seeded operands,
// 64-byte aligned, and timing Axpy, which writes y, leaves them alone.
func TestOperands(t *testing.T) {
	h := &Harness{Budget: time.Millisecond, Runs: 1}
	s := Shape{0, 1000}
	if _, err := h.Time("dot", Gonum, s); err != nil {
		t.Fatal(err)
	}
	in := h.operands[s]
	x, y := slices.Clone(in.x), slices.Clone(in.y)
	if again := newOperands(s); !slices.Equal(again.x, x) || !slices.Equal(again.y, y) {
		t.Errorf("the operands of %v differ from one Harness to the next", s)
	}
	if slices.Equal(x, y) || slices.ContainsFunc(x, func(v float64) bool { return !(v >= -1 && v < 1) }) {
		t.Errorf("x and y are not distinct values in [-1, 1)")
	}
	for _, impl := range append(kernels.Available(), Gonum) {
		if _, err := h.Time("axpy", impl, s); err != nil {
			t.Fatal(err)
		}
		if h.operands[s] != in || !slices.Equal(in.x, x) || !slices.Equal(in.y, y) {
			t.Fatalf("timing axpy on %s changed the shared operands", impl)
		}
	}
	m := newOperands(Shape{7, 5})
	for _, v := range [][]float64{in.x, in.y, m.a, m.x, m.y, m.xt, m.yt} {
		if uintptr(unsafe.Pointer(&v[0]))%64 != 0 {
			t.Errorf("an operand starts at %p, not on a 64-byte boundary", &v[0])
		}
	}
	if len(m.a) != 35 || len(m.x) != 5 || len(m.y) != 7 || len(m.xt) != 7 || len(m.yt) != 5 {
		t.Errorf("operands of 7x5: a %d, x %d, y %d, xt %d, yt %d", len(m.a), len(m.x), len(m.y), len(m.xt), len(m.yt))
	}
}

func TestTimeErrors(t *testing.T) {
	def := kernels.Impl()
	for _, c := range []struct {
		h            Harness
		kernel, impl string
		want         string
	}{
		{Harness{Budget: time.Millisecond, Runs: 1}, "gemm", Gonum, `unknown kernel "gemm"`},
		{Harness{Budget: time.Millisecond, Runs: 1}, "dot", "sse9", "sse9"},
		{Harness{Runs: 1}, "dot", Gonum, "Budget"},
		{Harness{Budget: -time.Second, Runs: 1}, "dot", Gonum, "Budget"},
		{Harness{Budget: time.Millisecond}, "dot", Gonum, "Runs"},
	} {
		_, err := c.h.Time(c.kernel, c.impl, Shape{0, 64})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Time(%s, %s) with %+v: %v, want an error naming %s", c.kernel, c.impl, c.h, err, c.want)
		}
	}
	if kernels.Impl() != def {
		t.Errorf("after the errors the implementation is %s, want %s", kernels.Impl(), def)
	}
}
