package registry

import (
	"context"

	"fugong/internal/areas"
	"fugong/internal/sheet"
	"fugong/internal/store"
)

// Import parses the registry file at path and upserts every row by credit
// code in one transaction. Any invalid row makes it write nothing and return
// the apperror.Invalid from Parse with every bad row; with dryRun it only
// reports what would change.
func Import(ctx context.Context, db *store.DB, path string, a *areas.Areas, dryRun bool) (store.UpsertResult, error) {
	res, _, err := ImportFile(ctx, db, path, a, dryRun)
	return res, err
}

// ImportFile is Import that also returns how the file was read (sheet,
// header row, used and ignored columns, skipped rows) for the answer.
func ImportFile(ctx context.Context, db *store.DB, path string, a *areas.Areas, dryRun bool) (store.UpsertResult, sheet.Layout, error) {
	p, err := ParseFile(ctx, path, a, Options{})
	if err != nil {
		return store.UpsertResult{}, sheet.Layout{}, err
	}
	res, err := db.UpsertEnterprises(ctx, ToEnterprises(p.Rows), dryRun)
	return res, p.Layout, err
}

// ToEnterprises converts parsed rows to store rows.
func ToEnterprises(rows []Row) []store.Enterprise {
	out := make([]store.Enterprise, len(rows))
	for i, r := range rows {
		out[i] = store.Enterprise{
			CreditCode: r.CreditCode, Name: r.Name, Sector: r.Sector, AboveScale: r.AboveScale, RealEstate: r.RealEstate,
			Zone: r.Zone, Street: r.Street, Supervised: r.Supervised,
		}
	}
	return out
}
