package dedup

import (
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"full-width latin and digits become half-width lower case", "ＡＢＣ１２３ｄ", "abc123d"},
		{"whitespace and punctuation dropped", "复工， 方案！\n\t（试行）", "复工方案试行"},
		{"ideographic space and full-width punctuation", "组织　领导：「负责」。", "组织领导负责"},
		{"symbols dropped", "温度≥37.3℃ → 隔离", "温度373c隔离"},
		{"upper-case latin folded", "COVID-19 Plan", "covid19plan"},
		{"empty", "", ""},
		{"only punctuation", "，。！？、", ""},
		{"invalid utf-8 dropped", "复\xff工", "复工"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Normalize(tt.in).Runes); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeOffsets(t *testing.T) {
	t.Parallel()
	in := "甲，Ｂ c"
	n := Normalize(in)
	want := []string{"甲", "Ｂ", "c"}
	if len(n.Runes) != len(want) {
		t.Fatalf("got %d runes, want %d", len(n.Runes), len(want))
	}
	for i, w := range want {
		if got := in[n.Start[i]:n.End[i]]; got != w {
			t.Errorf("rune %d maps to %q, want %q", i, got, w)
		}
	}
}

func TestShinglesAndJaccard(t *testing.T) {
	t.Parallel()
	r := func(s string) []rune { return []rune(s) }
	if got := len(Shingles(r("abcdefg"), 5)); got != 3 {
		t.Errorf("7 characters give %d 5-shingles, want 3", got)
	}
	if got := len(Shingles(r("aaaaaaaa"), 5)); got != 1 {
		t.Errorf("a repeated character gives %d distinct shingles, want 1", got)
	}
	if got := len(Shingles(r("abc"), 5)); got != 1 {
		t.Errorf("a text shorter than k gives %d shingles, want 1", got)
	}
	if Shingles(nil, 5) != nil {
		t.Error("the empty text has shingles")
	}
	a, b := Shingles(r("abcdefgh"), 5), Shingles(r("bcdefghi"), 5) // 4 each, 3 shared
	if got := Jaccard(a, b); got != 3.0/5 {
		t.Errorf("Jaccard = %v, want 0.6", got)
	}
	if Jaccard(nil, nil) != 0 || Jaccard(a, a) != 1 {
		t.Error("Jaccard of empty sets must be 0 and of a set with itself 1")
	}
}

// FuzzNormalizeShingles checks the invariants the index relies on for any
// input: offsets inside the text and in order, only lower-case letters and
// digits kept, shingle sets sorted and duplicate-free, normalisation
// idempotent and equal to NFKC applied to the whole text.
func FuzzNormalizeShingles(f *testing.F) {
	for _, s := range []string{"", "复工方案", "ＡＢＣ　１２３", "温度≥37.3℃", "\xff\xfe", "ﬁ ǅ Å ㈱ ①", "e\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if len(n.Start) != len(n.Runes) || len(n.End) != len(n.Runes) {
			t.Fatalf("offset slices of length %d, %d for %d runes", len(n.Start), len(n.End), len(n.Runes))
		}
		for i, r := range n.Runes {
			if !(unicode.IsLetter(r) || unicode.IsNumber(r)) {
				t.Fatalf("kept %U, neither letter nor number", r)
			}
			if n.Start[i] < 0 || n.Start[i] >= n.End[i] || n.End[i] > len(s) || (i > 0 && n.Start[i] < n.Start[i-1]) {
				t.Fatalf("bad offsets [%d,%d) for rune %d of %q", n.Start[i], n.End[i], i, s)
			}
		}
		if utf8.ValidString(s) {
			var ref []rune
			for _, r := range norm.NFKC.String(s) {
				if unicode.IsLetter(r) || unicode.IsNumber(r) {
					ref = append(ref, unicode.ToLower(r))
				}
			}
			if !slices.Equal(ref, n.Runes) {
				t.Fatalf("Normalize(%q) = %q, whole-text NFKC gives %q", s, string(n.Runes), string(ref))
			}
		}
		if again := Normalize(string(n.Runes)).Runes; !slices.Equal(again, n.Runes) && utf8.ValidString(s) {
			t.Fatalf("not idempotent: %q → %q → %q", s, string(n.Runes), string(again))
		}
		for _, k := range []int{1, 5} {
			sh := Shingles(n.Runes, k)
			if !slices.IsSorted(sh) || len(slices.Compact(slices.Clone(sh))) != len(sh) {
				t.Fatalf("shingles of %q not a sorted set", s)
			}
			if max := max(1, len(n.Runes)-k+1); len(sh) > max || (len(n.Runes) > 0) != (len(sh) > 0) {
				t.Fatalf("%d shingles for %d runes with k=%d", len(sh), len(n.Runes), k)
			}
		}
	})
}
