package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// The dashboards' queries (package report computes the figures from them).
// Every one reads the registry as it stood on a day (enterprise_versions
// valid that day, which carry a copy of each enterprise's status timeline)
// from a covering index, so its cost depends on the number of enterprises,
// never on the number of filings, and no query runs per enterprise.

// RegistryAttrs are the attributes an enterprise is counted by.
type RegistryAttrs struct {
	Sector     string
	AboveScale bool
	RealEstate bool
	Supervised bool
	Zone       string
	Street     string
}

// Attrs returns e's counted attributes.
func (e Enterprise) Attrs() RegistryAttrs {
	return RegistryAttrs{Sector: e.Sector, AboveScale: e.AboveScale, RealEstate: e.RealEstate, Supervised: e.Supervised, Zone: e.Zone, Street: e.Street}
}

// PopulationFilter selects enterprises by attributes; nil or empty fields
// select any value.
type PopulationFilter struct {
	Sector     string
	AboveScale *bool
	RealEstate *bool
	Supervised *bool
	Zones      []string
}

// Matches reports whether attributes a are in the population.
func (p PopulationFilter) Matches(a RegistryAttrs) bool {
	if p.Sector != "" && a.Sector != p.Sector {
		return false
	}
	for _, c := range []struct {
		want *bool
		got  bool
	}{{p.AboveScale, a.AboveScale}, {p.RealEstate, a.RealEstate}, {p.Supervised, a.Supervised}} {
		if c.want != nil && *c.want != c.got {
			return false
		}
	}
	if len(p.Zones) == 0 {
		return true
	}
	for _, z := range p.Zones {
		if z == a.Zone {
			return true
		}
	}
	return false
}

// where is the filter as SQL over enterprise_versions aliased v.
func (p PopulationFilter) where() ([]string, []any) {
	var w []string
	var args []any
	if p.Sector != "" {
		w, args = append(w, "v.sector = ?"), append(args, p.Sector)
	}
	for _, c := range []struct {
		col string
		v   *bool
	}{{"v.above_scale", p.AboveScale}, {"v.real_estate", p.RealEstate}, {"v.supervised", p.Supervised}} {
		if c.v != nil {
			w, args = append(w, c.col+" = ?"), append(args, *c.v)
		}
	}
	if len(p.Zones) > 0 {
		w, args = append(w, "v.zone IN ?"), append(args, p.Zones)
	}
	return w, args
}

// GroupCount is the figures of one group of registry attributes on a day.
type GroupCount struct {
	RegistryAttrs
	Total, Submitted, Approved, Returned, Resumed, OnTime int64
}

const groupCols = "v.sector, v.above_scale, v.real_estate, v.supervised, v.zone, v.street"

// StatusCounts counts, per group of attributes, the enterprises in the
// registry on day (YYYY-MM-DD) and those whose timeline reached each state
// before end (the exclusive end of day, UTC); OnTime counts approvals before
// onTimeEnd. street "" is every street. One query.
func (db *DB) StatusCounts(ctx context.Context, day string, end, onTimeEnd time.Time, street string) ([]GroupCount, error) {
	q := `SELECT ` + groupCols + `, COUNT(*),
  SUM(CASE WHEN v.submitted_at < ? THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.approved_at < ? THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.returned_at < ? THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.resumed_date <= ? THEN 1 ELSE 0 END),
  SUM(CASE WHEN v.approved_at < ? THEN 1 ELSE 0 END)
FROM enterprise_versions v
WHERE v.valid_from <= ? AND v.valid_to > ?`
	args := []any{end, end, end, day, onTimeEnd, day, day}
	if street != "" {
		q += " AND v.street = ?"
		args = append(args, street)
	}
	rows, err := db.orm(ctx).Raw(q+" GROUP BY "+groupCols, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "dashboard")
	}
	defer rows.Close()
	var out []GroupCount
	for rows.Next() {
		var g GroupCount
		if err := rows.Scan(&g.Sector, &g.AboveScale, &g.RealEstate, &g.Supervised, &g.Zone, &g.Street,
			&g.Total, &g.Submitted, &g.Approved, &g.Returned, &g.Resumed, &g.OnTime); err != nil {
			return nil, dbErr(err, "dashboard")
		}
		out = append(out, g)
	}
	return out, dbErr(rows.Err(), "dashboard")
}

