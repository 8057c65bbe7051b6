package kernels

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
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestGolden is the promise "same bits everywhere" as one number. Every
// kernel runs on a fixed list of cases, the same on every GOARCH, and the
// outputs of all cases hash to the value committed in testdata/golden.
// The bitwise tests compare implementations with generic on one machine;
// this test compares every machine with the one that wrote the golden
// files, so a generic kernel that a compiler fuses differently on s390x,
// or a NEON kernel that only runs on arm64, is caught too.
//
// testdata/golden/table.txt has one line per case: its description and
// its output, "=" and the 16 hex digits of the bits when the output is a
// single float64, else "#" and the first 16 hex digits of the SHA-256 of
// the output. golden.txt holds the SHA-256 of table.txt. A pass needs only
// the hash; the table is there to name the first case that differs.
//
// Every NaN is hashed as one canonical NaN: the specification lets only the
// payload of a NaN differ, and x86 and arm64 do pick different payloads.
// Everything else, the sign of a zero included, must match bit for bit.

// -update-golden rewrites testdata/golden from the generic implementation.
// That is legitimate only when the canonical order itself changes (see
// the package doc of kernels/generic): a vector kernel that disagrees
// with the golden value is wrong, and a new kernel or case list changes
// the table but must not change the lines of existing cases.
var updateGolden = flag.Bool("update-golden", false,
	"rewrite kernels/testdata/golden from the generic kernels (only when the canonical order changes)")

var (
	goldenDir   = filepath.Join("testdata", "golden")
	goldenTable = filepath.Join(goldenDir, "table.txt")
	goldenHash  = filepath.Join(goldenDir, "golden.txt")
)

// goldenHeader is the first line of the table, hashed with the rest.
const goldenHeader = "# lanes golden table: case, then =bits of a single result or #sha256[:8] of the output; NaN canonical\n"

// goldenCase is one input. run builds the input afresh (kernels write
// their output in place) and returns the output.
type goldenCase struct {
	desc string
	run  func(im *implementation) []float64
}

func TestGolden(t *testing.T) {
	cases := goldenAllCases()
	if *updateGolden {
		// Written from generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		table := goldenTableOf(cases, lookup(Generic))
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenTable, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenHash, []byte(goldenSum(table)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s and %s from generic: %d cases, %s", goldenTable, goldenHash, len(cases), goldenSum(table))
	}
	raw, err := os.ReadFile(goldenHash)
	if err != nil {
		t.Fatalf("%v (write it with go test ./kernels -run TestGolden -update-golden)", err)
	}
	want := strings.TrimSpace(string(raw))
	forEachImpl(t, func(t *testing.T, im *implementation) {
		table := goldenTableOf(cases, im)
		if got := goldenSum(table); got != want {
			wantTable, err := os.ReadFile(goldenTable)
			if err != nil {
				t.Fatalf("hash %s, want %s; %v", got, want, err)
			}
			// A checkout that turned \n into \r\n must still diff by line.
			diff := goldenDiff(cases, strings.ReplaceAll(string(wantTable), "\r\n", "\n"), table, im)
			t.Fatalf("hash %s, want %s (%s):\n%s", got, want, goldenHash, diff)
		}
	})
}

// TestGoldenDiagnosis proves the golden test can fail and says where:
// broken implementations must be reported at their first wrong case.
func TestGoldenDiagnosis(t *testing.T) {
	gen := lookup(Generic)
	for _, c := range []struct {
		kernel  string
		breakIt func(im *implementation)
		want    []string
	}{
		{"Dot", func(im *implementation) {
			im.dot = func(x, y []float64) float64 {
				r := gen.dot(x, y)
				if len(x) == 37 {
					r = math.Nextafter(r, math.Inf(1))
				}
				return r
			}
		}, []string{"Dot n=37 off=", " random\n", "\twant ", "\tgot  ", "(0x", "on broken/"}},
		{"Axpy", func(im *implementation) {
			im.axpy = func(a float64, x, y []float64) {
				if n := len(x); n%8 == 5 {
					x, y = x[:n-1], y[:n-1] // forgets the tail's last element
				}
				gen.axpy(a, x, y)
			}
		}, []string{"Axpy n=5 off=", "element [4]", "generic gives"}},
	} {
		t.Run(c.kernel, func(t *testing.T) {
			cases := kernelByName(c.kernel).golden(c.kernel)
			bad := *gen
			bad.name = "broken"
			c.breakIt(&bad)
			msg := goldenDiff(cases, goldenTableOf(cases, gen), goldenTableOf(cases, &bad), &bad)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("diagnosis does not contain %q:\n%s", w, msg)
				}
			}
			t.Logf("caught:\n%s", msg)
		})
	}
}

