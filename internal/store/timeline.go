package store

import (
	"context"
	"time"
)

// Timeline is one enterprise's status timeline: the earliest time any of
// its filings reached each state, as the dashboards count them (report's
// package comment states the rules). It is derived from the filings, kept
// by the filing service in the same transaction as each change (MarkTimeline)
// and recomputable at any time (RebuildTimeline); the two always agree.
type Timeline struct {
	EnterpriseID int64      `json:"enterprise_id" gorm:"primaryKey;autoIncrement:false"`
	SubmittedAt  *time.Time `json:"submitted_at"` // first filing submitted (its latest submission)
	ApprovedAt   *time.Time `json:"approved_at"`  // first approval
	ReturnedAt   *time.Time `json:"returned_at"`  // a filing currently returned, decided then
	RejectedAt   *time.Time `json:"rejected_at"`  // a filing currently rejected, decided then
	ResumedDate  *string    `json:"resumed_date"` // YYYY-MM-DD, the earliest resumption reported
}

// TableName maps Timeline to enterprise_timeline.
func (Timeline) TableName() string { return "enterprise_timeline" }

// timelineColumns and timelineSelect compute timeline rows from filings;
// %s is a WHERE clause or empty. One definition serves the maintained path,
// the rebuild and the migration's backfill, so they cannot drift apart.
const timelineColumns = "enterprise_id, submitted_at, approved_at, returned_at, rejected_at, resumed_date"

const timelineSelect = `SELECT enterprise_id, MIN(submitted_at), MIN(approved_at),
  MIN(CASE WHEN status = 'returned' THEN decided_at END),
  MIN(CASE WHEN status = 'rejected' THEN decided_at END),
  MIN(CASE WHEN resumed_date <> '' THEN resumed_date END)
FROM filings`

const timelineRebuild = "INSERT INTO enterprise_timeline (" + timelineColumns + ") " + timelineSelect + " GROUP BY enterprise_id"

// versionsTimelineCopy copies the timeline onto every registry version (a
// WHERE clause may follow): the dashboards read them there, in one covering
// index, instead of joining the timeline.
const versionsTimelineCopy = `UPDATE enterprise_versions SET
  submitted_at = (SELECT t.submitted_at FROM enterprise_timeline t WHERE t.enterprise_id = enterprise_versions.enterprise_id),
  approved_at = (SELECT t.approved_at FROM enterprise_timeline t WHERE t.enterprise_id = enterprise_versions.enterprise_id),
  returned_at = (SELECT t.returned_at FROM enterprise_timeline t WHERE t.enterprise_id = enterprise_versions.enterprise_id),
  rejected_at = (SELECT t.rejected_at FROM enterprise_timeline t WHERE t.enterprise_id = enterprise_versions.enterprise_id),
  resumed_date = (SELECT t.resumed_date FROM enterprise_timeline t WHERE t.enterprise_id = enterprise_versions.enterprise_id)`

// MarkTimeline recomputes the timeline of enterprise enterpriseID from its
// filings and copies it onto its registry versions: two statements, meant
// to run in the transaction that changed a filing (submit, decision,
// resumption), so the dashboards never see one without the other. Errors
// are the database's (apperror.Unavailable when it is down).
func (db *DB) MarkTimeline(ctx context.Context, enterpriseID int64) error {
	// REPLACE is MySQL's upsert and SQLite's alias of INSERT OR REPLACE.
	q := "REPLACE INTO enterprise_timeline (" + timelineColumns + ") " + timelineSelect + " WHERE enterprise_id = ? GROUP BY enterprise_id"
	g := db.gorm.WithContext(ctx)
	if err := g.Exec(q, enterpriseID).Error; err != nil {
		return dbErr(err, "timeline")
	}
	return dbErr(g.Exec(versionsTimelineCopy+" WHERE enterprise_id = ?", enterpriseID).Error, "timeline")
}

// RebuildTimeline recomputes every enterprise's timeline from the filings in
// one transaction (`fugong report rebuild`; also after bulk loads that write
// filings directly, like the demo seed). It returns the number of rows
// written.
func (db *DB) RebuildTimeline(ctx context.Context) (int64, error) {
	var n int64
	err := db.Tx(ctx, func(tx *DB) error {
		if err := tx.gorm.WithContext(ctx).Exec("DELETE FROM enterprise_timeline").Error; err != nil {
			return dbErr(err, "timeline")
		}
		res := tx.gorm.WithContext(ctx).Exec(timelineRebuild)
		if res.Error != nil {
			return dbErr(res.Error, "timeline")
		}
		n = res.RowsAffected
		return dbErr(tx.gorm.WithContext(ctx).Exec(versionsTimelineCopy).Error, "timeline")
	})
	return n, err
}

// Timelines returns every timeline row, by enterprise id (tests compare the
// maintained and the rebuilt timeline with it).
func (db *DB) Timelines(ctx context.Context) ([]Timeline, error) {
	var out []Timeline
	err := db.gorm.WithContext(ctx).Order("enterprise_id").Find(&out).Error
	return out, dbErr(err, "timeline")
}
