package store

import (
	"slices"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// The values list filters accept; anything else is a caller's mistake
// (422), not an empty list.
var (
	filterSectors    = []string{"industrial", "service", "construction"}
	filterSeverities = []string{"block", "warn", "info"}
)

var msgBadFilter = msg.New("store.bad_filter", "筛选条件 %s 的值无效，可选：%s", "unknown value for filter %s; allowed: %s")

// checkFilter returns apperror.Invalid with a detail for field when value is
// set and not one of allowed.
func checkFilter(field, value string, allowed []string) error {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	e := apperror.Msg(apperror.Invalid, msgBadFilter, field, msg.List(anySlice(allowed)))
	e.Details = []apperror.Detail{{Field: field, Message: "unknown value"}}
	return e
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
