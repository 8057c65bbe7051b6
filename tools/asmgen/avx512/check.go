package main

import (
	"fmt"
	"strings"

	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// allowedISA lists the extensions the generated code may use; the registry
// (kernels/registry_avx512_amd64.go) requires every one of them.
var allowedISA = map[string]bool{
	"SSE2":    true, // MOVSD of the scalar result
	"MMX+":    true, // PREFETCHT0, which every amd64 CPU has (avo's name for it)
	"AVX":     true,
	"AVX2":    true,
	"FMA3":    true,
	"AVX512F": true,
}

// check verifies a compiled function: only allowed extensions, only
// Z0–Z15 (VZEROUPPER does not reset Z16–Z31), and VZEROUPPER on every
// return path after the last vector instruction.
func check(fn *ir.Function) error {
	for _, isa := range fn.ISA {
		if !allowedISA[isa] {
			return fmt.Errorf("%s: uses %s", fn.Name, isa)
		}
	}
	nodes := fn.Nodes
	for idx, nd := range nodes {
		in, ok := nd.(*ir.Instruction)
		if !ok {
			continue
		}
		for _, op := range in.Operands {
			for _, r := range operandRegs(op) {
				p, ok := r.(reg.Physical)
				if ok && r.Kind() == reg.KindVector && p.PhysicalIndex() >= 16 {
					return fmt.Errorf("%s: %s uses %s", fn.Name, in.Opcode, p.Asm())
				}
			}
		}
		if in.Opcode != "RET" {
			continue
		}
		clean := false
	back:
		for j := idx - 1; j >= 0; j-- {
			prev, ok := nodes[j].(*ir.Instruction)
			if !ok {
				continue
			}
			switch {
			case prev.Opcode == "VZEROUPPER":
				clean = true
				break back
			case strings.HasPrefix(prev.Opcode, "V") || prev.IsBranch:
				break back
			}
		}
		if !clean {
			return fmt.Errorf("%s: RET at node %d not preceded by VZEROUPPER", fn.Name, idx)
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
