package store

import "context"

// AttributeInspections makes inspector the author of every inspection
// finding and turns the first open one into a finding against street,
// with its title, place and severity: the demo's inspection group and the
// article's 三岔街道 crowd, a street's problem rather than an enterprise's
// (internal/demo). The counts of the ledger do not change. Errors are the
// database's.
func (db *DB) AttributeInspections(ctx context.Context, inspector int64, street, title, place, severity string) error {
	return db.Tx(ctx, func(tx *DB) error {
		g := tx.orm(ctx)
		if err := g.Exec("UPDATE problems SET created_by = ? WHERE source = 'inspection'", inspector).Error; err != nil {
			return dbErr(err, "problems")
		}
		var first *int64
		if err := g.Raw("SELECT MIN(id) FROM problems WHERE source = 'inspection' AND status = 'open'").Scan(&first).Error; err != nil || first == nil {
			return dbErr(err, "problems")
		}
		return dbErr(g.Exec(`UPDATE problems SET target_kind = 'street', street = ?, sector = '', filing_id = NULL, enterprise_id = NULL,
  title = ?, place = ?, severity = ? WHERE id = ?`, street, title, place, severity, *first).Error, "problems")
	})
}
