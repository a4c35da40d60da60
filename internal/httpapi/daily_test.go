package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/internal/store/storetest"
)

type dailyResp struct {
	ID       int64          `json:"id"`
	Date     string         `json:"date"`
	Version  int            `json:"version"`
	OnTime   bool           `json:"on_time"`
	Late     bool           `json:"late"`
	ViaToken bool           `json:"via_token"`
	Values   map[string]any `json:"values"`
	Masked   []string       `json:"masked"`
}

// TestDailyReportingOverHTTP walks an enterprise through a day's report on
// both databases: the definition, a per-field 422, filing on time, a late
// day, a correction, a push with an API token, and what the street sees.
func TestDailyReportingOverHTTP(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			a.approveForDaily(a.ents["guixiA"], "2020-02-10")
			a.clock.mu.Lock()
			a.clock.t = time.Date(2020, 2, 20, 1, 30, 0, 0, time.UTC) // 09:30 in Shanghai
			a.clock.mu.Unlock()
			ent, street := a.login("ent-guixi"), a.login("street-guixi")
			own := a.ents["guixiA"].ID

			r := a.do(ent, "GET", "/api/v1/daily/definition?date=2020-02-20", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"fever_handling"`) || !strings.Contains(string(r.body), `"deadline":"2020-02-20T02:00:00Z"`) {
				t.Fatalf("definition: %d %s", r.status, r.body)
			}

			bad := dailyValues(5)
			bad["fever"], bad["masks"] = 2, -1
			r = a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": bad}, "Accept-Language", "en")
			if r.status != 422 || !strings.Contains(string(r.body), `"field":"values.fever_handling"`) || !strings.Contains(string(r.body), `"field":"values.masks"`) ||
				!strings.Contains(string(r.body), "Handling of fever cases is required") {
				t.Fatalf("bad values: %d %s", r.status, r.body)
			}

			v := dailyValues(5)
			v["remarks"] = "李四发热已就医"
			r = a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": v})
			var rep dailyResp
			rep = dailyResp{}
			r.json(t, &rep)
			if r.status != 201 || !rep.OnTime || rep.Version != 1 || rep.Values["remarks"] != "李四发热已就医" {
				t.Fatalf("file: %d %s", r.status, r.body)
			}
			// A missed day, filed now, is late.
			r = a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-19", map[string]any{"values": dailyValues(4)})
			rep = dailyResp{}
			r.json(t, &rep)
			if r.status != 201 || !rep.Late {
				t.Fatalf("late day: %d %s", r.status, r.body)
			}
			// A correction: 200, version 2.
			v["staff_onsite"] = 7
			r = a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": v, "note": "人数更正", "base_version": 1})
			rep = dailyResp{}
			r.json(t, &rep)
			if r.status != 200 || rep.Version != 2 || !rep.OnTime {
				t.Fatalf("correct: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": v, "base_version": 1}); r.status != 409 {
				t.Errorf("stale base version: %d %s", r.status, r.body)
			}

			// The street reads it, the remarks masked; and its versions.
			r = a.do(street, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-20", own), nil)
			rep = dailyResp{}
			r.json(t, &rep)
			if r.status != 200 || rep.Values["remarks"] != nil || len(rep.Masked) != 1 || rep.Values["staff_onsite"] != float64(7) {
				t.Fatalf("street read: %d %s", r.status, r.body)
			}
			r = a.do(street, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-20/versions", own), nil)
			if r.status != 200 || strings.Count(string(r.body), `"version":`) != 2 || strings.Contains(string(r.body), "李四") {
				t.Fatalf("versions: %d %s", r.status, r.body)
			}
			r = a.do(street, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports?from=2020-02-01&to=2020-02-20", own), nil)
			if r.status != 200 || strings.Count(string(r.body), `"date":`) != 2 {
				t.Fatalf("list: %d %s", r.status, r.body)
			}

			// A large enterprise's system pushes with an API token (no CSRF):
			// a bad item writes nothing; a good push files and corrects.
			r = a.do(ent, "POST", "/api/v1/auth/tokens", `{"name":"OA 系统"}`)
			var tok struct{ Token string }
			r.json(t, &tok)
			bearer := []string{"Authorization", "Bearer " + tok.Token}
			push := func(items ...map[string]any) response {
				return a.do(nil, "POST", "/api/v1/daily/push", map[string]any{"reports": items}, bearer...)
			}
			r = push(map[string]any{"date": "2020-02-18", "values": dailyValues(3)}, map[string]any{"date": "2020-02-17", "values": map[string]any{"staff_onsite": "x"}})
			if r.status != 422 || !strings.Contains(string(r.body), `"field":"reports[1].values.staff_onsite"`) {
				t.Fatalf("bad push: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "GET", "/api/v1/daily/reports/2020-02-18", nil); r.status != 404 {
				t.Errorf("a refused push wrote a day: %d", r.status)
			}
			items := []map[string]any{{"date": "2020-02-18", "values": dailyValues(3)}, {"date": "2020-02-19", "values": dailyValues(6)}}
			r = push(items...)
			if r.status != 200 || strings.Count(string(r.body), `"created":true`) != 1 || strings.Count(string(r.body), `"created":false`) != 1 ||
				!strings.Contains(string(r.body), `"via_token":true`) {
				t.Fatalf("push: %d %s", r.status, r.body)
			}
			// Pushing the same again makes no new version.
			r = push(items...)
			if r.status != 200 || strings.Contains(string(r.body), `"version":3`) {
				t.Fatalf("repeated push: %d %s", r.status, r.body)
			}
			r = a.do(ent, "GET", "/api/v1/daily/reports/2020-02-19", nil)
			rep = dailyResp{}
			r.json(t, &rep)
			if rep.Version != 2 || rep.Values["staff_onsite"] != float64(6) {
				t.Errorf("after push: %s", r.body)
			}

			// Prefill copies the last earlier report's stock, not its events.
			r = a.do(ent, "GET", "/api/v1/daily/reports/2020-02-20/prefill", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"from_date":"2020-02-19"`) || strings.Contains(string(r.body), `"fever"`) ||
				!strings.Contains(string(r.body), `"masks":200`) {
				t.Fatalf("prefill: %d %s", r.status, r.body)
			}
		})
	}
}

