package daily

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/parktime"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// RuleEvaluator runs the active daily report rule set (a rules.Engine of
// kind rules.KindDaily implements it).
type RuleEvaluator interface {
	EvaluateDaily(in rules.DailyInput) []rules.Flag
}

// historyDays is the span of history.* in the rules' input.
const historyDays = 7

// ruleInput builds what the daily rules read about a report of day with
// vals: the report, the enterprise's last report before it, its last seven
// days (summed in the database), its latest approved filing and its
// registry attributes that day. Personal fields are never in it.
func (s *Service) ruleInput(ctx context.Context, db *store.DB, reg *store.EnterpriseVersion, entID int64, ver *Version, day string, late bool, vals Values) (rules.DailyInput, error) {
	dayT, _ := time.ParseInLocation(time.DateOnly, day, parktime.Location)
	in := rules.DailyInput{Report: reportOf(ver, vals, dayT, late), Now: parktime.In(s.now()),
		Enterprise: rules.Enterprise{Sector: reg.Sector, AboveScale: reg.AboveScale, RealEstate: reg.RealEstate, Zone: reg.Zone, Street: reg.Street}}
	prev, err := db.PreviousDailyReport(ctx, store.ScopeAll, entID, day)
	switch apperror.CodeOf(err) {
	case "":
		pver := s.versionOf(prev)
		pv, err := s.values(prev, pver, false)
		if err != nil {
			return in, err
		}
		pt, _ := time.ParseInLocation(time.DateOnly, prev.ReportDate, parktime.Location)
		in.Previous = reportOf(pver, pv, pt, !prev.OnTime)
	case apperror.NotFound:
	default:
		return in, err
	}
	from := dayT.AddDate(0, 0, -historyDays).Format(time.DateOnly)
	to := dayT.AddDate(0, 0, -1).Format(time.DateOnly)
	agg, err := db.DailyAggregateOf(ctx, entID, from, to)
	if err != nil {
		return in, err
	}
	in.History = historyOf(agg)
	f, err := db.LatestApprovedFiling(ctx, entID)
	switch apperror.CodeOf(err) {
	case "":
		in.Filing = rules.DailyFiling{Approved: true, StaffTotal: f.StaffTotal, StaffOnsite: f.StaffOnsite, Masks: f.Masks,
			Thermometers: f.Thermometers, DisinfectantLiters: f.DisinfectantLiters, IsolationRoom: f.IsolationRoom}
	case apperror.NotFound:
	default:
		return in, err
	}
	return in, nil
}

// reportOf fills the rules' view of a report: each value into the field of
// rules.DailyReport whose expr name is its key, the numeric values of
// other keys into Numbers. Personal fields are left out.
func reportOf(ver *Version, vals Values, day time.Time, late bool) rules.DailyReport {
	r := rules.DailyReport{Present: true, Date: day, Late: late, Numbers: map[string]float64{}}
	rv := reflect.ValueOf(&r).Elem()
	for k, x := range vals {
		if f := ver.Field(k); f == nil || f.Personal {
			continue
		}
		i, ok := dailyReportFields[k]
		if !ok {
			switch n := x.(type) {
			case int64:
				r.Numbers[k] = float64(n)
			case float64:
				r.Numbers[k] = n
			}
			continue
		}
		fv := rv.Field(i)
		switch fv.Kind() {
		case reflect.Int:
			if n, ok := x.(int64); ok {
				fv.SetInt(n)
			}
		case reflect.Float64:
			switch n := x.(type) {
			case float64:
				fv.SetFloat(n)
			case int64:
				fv.SetFloat(float64(n))
			}
		case reflect.Bool:
			if b, ok := x.(bool); ok {
				fv.SetBool(b)
			}
		case reflect.String:
			if s, ok := x.(string); ok {
				fv.SetString(s)
			}
		}
	}
	return r
}

// dailyReportFields maps the expr names of rules.DailyReport's value
// fields to their index.
var dailyReportFields = func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeFor[rules.DailyReport]()
	for i := range t.NumField() {
		switch name := t.Field(i).Tag.Get("expr"); name {
		case "", "present", "date", "late", "numbers":
		default:
			out[name] = i
		}
	}
	return out
}()

func historyOf(a store.DailyAggregate) rules.DailyHistory {
	return rules.DailyHistory{Days: historyDays, DaysReported: a.Days,
		Sum: rules.DailyTotals{StaffOnsite: int(a.SumStaffOnsite), ReturnedToday: int(a.SumReturnedToday), ReturnedOutsideProvince: int(a.SumReturnedOutsideProvince),
			ReturnedHubei: int(a.SumReturnedHubei), QuarantineHome: int(a.SumQuarantineHome), QuarantineCentral: int(a.SumQuarantineCentral),
			Fever: int(a.SumFever), RedCode: int(a.SumRedCode), YellowCode: int(a.SumYellowCode), Masks: int(a.SumMasks),
			DisinfectantLiters: a.SumDisinfectantLiters, Thermometers: int(a.SumThermometers)},
		Max: rules.DailyTotals{StaffOnsite: int(a.MaxStaffOnsite), ReturnedToday: int(a.MaxReturnedToday), ReturnedOutsideProvince: int(a.MaxReturnedOutsideProvince),
			ReturnedHubei: int(a.MaxReturnedHubei), QuarantineHome: int(a.MaxQuarantineHome), QuarantineCentral: int(a.MaxQuarantineCentral),
			Fever: int(a.MaxFever), RedCode: int(a.MaxRedCode), YellowCode: int(a.MaxYellowCode), Masks: int(a.MaxMasks),
			DisinfectantLiters: a.MaxDisinfectantLiters, Thermometers: int(a.MaxThermometers)}}
}

// inputJSON is the rules' input as kept on the version row (backtests).
func inputJSON(in rules.DailyInput) (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", fmt.Errorf("daily: rule input: %w", err)
	}
	return string(b), nil
}

// flagsOf evaluates the daily rules on in for report row (its version
// about to be written) and returns the flag rows, without the report id
// (store.SaveDailyFlags sets it). Without a rule engine nothing is flagged.
func (s *Service) flagsOf(row *store.DailyReport, in rules.DailyInput, now time.Time) []store.DailyFlag {
	if s.rules == nil {
		return nil
	}
	var out []store.DailyFlag
	for _, f := range s.rules.EvaluateDaily(in) {
		out = append(out, store.DailyFlag{ReportVersion: row.Version, EnterpriseID: row.EnterpriseID,
			ReportDate: row.ReportDate, Street: row.Street, RuleID: f.RuleID, Severity: string(f.Severity), Message: f.Message,
			RulesetVersion: f.RulesetVersion, Current: true, CreatedAt: now})
	}
	return out
}
