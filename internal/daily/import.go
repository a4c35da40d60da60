package daily

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/parktime"
	"fugong/internal/store"
)

// ImportVersion is one version of an imported report: when and by whom it
// was filed, its answers as the API takes them, and why, for a correction.
type ImportVersion struct {
	At     time.Time
	By     string
	Values map[string]json.RawMessage
	Note   string
}

// ImportItem is one enterprise's report of one day to import, with the
// enterprise's registry attributes that day and its versions, oldest
// first.
type ImportItem struct {
	EnterpriseID         int64
	Date                 string
	Street, Sector, Zone string
	Versions             []ImportVersion
}

// maxImport bounds one import (a year of the demo zone's reports).
const maxImport = 10_000_000

// Import writes reports filed at known times in bulk, as Submit and Correct
// would have written them at those times: the values checked against the
// data set version of the day, on time when the first version came by the
// day's deadline, every version kept. It is for loads that a person does
// not make one by one (the demo seed; history brought over from the old
// forms): the caller vouches that each enterprise was expected that day
// (no per-report check), no rules run, and one audit entry by the actor
// `by` records the whole import. Any bad item is apperror.Invalid with
// details prefixed "items[i]." and nothing is written; a report already
// filed is apperror.Conflict. Everything is written in one transaction.
func (s *Service) Import(ctx context.Context, by string, items []ImportItem) error {
	if len(items) > maxImport {
		return apperror.Msg(apperror.Invalid, msgImportTooMany, maxImport)
	}
	rows := make([]store.DailyReport, 0, len(items))
	versions := make([][]store.DailyReportVersion, 0, len(items))
	var details []apperror.Detail
	for i, it := range items {
		prefix := "items[" + strconv.Itoa(i) + "]."
		d, err := readDay(it.Date)
		if err != nil {
			details = append(details, apperror.FieldMsg(prefix+"date", msgDateFormat))
			continue
		}
		if len(it.Versions) == 0 {
			details = append(details, apperror.FieldMsg(prefix+"versions", msgImportNoVersion))
			continue
		}
		dayT, _ := time.ParseInLocation(time.DateOnly, d, parktime.Location)
		deadline := s.def.DeadlineOf(dayT)
		ver := s.def.VersionOn(d)
		var row store.DailyReport
		var vs []store.DailyReportVersion
		for j, v := range it.Versions {
			vals, ds := ParseValues(ver, v.Values)
			if len(ds) > 0 {
				for _, x := range ds {
					x.Field = prefix + "versions[" + strconv.Itoa(j) + "]." + x.Field
					details = append(details, x)
				}
				break
			}
			at := v.At.UTC().Truncate(time.Microsecond)
			if j == 0 {
				row = store.DailyReport{EnterpriseID: it.EnterpriseID, ReportDate: d, Street: it.Street, Sector: it.Sector, Zone: it.Zone,
					DefVersion: ver.Version, OnTime: !at.After(deadline), SubmittedAt: at}
			}
			row.Version, row.UpdatedAt, row.SubmittedBy = j+1, at, v.By
			if err := s.fill(&row, ver, vals); err != nil {
				return fmt.Errorf("daily import: %w", err)
			}
			vs = append(vs, store.DailyReportVersion{Version: j + 1, EnterpriseID: it.EnterpriseID, ReportDate: d, DefVersion: ver.Version,
				Late: at.After(deadline), ValuesJSON: row.ValuesJSON, PersonalEnc: row.PersonalEnc, Note: v.Note, CreatedBy: v.By, CreatedAt: at})
		}
		rows, versions = append(rows, row), append(versions, vs)
	}
	if len(details) > 0 {
		return invalid(details)
	}
	return s.db.TxRetry(ctx, func(tx *store.DB) error {
		if err := tx.InsertDailyReportsBulk(ctx, rows, versions); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &store.AuditEntry{Actor: by, Role: string(store.RoleAdmin), Action: "daily_reports_imported",
			Object: "daily_reports", Details: fmt.Sprintf("reports=%d", len(rows))})
	})
}