// TestDailyWarningsOverHTTP: a report the rules flag shows its warnings to
// the enterprise and the street; the street confirms one as a ledger
// problem, which the problem list then holds.
func TestDailyWarningsOverHTTP(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			a.approveForDaily(a.ents["guixiA"], "2020-02-10")
			ent, street := a.login("ent-guixi"), a.login("street-guixi")
			v := dailyValues(10)
			v["returned_hubei"], v["masks"] = 2, 5
			r := a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": v})
			if r.status != 201 || !strings.Contains(string(r.body), `"rule_id":"daily_hubei_not_quarantined"`) ||
				!strings.Contains(string(r.body), `"rule_id":"daily_masks_low"`) || !strings.Contains(string(r.body), `"warnings":2`) {
				t.Fatalf("file: %d %s", r.status, r.body)
			}
			r = a.do(street, "GET", "/api/v1/daily/flags?from=2020-02-20&to=2020-02-20", nil)
			var list struct {
				Items []struct {
					ID     int64  `json:"id"`
					RuleID string `json:"rule_id"`
				} `json:"items"`
			}
			r.json(t, &list)
			if r.status != 200 || len(list.Items) != 2 {
				t.Fatalf("street flags: %d %s", r.status, r.body)
			}
			id := list.Items[0].ID
			r = a.do(street, "POST", fmt.Sprintf("/api/v1/daily/flags/%d/confirm", id), map[string]any{"note": "湖北返岗人员未隔离，已责令整改"})
			if r.status != 201 || !strings.Contains(string(r.body), `"problem_id":`) {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			if r := a.do(street, "POST", fmt.Sprintf("/api/v1/daily/flags/%d/confirm", id), nil); r.status != 409 {
				t.Errorf("confirm twice: %d %s", r.status, r.body)
			}
			r = a.do(street, "GET", "/api/v1/problems?source=daily", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"source":"daily"`) {
				t.Errorf("ledger: %d %s", r.status, r.body)
			}
		})
	}
}

// TestDailyFollowsApproval: an enterprise must report from the day after
// its filing is approved through review (the status timeline the review
// writes), and its daily rules read the approved filing.
func TestDailyFollowsApproval(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			// Not approved yet: no report is due.
			if r := a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": dailyValues(5)}); r.status != 422 ||
				!strings.Contains(string(r.body), `"field":"date"`) {
				t.Fatalf("before approval: %d %s", r.status, r.body)
			}
			var f filingResp
			a.do(ent, "POST", "/api/v1/filings", newFilingBody(10)).json(t, &f)
			path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
			if r := a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0))); r.status != 201 {
				t.Fatalf("roster: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"status":"submitted"`) {
				t.Fatalf("submit: %d %s", r.status, r.body)
			}
			if r := a.do(off, "POST", path+"/review", `{"decision":"approve"}`); r.status != 200 {
				t.Fatalf("approve: %d %s", r.status, r.body)
			}
			// Approved on 2020-02-20 (17:00 in Shanghai): that day is not due.
			if r := a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": dailyValues(5)}); r.status != 422 {
				t.Fatalf("approval day: %d %s", r.status, r.body)
			}
			// The next day is; 12 on site is above the approved 10.
			a.clock.Advance(20 * time.Hour) // 2020-02-21 13:00 Shanghai, within the session's idle time
			ent = a.login("ent-guixi")
			r := a.do(ent, "PUT", "/api/v1/daily/reports/2020-02-21", map[string]any{"values": dailyValues(12)})
			if r.status != 201 || !strings.Contains(string(r.body), `"rule_id":"daily_staff_over_approved"`) || !strings.Contains(string(r.body), `"late":true`) {
				t.Fatalf("day after approval: %d %s", r.status, r.body)
			}
		})
	}
}
