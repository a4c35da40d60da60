package plans

import (
	"strings"
	"unicode"
)

// Normalize prepares plan text for comparison and display: full-width
// ASCII-range characters (U+FF01–FF5E) and the ideographic space become
// their half-width forms, every run of whitespace inside a line becomes one
// space, lines are trimmed, blank lines vanish (so paragraphs are separated
// by exactly one newline), and the result is trimmed. So "，" (U+FF0C)
// becomes ","; "。" "、" (U+3002, U+3001) are outside that range and stay.
// Zero-width spaces and BOMs are dropped. CJK radicals and compatibility
// ideographs become the unified ideographs they stand for (see
// unifyIdeograph). It cannot fail.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false // pending separators
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r >= 0x2E80 && r <= 0x2FDF || r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F:
			r = unifyIdeograph(r)
		case r == '\r' || r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f' || r == 0x85:
			r = '\n'
		}
		switch {
		case r == '\n':
			newline = true
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == 0xFEFF || r == 0x200B:
			// BOMs and zero-width spaces are invisible: drop them without
			// splitting the word they sit in.
			continue
		}
		if b.Len() > 0 {
			if newline {
				b.WriteByte('\n')
			} else if space {
				b.WriteByte(' ')
			}
		}
		space, newline = false, false
		b.WriteRune(r)
	}
	return b.String()
}
