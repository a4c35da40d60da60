package store

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/gorm"
)

// bulkDailyColumns are the columns InsertDailyReportsBulk writes to
// daily_reports, value columns last (in the order dailyColumnValues reads
// them).
var bulkDailyColumns = []string{"enterprise_id", "report_date", "street", "sector", "zone", "def_version", "version", "on_time",
	"warnings", "values_json", "personal_enc", "submitted_at", "updated_at", "submitted_by", "via_token",
	"staff_onsite", "returned_today", "returned_outside_province", "returned_hubei", "quarantine_home", "quarantine_central",
	"fever", "fever_handling", "red_code", "yellow_code", "masks", "disinfectant_liters", "thermometers", "disinfected", "canteen"}

var bulkDailyVersionColumns = []string{"report_id", "version", "enterprise_id", "report_date", "def_version", "late",
	"values_json", "personal_enc", "note", "created_by", "via_token", "created_at"}

func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// InsertDailyReportsBulk writes reports (current rows, without ids) and
// versions[i], the versions of reports[i] (oldest first, the last being
// the current row), in multi-row INSERTs, then recounts the daily_tallies
// of their days (the rows skip DailyReport.AfterCreate): for bulk loads
// like the demo seed (daily.Service.Import). Run it in a transaction; a
// report of an enterprise and day already there is apperror.Conflict, and
// other errors are the database's.
func (db *DB) InsertDailyReportsBulk(ctx context.Context, reports []DailyReport, versions [][]DailyReportVersion) error {
	// Batches of about 500 placeholders: the SQLite driver matches each
	// placeholder to its argument by a linear search (glebarez/go-sqlite
	// conn.bind), so a statement's binding cost grows with the square of its
	// arguments; 100-row batches spent a third of a 270,000-report load there.
	const batch = 16
	g := db.orm(ctx)
	// A full batch's statement is prepared once and reused: preparing each
	// batch anew cost an eighth of a 270,000-report load on SQLite.
	prepared := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range prepared {
			st.Close()
		}
	}()
	exec := func(head string, cols int, n int, args []any, what string) error {
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
		q := head + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
		if n < batch {
			_, err := g.Statement.ConnPool.ExecContext(ctx, q, args...)
			return bulkErr(g, err, what)
		}
		st := prepared[q]
		if st == nil {
			var err error
			if st, err = g.Statement.ConnPool.PrepareContext(ctx, q); err != nil {
				return dbErr(err, what)
			}
			prepared[q] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return bulkErr(g, err, what)
	}
	head := "INSERT INTO daily_reports (" + strings.Join(bulkDailyColumns, ", ") + ") VALUES "
	args := make([]any, 0, batch*len(bulkDailyColumns))
	minDay, maxDay := "", ""
	for start := 0; start < len(reports); start += batch {
		end := min(start+batch, len(reports))
		args = args[:0]
		for _, r := range reports[start:end] {
			if minDay == "" || r.ReportDate < minDay {
				minDay = r.ReportDate
			}
			if r.ReportDate > maxDay {
				maxDay = r.ReportDate
			}
			args = append(args, r.EnterpriseID, r.ReportDate, r.Street, r.Sector, r.Zone, r.DefVersion, r.Version, r.OnTime,
				r.Warnings, r.ValuesJSON, r.PersonalEnc, r.SubmittedAt, r.UpdatedAt, r.SubmittedBy, r.ViaToken,
				ptr(r.StaffOnsite), ptr(r.ReturnedToday), ptr(r.ReturnedOutsideProvince), ptr(r.ReturnedHubei), ptr(r.QuarantineHome),
				ptr(r.QuarantineCentral), ptr(r.Fever), ptr(r.FeverHandling), ptr(r.RedCode), ptr(r.YellowCode), ptr(r.Masks),
				ptr(r.DisinfectantLiters), ptr(r.Thermometers), ptr(r.Disinfected), ptr(r.Canteen))
		}
		if err := exec(head, len(bulkDailyColumns), end-start, args, "daily reports"); err != nil {
			return err
		}
	}
	if len(reports) == 0 {
		return nil
	}
	// The ids of the rows just written: one query over their days.
	type key struct {
		ent int64
		day string
	}
	var ids []struct {
		ID           int64
		EnterpriseID int64
		ReportDate   string
	}
	if err := g.Model(&DailyReport{}).Select("id, enterprise_id, report_date").
		Where("report_date >= ? AND report_date <= ?", minDay, maxDay).Scan(&ids).Error; err != nil {
		return dbErr(err, "daily reports")
	}
	idOf := make(map[key]int64, len(ids))
	for _, x := range ids {
		idOf[key{x.EnterpriseID, x.ReportDate}] = x.ID
	}
	head = "INSERT INTO daily_report_versions (" + strings.Join(bulkDailyVersionColumns, ", ") + ") VALUES "
	args = args[:0]
	n := 0
	for i, r := range reports {
		id := idOf[key{r.EnterpriseID, r.ReportDate}]
		for _, v := range versions[i] {
			args = append(args, id, v.Version, v.EnterpriseID, v.ReportDate, v.DefVersion, v.Late, v.ValuesJSON, v.PersonalEnc,
				v.Note, v.CreatedBy, v.ViaToken, v.CreatedAt)
			if n++; n == batch {
				if err := exec(head, len(bulkDailyVersionColumns), n, args, "daily report versions"); err != nil {
					return err
				}
				args, n = args[:0], 0
			}
		}
	}
	if n > 0 {
		if err := exec(head, len(bulkDailyVersionColumns), n, args, "daily report versions"); err != nil {
			return err
		}
	}
	_, err := db.RebuildDailyTallies(ctx, minDay, maxDay)
	return err
}

// bulkErr is dbErr for statements run on the connection directly: the
// dialect translates the driver's error first (a unique violation is
// apperror.Conflict on both databases), as GORM does for its own.
func bulkErr(g *gorm.DB, err error, what string) error {
	if t, ok := g.Dialector.(gorm.ErrorTranslator); ok && err != nil {
		err = t.Translate(err)
	}
	return dbErr(err, what)
}
