// Package golden is the machinery of the golden-hash tests, the promise
// "the same bits on every CPU, GOARCH and implementation of the kernels"
// written down as one number per table. It is imported only by the tests
// of packages kernels, gd, internal/lsq and linreg, and imports only the
// standard library (the tests of package kernels use it too).
//
// The pattern: a package's golden test runs a fixed list of cases, each
// named by a description and seeded from it (NewRNG), and writes one line
// per case, its description then its value (Hash, HashFields, or "=" and
// the bits of a single float64), under a header line. The table is
// committed as testdata/golden/table.txt (internal/lsq's engine test:
// engine-table.txt), and its SHA-256 beside it as golden.txt (engine.txt).
// A pass needs only the hash, which is why it is committed: the hash
// holds every machine to the machine that wrote it. The table is there
// for the failure, which Files.Diff turns into the count of differing
// lines, the first with its description and both values and, where the
// test can rerun the case, the first field and element that differ and
// whether the generic kernels on this machine agree with the golden value
// (if they do not, the Go arithmetic differs on this GOARCH or the files
// are stale). Every NaN is hashed as one NaN (Bits): the specification
// lets only a NaN's payload differ. Values are hashed little-endian
// explicitly, so that s390x hashes the same bytes.
//
// The flag -update-golden (Update) makes a golden test rewrite its table
// and hash with the generic kernels, the specification's own code. That
// is legitimate only when the arithmetic changes on purpose; a new case
// must add a line and leave the others alone. The commands:
//
//	go test ./kernels -run TestGolden -update-golden
//	go test ./gd -run '^TestGolden$' -update-golden
//	go test ./internal/lsq -run '^TestTSQRGolden$' -update-golden
//	go test ./internal/lsq -run '^TestEngineGolden$' -update-golden
//	go test ./linreg -run '^TestFitGolden$' -update-golden
//
// What goes in a table and how its data are generated stay in each
// package: only the table, hash, diff, flag and random source are here.
package golden

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update-golden", false,
	"rewrite testdata/golden with the generic kernels (only when the arithmetic changes on purpose; see package internal/golden)")

// Update reports whether the test runs with -update-golden.
func Update() bool { return *update }

// Dir is where the golden files are, relative to the package.
var Dir = filepath.Join("testdata", "golden")

// Files are a golden table and its hash.
type Files struct {
	Table, Hash string // paths of the table and of its SHA-256
	Header      string // the table's first line, with its "\n"; hashed with the rest
	Command     string // the command that rewrites both
}

// Table returns the table of cases: the header, then a line for each
// case, its description and its value.
func Table[C any](header string, cases []C, line func(C) (desc, value string)) string {
	var b strings.Builder
	b.WriteString(header)
	for _, c := range cases {
		desc, value := line(c)
		b.WriteString(desc + " " + value + "\n")
	}
	return b.String()
}

