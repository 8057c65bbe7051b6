package main

import (
	"strings"
	"testing"
)

// TestPlotFlag: fit refuses a --plot that is neither .svg nor .png
// (case-insensitive) before any work, as a usage error that says so.
func TestPlotFlag(t *testing.T) {
	check := func(plot string) error {
		_, err := fitOptions{data: "d.csv", method: "gd", lr: "auto", batch: 32, releasePages: "auto", plot: plot}.check()
		return err
	}
	for _, p := range []string{"loss.svg", "loss.png", "out/LOSS.SVG", "a.b.Png", "/tmp/x.svg"} {
		if err := check(p); err != nil {
			t.Errorf("--plot %q: %v", p, err)
		}
	}
	for _, p := range []string{"loss", "loss.pdf", "loss.svg.txt", "svg", "loss.jpg", "png/loss"} {
		err := check(p)
		if err == nil {
			t.Errorf("--plot %q: no error", p)
			continue
		}
		if !isUsage(err) || !strings.Contains(err.Error(), ".svg or .png") || !strings.Contains(err.Error(), p) {
			t.Errorf("--plot %q: %v, want a usage error naming it and .svg or .png", p, err)
		}
	}
}
