package rules

import (
	"strings"
	"time"
	"unicode"

	"github.com/expr-lang/expr"
)

// functionOptions are the helper functions rule expressions may call. Each
// is typed, so a call with wrong arguments is a load error, and none can fail
// at run time.
func functionOptions() []expr.Option {
	return []expr.Option{
		expr.Function("days_between",
			func(params ...any) (any, error) {
				a, _ := params[0].(time.Time)
				b, _ := params[1].(time.Time)
				return daysBetween(a, b), nil
			},
			new(func(time.Time, time.Time) int),
		),
		expr.Function("contains_any",
			func(params ...any) (any, error) {
				text, _ := params[0].(string)
				text = JoinCJKLines(text)
				switch words := params[1].(type) {
				case []string:
					return containsAny(text, words), nil
				case []any:
					for _, w := range words {
						if s, ok := w.(string); ok && s != "" && strings.Contains(text, s) {
							return true, nil
						}
					}
				}
				return false, nil
			},
			new(func(string, []string) bool),
			new(func(string, []any) bool),
		),
	}
}

// daysBetween returns the number of calendar days from a's date to b's
// date (negative when b is earlier), reading each in its own location so a
// date stored at UTC midnight and a "now" in Asia/Shanghai compare as the
// calendar dates people mean.
func daysBetween(a, b time.Time) int {
	ad := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	bd := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	// Unix seconds, not Sub: a zero date is ~2000 years back and Sub
	// saturates at ~292 years.
	return int((bd.Unix() - ad.Unix()) / 86400)
}

// JoinCJKLines removes the line breaks (and the spaces around them) that
// fall between two Han characters: PDF text comes back in the lines of the
// page, and a keyword wrapped across two lines ("通\n风") is still the
// word. Breaks next to Latin text, digits or punctuation stay. It cannot
// fail.
func JoinCJKLines(text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	rs := []rune(text)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\n' && len(out) > 0 {
			j := i
			for j < len(rs) && (rs[j] == '\n' || rs[j] == ' ' || rs[j] == '\r' || rs[j] == '\t') {
				j++
			}
			k := len(out)
			for k > 0 && (out[k-1] == ' ' || out[k-1] == '\t' || out[k-1] == '\r') {
				k--
			}
			if k > 0 && j < len(rs) && unicode.Is(unicode.Han, out[k-1]) && unicode.Is(unicode.Han, rs[j]) && j-i < 3 {
				out = out[:k]
				i = j - 1
				continue
			}
		}
		out = append(out, rs[i])
	}
	return string(out)
}

// containsAny reports whether text contains any non-empty word.
func containsAny(text string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(text, w) {
			return true
		}
	}
	return false
}
