package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// registerTriples are the (d, n, m) operands every table entry is checked
// with: each field alone at every bit position, all fields at once, and a
// few mixtures, so a field in the wrong place cannot pass.
func registerTriples() [][3]int {
	t := [][3]int{{0, 0, 0}, {31, 31, 31}, {1, 2, 3}, {30, 17, 4}, {5, 29, 18}}
	for b := 0; b < 5; b++ {
		r := 1 << b
		t = append(t, [3]int{r, 0, 0}, [3]int{0, r, 0}, [3]int{0, 0, r})
	}
	return t
}

type encodedCase struct {
	word uint32
	want string
}

func encodedCases() []encodedCase {
	var cs []encodedCase
	for _, e := range encodings {
		for _, r := range registerTriples() {
			if e.form == pairScalar && r[2] != 0 {
				continue // no m field
			}
			cs = append(cs, encodedCase{e.encode(r[0], r[1], r[2]), e.text(r[0], r[1], r[2])})
		}
	}
	return cs
}

var spaces = regexp.MustCompile(`[\s,]+`)

// normalize makes two disassemblies comparable: lower case, one space
// between fields, no commas.
func normalize(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(strings.ToLower(s), " "))
}

func TestEncodingsArm64asm(t *testing.T) {
	for _, c := range encodedCases() {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], c.word)
		inst, err := arm64asm.Decode(b[:])
		if err != nil {
			t.Errorf("%#08x (%s): arm64asm cannot decode it: %v", c.word, c.want, err)
			continue
		}
		if got := arm64asm.GNUSyntax(inst); normalize(got) != normalize(c.want) {
			t.Errorf("%#08x: arm64asm decodes %q, the table says %q", c.word, got, c.want)
		}
	}
}

// TestEncodingsObjdump disassembles every word with binutils. It skips
// when aarch64-linux-gnu-objdump (Debian's binutils-aarch64-linux-gnu) is
// not installed, unless LANES_REQUIRE_OBJDUMP is set, as it is in CI.
func TestEncodingsObjdump(t *testing.T) {
	objdump, err := exec.LookPath("aarch64-linux-gnu-objdump")
	if err != nil {
		if os.Getenv("LANES_REQUIRE_OBJDUMP") != "" {
			t.Fatalf("LANES_REQUIRE_OBJDUMP is set but aarch64-linux-gnu-objdump is missing: %v", err)
		}
		t.Skip("aarch64-linux-gnu-objdump not installed (apt-get install binutils-aarch64-linux-gnu)")
	}
	cases := encodedCases()
	var blob bytes.Buffer
	for _, c := range cases {
		binary.Write(&blob, binary.LittleEndian, c.word)
	}
	bin := filepath.Join(t.TempDir(), "words.bin")
	if err := os.WriteFile(bin, blob.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-m", "aarch64", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", objdump, err, out)
	}
	// Lines look like "   4:\t4e60d400 \tfadd\tv0.2d, v0.2d, v0.2d".
	line := regexp.MustCompile(`^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$`)
	got := map[uint32]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var w uint32
		for _, h := range m[2] {
			w = w<<4 | uint32(strings.IndexRune("0123456789abcdef", h))
		}
		got[w] = m[3]
	}
	for _, c := range cases {
		g, ok := got[c.word]
		if !ok {
			t.Errorf("%#08x (%s): missing from objdump output", c.word, c.want)
			continue
		}
		if normalize(g) != normalize(c.want) {
			t.Errorf("%#08x: objdump says %q, the table says %q", c.word, g, c.want)
		}
	}
}