// Write writes table and its hash (for -update-golden).
func (f Files) Write(t testing.TB, table string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(f.Table), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.Table, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := Sum(table)
	if err := os.WriteFile(f.Hash, []byte(sum+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := strings.Count(table, "\n") - strings.Count(f.Header, "\n")
	t.Logf("wrote %s and %s with generic: %d cases, %s", f.Table, f.Hash, cases, sum)
}

// Want returns the committed hash.
func (f Files) Want(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(f.Hash)
	if err != nil {
		t.Fatalf("%v (write it with %s)", err, f.Command)
	}
	return strings.TrimSpace(string(raw))
}

// Check fails t unless table hashes to want, with what explain says of
// how table differs from the committed table.
func (f Files) Check(t testing.TB, want, table string, explain func(committed string) string) {
	t.Helper()
	got := Sum(table)
	if got == want {
		return
	}
	committed, err := os.ReadFile(f.Table)
	if err != nil {
		t.Fatalf("hash %s, want %s; %v", got, want, err)
	}
	// A checkout that turned \n into \r\n must still diff by line.
	t.Fatalf("hash %s, want %s (%s):\n%s", got, want, f.Hash, explain(strings.ReplaceAll(string(committed), "\r\n", "\n")))
}

// Sum is the SHA-256 of a table, in hex.
func Sum(table string) string {
	s := sha256.Sum256([]byte(table))
	return hex.EncodeToString(s[:])
}

// Mismatch is the first line in which two tables of the same cases
// differ in value.
type Mismatch struct {
	Line int    // its number, from 1
	Case int    // its case's index: Line − 1 − the header's lines
	Desc string // its case's description
	Want string // its value in the golden table
	Got  string // its value in the table computed
}

// Diff explains how the table got, computed with the kernels impl,
// differs from the table want: how many lines differ, and the first,
// with both values. When that line is the same case in both tables, it
// also returns the Mismatch, for the caller to rerun the case and add
// what differs in it (Generic, Fields, Floats).
func (f Files) Diff(want, got, impl string) (string, *Mismatch) {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	first, count := -1, 0
	for i := range max(len(wl), len(gl)) {
		if i >= len(wl) || i >= len(gl) || wl[i] != gl[i] {
			if first < 0 {
				first = i
			}
			count++
		}
	}
	if first < 0 {
		return fmt.Sprintf("%s matches these results but %s is not its hash: regenerate both with %s", f.Table, f.Hash, f.Command), nil
	}
	line := func(ls []string, i int) string {
		if i < len(ls) {
			return ls[i]
		}
		return "(none)"
	}
	split := func(l string) (desc, value string) {
		sp := strings.LastIndexByte(l, ' ')
		if sp < 0 {
			return l, "" // "(none)", or the empty line after the last
		}
		return l[:sp], l[sp+1:]
	}
	wantDesc, wantVal := split(line(wl, first))
	gotDesc, gotVal := split(line(gl, first))
	if wantDesc != gotDesc || wantVal == "" {
		return fmt.Sprintf("line %d of %s is not this test's case (the case list changed? a new case must only add a line):\n\twant %q\n\tgot  %q",
			first+1, f.Table, line(wl, first), line(gl, first)), nil
	}
	m := &Mismatch{Line: first + 1, Case: first - strings.Count(f.Header, "\n"), Desc: wantDesc, Want: wantVal, Got: gotVal}
	return fmt.Sprintf("%d lines of the table differ from %s; the first is line %d:\n\t%s\n\twant %s\n\tgot  %s with %s kernels on %s",
		count, f.Table, m.Line, m.Desc, m.Want, m.Got, impl, runtime.GOARCH), m
}

// Generic says what the generic kernels on this machine give for the
// case, ref being their value: "" if the golden value, else a note that
// ends the diagnosis (done) when generic gives the same as impl.
func (m *Mismatch) Generic(ref, impl string) (note string, done bool) {
	if ref == m.Want {
		return "", false
	}
	note = fmt.Sprintf("\n\tgeneric on this machine gives %s: the Go arithmetic differs on %s (a fused multiply-add?), or the golden files are stale",
		ref, runtime.GOARCH)
	if ref == m.Got {
		return note + "; generic gives the same as " + impl, true
	}
	return note, false
}

// notDeterministic ends a diagnosis that found no difference on a rerun.
const notDeterministic = "\n\t(no element differs on a second run: the result is not deterministic)"

// Floats names the first element in which out (computed as outLabel
// says) differs from ref (as refLabel says); name(i) names element i.
func (m *Mismatch) Floats(out, ref []float64, name func(i int) string, outLabel, refLabel string) string {
	for i := range min(len(out), len(ref)) {
		if Bits(out[i]) != Bits(ref[i]) {
			return fmt.Sprintf("\n\t%s is %s with %s, %s with %s", name(i), FormatBits(out[i]), outLabel, FormatBits(ref[i]), refLabel)
		}
	}
	if len(out) != len(ref) {
		return fmt.Sprintf("\n\t%d elements with %s, %d with %s", len(out), outLabel, len(ref), refLabel)
	}
	return notDeterministic
}

// Fields names the first field and element in which out (computed as
// outLabel says) differs from ref (as refLabel says).
func (m *Mismatch) Fields(out, ref []Field, outLabel, refLabel string) string {
	if d := FieldDiff(out, ref, outLabel, refLabel); d != "" {
		return "\n\t" + d
	}
	return notDeterministic
}

// Bits returns the bits of v with every NaN made the same NaN.
func Bits(v float64) uint64 {
	if math.IsNaN(v) {
		return 0x7ff8_0000_0000_0000
	}
	return math.Float64bits(v)
}

// FormatBits prints v with its bits, so that -0 and +0, or two NaNs, are
// told apart.
func FormatBits(v float64) string {
	return fmt.Sprintf("%v (%#016x)", v, math.Float64bits(v))
}

// Hash is a table's record of values: "#" and the first 16 hex digits
// of the SHA-256 of their bits (Bits), little-endian.
func Hash(v []float64) string {
	h := sha256.New()
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], Bits(x))
		h.Write(b[:])
	}
	return "#" + hex.EncodeToString(h.Sum(nil)[:8])
}