// goldenAllCases returns the cases of every kernel of kernelTests, in the
// order of the table. Cases call the implementation's functions, so that
// the diagnosis test can feed a broken one; for a registered
// implementation they are exactly what the exported kernels run.
func goldenAllCases() []goldenCase {
	var all []goldenCase
	for _, k := range kernelTests {
		all = append(all, k.golden(k.name)...)
	}
	return all
}

// golden returns the cases of a vector kernel (goldenVec).
func (v *vecTest) golden(name string) []goldenCase {
	return goldenVec(v.inputs, v.scalar == alphaScalar, v.output)(name)
}

// golden returns the cases of GemvN or GemvT (goldenGemv).
func (g *gemvTest) golden(name string) []goldenCase {
	return goldenGemv(g.trans, g.run)(name)
}

// golden returns the cases of LossGrad (goldenLossGrad).
func (l *lossGradTest) golden(name string) []goldenCase {
	return goldenLossGrad(l, name)
}

// goldenTableOf runs every case on im and returns the table.
func goldenTableOf(cases []goldenCase, im *implementation) string {
	var b strings.Builder
	b.WriteString(goldenHeader)
	for _, c := range cases {
		b.WriteString(c.desc + " " + goldenValue(c.run(im)) + "\n")
	}
	return b.String()
}

func goldenSum(table string) string {
	s := sha256.Sum256([]byte(table))
	return hex.EncodeToString(s[:])
}

// goldenBits returns the bits of v with every NaN made the same NaN.
func goldenBits(v float64) uint64 {
	if math.IsNaN(v) {
		return 0x7ff8_0000_0000_0000
	}
	return math.Float64bits(v)
}

// goldenValue is the table's record of one output. Little-endian
// explicitly, so that s390x hashes the same bytes.
func goldenValue(out []float64) string {
	if len(out) == 1 {
		return fmt.Sprintf("=%016x", goldenBits(out[0]))
	}
	h := sha256.New()
	var b [8]byte
	for _, v := range out {
		binary.LittleEndian.PutUint64(b[:], goldenBits(v))
		h.Write(b[:])
	}
	return "#" + hex.EncodeToString(h.Sum(nil)[:8])
}

// goldenDiff explains how table got differs from table want: the first
// differing case, with expected and actual bits where it can.
func goldenDiff(cases []goldenCase, want, got string, im *implementation) string {
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
		return "table.txt matches this implementation but golden.txt is not its hash: regenerate both with -update-golden"
	}
	line := func(ls []string, i int) string {
		if i < len(ls) {
			return ls[i]
		}
		return "(none)"
	}
	k := first - strings.Count(goldenHeader, "\n") // case index
	wl0 := line(wl, first)
	sp := max(strings.LastIndexByte(wl0, ' '), 0)
	wantDesc, wantVal := wl0[:sp], wl0[sp+1:]
	if k < 0 || k >= len(cases) || wantDesc != cases[k].desc || wantVal == "" {
		return fmt.Sprintf("line %d of %s is not this test's case (the case list changed? after adding cases, -update-golden must only add lines):\n\twant %q\n\tgot  %q",
			first+1, goldenTable, wl0, line(gl, first))
	}
	c := cases[k]
	out := c.run(im)
	head := fmt.Sprintf("%d lines of the table differ from %s; the first is line %d:\n\t%s\n", count, goldenTable, first+1, c.desc)
	if wantVal[0] == '=' && len(out) == 1 {
		bits, err := strconv.ParseUint(wantVal[1:], 16, 64)
		if err == nil {
			return head + fmt.Sprintf("\twant %s\n\tgot  %s on %s/%s",
				fmtBits(math.Float64frombits(bits)), fmtBits(out[0]), im.name, runtime.GOARCH)
		}
	}
	// A hashed output: the golden has no values, but generic on this
	// machine can supply them when it agrees with the golden.
	ref := c.run(lookup(Generic))
	msg := head + fmt.Sprintf("\toutput hash want %s, got %s on %s/%s\n", wantVal, goldenValue(out), im.name, runtime.GOARCH)
	if goldenValue(ref) != wantVal {
		msg += fmt.Sprintf("\tgeneric on this machine gives %s: the golden files are stale or generic is wrong on %s", goldenValue(ref), runtime.GOARCH)
		for i := range min(len(out), 4) {
			msg += fmt.Sprintf("\n\tgot [%d] = %s", i, fmtBits(out[i]))
		}
		return msg
	}
	for i := range out {
		if goldenBits(out[i]) != goldenBits(ref[i]) {
			return msg + fmt.Sprintf("\tfirst differing element [%d]: generic gives %s, %s gives %s", i, fmtBits(ref[i]), im.name, fmtBits(out[i]))
		}
	}
	return msg + "\t(no element differs on a second run: the result is not deterministic)"
}

