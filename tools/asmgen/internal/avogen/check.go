package avogen

import (
	"fmt"
	"strings"

	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// amd64Baseline lists, by avo's names, the extensions every amd64 CPU has,
// which generated code may use without a requirement: SSE2 (MOVSD of a
// scalar result, MOVQ of a constant to memory), CMOV, and MMX+, avo's name
// for the extension of PREFETCHT0.
var amd64Baseline = []string{"SSE2", "CMOV", "MMX+"}

// Check returns the check pass of the kernels of isa. It refuses a
// compiled function that
//
//   - uses an extension that is neither one of isa.Requires (which package
//     kernels checks before running the code) nor in the amd64 baseline;
//   - names a vector register above 15: VZEROUPPER does not return
//     Z16–Z31 to their initial state, so every later SSE instruction of
//     the caller could pay for them;
//   - can reach a RET, on any path through it, after a vector instruction
//     without a VZEROUPPER in between: the dirty upper halves would slow
//     down the caller's scalar code.
func Check(isa spec.ISA) func(*ir.Function) error {
	allowed := map[string]bool{}
	for _, x := range amd64Baseline {
		allowed[x] = true
	}
	for _, f := range isa.Requires {
		if f.Avo == "" {
			panic(fmt.Sprintf("avogen: %s requires %s, which avo does not name", isa.Name, f.Name))
		}
		allowed[f.Avo] = true
	}
	return func(fn *ir.Function) error {
		for _, x := range fn.ISA {
			if !allowed[x] {
				return fmt.Errorf("%s uses %s, which %s does not require", fn.Name, x, isa.Name)
			}
		}
		for _, in := range fn.Instructions() {
			for _, op := range in.Operands {
				for _, r := range operandRegs(op) {
					p, ok := r.(reg.Physical)
					if ok && r.Kind() == reg.KindVector && p.PhysicalIndex() >= 16 {
						return fmt.Errorf("%s: %s uses %s", fn.Name, in.Opcode, p.Asm())
					}
				}
			}
		}
		return checkZeroUpper(fn)
	}
}

// checkZeroUpper follows every path through fn (the successors of avo's
// CFG pass) with one bit of state, whether a vector instruction has
// run since the last VZEROUPPER, and refuses a RET that some path reaches
// with the bit set. Any V-prefixed instruction sets it, even a VEX-encoded
// scalar one: that is stricter than the hardware needs, and every kernel
// meets it.
func checkZeroUpper(fn *ir.Function) error {
	is := fn.Instructions()
	if len(is) == 0 {
		return nil
	}
	// The compiler's last passes delete instructions (self-moves) and clear
	// the graph they leave stale: build it again.
	for _, in := range is {
		in.Succ, in.Pred = nil, nil
	}
	if err := pass.LabelTarget(fn); err != nil {
		return err
	}
	if err := pass.CFG(fn); err != nil {
		return err
	}
	dirtyIn := map[*ir.Instruction]bool{} // a path reaches it dirty
	seen := map[*ir.Instruction]bool{}
	work := []*ir.Instruction{is[0]}
	seen[is[0]] = true
	for len(work) > 0 {
		in := work[len(work)-1]
		work = work[:len(work)-1]
		dirty := dirtyIn[in]
		switch {
		case in.Opcode == "VZEROUPPER":
			dirty = false
		case strings.HasPrefix(in.Opcode, "V"):
			dirty = true
		}
		if in.Opcode == "RET" && dirty {
			return fmt.Errorf("%s: a path reaches RET after a vector instruction without VZEROUPPER", fn.Name)
		}
		for _, s := range in.Succ {
			if s == nil {
				return fmt.Errorf("%s: a path runs past the last instruction", fn.Name)
			}
			// Visit a successor again only when it becomes dirty: the state
			// only ever goes from clean to dirty, so this ends.
			if !seen[s] || (dirty && !dirtyIn[s]) {
				seen[s] = true
				dirtyIn[s] = dirtyIn[s] || dirty
				work = append(work, s)
			}
		}
	}
	return nil
}

func operandRegs(op operand.Op) []reg.Register {
	switch o := op.(type) {
	case reg.Register:
		return []reg.Register{o}
	case operand.Mem:
		var rs []reg.Register
		for _, r := range []reg.Register{o.Base, o.Index} {
			if r != nil {
				rs = append(rs, r)
			}
		}
		return rs
	}
	return nil
}