// Field is a named part of a result: values, or a text (an error, for
// instance).
type Field struct {
	Name string
	V    []float64
	Text string
}

// HashFields is a table's record of a result of fields: "#" and the
// first 16 hex digits of the SHA-256 of each field's name, text, length
// and values' bits (Bits), little-endian.
func HashFields(fields []Field) string {
	h := sha256.New()
	var b [8]byte
	for _, f := range fields {
		h.Write([]byte(f.Name + "\x00" + f.Text + "\x00"))
		binary.LittleEndian.PutUint64(b[:], uint64(len(f.V)))
		h.Write(b[:])
		for _, v := range f.V {
			binary.LittleEndian.PutUint64(b[:], Bits(v))
			h.Write(b[:])
		}
	}
	return "#" + hex.EncodeToString(h.Sum(nil)[:8])
}

// FieldDiff names the first field and element in which a (computed as
// as says) differs from b (as bs says), or returns "".
func FieldDiff(a, b []Field, as, bs string) string {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		switch {
		case x.Name != y.Name:
			return fmt.Sprintf("field %d is %q with %s, %q with %s", i, x.Name, as, y.Name, bs)
		case x.Text != y.Text:
			return fmt.Sprintf("%s is %q with %s, %q with %s", x.Name, x.Text, as, y.Text, bs)
		case len(x.V) != len(y.V):
			return fmt.Sprintf("%s has %d values with %s, %d with %s", x.Name, len(x.V), as, len(y.V), bs)
		}
		for j := range x.V {
			if Bits(x.V[j]) != Bits(y.V[j]) {
				return fmt.Sprintf("%s[%d] is %s with %s, %s with %s", x.Name, j, FormatBits(x.V[j]), as, FormatBits(y.V[j]), bs)
			}
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d fields with %s, %d with %s", len(a), as, len(b), bs)
	}
	return ""
}

// RNG is the golden data's random source: PCG, whose output is
// specified, seeded from a case's description, so that adding a case
// leaves the data, and the lines, of every other case alone. Only PCG's
// raw Uint64 is used, not methods whose algorithm a Go release could
// change, and every value is built from it by bit operations, never by
// float arithmetic that a compiler could round or fuse differently on
// another GOARCH.
type RNG struct{ p *rand.PCG }

// NewRNG returns the source of the case desc; stream tells apart the
// tables of different packages.
func NewRNG(desc string, stream uint64) RNG {
	h := fnv.New64a()
	h.Write([]byte(desc))
	return RNG{rand.NewPCG(h.Sum64(), stream)}
}

// Uint64 returns the next raw output.
func (r RNG) Uint64() uint64 { return r.p.Uint64() }

// Intn returns a value in 0…k−1.
func (r RNG) Intn(k int) int { return int(r.p.Uint64() % uint64(k)) }

// Normal returns a value of random sign and mantissa, exponent lo…hi.
func (r RNG) Normal(lo, hi int) float64 {
	e := uint64(lo + r.Intn(hi-lo+1) + 1023)
	b := r.p.Uint64()
	return math.Float64frombits(b&(1<<63) | e<<52 | b&(1<<52-1))
}

// Subnormal returns a nonzero subnormal of random sign.
func (r RNG) Subnormal() float64 {
	b := r.p.Uint64()
	return math.Float64frombits(b&(1<<63) | max(b&(1<<52-1), 1))
}

// LowBits returns v with its low b mantissa bits random: a relative
// change below 2^(b−52).
func (r RNG) LowBits(v float64, b int) float64 {
	mask := uint64(1)<<b - 1
	return math.Float64frombits(math.Float64bits(v)&^mask | r.p.Uint64()&mask)
}

// Nudge moves v by −2…2 units in the last place.
func (r RNG) Nudge(v float64) float64 {
	return math.Float64frombits(uint64(int64(math.Float64bits(v)) + int64(r.Intn(5)-2)))
}