// The inputs. Every value is built from the integer output of PCG by bit
// operations alone, never by float arithmetic, so that no compiler can
// round or fuse it differently on another GOARCH. Each case seeds its own
// generator from its description, so adding a case or kernel leaves the
// data, and the table lines, of every other case alone.

var goldenLengths = func() []int {
	var ns []int
	for n := 0; n <= 70; n++ { // every tail of every vector width, twice
		ns = append(ns, n)
	}
	return append(ns, 127, 128, 129, 255, 256, 257, 1000)
}()

var goldenClasses = []string{"random", "cancel", "special", "tiny", "huge"}

// goldenAlphas are the scalars of Axpy and Scal. 13 is prime to the 10
// cases per length, so every alpha meets every class and offset.
var goldenAlphas = []float64{
	0, math.Copysign(0, -1), 1, -1,
	math.NaN(), math.Inf(1), math.Inf(-1),
	math.SmallestNonzeroFloat64, -0x1p-1030, // subnormals
	0x1p-600, 0x1p600, 0.7390851332151607, -1.4142135623730951,
}

// goldenSpecials are mixed into the "special" class.
var goldenSpecials = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1),
	math.Float64frombits(0x7ff8_0000_0000_0001), // quiet NaN with a payload
	math.Float64frombits(0xfff8_0000_0000_0000), // x86's default NaN
	math.Float64frombits(0x7ff0_0000_0000_0001), // signalling NaN
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	math.Float64frombits(0x000f_ffff_ffff_ffff), // largest subnormal
	math.Float64frombits(0x0010_0000_0000_0000), // smallest normal
	math.MaxFloat64, -math.MaxFloat64, 1, -1,
}

// goldenVec returns the cases of a vector kernel: every length and class,
// each at two placements, so that every length meets every x offset
// 0…3 and many relative offsets of y. f gets x and y placed and returns
// the output; inputs is 1 for kernels of x alone.
func goldenVec(inputs int, withAlpha bool, f func(im *implementation, alpha float64, x, y []float64) []float64) func(string) []goldenCase {
	return func(name string) []goldenCase {
		var cases []goldenCase
		for _, n := range goldenLengths {
			for c, class := range goldenClasses {
				for k := range 2 {
					offX := (n + c + 2*k) % 4
					offY := (offX + c + k) % 4
					desc := fmt.Sprintf("%s n=%d off=%d", name, n, offX)
					if inputs == 2 {
						desc += fmt.Sprintf(",%d", offY)
					}
					desc += " " + class
					alpha := 0.0
					if withAlpha {
						alpha = goldenAlphas[(n*10+c*2+k)%len(goldenAlphas)]
						desc += " a=" + strconv.FormatFloat(alpha, 'g', -1, 64)
					}
					cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
						xs, ys := goldenFill(goldenRand(desc), c, n)
						return f(im, alpha, goldenPlace(xs, offX), goldenPlace(ys, offY))
					}})
				}
			}
		}
		return cases
	}
}

