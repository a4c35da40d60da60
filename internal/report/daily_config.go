package report

import (
	"errors"
	"fmt"
	"strings"
)

// View sources.
const (
	SourceFilings = "filings" // each enterprise's latest filing (the default)
	SourceDaily   = "daily"   // the daily reports (每日报送) of one day
)

// Fixed fields of daily views, besides the data set's own (daily.<key>).
// Grouped views count and rate the four states over the expected
// reporters of the day; list views show the state, when the current
// version was filed and its number.
const (
	dailyReported   = "daily.reported"
	dailyOnTime     = "daily.on_time"
	dailyLate       = "daily.late"
	dailyMissing    = "daily.missing"
	dailyState      = "daily.state"
	dailyReportedAt = "daily.reported_at"
	dailyVersion    = "daily.version"
)

var dailyStates = map[string]bool{dailyReported: true, dailyOnTime: true, dailyLate: true, dailyMissing: true}

// dailyEnterpriseFields are the enterprise columns a daily list view may
// show (as the enterprise stood on the day).
var dailyEnterpriseFields = map[string]bool{
	"enterprise.name": true, "enterprise.credit_code": true, "enterprise.street": true,
	"enterprise.zone": true, "enterprise.sector": true, "enterprise.above_scale": true,
}

// DailyFieldKind is how a daily view may use a field of the daily data set.
type DailyFieldKind int

// Kinds of daily data set fields, as views see them.
const (
	DailyText   DailyFieldKind = iota // shown in list views only
	DailyNumber                       // integer or decimal: summed
	DailyYesNo                        // counted (yes) and rated (yes / reported)
)

// DailyField is a field of the daily data set as views see it.
type DailyField struct {
	Key      string
	Label    string // Chinese, the default column title of generated tables
	Kind     DailyFieldKind
	Decimal  bool              // a decimal number (sums keep 2 places)
	Column   string            // the daily_reports column holding it ("" = values JSON only)
	Personal bool              // may name people: never in a view
	Choices  map[string]string // value -> Chinese label, for choice fields
}

// checkDailyColumn checks one column of a daily view. With fields nil only
// the shape is checked (data set keys are accepted); BindDaily checks them.
func checkDailyColumn(grouped bool, col Column, fields map[string]DailyField) error {
	if col.Title == "" {
		return errors.New("title is required")
	}
	dataKey := func(f string) (DailyField, error) {
		key, ok := strings.CutPrefix(f, "daily.")
		if !ok || key == "" {
			return DailyField{}, fmt.Errorf("unknown column field %q (daily.<field key> or a daily state)", f)
		}
		if fields == nil {
			return DailyField{Key: key, Kind: -1}, nil
		}
		df, ok := fields[key]
		if !ok {
			return DailyField{}, fmt.Errorf("%q is not a field of the daily data set", f)
		}
		if df.Personal {
			return DailyField{}, fmt.Errorf("%q may name people and is never shown in a report view", f)
		}
		return df, nil
	}
	if !grouped {
		if col.Agg != "" {
			return fmt.Errorf("agg %q needs group_by", col.Agg)
		}
		switch {
		case dailyEnterpriseFields[col.Field], col.Field == dailyState, col.Field == dailyReportedAt, col.Field == dailyVersion:
			return nil
		case dailyStates[col.Field]:
			return nil // yes/no per enterprise
		}
		_, err := dataKey(col.Field)
		return err
	}
	switch col.Agg {
	case "":
		if col.Field != "group" {
			return fmt.Errorf("a grouped view's column is the group or an aggregate, not field %q", col.Field)
		}
		return nil
	case "count", "rate":
		if col.Field == "" && col.Agg == "count" {
			return nil // the expected reporters
		}
		if dailyStates[col.Field] {
			return nil
		}
		df, err := dataKey(col.Field)
		if err != nil {
			return err
		}
		if df.Kind != DailyYesNo && df.Kind != -1 {
			return fmt.Errorf("%s needs a yes/no field, not %q", col.Agg, col.Field)
		}
		if df.Kind != -1 && df.Column == "" {
			return fmt.Errorf("%q has no column in the report table, so the database cannot count it", col.Field)
		}
	case "sum":
		df, err := dataKey(col.Field)
		if err != nil {
			return err
		}
		if df.Kind != DailyNumber && df.Kind != -1 {
			return fmt.Errorf("sum needs a number field, not %q", col.Field)
		}
		if df.Kind != -1 && df.Column == "" {
			return fmt.Errorf("%q has no column in the report table, so the database cannot sum it", col.Field)
		}
	default:
		return fmt.Errorf("unknown agg %q (count, rate or sum)", col.Agg)
	}
	return nil
}

// BindDaily checks the daily views' columns against the daily data set's
// fields (the current definition's; a field a view names must exist in
// it) and keeps them for building the views. The error names the file and
// line like Parse's.
func (c *Config) BindDaily(fields []DailyField) error {
	m := make(map[string]DailyField, len(fields))
	for _, f := range fields {
		m[f.Key] = f
	}
	for i := range c.Views {
		v := &c.Views[i]
		if v.Source != SourceDaily {
			continue
		}
		for j, col := range v.Columns {
			if err := checkDailyColumn(v.GroupBy != "", col, m); err != nil {
				return fmt.Errorf("%s:%d: view %q column %d: %v", c.name, at(at2(c.lines.columns, i), j), v.ID, j+1, err)
			}
		}
	}
	c.dailyFields = m
	return nil
}
