package dedup

import (
	"slices"
)

// Passage is one run of text shared by a queried plan and a matching plan,
// for a reviewer to read side by side. Offsets are byte offsets into the
// original texts (as filed, before normalisation), half-open.
type Passage struct {
	QueryStart int `json:"query_start"`
	QueryEnd   int `json:"query_end"`
	MatchStart int `json:"match_start"`
	MatchEnd   int `json:"match_end"`
	// Length is the run's length in normalised characters.
	Length int `json:"length"`
	// Text is the passage as it reads in the queried plan.
	Text string `json:"text"`
}

// passageFinder finds maximal common runs of two normalised texts.
type passageFinder struct {
	minLen      int                 // shortest run reported, in normalised characters
	maxPassages int                 // longest runs kept
	k           int                 // shingle size, to judge boilerplate
	boilerplate map[uint64]struct{} // shingles that never count as evidence
}

// find returns the shared passages of q (from qText) and m,
// longest first up to maxPassages, then ordered by position in q. A run is
// dropped when most of its shingles are boilerplate: template text is not
// evidence of copying.
//
// Greedy tiling: every window of minLen characters of m is hashed into a
// table; q is scanned left to right, a window found in the table is
// extended as far as the characters agree, and the scan resumes after the
// run. Any common run of at least minLen characters contains such a window,
// so none is missed except where runs overlap.
func (pf passageFinder) find(q Normalized, qText string, m Normalized) []Passage {
	L := pf.minLen
	if L < 1 || len(q.Runes) < L || len(m.Runes) < L {
		return nil
	}
	table := make(map[uint64][]int32, len(m.Runes))
	for j := 0; j+L <= len(m.Runes); j++ {
		h := shingleHash(m.Runes[j : j+L])
		if ps := table[h]; len(ps) < 8 { // cap work on highly repetitive text
			table[h] = append(ps, int32(j))
		}
	}
	var out []Passage
	for i := 0; i+L <= len(q.Runes); {
		ps := table[shingleHash(q.Runes[i:i+L])]
		bestJ, bestLen := -1, 0
		for _, p := range ps {
			j := int(p)
			n := 0
			for i+n < len(q.Runes) && j+n < len(m.Runes) && q.Runes[i+n] == m.Runes[j+n] {
				n++
			}
			if n > bestLen {
				bestJ, bestLen = j, n
			}
		}
		if bestLen < L {
			i++
			continue
		}
		if !pf.mostlyBoilerplate(q.Runes[i : i+bestLen]) {
			qs, qe := q.Start[i], q.End[i+bestLen-1]
			out = append(out, Passage{
				QueryStart: qs,
				QueryEnd:   qe,
				MatchStart: m.Start[bestJ],
				MatchEnd:   m.End[bestJ+bestLen-1],
				Length:     bestLen,
				Text:       qText[qs:qe],
			})
		}
		i += bestLen
	}
	if len(out) > pf.maxPassages && pf.maxPassages > 0 {
		slices.SortStableFunc(out, func(a, b Passage) int { return b.Length - a.Length })
		out = out[:pf.maxPassages]
		slices.SortFunc(out, func(a, b Passage) int { return a.QueryStart - b.QueryStart })
	}
	return out
}

func (pf passageFinder) mostlyBoilerplate(run []rune) bool {
	if len(pf.boilerplate) == 0 || len(run) < pf.k {
		return false
	}
	total, bp := 0, 0
	for i := 0; i+pf.k <= len(run); i++ {
		total++
		if _, ok := pf.boilerplate[shingleHash(run[i:i+pf.k])]; ok {
			bp++
		}
	}
	return 2*bp > total
}