// ProblemCount is the problem figures of one street and one group of
// attributes of the problems' enterprises on a day.
type ProblemCount struct {
	Street string // where the problem was found
	// InRegistry is false for problems without an enterprise, or whose
	// enterprise is not in the registry that day: they belong to no
	// population (Attrs is zero).
	InRegistry bool
	Attrs      RegistryAttrs
	Found      int64
	Rectified  int64 // rectified, not waived (internal/ledger)
	Waived     int64
}

// ProblemCounts counts problems found, rectified and waived before end, per street
// they were found in and per the attributes their enterprise had on day.
// street "" is every street. One query.
func (db *DB) ProblemCounts(ctx context.Context, day string, end time.Time, street string) ([]ProblemCount, error) {
	q := `SELECT p.street, v.sector, v.above_scale, v.real_estate, v.supervised, v.zone, v.street,
  SUM(CASE WHEN p.created_at < ? THEN 1 ELSE 0 END),
  SUM(CASE WHEN p.rectified_at < ? AND p.status <> 'waived' THEN 1 ELSE 0 END),
  SUM(CASE WHEN p.rectified_at < ? AND p.status = 'waived' THEN 1 ELSE 0 END)
FROM problems p LEFT JOIN enterprise_versions v ON v.enterprise_id = p.enterprise_id AND v.valid_from <= ? AND v.valid_to > ?`
	args := []any{end, end, end, day, day}
	if street != "" {
		q += " WHERE p.street = ?"
		args = append(args, street)
	}
	rows, err := db.orm(ctx).Raw(q+" GROUP BY p.street, "+groupCols, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "problems")
	}
	defer rows.Close()
	var out []ProblemCount
	for rows.Next() {
		var p ProblemCount
		var sector, zone, vstreet sql.NullString
		var above, re, sup sql.NullBool
		if err := rows.Scan(&p.Street, &sector, &above, &re, &sup, &zone, &vstreet, &p.Found, &p.Rectified, &p.Waived); err != nil {
			return nil, dbErr(err, "problems")
		}
		if sector.Valid {
			p.InRegistry = true
			p.Attrs = RegistryAttrs{Sector: sector.String, AboveScale: above.Bool, RealEstate: re.Bool, Supervised: sup.Bool, Zone: zone.String, Street: vstreet.String}
		}
		out = append(out, p)
	}
	return out, dbErr(rows.Err(), "problems")
}

// ApprovalSpan is a number of enterprises of a population that were in the
// registry over [ValidFrom, ValidTo) and were first approved on ApprovedDay
// (YYYY-MM-DD, Asia/Shanghai; "" for not approved before the end asked).
type ApprovalSpan struct {
	ValidFrom, ValidTo, ApprovedDay string
	N                               int64
}

// ApprovalSpans returns the spans of the population pop (in street, if set)
// that overlap the days [from, to], with the day of first approval before
// end: everything a trend needs, in one query whose rows number the distinct
// (span, day) pairs, not the enterprises.
func (db *DB) ApprovalSpans(ctx context.Context, pop PopulationFilter, from, to string, end time.Time, street string) ([]ApprovalSpan, error) {
	// The day (Asia/Shanghai) of the first approval. SQLite reads the stored
	// "+00:00" offset but rounds fractional seconds to milliseconds
	// (15:59:59.9999 would become the next day), so the fraction is cut off
	// first; a day boundary is a whole second.
	dayExpr := "date(substr(v.approved_at, 1, 19) || substr(v.approved_at, -6), '+8 hours')"
	if db.driver == "mysql" {
		dayExpr = "DATE_FORMAT(DATE_ADD(v.approved_at, INTERVAL 8 HOUR), '%Y-%m-%d')"
	}
	w, args := pop.where()
	w = append([]string{"v.valid_from <= ?", "v.valid_to > ?"}, w...)
	args = append([]any{end, to, from}, args...)
	if street != "" {
		w, args = append(w, "v.street = ?"), append(args, street)
	}
	q := `SELECT v.valid_from, v.valid_to, CASE WHEN v.approved_at < ? THEN ` + dayExpr + ` END AS day, COUNT(*)
FROM enterprise_versions v
WHERE ` + strings.Join(w, " AND ") + ` GROUP BY v.valid_from, v.valid_to, day`
	rows, err := db.orm(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "trend")
	}
	defer rows.Close()
	var out []ApprovalSpan
	for rows.Next() {
		var s ApprovalSpan
		var d sql.NullString
		if err := rows.Scan(&s.ValidFrom, &s.ValidTo, &d, &s.N); err != nil {
			return nil, dbErr(err, "trend")
		}
		s.ApprovedDay = d.String
		out = append(out, s)
	}
	return out, dbErr(rows.Err(), "trend")
}

