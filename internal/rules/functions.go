package rules

import (
	"strings"
	"time"

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

// containsAny reports whether text contains any non-empty word.
func containsAny(text string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(text, w) {
			return true
		}
	}
	return false
}
