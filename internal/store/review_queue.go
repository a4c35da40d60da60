package store

import (
	"context"
	"strings"
)

// QueueSorts are the orders a filing list accepts (FilingFilter.Sort). Each
// is a fixed SQL text chosen from this allow-list, never the caller's text.
// Every order ends on the id so pages neither overlap nor skip a row.
var QueueSorts = []string{"submitted_at", "flags", "sector", "name", "staff_total"}

// queueOrders holds the ascending form of each sort; flags sorts by the
// current revision's blocking flags, then its warnings.
var queueOrders = map[string][]string{
	"submitted_at": {"submitted_at"},
	"flags": {
		"(SELECT COUNT(*) FROM flags WHERE flags.filing_id = filings.id AND flags.revision = filings.revision AND flags.severity = 'block')",
		"(SELECT COUNT(*) FROM flags WHERE flags.filing_id = filings.id AND flags.revision = filings.revision AND flags.severity = 'warn')",
	},
	"sector":      {"sector", "submitted_at"},
	"name":        {"(SELECT name FROM enterprises WHERE enterprises.id = filings.enterprise_id)"},
	"staff_total": {"staff_total"},
}

// order is the ORDER BY of f: its Sort (reversed when Desc), else newest
// first, or oldest submission first for a queue. An unknown sort is
// apperror.Invalid.
func (f FilingFilter) order() (string, error) {
	if err := checkFilter("sort", f.Sort, QueueSorts); err != nil {
		return "", err
	}
	if f.Sort == "" {
		if f.Oldest {
			return "submitted_at, id", nil
		}
		return "id DESC", nil
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	cols := queueOrders[f.Sort]
	parts := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		parts = append(parts, c+dir)
	}
	return strings.Join(append(parts, "id"+dir), ", "), nil
}

// FlagCounts are how many flags of each severity a filing's current
// revision raised.
type FlagCounts struct {
	Block int `json:"block"`
	Warn  int `json:"warn"`
	Info  int `json:"info"`
}

// CurrentFlagCounts returns the flag counts of the current revision of each
// of filings ids (absent: no flags), in one query for a page of a list. The
// caller has already scoped ids.
func (db *DB) CurrentFlagCounts(ctx context.Context, ids []int64) (map[int64]FlagCounts, error) {
	out := make(map[int64]FlagCounts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		FilingID int64
		Severity string
		N        int
	}
	err := db.orm(ctx).Table("flags").Select("flags.filing_id, flags.severity, COUNT(*) AS n").
		Joins("JOIN filings ON filings.id = flags.filing_id AND filings.revision = flags.revision").
		Where("flags.filing_id IN ?", ids).Group("flags.filing_id, flags.severity").Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "flags")
	}
	for _, r := range rows {
		c := out[r.FilingID]
		switch r.Severity {
		case "block":
			c.Block += r.N
		case "warn":
			c.Warn += r.N
		case "info":
			c.Info += r.N
		}
		out[r.FilingID] = c
	}
	return out, nil
}
