package demo

import (
	"context"

	"fugong/internal/store"
)

// seedInspections gives the demo ledger its inspection group: the field
// findings are the inspector's (he owns and verifies them), and one of them
// is the article's 三岔街道 crowd, a problem of the street rather than of an
// enterprise. Counts do not change: 267 found, 252 rectified.
func seedInspections(ctx context.Context, db *store.DB, accounts []store.User) error {
	var inspector int64
	for _, u := range accounts {
		if u.Role == store.RoleInspector {
			inspector = u.ID
		}
	}
	return db.AttributeInspections(ctx, inspector, "sancha", "三岔街道：药店扫码领口罩致大量人员聚集，部分未戴口罩", "天顺祥小何药店门前", "high")
}
