package store

import (
	"context"
	"time"
)

// Timeline is one enterprise's status timeline: the earliest time any of
// its filings reached each state, as the dashboards count them (report's
// package comment states the rules). It is derived from the filings and
// kept on the enterprise's registry versions (enterprise_versions), where
// the dashboards read it with the attributes in one covering index: written
// by the filing service in the same transaction as each change
// (MarkTimeline), recomputable at any time (RebuildTimeline); the two
// always agree.
type Timeline struct {
	EnterpriseID int64      `json:"enterprise_id"`
	SubmittedAt  *time.Time `json:"submitted_at"` // first filing submitted (its latest submission)
	ApprovedAt   *time.Time `json:"approved_at"`  // first approval
	ReturnedAt   *time.Time `json:"returned_at"`  // a filing currently returned, decided then
	RejectedAt   *time.Time `json:"rejected_at"`  // a filing currently rejected, decided then
	ResumedDate  *string    `json:"resumed_date"` // YYYY-MM-DD, the earliest resumption reported
}

// timelineUpdate computes the timeline from the filings onto registry
// versions (a WHERE clause may follow). One statement serves the
// maintained path, the rebuild, re-imports and the migration's backfill, so
// they cannot drift apart; each subquery reads the covering index
// idx_filings_dashboard (migration 4) of one enterprise.
const timelineUpdate = `UPDATE enterprise_versions SET
  submitted_at = (SELECT MIN(f.submitted_at) FROM filings f WHERE f.enterprise_id = enterprise_versions.enterprise_id),
  approved_at = (SELECT MIN(f.approved_at) FROM filings f WHERE f.enterprise_id = enterprise_versions.enterprise_id),
  returned_at = (SELECT MIN(f.decided_at) FROM filings f WHERE f.enterprise_id = enterprise_versions.enterprise_id AND f.status = 'returned'),
  rejected_at = (SELECT MIN(f.decided_at) FROM filings f WHERE f.enterprise_id = enterprise_versions.enterprise_id AND f.status = 'rejected'),
  resumed_date = (SELECT MIN(f.resumed_date) FROM filings f WHERE f.enterprise_id = enterprise_versions.enterprise_id AND f.resumed_date <> '')`

// MarkTimeline recomputes the timeline of enterprise enterpriseID from its
// filings: one statement, meant to run in the transaction that changed a
// filing (submit, decision, resumption), so the dashboards never see one
// without the other. Errors are the database's (apperror.Unavailable when
// it is down).
func (db *DB) MarkTimeline(ctx context.Context, enterpriseID int64) error {
	return dbErr(db.orm(ctx).Exec(timelineUpdate+" WHERE enterprise_id = ?", enterpriseID).Error, "timeline")
}

// RebuildTimeline recomputes every enterprise's timeline from the filings in
// one statement (`fugong report rebuild`; also after bulk loads that write
// filings directly, like the demo seed). It returns the number of registry
// versions written.
//
// On MySQL/MariaDB it aggregates the filings once and joins the result:
// the correlated form reads each enterprise's filings through the index,
// but inside a large transaction (the demo seed writes 100,000 filings
// before it) InnoDB's statistics still describe the empty tables, the
// optimizer scans instead, and the statement ran past the driver's 30 s
// read timeout. Both forms give the same timeline (the rebuild test
// compares them with the maintained one).
func (db *DB) RebuildTimeline(ctx context.Context) (int64, error) {
	q := timelineUpdate
	if db.driver == "mysql" {
		q = timelineRebuildMySQL
	}
	res := db.orm(ctx).Exec(q)
	return res.RowsAffected, dbErr(res.Error, "timeline")
}

// timelineRebuildMySQL is timelineUpdate for every enterprise at once, as
// one aggregate joined to the versions (MySQL's multi-table UPDATE).
const timelineRebuildMySQL = `UPDATE enterprise_versions v LEFT JOIN (
  SELECT enterprise_id,
    MIN(submitted_at) AS s,
    MIN(approved_at) AS a,
    MIN(CASE WHEN status = 'returned' THEN decided_at END) AS r,
    MIN(CASE WHEN status = 'rejected' THEN decided_at END) AS j,
    MIN(CASE WHEN resumed_date <> '' THEN resumed_date END) AS d
  FROM filings GROUP BY enterprise_id) agg ON agg.enterprise_id = v.enterprise_id
SET v.submitted_at = agg.s, v.approved_at = agg.a, v.returned_at = agg.r, v.rejected_at = agg.j, v.resumed_date = agg.d`

// Timelines returns every enterprise's timeline, by enterprise id (tests
// compare the maintained and the rebuilt timeline with it). An enterprise
// whose versions disagreed would appear twice.
func (db *DB) Timelines(ctx context.Context) ([]Timeline, error) {
	var out []Timeline
	err := db.orm(ctx).Model(&EnterpriseVersion{}).
		Distinct("enterprise_id", "submitted_at", "approved_at", "returned_at", "rejected_at", "resumed_date").
		Order("enterprise_id").Scan(&out).Error
	return out, dbErr(err, "timeline")
}
