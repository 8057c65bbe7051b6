package main

import (
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// elementwiseUnroll is the number of YMM registers an Axpy or Scal loop
// iteration handles.
const elementwiseUnroll = numAcc

// elementwise emits an elementwise update of len(x) elements of x (and y).
// op(xm, ym, t, scalar) computes the new value of one register (or, if
// scalar, one element) at xm/ym into t; store(t, ym) writes it back. Y0
// holds alpha.
//
// The elements past the last whole group are done as whole registers and,
// for the final n mod V, by one register over the last V elements. That
// register is computed before anything is stored, so it reads only
// original values, and is stored last: the elements it shares with the
// whole registers get the same value twice. Vectors shorter than V are done
// element by element.
func (g *gen) elementwise(twoInputs bool, op func(xm, ym Mem, t VecPhysical, scalar bool), store func(t VecPhysical, ym Mem)) {
	x, y, n, end, k := RSI, RDI, RCX, RDX, RBX
	g.Load(g.Param("x").Base(), x)
	g.Load(g.Param("x").Len(), n)
	if twoInputs {
		g.Load(g.Param("y").Base(), y)
	} else {
		y = x
	}
	alpha, err := g.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	adv := func(bytes int) {
		g.ADDQ(U32(bytes), x)
		if twoInputs {
			g.ADDQ(U32(bytes), y)
		}
	}
	V := g.e.PerVec()

	g.CMPQ(n, U8(V))
	g.JB(LabelRef("short"))
	g.broadcast(alpha.Addr, Y0)

	// The last register, from the original values.
	last := func(p GPPhysical) Mem { return Mem{Base: p, Index: n, Scale: g.e.Scale()}.Offset(-vecBytes) }
	op(last(x), last(y), Y15, false)
	g.MOVQ(n, end)
	if twoInputs {
		// end → y end for the final store; n stays the count.
		g.LEAQ(last(y), k)
	} else {
		g.LEAQ(last(x), k)
	}

	// Whole groups.
	group := elementwiseUnroll * V
	g.ANDQ(I32(-group), end)
	g.JZ(LabelRef("vectors"))
	g.SHLQ(U8(g.e.Shift()), end)
	g.ADDQ(x, end)
	g.Label("groups")
	for j := 0; j < elementwiseUnroll; j++ {
		xm, ym := Mem{Base: x}.Offset(vecBytes*j), Mem{Base: y}.Offset(vecBytes*j)
		op(xm, ym, ymm[1+j], false)
		store(ymm[1+j], ym)
	}
	adv(elementwiseUnroll * vecBytes)
	g.CMPQ(x, end)
	g.JNE(LabelRef("groups"))

	// Whole registers: at most elementwiseUnroll−1 of them.
	g.Label("vectors")
	g.ANDQ(U32(group-1), n)
	g.SHRQ(U8(log2(V)), n)
	for j := 0; j < elementwiseUnroll-1; j++ {
		if j == 0 {
			g.TESTQ(n, n)
		} else {
			g.CMPQ(n, U8(j))
		}
		g.JE(LabelRef("lastreg"))
		xm, ym := Mem{Base: x}.Offset(vecBytes*j), Mem{Base: y}.Offset(vecBytes*j)
		op(xm, ym, ymm[1+j], false)
		store(ymm[1+j], ym)
	}
	g.Label("lastreg")
	store(Y15, Mem{Base: k})
	g.VZEROUPPER()
	g.RET()

	// Fewer than V elements, one at a time.
	g.Label("short")
	g.TESTQ(n, n)
	g.JZ(LabelRef("done"))
	g.movS(alpha.Addr, X0)
	for j := 0; j < V-1; j++ {
		if j > 0 {
			g.CMPQ(n, U8(j))
			g.JE(LabelRef("scalardone"))
		}
		xm, ym := Mem{Base: x}.Offset(g.e.Size*j), Mem{Base: y}.Offset(g.e.Size*j)
		op(xm, ym, X1, true)
		g.movS(X1, ym)
	}
	g.Label("scalardone")
	g.VZEROUPPER()
	g.Label("done")
	g.RET()
}

// axpy emits y[i] = fma(alpha, x[i], y[i]).
func (g *gen) axpy() {
	g.elementwise(true, func(xm, ym Mem, t VecPhysical, scalar bool) {
		if scalar {
			g.movS(xm, t)
			g.fma213S(ym, X0, t) // t = alpha·t + y
			return
		}
		g.movu(xm, t)
		g.fma213(ym, Y0, t) // t = alpha·t + y
	}, g.store)
}

// scal emits x[i] = alpha·x[i].
func (g *gen) scal() {
	g.elementwise(false, func(xm, _ Mem, t VecPhysical, scalar bool) {
		if scalar {
			g.mulS(xm, X0, t)
			return
		}
		g.mul(xm, Y0, t)
	}, g.store)
}

func (g *gen) store(t VecPhysical, m Mem) { g.movu(t, m) }
