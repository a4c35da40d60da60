package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DefaultPermutations is the MinHash signature length. Broder's estimate has
// standard error √(J(1−J)/n): at J = 0.7 and n = 128 that is 0.041, enough
// because the estimate only selects candidates and every candidate is
// verified exactly. 256 permutations would allow one more row per band
// (r = 6, b = 42) but double the hashing cost of every add and query.
const DefaultPermutations = 128

// DefaultThreshold is the Jaccard similarity from which two plans are
// reported as near-duplicates.
const DefaultThreshold = 0.7

// DefaultRecallTarget is the probability with which a pair exactly at the
// threshold must become an LSH candidate.
const DefaultRecallTarget = 0.98

// minHasher holds n hash functions h_i(x) = a_i·x + b_i (mod 2⁶⁴) with odd
// a_i; applied to shingle hashes that are already uniformly mixed, the
// minimum over a set behaves as a min-wise permutation (checked against
// Broder's bound in TestMinHashWithinBroderBound).
type minHasher struct {
	a, b []uint64
}

func newMinHasher(n int, seed uint64) minHasher {
	m := minHasher{a: make([]uint64, n), b: make([]uint64, n)}
	s := seed
	next := func() uint64 {
		s += 0x9e3779b97f4a7c15
		return mix64(s)
	}
	for i := range n {
		m.a[i] = next() | 1
		m.b[i] = next()
	}
	return m
}

// signature returns the MinHash signature of a shingle set. An empty set
// has no signature (nil): it is never a candidate for anything.
func (m minHasher) signature(set []uint64) []uint64 {
	if len(set) == 0 {
		return nil
	}
	sig := make([]uint64, len(m.a))
	for i := range sig {
		sig[i] = math.MaxUint64
	}
	a, b := m.a, m.b
	for _, x := range set {
		for i := range sig {
			if v := a[i]*x + b[i]; v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// EstimateJaccard returns the share of equal positions of two signatures of
// equal length, Broder's unbiased estimate of the Jaccard similarity of the
// underlying sets; it returns 0 if the lengths differ or are zero.
func EstimateJaccard(a, b []uint64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Banding is an LSH banding of a MinHash signature: Bands bands of Rows rows
// each (Bands·Rows ≤ the signature length; trailing values are unused).
type Banding struct {
	Bands, Rows int
}

// CandidateProbability returns 1 − (1 − J^r)^b, the probability that two
// sets of Jaccard similarity j agree on all r rows of at least one of b
// bands and so become a candidate pair.
func (bd Banding) CandidateProbability(j float64) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(bd.Rows)), float64(bd.Bands))
}

// ChooseBanding returns the banding of an n-value signature with the most
// rows per band (hence the fewest false candidates) whose candidate
// probability at threshold t is at least target. It returns an error if no
// banding reaches the target, or if n, t or target is out of range.
//
// Worked out for the defaults (n = 128, t = 0.7, target = 0.98):
//
//	r = 7, b = 18: 1 − (1 − 0.7⁷)^18 = 1 − (1 − 0.0824)^18 = 0.788
//	r = 6, b = 21: 1 − (1 − 0.7⁶)^21 = 1 − (1 − 0.1176)^21 = 0.928
//	r = 5, b = 25: 1 − (1 − 0.7⁵)^25 = 1 − (1 − 0.1681)^25 = 0.990  ← chosen
//	r = 4, b = 32: 1 − (1 − 0.7⁴)^32 = 1 − (1 − 0.2401)^32 = 0.9998
//
// With r = 5, b = 25 a pair at J = 0.8 is caught with probability 0.99996
// and one at 0.6 still with 0.86, while an unrelated pair at J = 0.1 becomes
// a candidate with probability 25·10⁻⁵ = 0.00025 and one at 0.3 with 0.059.
// r = 4 would quadruple candidates at low J for a recall gain of under 1%.
func ChooseBanding(n int, t, target float64) (Banding, error) {
	if n < 1 || !(t > 0 && t < 1) || !(target > 0 && target < 1) {
		return Banding{}, fmt.Errorf("dedup: banding needs n ≥ 1, 0 < t < 1, 0 < target < 1 (got %d, %g, %g)", n, t, target)
	}
	for r := n; r >= 1; r-- {
		bd := Banding{Bands: n / r, Rows: r}
		if bd.CandidateProbability(t) >= target {
			return bd, nil
		}
	}
	return Banding{}, fmt.Errorf("dedup: no banding of %d values reaches %g at threshold %g", n, target, t)
}

// bandHashes returns one 64-bit key per band, the band number mixed in so
// that a single index on the key serves every band.
func (bd Banding) bandHashes(sig []uint64) []int64 {
	if len(sig) < bd.Bands*bd.Rows {
		return nil
	}
	out := make([]int64, bd.Bands)
	for band := range bd.Bands {
		h := mix64(uint64(band) + 0x51ed270b27f3a4c5)
		for _, v := range sig[band*bd.Rows : (band+1)*bd.Rows] {
			h = mix64(h ^ v)
		}
		out[band] = int64(h)
	}
	return out
}

// encodeSignature and decodeSignature store a signature as little-endian
// 64-bit words, the same bytes on every database.
func encodeSignature(sig []uint64) []byte {
	out := make([]byte, 8*len(sig))
	for i, v := range sig {
		binary.LittleEndian.PutUint64(out[8*i:], v)
	}
	return out
}

func decodeSignature(b []byte) []uint64 {
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}
