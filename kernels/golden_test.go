package kernels

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/lanes-go/lanes/internal/golden"
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

// -update-golden (package internal/golden) rewrites testdata/golden from
// the generic implementation. That is legitimate only when the canonical
// order itself changes (see the package doc of kernels/generic): a vector
// kernel that disagrees with the golden value is wrong, and a new kernel
// or case list changes the table but must not change the lines of
// existing cases.
var goldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "table.txt"),
	Hash:    filepath.Join(golden.Dir, "golden.txt"),
	Header:  "# lanes golden table: case, then =bits of a single result or #sha256[:8] of the output; NaN canonical\n",
	Command: "go test ./kernels -run TestGolden -update-golden",
}

// goldenCase is one input. run builds the input afresh (kernels write
// their output in place) and returns the output.
type goldenCase struct {
	desc string
	run  func(im *implementation) []float64
}

func TestGolden(t *testing.T) {
	cases := goldenAllCases()
	if golden.Update() {
		// Written from generic whatever LANES_KERNELS or the CPU says:
		// the reference is the specification's own code.
		goldenFiles.Write(t, goldenTableOf(cases, lookup(Generic)))
	}
	want := goldenFiles.Want(t)
	forEachImpl(t, func(t *testing.T, im *implementation) {
		table := goldenTableOf(cases, im)
		goldenFiles.Check(t, want, table, func(committed string) string {
			return goldenDiff(cases, committed, table, im)
		})
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
		}, []string{"Dot n=37 off=", " random\n", "\twant ", "\tgot  ", "(0x", "with broken kernels on "}},
		{"Axpy", func(im *implementation) {
			im.axpy = func(a float64, x, y []float64) {
				if n := len(x); n%8 == 5 {
					x, y = x[:n-1], y[:n-1] // forgets the tail's last element
				}
				gen.axpy(a, x, y)
			}
		}, []string{"Axpy n=5 off=", "element [4] is ", "with generic"}},
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
	return golden.Table(goldenFiles.Header, cases, func(c goldenCase) (string, string) {
		return c.desc, goldenValue(c.run(im))
	})
}

// goldenValue is the table's record of one output: "=" and its bits if
// it is a single value, else its golden.Hash.
func goldenValue(out []float64) string {
	if len(out) == 1 {
		return fmt.Sprintf("=%016x", golden.Bits(out[0]))
	}
	return golden.Hash(out)
}

// goldenDiff explains how table got differs from table want: the first
// differing case, with expected and actual values where it can.
func goldenDiff(cases []goldenCase, want, got string, im *implementation) string {
	msg, m := goldenFiles.Diff(want, got, im.name)
	if m == nil || m.Case < 0 || m.Case >= len(cases) {
		return msg
	}
	c := cases[m.Case]
	out := c.run(im)
	if m.Want[0] == '=' && len(out) == 1 {
		bits, err := strconv.ParseUint(m.Want[1:], 16, 64)
		if err == nil {
			return msg + fmt.Sprintf("\n\tthat is, want %s, got %s", fmtBits(math.Float64frombits(bits)), fmtBits(out[0]))
		}
	}
	// A hashed output: the golden has no values, but generic on this
	// machine can supply them when it agrees with the golden.
	ref := c.run(lookup(Generic))
	note, done := m.Generic(goldenValue(ref), im.name)
	if done {
		return msg + note
	}
	return msg + note + m.Floats(out, ref, func(i int) string { return fmt.Sprintf("element [%d]", i) }, im.name, "generic")
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

// goldenRand returns the source of the case desc.
func goldenRand(desc string) golden.RNG { return golden.NewRNG(desc, 0x6c616e6573) }

func goldenNeg(v float64) float64 { return math.Float64frombits(math.Float64bits(v) ^ 1<<63) }
func goldenAbs(v float64) float64 { return math.Float64frombits(math.Float64bits(v) &^ (1 << 63)) }

// goldenFill returns x and y of length n for class c of goldenClasses.
func goldenFill(r golden.RNG, c, n int) (x, y []float64) {
	x, y = make([]float64, n), make([]float64, n)
	switch goldenClasses[c] {
	case "random": // every addition rounds: any change of order shows
		for i := range x {
			x[i], y[i] = r.Normal(-30, 30), r.Normal(-30, 30)
		}
	case "cancel": // results made of rounding errors, in a lane and across lanes
		for i := range x {
			switch k := r.Intn(8); {
			case k < 2 && i >= 1: // cancels its neighbour, in another lane
				x[i], y[i] = goldenNeg(r.Nudge(x[i-1])), y[i-1]
			case k < 4 && i >= 32: // cancels the element one block back, same lane
				x[i], y[i] = goldenNeg(r.Nudge(x[i-32])), y[i-32]
			case k == 4: // huge beside tiny
				x[i], y[i] = r.Normal(40, 59), goldenAbs(r.Normal(0, 0))
			case k == 5:
				x[i], y[i] = r.Normal(-49, -30), goldenAbs(r.Normal(0, 0))
			case k == 6: // x−y cancels
				x[i] = r.Normal(-30, 30)
				y[i] = r.Nudge(x[i])
			default:
				x[i], y[i] = r.Normal(-30, 30), r.Normal(-30, 30)
			}
		}
	case "special": // ±0, ±Inf, NaNs, subnormals, ±Max at one in 2 to one in 32
		d := [...]int{2, 3, 8, 32}[r.Intn(4)]
		for i := range x {
			x[i], y[i] = r.Normal(-30, 30), r.Normal(-30, 30)
			if r.Intn(d) == 0 {
				x[i] = goldenSpecials[r.Intn(len(goldenSpecials))]
			}
			if r.Intn(d) == 0 {
				y[i] = goldenSpecials[r.Intn(len(goldenSpecials))]
			}
		}
	case "tiny": // signed zeros, subnormals, products that underflow
		mode := r.Intn(5)
		for i := range x {
			m := mode
			if m == 4 {
				m = r.Intn(4)
			}
			switch m {
			case 0: // only −0: every lane −0, the result must be +0
				x[i], y[i] = math.Copysign(0, -1), math.Copysign(0, -1)
			case 1:
				x[i], y[i] = goldenTiny(r), goldenTiny(r)
			case 2: // products around the subnormal range
				x[i], y[i] = r.Normal(-560, -520), r.Normal(-560, -520)
			case 3: // negative products that underflow to −0
				x[i], y[i] = goldenNeg(goldenAbs(r.Normal(-620, -580))), goldenAbs(r.Normal(-620, -580))
			}
		}
	case "huge": // sums and products overflow; Inf−Inf makes NaN midway
		for i := range x {
			x[i] = r.Normal(1000, 1023)
			if r.Intn(16) == 0 {
				x[i] = math.Copysign(math.MaxFloat64, x[i])
			}
			y[i] = r.Normal(-1, 2)
			if r.Intn(4) == 0 {
				y[i] = goldenNeg(x[i]) // x−y overflows in SumSqDiff
			}
		}
	}
	return x, y
}

// goldenTiny returns a signed zero, a subnormal or a value near the
// smallest normal.
func goldenTiny(r golden.RNG) float64 {
	switch r.Intn(3) {
	case 0:
		return math.Float64frombits(r.Uint64() & (1 << 63)) // ±0
	case 1:
		return r.Subnormal()
	}
	return r.Normal(-1022, -1019)
}
