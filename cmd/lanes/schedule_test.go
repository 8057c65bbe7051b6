package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gd"
)

// TestParseScheduleFlag checks what the flag adds to gd.ParseSchedule,
// whose own tests check the syntax: the messages name --schedule and its
// spec, say --lr where it would give the base rate, and are usage errors.
func TestParseScheduleFlag(t *testing.T) {
	if s, err := parseSchedule("cosine:min=1e-4", 0.1, 500); err != nil || s != (gd.Cosine{Base: 0.1, Min: 1e-4, Total: 500}) {
		t.Errorf("parseSchedule: %#v, %v", s, err)
	}
	for _, c := range []struct {
		spec  string
		base  float64
		total int
		want  string
	}{
		{"linear", 0.1, 100, `--schedule "linear": unknown schedule "linear" (valid: constant, warmup-linear, step, exponential, inverse-scaling, cosine)`},
		{"cosine:total=x", 0.1, 100, `--schedule "cosine:total=x": total=x: not an integer`},
		{"cosine:min=1", 0.1, 100, `--schedule "cosine:min=1": min (1) > base (0.1)`},
		{"constant", 0, 100, `--schedule "constant" needs a base rate: give --lr X or base=X`},
		{"cosine:total=10", 0, 0, `--schedule "cosine:total=10" needs a base rate: give --lr X or base=X`},
		{"inverse-scaling", 0, 0, `--schedule "inverse-scaling" needs a base rate: give --lr X or eta0=X`},
	} {
		_, err := parseSchedule(c.spec, c.base, c.total)
		if err == nil || err.Error() != c.want {
			t.Errorf("parseSchedule(%q, %v, %d): %v, want %s", c.spec, c.base, c.total, err, c.want)
		}
		if !isUsage(err) {
			t.Errorf("parseSchedule(%q): %v is not a usage error", c.spec, err)
		}
	}
}

// scheduleKeys returns the schedules gd.ParseSchedule knows and, by name,
// their keys, as its errors list them.
func scheduleKeys(t *testing.T) map[string][]string {
	t.Helper()
	list := func(spec, prefix string) []string {
		_, err := gd.ParseSchedule(spec, 0.1, 100)
		var se *gd.ScheduleSpecError
		if !errors.As(err, &se) {
			t.Fatalf("ParseSchedule(%q): %v", spec, err)
		}
		_, l, ok := strings.Cut(se.Msg, prefix)
		if !ok || !strings.HasSuffix(l, ")") {
			t.Fatalf("ParseSchedule(%q): %q does not list them after %q", spec, se.Msg, prefix)
		}
		return strings.Split(strings.TrimSuffix(l, ")"), ", ")
	}
	keys := map[string][]string{}
	for _, name := range list("", "(valid: ") {
		keys[name] = list(name+":?=1", "(its keys: ")
	}
	return keys
}

// TestScheduleHelp checks that the help names every schedule and every
// key, and stays short.
func TestScheduleHelp(t *testing.T) {
	kinds := scheduleKeys(t)
	if len(kinds) < 6 {
		t.Fatalf("only %d schedules: %v", len(kinds), kinds)
	}
	for name, keys := range kinds {
		i := strings.Index(scheduleHelp, "\n  "+name+" ")
		if i < 0 {
			t.Errorf("scheduleHelp does not document %s", name)
			continue
		}
		line := scheduleHelp[i+1:]
		line = line[:strings.Index(line, "\n")]
		// A key is named as a word of its own, or before an =.
		words := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(" ():", r) })
		for _, key := range keys {
			if !slices.ContainsFunc(words, func(w string) bool { return w == key || strings.HasPrefix(w, key+"=") }) {
				t.Errorf("scheduleHelp's line of %s does not name its key %s: %q", name, key, line)
			}
		}
	}
	examples := strings.Fields(scheduleHelp[strings.Index(scheduleHelp, "Examples:"):])
	n := 0
	for i, f := range examples {
		if f == "--schedule" {
			n++
			if _, err := parseSchedule(examples[i+1], 0.1, 1000); err != nil {
				t.Errorf("scheduleHelp's example: %v", err)
			}
		}
	}
	if n < 3 {
		t.Errorf("scheduleHelp has %d examples", n)
	}
	if !strings.Contains(scheduleHelp, "gd.ParseSchedule") {
		t.Error("scheduleHelp does not point to gd.ParseSchedule")
	}
	if n := strings.Count(scheduleHelp, "\n"); n > 16 {
		t.Errorf("scheduleHelp has %d lines", n)
	}
	for _, line := range strings.Split(scheduleHelp, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("scheduleHelp line of %d characters: %q", n, line)
		}
	}
}
