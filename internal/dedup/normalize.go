// Package dedup finds near-duplicate resumption plans (复工方案). A plan is
// normalised, cut into character shingles, summarised by a MinHash
// signature and filed into LSH bands kept in the database; a query looks up
// the bands, and every candidate is verified by exact Jaccard similarity over
// its shingle set, so reported matches are never false positives. Shingles
// of registered official templates and shingles that occur in too many
// plans (boilerplate) are removed before anything is compared.
package dedup

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalized is a plan's text reduced to the characters that carry content,
// with a map back to the original bytes.
type Normalized struct {
	// Runes are the kept characters: NFKC-folded (so full-width Latin
	// letters and digits become half-width), lower-cased, with every
	// whitespace, punctuation and symbol character dropped.
	Runes []rune
	// Start[i] and End[i] are the byte offsets in the original text of the
	// character (NFKC segment) that produced Runes[i].
	Start, End []int
}

// Normalize reduces text to its content characters. It never fails:
// invalid UTF-8 is read as U+FFFD, which is a symbol and is dropped.
//
// NFKC is applied segment by segment with norm.Iter so that every kept rune
// can be traced back to the original bytes it came from; that is what lets a
// reviewer see shared passages in the texts as filed.
func Normalize(text string) Normalized {
	var n Normalized
	if text == "" {
		return n
	}
	n.Runes = make([]rune, 0, len(text)/3+8)
	n.Start = make([]int, 0, len(text)/3+8)
	n.End = make([]int, 0, len(text)/3+8)
	// CJK unified ideographs are NFKC-stable starters that never compose
	// with a neighbour, so the text is cut at them: they are kept as they
	// are, and only the runs between them go through the normaliser. Plans
	// are mostly ideographs, so this halves the cost of normalising.
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isPlainIdeograph(r) {
			n.Runes = append(n.Runes, r)
			n.Start = append(n.Start, i)
			n.End = append(n.End, i+size)
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if isPlainIdeograph(r) {
				break
			}
			j += size
		}
		n.appendNFKC(text[i:j], i)
		i = j
	}
	return n
}

// isPlainIdeograph reports whether r is in the CJK Unified Ideographs
// block (U+4E00–U+9FFF), whose characters NFKC leaves unchanged.
func isPlainIdeograph(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }

// appendNFKC normalises seg, which starts at byte base of the text.
func (n *Normalized) appendNFKC(seg string, base int) {
	var it norm.Iter
	it.InitString(norm.NFKC, seg)
	for !it.Done() {
		start := it.Pos()
		out := it.Next()
		end := it.Pos()
		if end <= start && start < len(seg) {
			// The iterator hands out a long decomposition (ﬁ → f, i) in
			// pieces without advancing; attribute each piece to the
			// original character it came from.
			_, size := utf8.DecodeRuneInString(seg[start:])
			end = start + size
		}
		for _, r := range string(out) {
			if !keepRune(r) {
				continue
			}
			n.Runes = append(n.Runes, unicode.ToLower(r))
			n.Start = append(n.Start, base+start)
			n.End = append(n.End, base+end)
		}
	}
}

// keepRune keeps letters (including CJK ideographs) and numbers. Marks are
// dropped too: after NFKC they are only diacritics, which copiers and OCR
// add or lose without changing the content.
func keepRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// DefaultShingleSize is the shingle length k in characters. It was chosen by
// measurement on the plangen corpus (see TestShingleSizeSeparation and
// docs/benchmarks.md): k = 3 and 4 give unrelated plans a Jaccard
// similarity of several percent (common two- and three-character words
// recur in every plan), which raises LSH false candidates; k = 6 and 7 make
// a single changed character destroy more shingles, lowering the similarity
// of lightly edited copies. k = 5 separates the two best and is what
// data-juicer uses for Chinese.
const DefaultShingleSize = 5

// shingleHash hashes the k runes of one shingle to 64 bits: FNV-1a over the
// rune values, then the splitmix64 finaliser so that every output bit
// depends on every input bit (MinHash takes minima over the whole word).
func shingleHash(rs []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return mix64(h)
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Shingles returns the sorted, duplicate-free set of k-shingle hashes of
// runes. A text shorter than k yields one shingle of the whole text, and an
// empty text the empty set, so short texts still compare sensibly. k < 1 is
// treated as DefaultShingleSize.
func Shingles(runes []rune, k int) []uint64 {
	if k < 1 {
		k = DefaultShingleSize
	}
	if len(runes) == 0 {
		return nil
	}
	if len(runes) < k {
		return []uint64{shingleHash(runes)}
	}
	out := make([]uint64, 0, len(runes)-k+1)
	for i := 0; i+k <= len(runes); i++ {
		out = append(out, shingleHash(runes[i:i+k]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// subtract returns the elements of sorted set a not in sorted set drop.
func subtract(a []uint64, drop map[uint64]struct{}) []uint64 {
	if len(drop) == 0 {
		return a
	}
	out := make([]uint64, 0, len(a))
	for _, h := range a {
		if _, ok := drop[h]; !ok {
			out = append(out, h)
		}
	}
	return out
}

// Jaccard returns |a ∩ b| / |a ∪ b| for two sorted duplicate-free sets; two
// empty sets have similarity 0 (nothing shared is not a copy).
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
