package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Department daily views (configs/reports.yaml, source: daily): the
// expected reporters of one day joined to their reports of that day, summed
// per street or sector in the database, or streamed row by row.

// DailyViewQuery is one daily view over one day.
type DailyViewQuery struct {
	Expected   map[string]any // DailyExpectedArgs of the day
	Population PopulationFilter
	Area       DailyArea
	GroupBy    string   // "street" or "sector" (grouped views); "" for a list
	Sums       []string // daily_reports value columns (DailyColumns) to sum
	Yes        []string // yes/no value columns whose yes answers to count
	Columns    []string // list views: value columns to read
}

func (q DailyViewQuery) check() error {
	for _, cols := range [][]string{q.Sums, q.Yes, q.Columns} {
		for _, c := range cols {
			if _, ok := DailyColumns[c]; !ok { // the allow-list: column names go into the SQL text
				return fmt.Errorf("store: %q is not a daily_reports column", c)
			}
		}
	}
	if q.GroupBy != "" && q.GroupBy != "street" && q.GroupBy != "sector" {
		return fmt.Errorf("store: daily view group %q", q.GroupBy)
	}
	return nil
}

func (q DailyViewQuery) from() (string, []any, error) {
	if err := q.check(); err != nil {
		return "", nil, err
	}
	pred, args, err := expectedSQL(q.Expected)
	if err != nil {
		return "", nil, err
	}
	w := []string{pred}
	pw, pargs := q.Population.where()
	w, args = append(w, pw...), append(args, pargs...)
	w, args = q.Area.where("v", w, args)
	return ` FROM enterprise_versions v
LEFT JOIN daily_reports r ON r.enterprise_id = v.enterprise_id AND r.report_date = ?
WHERE ` + strings.Join(w, " AND "), append([]any{q.Expected["day"]}, args...), nil
}

// DailyGroupRow is one group of a grouped daily view: the expected
// reporters, how many reported, on time, and the sums and yes counts asked
// for (in the query's order; sums of reports that answered).
type DailyGroupRow struct {
	Group                      string
	Expected, Reported, OnTime int64
	Sums                       []float64
	Yes                        []int64
}

// DailyGroups computes a grouped daily view in one GROUP BY.
func (db *DB) DailyGroups(ctx context.Context, q DailyViewQuery) ([]DailyGroupRow, error) {
	if q.GroupBy == "" {
		return nil, fmt.Errorf("store: DailyGroups needs a group")
	}
	from, args, err := q.from()
	if err != nil {
		return nil, err
	}
	sel := []string{"v." + q.GroupBy, "COUNT(*)", "COUNT(r.id)", "SUM(CASE WHEN r.on_time THEN 1 ELSE 0 END)"}
	for _, c := range q.Sums {
		sel = append(sel, "COALESCE(SUM(r."+c+"), 0)")
	}
	for _, c := range q.Yes {
		sel = append(sel, "SUM(CASE WHEN r."+c+" THEN 1 ELSE 0 END)")
	}
	rows, err := db.orm(ctx).Raw("SELECT "+strings.Join(sel, ", ")+from+" GROUP BY v."+q.GroupBy, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "daily view")
	}
	defer rows.Close()
	var out []DailyGroupRow
	for rows.Next() {
		g := DailyGroupRow{Sums: make([]float64, len(q.Sums)), Yes: make([]int64, len(q.Yes))}
		var onTime sql.NullInt64
		dst := []any{&g.Group, &g.Expected, &g.Reported, &onTime}
		for i := range g.Sums {
			dst = append(dst, &g.Sums[i])
		}
		yes := make([]sql.NullInt64, len(q.Yes))
		for i := range yes {
			dst = append(dst, &yes[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, dbErr(err, "daily view")
		}
		g.OnTime = onTime.Int64
		for i := range yes {
			g.Yes[i] = yes[i].Int64
		}
		out = append(out, g)
	}
	return out, dbErr(rows.Err(), "daily view")
}

// DailyListRow is one expected reporter of a daily list view with its
// report of the day (Reported false: none). Values holds the asked
// columns' values (nil when not answered): int64, float64, bool or string.
type DailyListRow struct {
	Enterprise  Enterprise // id, code, name and the attributes of the day
	Reported    bool
	OnTime      bool
	Version     int
	SubmittedAt time.Time // of the first version
	UpdatedAt   time.Time // of the current version
	ValuesJSON  string
	Values      []any
}

// EachDailyRow streams a daily list view: every expected reporter of the
// day by street then id, with its report, to fn, one row at a time from one
// query (the rows are never all in memory). fn's error stops it and is
// returned. The row passed to fn is reused: copy what you keep.
func (db *DB) EachDailyRow(ctx context.Context, q DailyViewQuery, fn func(*DailyListRow) error) error {
	from, args, err := q.from()
	if err != nil {
		return err
	}
	sel := "SELECT e.id, e.credit_code, e.name, v.sector, v.above_scale, v.real_estate, v.zone, v.street, v.supervised, r.id, r.on_time, r.version, r.submitted_at, r.updated_at, r.values_json"
	for _, c := range q.Columns {
		sel += ", r." + c
	}
	rows, err := db.orm(ctx).Raw(sel+strings.Replace(from, " FROM enterprise_versions v", " FROM enterprise_versions v JOIN enterprises e ON e.id = v.enterprise_id", 1)+
		" ORDER BY v.street, v.enterprise_id", args...).Rows()
	if err != nil {
		return dbErr(err, "daily view")
	}
	defer rows.Close()
	var (
		row      DailyListRow
		rid      sql.NullInt64
		onTime   sql.NullBool
		version  sql.NullInt64
		sub, upd sql.NullTime
		values   sql.NullString
	)
	cells := make([]any, len(q.Columns))
	for i, c := range q.Columns {
		switch DailyColumns[c] {
		case DailyInteger:
			cells[i] = new(sql.NullInt64)
		case DailyDecimal:
			cells[i] = new(sql.NullFloat64)
		case DailyYesNo:
			cells[i] = new(sql.NullBool)
		default:
			cells[i] = new(sql.NullString)
		}
	}
	row.Values = make([]any, len(q.Columns))
	for rows.Next() {
		e := &row.Enterprise
		dst := append([]any{&e.ID, &e.CreditCode, &e.Name, &e.Sector, &e.AboveScale, &e.RealEstate, &e.Zone, &e.Street, &e.Supervised,
			&rid, &onTime, &version, &sub, &upd, &values}, cells...)
		if err := rows.Scan(dst...); err != nil {
			return dbErr(err, "daily view")
		}
		row.Reported, row.OnTime, row.Version = rid.Valid, onTime.Bool, int(version.Int64)
		row.SubmittedAt, row.UpdatedAt, row.ValuesJSON = sub.Time, upd.Time, values.String
		for i, c := range cells {
			row.Values[i] = nil
			switch x := c.(type) {
			case *sql.NullInt64:
				if x.Valid {
					row.Values[i] = x.Int64
				}
			case *sql.NullFloat64:
				if x.Valid {
					row.Values[i] = x.Float64
				}
			case *sql.NullBool:
				if x.Valid {
					row.Values[i] = x.Bool
				}
			case *sql.NullString:
				if x.Valid {
					row.Values[i] = x.String
				}
			}
		}
		if err := fn(&row); err != nil {
			return err
		}
	}
	return dbErr(rows.Err(), "daily view")
}