// goldenGemv returns the cases of a gemv kernel: every m×n of a set of
// sizes around block boundaries, every class, rows padded (lda > n) in
// half of them, a, x and y at different offsets. Row padding holds NaN
// and y starts as NaN, so reading padding or accumulating into y shows.
func goldenGemv(trans bool, f func(im *implementation, m, n int, a []float64, lda int, x, y []float64)) func(string) []goldenCase {
	dims := []int{0, 1, 2, 3, 5, 8, 17, 33, 64}
	return func(name string) []goldenCase {
		var cases []goldenCase
		for i, m := range dims {
			for j, n := range dims {
				for c, class := range goldenClasses {
					lda := max(1, n) + 3*((i+j+c)%2)
					off := (i + j + c) % 4
					desc := fmt.Sprintf("%s %dx%d lda=%d off=%d,%d,%d %s", name, m, n, lda, off, (off+1)%4, (off+2)%4, class)
					cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
						xLen, yLen := n, m
						if trans {
							xLen, yLen = m, n
						}
						as, xs := goldenFill(goldenRand(desc), c, max(m*n, xLen))
						aLen := 0
						if m > 0 {
							aLen = (m-1)*lda + n
						}
						a := make([]float64, aLen)
						for r := range a {
							a[r] = math.NaN() // padding
						}
						for r := range m {
							copy(a[r*lda:r*lda+n], as[r*n:])
						}
						y := make([]float64, yLen)
						for r := range y {
							y[r] = math.NaN()
						}
						y = goldenPlace(y, (off+2)%4)
						f(im, m, n, goldenPlace(a, off), lda, goldenPlace(xs[:xLen], (off+1)%4), y)
						return y
					}})
				}
			}
		}
		return cases
	}
}

// goldenLossGrad returns the cases of LossGrad: the gemv shapes and
// classes, with w, y and c from the same generator; the output is g, then
// ssr and sr.
func goldenLossGrad(l *lossGradTest, name string) []goldenCase {
	dims := []int{0, 1, 2, 3, 5, 8, 17, 33, 64}
	var cases []goldenCase
	for i, m := range dims {
		for j, n := range dims {
			for c, class := range goldenClasses {
				lda := max(1, n) + 3*((i+j+c)%2)
				off := (i + j + c) % 4
				desc := fmt.Sprintf("%s %dx%d lda=%d off=%d %s", name, m, n, lda, off, class)
				cases = append(cases, goldenCase{desc, func(im *implementation) []float64 {
					as, ws := goldenFill(goldenRand(desc), c, max(m*n, n+m+1))
					aLen := 0
					if m > 0 {
						aLen = (m-1)*lda + n
					}
					a := make([]float64, aLen)
					for r := range a {
						a[r] = math.NaN() // padding
					}
					for r := range m {
						copy(a[r*lda:r*lda+n], as[r*n:])
					}
					g := make([]float64, n)
					for r := range g {
						g[r] = math.NaN() // garbage to overwrite
					}
					g = goldenPlace(g, (off+3)%4)
					ssr, sr := l.run(im, m, n, goldenPlace(a, off), lda, goldenPlace(ws[:n], (off+1)%4), ws[n],
						goldenPlace(ws[n+1:n+1+m], (off+2)%4), g)
					return append(g, ssr, sr)
				}})
			}
		}
	}
	return cases
}

// goldenPlace copies v to a new slice that starts off elements after a
// 64-byte boundary.
func goldenPlace(v []float64, off int) []float64 {
	buf := make([]float64, len(v)+off+8)
	s := 0
	for uintptr(unsafe.Pointer(&buf[s]))%64 != 0 {
		s++
	}
	p := buf[s+off : s+off+len(v) : s+off+len(v)]
	copy(p, v)
	return p
}

// goldenRNG draws from PCG, whose output is specified; only its raw
// Uint64 is used, not methods whose algorithm a Go release could change.
type goldenRNG struct{ p *rand.PCG }

func goldenRand(desc string) goldenRNG {
	h := fnv.New64a()
	h.Write([]byte(desc))
	return goldenRNG{rand.NewPCG(h.Sum64(), 0x6c616e6573)}
}

func (r goldenRNG) intn(k int) int { return int(r.p.Uint64() % uint64(k)) }

// normal returns a value of random sign and mantissa, exponent lo…hi.
func (r goldenRNG) normal(lo, hi int) float64 {
	e := uint64(lo + r.intn(hi-lo+1) + 1023)
	b := r.p.Uint64()
	return math.Float64frombits(b&(1<<63) | e<<52 | b&(1<<52-1))
}

