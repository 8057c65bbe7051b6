package gd

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// recorder is an objective that records the batches it is asked for.
type recorder struct {
	n       int
	batches []Batch
}

func (r *recorder) Dims() (int, int)   { return r.n, 1 }
func (r *recorder) Penalized(int) bool { return false }
func (r *recorder) Eval(w []float64, b Batch, grad []float64) float64 {
	if grad != nil {
		r.batches = append(r.batches, Batch{Lo: b.Lo, Hi: b.Hi, Index: slices.Clone(b.Index)})
		grad[0] = 0
	}
	return 1
}

// TestShuffleBlockVisits: every epoch visits every row once, in
// contiguous batches that never straddle a block, the blocks in a new
// order each epoch, the same for the same seed.
func TestShuffleBlockVisits(t *testing.T) {
	const n, block, batch = 103, 20, 8
	visits := func(seed uint64) [][]Batch {
		rec := &recorder{n: n}
		_, err := Minimize(context.Background(), rec, []float64{0}, Config{
			Method: MiniBatch, BatchSize: batch, ShuffleBlock: block, Rate: 1, MaxEpochs: 3, Seed: seed,
		})
		if err != nil {
			t.Fatal(err)
		}
		var epochs [][]Batch
		perEpoch := len(rec.batches) / 3
		for e := range 3 {
			epochs = append(epochs, rec.batches[e*perEpoch:(e+1)*perEpoch])
		}
		return epochs
	}
	epochs := visits(1)
	for e, bs := range epochs {
		seen := make([]int, n)
		for _, b := range bs {
			if !b.Contiguous() {
				t.Fatalf("epoch %d: batch %v is not contiguous", e, b)
			}
			if b.Lo/block != (b.Hi-1)/block {
				t.Fatalf("epoch %d: batch [%d, %d) straddles blocks of %d", e, b.Lo, b.Hi, block)
			}
			if b.Hi-b.Lo > batch {
				t.Fatalf("epoch %d: batch [%d, %d) larger than %d", e, b.Lo, b.Hi, batch)
			}
			for i := b.Lo; i < b.Hi; i++ {
				seen[i]++
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("epoch %d: row %d visited %d times", e, i, c)
			}
		}
	}
	firstBlock := func(bs []Batch) int { return bs[0].Lo / block }
	orders := map[[3]int]bool{}
	for seed := uint64(1); seed <= 6; seed++ {
		ep := visits(seed)
		orders[[3]int{firstBlock(ep[0]), firstBlock(ep[1]), firstBlock(ep[2])}] = true
	}
	if len(orders) < 3 {
		t.Errorf("block orders barely change with the seed: %v", orders)
	}
	again := visits(1)
	for e := range epochs {
		for k := range epochs[e] {
			if epochs[e][k].Lo != again[e][k].Lo || epochs[e][k].Hi != again[e][k].Hi {
				t.Fatalf("seed 1 gave another order the second time")
			}
		}
	}
}

func TestShuffleBlockConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Method: SGD, Rate: 1, ShuffleBlock: -1},
		{Method: FullBatch, Rate: 1, ShuffleBlock: 4},
		{Method: SGD, Rate: 1, ShuffleBlock: 4, InOrder: true},
	} {
		_, err := Minimize(context.Background(), &recorder{n: 10}, []float64{0}, c)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: error %v, want ErrConfig naming ShuffleBlock", c, err)
		}
	}
}

// TestShuffleBlockConverges: shuffled blocks reach the minimiser like
// shuffled rows do.
func TestShuffleBlockConverges(t *testing.T) {
	pr := newProblem(t, problemSpec{seed: 5, n: 512, p: 6, intercept: true, noise: 0.1})
	for _, m := range []struct {
		method Method
		bs     int
	}{{SGD, 0}, {MiniBatch, 16}} {
		res, err := Minimize(context.Background(), pr.objective(t), make([]float64, pr.d()), Config{
			Method: m.method, BatchSize: m.bs, ShuffleBlock: 64, MaxEpochs: 200, Seed: 3,
			Schedule: WarmupLinear{Base: 0.05, Final: 0.0005, Total: 200 * (pr.n / max(m.bs, 1))},
		})
		if err != nil {
			t.Fatal(err)
		}
		for j, w := range res.W {
			if d := w - pr.want[j]; d > 2e-2 || d < -2e-2 {
				t.Errorf("%v: w[%d] = %v, want %v", m.method, j, w, pr.want[j])
			}
		}
	}
}
