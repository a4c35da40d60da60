package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/daily"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

// setClock moves the harness clock to hh:mm park time on day.
func (a *api) setClock(day string, hhmm string) {
	a.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, cst)
	if err != nil {
		a.t.Fatal(err)
	}
	a.clock.mu.Lock()
	a.clock.t = t.UTC()
	a.clock.mu.Unlock()
}

// dailyFigures is the JSON of the reporting figures.
type dailyFigures struct {
	Date               string
	Expected, Reported int64
	OnTimeJSON         int64 `json:"on_time"`
	Late, Missing      int64
	ReportingRate      *float64 `json:"reporting_rate"`
	TimelinessRate     *float64 `json:"timeliness_rate"`
}

// TestDailyReportingEndToEnd walks issue 15's "done when" on both
// databases: an enterprise approved (through review) and resumed reports
// for several days — one on time, one late, one missed, one corrected —
// beside two enterprises approved earlier; the rules flag a correction
// above the approved staff and a report after two missed days, and the
// street reads the flags; the street sees the missing
// list and reminds once; the reporting rate and timeliness of every day
// equal a brute-force count over the stored rows; a department reads its
// daily view with an API token and its XLSX numbers equal the sums of the
// reports; the street's daily summary and the 报表精简 figure follow.
func TestDailyReportingEndToEnd(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			a.cfg.Webhooks = []config.Webhook{{Name: "sms", URL: "http://127.0.0.1:1/hook", Secret: "s"}}
			a.build(a.blob)
			ctx := context.Background()
			guixiA, guixiB, hezuoA := a.ents["guixiA"], a.ents["guixiB"], a.ents["hezuoA"]

			// 1. guixiA files, is approved on 2020-02-20 (17:00) and resumes on 02-21.
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			var f filingResp
			a.do(ent, "POST", "/api/v1/filings", newFilingBody(10)).json(t, &f)
			path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
			if r := a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0))); r.status != 201 {
				t.Fatalf("roster: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "POST", path+"/submit", nil); r.status != 200 {
				t.Fatalf("submit: %d %s", r.status, r.body)
			}
			if r := a.do(off, "POST", path+"/review", `{"decision":"approve","comment":"同意复工"}`); r.status != 200 {
				t.Fatalf("approve: %d %s", r.status, r.body)
			}
			// Two enterprises approved the day before report from 02-20.
			a.approveForDaily(guixiB, "2020-02-19")
			a.approveForDaily(hezuoA, "2020-02-19")
			file := func(e store.Enterprise, day string, staff int) {
				t.Helper()
				id := e.ID
				p := &auth.Principal{Username: "seed-" + e.CreditCode, Role: store.RoleEnterprise, EnterpriseID: &id, Street: e.Street}
				if _, err := a.daily.Submit(ctx, p, day, daily.Input{Values: rawValues(t, dailyValues(staff))}); err != nil {
					t.Fatalf("%s files %s: %v", e.Name, day, err)
				}
			}
			put := func(day string, staff int, wantStatus int, wantLate bool, wantVersion int) []string {
				t.Helper()
				ent = a.login("ent-guixi")
				r := a.do(ent, "PUT", "/api/v1/daily/reports/"+day, map[string]any{"values": dailyValues(staff), "note": "更正"})
				var got struct {
					Late    bool
					Version int
					Flags   []struct {
						RuleID string `json:"rule_id"`
					}
				}
				r.json(t, &got)
				if r.status != wantStatus || got.Late != wantLate || got.Version != wantVersion {
					t.Fatalf("PUT %s: %d %s; want %d, late %v, version %d", day, r.status, r.body, wantStatus, wantLate, wantVersion)
				}
				var rules []string
				for _, f := range got.Flags {
					rules = append(rules, f.RuleID)
				}
				return rules
			}

			// 02-21: resumed, reports on time (09:00, before the 10:00 deadline).
			a.setClock("2020-02-21", "09:00")
			ent = a.login("ent-guixi")
			if r := a.do(ent, "POST", path+"/resumption", `{"date":"2020-02-21"}`); r.status != 200 {
				t.Fatalf("resume: %d %s", r.status, r.body)
			}
			if flags := put("2020-02-21", 10, 201, false, 1); len(flags) != 0 {
				t.Errorf("a clean report raised %v", flags)
			}
			file(guixiB, "2020-02-21", 5)
			// 02-22: guixiA reports late (11:00), so does hezuoA; guixiB misses it.
			a.setClock("2020-02-22", "11:00")
			put("2020-02-22", 10, 201, true, 1)
			file(hezuoA, "2020-02-22", 7)
			// 02-23: nobody in guixi reports. At noon the street sees both
			// missing and reminds them, once however often it clicks.
			a.setClock("2020-02-23", "12:00")
			off = a.login("street-guixi")
			var missing struct {
				Total int64
				Items []struct {
					EnterpriseID int64 `json:"enterprise_id"`
					State        string
					RemindedAt   *time.Time `json:"reminded_at"`
				}
			}
			a.do(off, "GET", "/api/v1/daily/reports?date=2020-02-23&state=missing", nil).json(t, &missing)
			if missing.Total != 2 || missing.Items[0].EnterpriseID != guixiA.ID || missing.Items[1].EnterpriseID != guixiB.ID || missing.Items[0].RemindedAt != nil {
				t.Fatalf("missing list of guixi on 02-23: %+v", missing)
			}
			var rem struct {
				Reminded        int64
				AlreadyReminded int64 `json:"already_reminded"`
			}
			if r := a.do(off, "POST", "/api/v1/daily/reminders", `{"date":"2020-02-23"}`); r.status != 200 {
				t.Fatalf("remind: %d %s", r.status, r.body)
			} else {
				r.json(t, &rem)
			}
			if rem.Reminded != 2 {
				t.Fatalf("first click reminded %+v", rem)
			}
			a.do(off, "POST", "/api/v1/daily/reminders", `{"date":"2020-02-23"}`).json(t, &rem)
			if rem.Reminded != 0 || rem.AlreadyReminded != 2 {
				t.Fatalf("second click %+v", rem)
			}
			a.do(off, "GET", "/api/v1/daily/reports?date=2020-02-23&state=missing", nil).json(t, &missing)
			if missing.Items[0].RemindedAt == nil || missing.Items[1].RemindedAt == nil {
				t.Fatalf("the list does not show the reminders: %+v", missing.Items)
			}
			ent = a.login("ent-guixi")
			if kinds := a.notificationKinds(ent); len(kinds) == 0 || kinds[0] != "daily_report_missing" || count(kinds, "daily_report_missing") != 1 {
				t.Fatalf("enterprise notifications: %v", kinds)
			}
			var events int64
			a.db.Gorm().Table("webhook_outbox").Where("event = ?", "daily.report_missing").Count(&events)
			if events != 2 {
				t.Fatalf("webhook events %d, want one per reminded enterprise", events)
			}
			// 02-24: both in guixi report on time; guixiA then corrects to
			// more staff on site than its filing was approved for (10), which
			// the rules flag; guixiB's report comes after two days without one.
			a.setClock("2020-02-24", "09:00")
			put("2020-02-24", 8, 201, false, 1)
			file(guixiB, "2020-02-24", 5)
			a.setClock("2020-02-24", "09:30")
			if flags := put("2020-02-24", 12, 200, false, 2); count(flags, "daily_staff_over_approved") != 1 {
				t.Errorf("the correction to 12 on site raised %v, want daily_staff_over_approved", flags)
			}
			// The street sees the warnings: guixiB's gap is flagged too.
			off = a.login("street-guixi")
			var seen struct {
				Warnings int
				Flags    []struct {
					RuleID string `json:"rule_id"`
				}
			}
			a.do(off, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-24", guixiB.ID), nil).json(t, &seen)
			if seen.Warnings == 0 || len(seen.Flags) == 0 || seen.Flags[0].RuleID != "daily_missed_days" {
				t.Errorf("the street reads guixiB's 02-24 report with %+v, want the daily_missed_days flag", seen)
			}

			// 2. Rates and timeliness of every day equal a brute-force count.
			a.setClock("2020-02-25", "08:00")
			park := a.login("park")
			var versions []store.EnterpriseVersion
			var reports []store.DailyReport
			if err := a.db.Gorm().Find(&versions).Error; err != nil {
				t.Fatal(err)
			}
			if err := a.db.Gorm().Find(&reports).Error; err != nil {
				t.Fatal(err)
			}
			type key struct{ day, street string }
			want := map[key]*dailyFigures{}
			at := func(k key) *dailyFigures {
				if want[k] == nil {
					want[k] = &dailyFigures{}
				}
				return want[k]
			}
			days := []string{"2020-02-20", "2020-02-21", "2020-02-22", "2020-02-23", "2020-02-24"}
			for _, d := range days {
				for _, v := range versions {
					if !(v.ValidFrom <= d && d < v.ValidTo) {
						continue
					}
					day, _ := time.ParseInLocation(time.DateOnly, d, cst)
					last := day.AddDate(0, 0, -1).Format(time.DateOnly)
					if (v.ApprovedAt != nil && v.ApprovedAt.In(cst).Format(time.DateOnly) <= last) || (v.ResumedDate != nil && *v.ResumedDate <= last) {
						at(key{d, ""}).Expected++
						at(key{d, v.Street}).Expected++
					}
				}
			}
			for _, r := range reports {
				for _, k := range []key{{r.ReportDate, ""}, {r.ReportDate, r.Street}} {
					at(k).Reported++
					if r.OnTime {
						at(k).OnTimeJSON++
					}
				}
			}
			check := func(what string, k key, got dailyFigures) {
				t.Helper()
				w := at(k)
				if got.Expected != w.Expected || got.Reported != w.Reported || got.OnTimeJSON != w.OnTimeJSON || got.Late != w.Reported-w.OnTimeJSON || got.Missing != w.Expected-w.Reported {
					t.Errorf("%s %v: got %+v, brute force expected %d reported %d on time %d", what, k, got, w.Expected, w.Reported, w.OnTimeJSON)
				}
				rate := func(n, d int64) *float64 {
					if d == 0 {
						return nil
					}
					x := float64((n*20000+d)/(2*d)) / 100
					return &x
				}
				if !sameRate(got.ReportingRate, rate(w.Reported, w.Expected)) || !sameRate(got.TimelinessRate, rate(w.OnTimeJSON, w.Expected)) {
					t.Errorf("%s %v: rates %v / %v, want %v / %v", what, k, deref(got.ReportingRate), deref(got.TimelinessRate), deref(rate(w.Reported, w.Expected)), deref(rate(w.OnTimeJSON, w.Expected)))
				}
			}
			var trend struct{ Points []dailyFigures }
			if r := a.do(park, "GET", "/api/v1/dashboard/daily/trend?from=2020-02-20&to=2020-02-24", nil); r.status != 200 {
				t.Fatalf("trend: %d %s", r.status, r.body)
			} else {
				r.json(t, &trend)
			}
			for i, d := range days {
				check("trend", key{d, ""}, trend.Points[i])
				var dash struct {
					dailyFigures
					Streets []struct {
						Street string
						dailyFigures
					}
				}
				a.do(park, "GET", "/api/v1/dashboard/daily?date="+d, nil).json(t, &dash)
				check("day", key{d, ""}, dash.dailyFigures)
				for _, s := range dash.Streets {
					check("street "+s.Street, key{d, s.Street}, s.dailyFigures)
				}
			}
			// The story in numbers: guixi on 02-22 had one late and one missing.
			if w := at(key{"2020-02-22", "guixi"}); w.Expected != 2 || w.Reported != 1 || w.OnTimeJSON != 0 {
				t.Errorf("guixi on 02-22: %+v", w)
			}
			if w := at(key{"2020-02-24", ""}); w.Expected != 3 || w.Reported != 2 || w.OnTimeJSON != 2 {
				t.Errorf("02-24: %+v", w)
			}

			// 3. The department reads its daily view with an API token; the
			// XLSX's numbers are the sums of the current versions.
			dept := a.login("dept")
			var tok struct{ Token string }
			a.do(dept, "POST", "/api/v1/auth/tokens", `{"name":"经济运行局日报"}`).json(t, &tok)
			if tok.Token == "" {
				t.Fatal("no token")
			}
			for _, d := range []string{"2020-02-22", "2020-02-24"} {
				r := a.do(nil, "GET", "/api/v1/reports/jingji-daily-staff?format=xlsx&date="+d, nil, bearerAuth(tok.Token)...)
				if r.status != 200 {
					t.Fatalf("xlsx %s: %d %s", d, r.status, r.body)
				}
				rows := xlsxRows(t, r.body)
				wantHeader := []string{"街道", "在岗职工（人）", "当日返岗（人）", "应报", "按时报送", "补报", "未报", "及时率"}
				if fmt.Sprint(rows[0]) != fmt.Sprint(wantHeader) {
					t.Fatalf("header %v, want the department's titles in its order %v", rows[0], wantHeader)
				}
				var staff = map[string]int64{}
				for _, rep := range reports {
					if rep.ReportDate == d && rep.StaffOnsite != nil {
						staff[rep.Street] += *rep.StaffOnsite
						staff[""] += *rep.StaffOnsite
					}
				}
				seen := 0
				for _, row := range rows[1:] {
					st := ""
					switch row[0] {
					case "桂溪街道":
						st = "guixi"
					case "合作街道":
						st = "hezuo"
					case "合计":
					default:
						continue
					}
					seen++
					w := at(key{d, st})
					got := []int64{cellInt(t, row[1]), cellInt(t, row[3]), cellInt(t, row[4]), cellInt(t, row[5]), cellInt(t, row[6])}
					exp := []int64{staff[st], w.Expected, w.OnTimeJSON, w.Reported - w.OnTimeJSON, w.Expected - w.Reported}
					if fmt.Sprint(got) != fmt.Sprint(exp) {
						t.Errorf("%s %s: xlsx %v, sums of the reports %v (staff, expected, on time, late, missing)", d, row[0], got, exp)
					}
				}
				if seen != 3 {
					t.Errorf("%s: rows for guixi, hezuo and the total not found in %v", d, rows)
				}
			}
			if staff24 := cellOf(t, a, tok.Token); staff24 != 12+5 {
				t.Errorf("JSON view with the token: guixi staff %d, want the corrected 12 + 5", staff24)
			}
			// Another department's view is not this department's.
			if r := a.do(nil, "GET", "/api/v1/reports/shehui-daily-health?date=2020-02-24", nil, bearerAuth(tok.Token)...); r.status != 404 {
				t.Errorf("another department's daily view: %d", r.status)
			}

			// 4. The street's daily summary is built from the same reports.
			off = a.login("street-guixi")
			var sum struct {
				Rows []map[string]any
			}
			a.do(off, "GET", "/api/v1/daily/summary?date=2020-02-24", nil).json(t, &sum)
			total := sum.Rows[len(sum.Rows)-1]
			if total["group"] != "合计" || total["sum(daily.staff_onsite)"] != float64(17) || total["count(daily.reported)"] != float64(2) {
				t.Errorf("guixi's daily summary total: %v", total)
			}
			// 5. The 报表精简 figure comes from the configuration: 35 → 8.
			var sectors struct {
				ReportForms struct{ Before, After, Shared int } `json:"report_forms"`
			}
			a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-24", nil).json(t, &sectors)
			if rf := sectors.ReportForms; rf.Before != 35 || rf.After != 8 || rf.Shared != 3 {
				t.Errorf("report forms %+v", rf)
			}
		})
	}
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

func sameRate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// xlsxRows reads the first sheet of an XLSX body.
func xlsxRows(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func cellInt(t *testing.T, s string) int64 {
	t.Helper()
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("cell %q is not an integer", s)
	}
	return n
}

// cellOf reads jingji-daily-staff of 2020-02-24 as JSON with token and
// returns guixi's staff on site.
func cellOf(t *testing.T, a *api, token string) int64 {
	t.Helper()
	var rep struct {
		Date string
		Rows []map[string]any
	}
	r := a.do(nil, "GET", "/api/v1/reports/jingji-daily-staff?date=2020-02-24", nil, bearerAuth(token)...)
	r.json(t, &rep)
	if rep.Date != "2020-02-24" {
		t.Fatalf("JSON view: %d %s", r.status, r.body)
	}
	for _, row := range rep.Rows {
		if row["group"] == "桂溪街道" {
			n, _ := row["sum(daily.staff_onsite)"].(float64)
			return int64(n)
		}
	}
	t.Fatalf("no guixi row: %v", rep.Rows)
	return 0
}

// bearerAuth is the header pair of an API token.
func bearerAuth(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