// subnormal returns a nonzero subnormal of random sign.
func (r goldenRNG) subnormal() float64 {
	b := r.p.Uint64()
	return math.Float64frombits(b&(1<<63) | max(b&(1<<52-1), 1))
}

// nudge moves v by −2…2 units in the last place.
func (r goldenRNG) nudge(v float64) float64 {
	return math.Float64frombits(uint64(int64(math.Float64bits(v)) + int64(r.intn(5)-2)))
}

func goldenNeg(v float64) float64 { return math.Float64frombits(math.Float64bits(v) ^ 1<<63) }
func goldenAbs(v float64) float64 { return math.Float64frombits(math.Float64bits(v) &^ (1 << 63)) }

// goldenFill returns x and y of length n for class c of goldenClasses.
func goldenFill(r goldenRNG, c, n int) (x, y []float64) {
	x, y = make([]float64, n), make([]float64, n)
	switch goldenClasses[c] {
	case "random": // every addition rounds: any change of order shows
		for i := range x {
			x[i], y[i] = r.normal(-30, 30), r.normal(-30, 30)
		}
	case "cancel": // results made of rounding errors, in a lane and across lanes
		for i := range x {
			switch k := r.intn(8); {
			case k < 2 && i >= 1: // cancels its neighbour, in another lane
				x[i], y[i] = goldenNeg(r.nudge(x[i-1])), y[i-1]
			case k < 4 && i >= 32: // cancels the element one block back, same lane
				x[i], y[i] = goldenNeg(r.nudge(x[i-32])), y[i-32]
			case k == 4: // huge beside tiny
				x[i], y[i] = r.normal(40, 59), goldenAbs(r.normal(0, 0))
			case k == 5:
				x[i], y[i] = r.normal(-49, -30), goldenAbs(r.normal(0, 0))
			case k == 6: // x−y cancels
				x[i] = r.normal(-30, 30)
				y[i] = r.nudge(x[i])
			default:
				x[i], y[i] = r.normal(-30, 30), r.normal(-30, 30)
			}
		}
	case "special": // ±0, ±Inf, NaNs, subnormals, ±Max at one in 2 to one in 32
		d := [...]int{2, 3, 8, 32}[r.intn(4)]
		for i := range x {
			x[i], y[i] = r.normal(-30, 30), r.normal(-30, 30)
			if r.intn(d) == 0 {
				x[i] = goldenSpecials[r.intn(len(goldenSpecials))]
			}
			if r.intn(d) == 0 {
				y[i] = goldenSpecials[r.intn(len(goldenSpecials))]
			}
		}
	case "tiny": // signed zeros, subnormals, products that underflow
		mode := r.intn(5)
		for i := range x {
			m := mode
			if m == 4 {
				m = r.intn(4)
			}
			switch m {
			case 0: // only −0: every lane −0, the result must be +0
				x[i], y[i] = math.Copysign(0, -1), math.Copysign(0, -1)
			case 1:
				x[i], y[i] = r.tiny(), r.tiny()
			case 2: // products around the subnormal range
				x[i], y[i] = r.normal(-560, -520), r.normal(-560, -520)
			case 3: // negative products that underflow to −0
				x[i], y[i] = goldenNeg(goldenAbs(r.normal(-620, -580))), goldenAbs(r.normal(-620, -580))
			}
		}
	case "huge": // sums and products overflow; Inf−Inf makes NaN midway
		for i := range x {
			x[i] = r.normal(1000, 1023)
			if r.intn(16) == 0 {
				x[i] = math.Copysign(math.MaxFloat64, x[i])
			}
			y[i] = r.normal(-1, 2)
			if r.intn(4) == 0 {
				y[i] = goldenNeg(x[i]) // x−y overflows in SumSqDiff
			}
		}
	}
	return x, y
}

// tiny returns a signed zero, a subnormal or a value near the smallest
// normal.
func (r goldenRNG) tiny() float64 {
	switch r.intn(3) {
	case 0:
		return math.Float64frombits(r.p.Uint64() & (1 << 63)) // ±0
	case 1:
		return r.subnormal()
	}
	return r.normal(-1022, -1019)
}