// Drill-down states: the enterprises behind each number of the dashboards.
// Each is the predicate of its column (approved includes resumed ones, as
// the dashboard's approved count does); not_filed is "not submitted".
const (
	StateNotFiled  = "not_filed"
	StateSubmitted = "submitted"
	StateApproved  = "approved"
	StateReturned  = "returned"
	StateRejected  = "rejected"
	StateResumed   = "resumed"
)

// DrillStates are the states DrillFilter.State accepts.
var DrillStates = []string{StateNotFiled, StateSubmitted, StateApproved, StateReturned, StateRejected, StateResumed}

// DrillFilter selects the enterprises of the registry on Day.
type DrillFilter struct {
	Day        string    // YYYY-MM-DD
	End        time.Time // the exclusive end of Day, UTC
	Population PopulationFilter
	Street     string // "" = every street
	State      string // one of DrillStates, or "" = any
	Query      string // part of the name or the credit code
	Page       Page   // Size 0 = every row
}

// DrillRow is one enterprise as it stood on the day asked, with its
// timeline (dates after the day included; the caller hides them).
type DrillRow struct {
	ID         int64
	CreditCode string
	Name       string
	RegistryAttrs
	Timeline
}

var statePredicates = map[string]string{
	StateNotFiled:  "(v.submitted_at IS NULL OR v.submitted_at >= ?)",
	StateSubmitted: "v.submitted_at < ?",
	StateApproved:  "v.approved_at < ?",
	StateReturned:  "v.returned_at < ?",
	StateRejected:  "v.rejected_at < ?",
	StateResumed:   "v.resumed_date <= ?",
}

