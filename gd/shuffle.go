package gd

import (
	"math/bits"
	"math/rand/v2"
)

// shuffler draws the permutation of each epoch. It uses only the raw
// output of a seeded PCG and its own bounded-integer and Fisher–Yates
// code, not rand.Shuffle, whose algorithm a Go release may change: the
// same seed must give the same order of examples, and so the same bits,
// on every Go version and platform.
type shuffler struct{ pcg *rand.PCG }

func newShuffler(seed uint64) shuffler {
	// The second word is fixed so that every seed, 0 included, is usable.
	return shuffler{pcg: rand.NewPCG(seed, 0x6c616e6573) /* "lanes" */}
}

// below returns a uniform integer in [0, n), by Lemire's multiply-shift
// with rejection.
func (s shuffler) below(n uint64) uint64 {
	for {
		hi, lo := bits.Mul64(s.pcg.Uint64(), n)
		if lo >= n || lo >= -n%n { // -n%n = 2⁶⁴ mod n, the rejection threshold
			return hi
		}
	}
}

// shuffle permutes p in place.
func (s shuffler) shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := s.below(uint64(i + 1))
		p[i], p[j] = p[j], p[i]
	}
}
