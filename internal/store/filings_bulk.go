package store

import (
	"context"
	"strings"
	"time"
)

// bulkFilingColumns are the columns InsertFilingsBulk writes; the rest take
// their defaults.
var bulkFilingColumns = []string{"enterprise_id", "street", "sector", "status", "version", "revision", "planned_resume_date",
	"staff_total", "staff_onsite", "masks", "thermometers", "disinfectant_liters", "isolation_room", "contact_name",
	"submitted_at", "approved_at", "decided_at", "resumed_date", "created_by", "created_at", "updated_at", "open_key"}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// InsertFilingsBulk writes fs (without ids, revisions or attachments) in
// multi-row INSERTs of 100 rows (2,100 placeholders: far below SQLite's
// 32,766 and MySQL's 65,535): for bulk loads like the demo seed, which then
// call RebuildTimeline. A filing's created_at is an hour before its
// submission, or now. GORM's reflection per row made this 20× slower under
// -race. Errors are the database's.
func (db *DB) InsertFilingsBulk(ctx context.Context, fs []Filing) error {
	const batch = 100
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(bulkFilingColumns)), ",") + ")"
	head := "INSERT INTO filings (" + strings.Join(bulkFilingColumns, ", ") + ") VALUES "
	now := time.Now().UTC().Truncate(time.Microsecond)
	args := make([]any, 0, batch*len(bulkFilingColumns))
	g := db.orm(ctx)
	for start := 0; start < len(fs); start += batch {
		end := min(start+batch, len(fs))
		args = args[:0]
		for _, f := range fs[start:end] {
			created := now
			if f.SubmittedAt != nil {
				created = f.SubmittedAt.Add(-time.Hour)
			}
			args = append(args, f.EnterpriseID, f.Street, f.Sector, f.Status, f.Version, f.Revision, f.PlannedResumeDate,
				f.StaffTotal, f.StaffOnsite, f.Masks, f.Thermometers, f.DisinfectantLiters, f.IsolationRoom, f.ContactName,
				timeOrNil(f.SubmittedAt), timeOrNil(f.ApprovedAt), timeOrNil(f.DecidedAt), f.ResumedDate, f.CreatedBy, created, now, OpenKeyOf(f.EnterpriseID, f.Status))
		}
		q := head + strings.TrimSuffix(strings.Repeat(row+",", end-start), ",")
		if _, err := g.Statement.ConnPool.ExecContext(ctx, q, args...); err != nil {
			return dbErr(err, "filings")
		}
	}
	return nil
}

// LatestFilingIDs returns, per enterprise, the id of its latest filing in
// one of statuses: one query.
func (db *DB) LatestFilingIDs(ctx context.Context, statuses []Status) (map[int64]int64, error) {
	var rows []struct{ ID, EnterpriseID int64 }
	err := db.orm(ctx).Model(&Filing{}).Select("id, enterprise_id").Where("status IN ?", statuses).Order("id").Scan(&rows).Error
	if err != nil {
		return nil, dbErr(err, "filings")
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.EnterpriseID] = r.ID
	}
	return out, nil
}

// AllEnterprises returns the whole registry table by id (bulk jobs only).
func (db *DB) AllEnterprises(ctx context.Context) ([]Enterprise, error) {
	var out []Enterprise
	err := db.orm(ctx).Order("id").Find(&out).Error
	return out, dbErr(err, "enterprises")
}