// DrillDown returns a page of the enterprises matching f, by id, and how
// many match. An unknown state is treated as any (callers validate). Two
// queries.
func (db *DB) DrillDown(ctx context.Context, f DrillFilter) ([]DrillRow, int64, error) {
	w, args := f.Population.where()
	w = append([]string{"v.valid_from <= ?", "v.valid_to > ?"}, w...)
	args = append([]any{f.Day, f.Day}, args...)
	if f.Street != "" {
		w, args = append(w, "v.street = ?"), append(args, f.Street)
	}
	if p, ok := statePredicates[f.State]; ok {
		w = append(w, p)
		if f.State == StateResumed {
			args = append(args, f.Day)
		} else {
			args = append(args, f.End)
		}
	}
	// Only a search needs the enterprises' names for every row; otherwise
	// the count reads the versions' index alone and the page joins 50 names.
	from := " FROM enterprise_versions v"
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		from += " JOIN enterprises e ON e.id = v.enterprise_id"
		w, args = append(w, "(e.name LIKE ? ESCAPE '!' OR e.credit_code LIKE ? ESCAPE '!')"), append(args, like, like)
	}
	from += " WHERE " + strings.Join(w, " AND ")
	g := db.orm(ctx)
	var total int64
	if err := g.Raw("SELECT COUNT(*)"+from, args...).Row().Scan(&total); err != nil {
		return nil, 0, dbErr(err, "drill-down")
	}
	q := `SELECT v.enterprise_id, ` + groupCols + `, v.submitted_at, v.approved_at, v.returned_at, v.rejected_at, v.resumed_date` +
		from + " ORDER BY v.enterprise_id"
	if f.Page.Size > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Page.Size, f.Page.Offset())
	}
	rows, err := g.Raw(q, args...).Rows()
	if err != nil {
		return nil, 0, dbErr(err, "drill-down")
	}
	defer rows.Close()
	out := []DrillRow{}
	for rows.Next() {
		var r DrillRow
		var sub, appr, ret, rej sql.NullTime
		var res sql.NullString
		if err := rows.Scan(&r.ID, &r.Sector, &r.AboveScale, &r.RealEstate, &r.Supervised, &r.Zone, &r.Street,
			&sub, &appr, &ret, &rej, &res); err != nil {
			return nil, 0, dbErr(err, "drill-down")
		}
		r.EnterpriseID = r.ID
		r.SubmittedAt, r.ApprovedAt, r.ReturnedAt, r.RejectedAt = nullTime(sub), nullTime(appr), nullTime(ret), nullTime(rej)
		if res.Valid {
			r.ResumedDate = &res.String
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, dbErr(err, "drill-down")
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	var names []Enterprise
	for start := 0; start < len(ids); start += 1000 { // an export reads every row
		var part []Enterprise
		if err := g.Select("id, credit_code, name").Where("id IN ?", ids[start:min(start+1000, len(ids))]).Find(&part).Error; err != nil {
			return nil, 0, dbErr(err, "drill-down")
		}
		names = append(names, part...)
	}
	byID := make(map[int64]Enterprise, len(names))
	for _, e := range names {
		byID[e.ID] = e
	}
	for i := range out {
		out[i].CreditCode, out[i].Name = byID[out[i].ID].CreditCode, byID[out[i].ID].Name
	}
	return out, total, nil
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// ReportRow is one enterprise of the registry on a day with its latest
// filing (highest id), that filing's roster summary (JSON) and its problem
// counts: everything a department view may show. It holds no personal data.
type ReportRow struct {
	E                            Enterprise // id, code, name and the attributes of the day
	Status                       sql.NullString
	SubmittedAt, ApprovedAt      sql.NullTime
	Planned, Resumed             sql.NullString
	StaffTotal, StaffOnsite      sql.NullInt64
	Masks, Thermometers          sql.NullInt64
	Disinfectant                 sql.NullFloat64
	Isolation                    sql.NullBool
	RosterJSON                   sql.NullString
	Found, Rectified, OpenProbls sql.NullInt64
	Waived                       sql.NullInt64
}

const reportRowsQuery = `SELECT e.id, e.credit_code, e.name, v.sector, v.above_scale, v.real_estate, v.zone, v.street, v.supervised,
  f.status, f.submitted_at, f.approved_at, f.planned_resume_date, f.resumed_date, f.staff_total, f.staff_onsite,
  f.masks, f.thermometers, f.disinfectant_liters, f.isolation_room, a.roster_summary,
  p.found, p.rectified, p.open_n, p.waived
FROM enterprise_versions v
JOIN enterprises e ON e.id = v.enterprise_id
LEFT JOIN (SELECT enterprise_id, MAX(id) AS id FROM filings GROUP BY enterprise_id) lf ON lf.enterprise_id = v.enterprise_id
LEFT JOIN filings f ON f.id = lf.id
LEFT JOIN attachments a ON a.id = f.roster_attachment_id
LEFT JOIN (SELECT enterprise_id, COUNT(*) AS found,
    SUM(CASE WHEN status = 'rectified' THEN 1 ELSE 0 END) AS rectified,
    SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_n,
    SUM(CASE WHEN status = 'waived' THEN 1 ELSE 0 END) AS waived
  FROM problems WHERE enterprise_id IS NOT NULL GROUP BY enterprise_id) p ON p.enterprise_id = v.enterprise_id
WHERE v.valid_from <= ? AND v.valid_to > ?
ORDER BY v.street, e.id`

// ReportRows returns every enterprise of the registry on day (YYYY-MM-DD)
// with its latest filing, roster summary and problem counts, by street
// then id: one query, whatever the number of enterprises.
func (db *DB) ReportRows(ctx context.Context, day string) ([]ReportRow, error) {
	rows, err := db.orm(ctx).Raw(reportRowsQuery, day, day).Rows()
	if err != nil {
		return nil, dbErr(err, "report")
	}
	defer rows.Close()
	var out []ReportRow
	for rows.Next() {
		var r ReportRow
		if err := rows.Scan(&r.E.ID, &r.E.CreditCode, &r.E.Name, &r.E.Sector, &r.E.AboveScale, &r.E.RealEstate, &r.E.Zone, &r.E.Street, &r.E.Supervised,
			&r.Status, &r.SubmittedAt, &r.ApprovedAt, &r.Planned, &r.Resumed, &r.StaffTotal, &r.StaffOnsite,
			&r.Masks, &r.Thermometers, &r.Disinfectant, &r.Isolation, &r.RosterJSON,
			&r.Found, &r.Rectified, &r.OpenProbls, &r.Waived); err != nil {
			return nil, dbErr(err, "report")
		}
		out = append(out, r)
	}
	return out, dbErr(rows.Err(), "report")
}
