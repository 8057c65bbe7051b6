package main

import (
	"fmt"
	"strings"
)

// vreg is a SIMD register number, V0–V31. Go's ABI0 treats all 32 as
// caller-saved, so a leaf kernel may use every one of them.
type vreg int

// asm accumulates the text of one assembly function.
type asm struct {
	b      strings.Builder
	e      elem
	prefix string // makes labels unique within the file
	// locals is the size in bytes of the function's local frame, which
	// it addresses through the pseudo-register SP (name-off(SP)). Zero
	// for a kernel that needs none, which then has no frame at all.
	locals int
}

// op writes one instruction line.
func (a *asm) op(format string, args ...any) {
	fmt.Fprintf(&a.b, "\t"+format+"\n", args...)
}

// label writes a label; names are local to the function through prefix.
func (a *asm) label(name string) { fmt.Fprintf(&a.b, "%s:\n", a.lbl(name)) }

// lbl returns the spelling of a label for a branch.
func (a *asm) lbl(name string) string { return a.prefix + name }

// scope emits body with its labels in a namespace of their own, so that a
// loop such as reduce or elementLoops can appear twice in one function.
func (a *asm) scope(name string, body func()) {
	old := a.prefix
	a.prefix = old + name + "_"
	body()
	a.prefix = old
}

// comment writes a comment line.
func (a *asm) comment(text string) { fmt.Fprintf(&a.b, "\n\t// %s\n", text) }

// v returns "Vk.<arrangement>" for a full register of elements.
func (a *asm) v(r vreg) string { return fmt.Sprintf("V%d.%s", r, a.e.arr) }

// list returns "[Vr.T, …]" for count consecutive registers from r, the
// operand of VLD1 and VST1.
func (a *asm) list(r vreg, count int) string {
	regs := make([]string, count)
	for i := range regs {
		regs[i] = a.v(r + vreg(i))
	}
	return "[" + strings.Join(regs, ", ") + "]"
}

// word emits an instruction the assembler lacks, from the encoding table.
func (a *asm) word(mnemonic string, d, n, m vreg) { a.wordArr(mnemonic, a.e.gnuArr, d, n, m) }

// wordArr is word with the binutils arrangement arr in place of the
// element type's full register, such as "2s" for a pairwise add of the two
// lowest float32 lanes.
func (a *asm) wordArr(mnemonic, arr string, d, n, m vreg) {
	e := lookup(mnemonic, arr)
	a.op("WORD $%#08x // %s", e.encode(int(d), int(n), int(m)), e.text(int(d), int(n), int(m)))
}

// fadd emits d = n + m, lane by lane.
func (a *asm) fadd(d, n, m vreg) { a.word("fadd", d, n, m) }

// fsub emits d = n − m, lane by lane.
func (a *asm) fsub(d, n, m vreg) { a.word("fsub", d, n, m) }

// fmul emits d = n · m, lane by lane.
func (a *asm) fmul(d, n, m vreg) { a.word("fmul", d, n, m) }

// fmla emits acc = fma(n, m, acc), lane by lane, rounded once. Go writes
// the multiplicands first: VFMLA Vm, Vn, Vd.
func (a *asm) fmla(acc, n, m vreg) { a.op("VFMLA %s, %s, %s", a.v(m), a.v(n), a.v(acc)) }

// vand emits d = n AND m, bit by bit (the assembler has it: VAND Vm, Vn, Vd).
func (a *asm) vand(d, n, m vreg) { a.op("VAND V%d.B16, V%d.B16, V%d.B16", m, n, d) }

// zero clears a whole register.
func (a *asm) zero(r vreg) { a.op("VEOR V%d.B16, V%d.B16, V%d.B16", r, r, r) }

// maxList is the most registers one VLD1 or VST1 can move.
const maxList = 4

// load reads count whole registers from ptr into r, r+1, … and advances
// ptr past them.
func (a *asm) load(ptr string, r vreg, count int) {
	for k := 0; k < count; k += maxList {
		c := min(maxList, count-k)
		a.op("VLD1.P %d(%s), %s", 16*c, ptr, a.list(r+vreg(k), c))
	}
}

// store writes count whole registers from r, r+1, … to ptr and advances
// ptr past them.
func (a *asm) store(ptr string, r vreg, count int) {
	for k := 0; k < count; k += maxList {
		c := min(maxList, count-k)
		a.op("VST1.P %s, %d(%s)", a.list(r+vreg(k), c), 16*c, ptr)
	}
}

// loadScalar reads one element into lane 0 of r and clears the other lanes
// (a scalar load writes zeros above it), advancing ptr.
func (a *asm) loadScalar(ptr string, r vreg) {
	a.op("%s.P %d(%s), F%d", a.e.fmov, a.e.Size, ptr, r)
}

// storeScalar writes lane 0 of r to ptr and advances ptr.
func (a *asm) storeScalar(ptr string, r vreg) {
	a.op("%s.P F%d, %d(%s)", a.e.fmov, r, a.e.Size, ptr)
}

// broadcast copies lane 0 of src to every lane of dst.
func (a *asm) broadcast(dst, src vreg) {
	a.op("VDUP V%d.%s[0], %s", src, a.e.lane, a.v(dst))
}

// broadcastLoad reads one element into every lane of r, advancing ptr.
func (a *asm) broadcastLoad(ptr string, r vreg) {
	a.op("VLD1R.P %d(%s), [%s]", a.e.Size, ptr, a.v(r))
}

// loadPartial reads count elements, fewer than a register holds, from ptr
// into the lowest lanes of r and clears the lanes above: a scalar load of
// 4 or 8 bytes writes zeros above it, and a third float32 goes into lane 2
// with a single-lane load. It reads nothing past the count-th element,
// and may advance ptr.
func (a *asm) loadPartial(ptr string, r vreg, count int) {
	switch count * a.e.Size {
	case 4:
		a.op("FMOVS (%s), F%d", ptr, r)
	case 8:
		a.op("FMOVD (%s), F%d", ptr, r)
	case 12:
		a.op("FMOVD.P 8(%s), F%d", ptr, r)
		a.op("VLD1 (%s), V%d.S[2]", ptr, r)
	default:
		panic(fmt.Sprintf("neon: no partial load of %d %s", count, a.e.GoType))
	}
}

// restrict copies the lowest count lanes of src to dst and clears the
// lanes above, as loadPartial leaves a register: a scalar register move
// of 4 or 8 bytes writes zeros above it, and lane 2 of float32 is copied
// on its own.
func (a *asm) restrict(dst, src vreg, count int) {
	switch count * a.e.Size {
	case 4:
		a.op("FMOVS F%d, F%d", src, dst)
	case 8:
		a.op("FMOVD F%d, F%d", src, dst)
	case 12:
		a.op("FMOVD F%d, F%d", src, dst)
		a.op("VMOV V%d.S[2], V%d.S[2]", src, dst)
	default:
		panic(fmt.Sprintf("neon: no restriction to %d %s", count, a.e.GoType))
	}
}
