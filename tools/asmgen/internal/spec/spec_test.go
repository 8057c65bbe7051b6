package spec

import (
	"slices"
	"testing"
)

func TestArgs(t *testing.T) {
	for _, k := range Kernels {
		if k.Name != "LossGrad" {
			continue
		}
		if got, want := k.Args(), []string{"m", "n", "a", "lda", "w", "c", "y", "g"}; !slices.Equal(got, want) {
			t.Errorf("LossGrad args %q, want %q", got, want)
		}
		if got, want := k.Signature(Float64), "func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64)"; got != want {
			t.Errorf("LossGrad signature %q, want %q", got, want)
		}
	}
	for _, bad := range []string{"x", "x, y", "x []T,", "x y z"} {
		if ps, err := ParseParams(bad); err == nil {
			t.Errorf("ParseParams(%q) = %v, want an error", bad, ps)
		}
	}
}

// TestISAs checks what the generators and package kernels rely on: names
// unique, each with a GOARCH, and every amd64 requirement named for avo's
// check pass.
func TestISAs(t *testing.T) {
	seen := map[string]bool{}
	for _, isa := range ISAs {
		if seen[isa.Name] || isa.GOARCH == "" || len(isa.Requires) == 0 {
			t.Errorf("%+v: duplicate, or no GOARCH or requirements", isa)
		}
		seen[isa.Name] = true
		for _, f := range isa.Requires {
			if f.Name == "" || f.Go == "" || isa.GOARCH == "amd64" && f.Avo == "" {
				t.Errorf("%s: requirement %+v incomplete", isa.Name, f)
			}
		}
	}
}
