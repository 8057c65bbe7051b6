package main

import (
	"fmt"
	"regexp"
	"strings"
)

// reserved matches the general registers Go's arm64 ABI reserves: R18 (the
// platform register), R26 (closure context), R27 (the linker's temporary),
// R28 (g), R29 (frame pointer) and R30 (link register), and the names
// RSP, g and LR. A kernel that wrote one would corrupt its caller or the
// runtime, so check refuses any mention of them.
var reserved = regexp.MustCompile(`\b(R18|R2[6-9]|R30|RSP|g|LR)\b`)

// check inspects the body of one generated function: no reserved
// register, and a RET as the last instruction so no path falls off the
// end into the next function.
func check(sym, body string) error {
	lines := strings.Split(strings.TrimSpace(body), "\n")
	for i, l := range lines {
		code, _, _ := strings.Cut(l, "//")
		if reserved.MatchString(code) {
			return fmt.Errorf("neon: %s line %d uses a reserved register: %s", sym, i+1, strings.TrimSpace(l))
		}
	}
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "RET" {
		return fmt.Errorf("neon: %s ends with %q, not RET", sym, last)
	}
	return nil
}
