package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// A waived problem is not a rectified one: the sector dashboard, the
// rectification figures and the bulletin count it as waived, and every
// rate (rectified / found, on time / found) matches a brute-force count
// over the problems as the API lists them.
func TestWaivedIsCountedApartFromRectified(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			insp, off, ent := a.login("inspector"), a.login("street-guixi"), a.login("ent-guixi")
			entID := a.ents["guixiA"].ID
			find := func(kind, ref, deadline string) int64 {
				t.Helper()
				var f struct{ ID int64 }
				r := a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": kind, "ref": ref},
					"title": "测温登记缺失", "deadline": deadline})
				if r.status != 201 {
					t.Fatalf("finding: %d %s", r.status, r.body)
				}
				r.json(t, &f)
				return f.ID
			}
			step := func(s *session, path string, body any, want int) {
				t.Helper()
				if r := a.do(s, "POST", path, body); r.status != want {
					t.Fatalf("%s: %d %s", path, r.status, r.body)
				}
			}
			e := fmt.Sprint(entID)
			onTime, late := find("enterprise", e, "2020-02-21"), find("enterprise", e, "2020-02-21")
			waivedE, waivedS := find("enterprise", e, "2020-02-21"), find("street", "guixi", "2020-02-21")
			find("enterprise", e, "2020-02-21")   // stays open past its deadline: overdue
			find("street", "guixi", "2020-02-28") // open, deadline ahead
			step(ent, fmt.Sprintf("/api/v1/problems/%d/answers", onTime), `{"text":"已补齐测温登记"}`, 201)
			step(insp, fmt.Sprintf("/api/v1/problems/%d/waive", waivedE), `{"reason":"企业已停产，不再复工"}`, 200)
			a.clock.Advance(48 * time.Hour) // 2020-02-22: past the deadlines
			insp, off, ent = a.login("inspector"), a.login("street-guixi"), a.login("ent-guixi")
			step(insp, fmt.Sprintf("/api/v1/problems/%d/verify", onTime), `{"accept":true}`, 200)
			step(ent, fmt.Sprintf("/api/v1/problems/%d/answers", late), `{"text":"已整改"}`, 201)
			step(insp, fmt.Sprintf("/api/v1/problems/%d/verify", late), `{"accept":true}`, 200)
			step(off, fmt.Sprintf("/api/v1/problems/%d/waive", waivedS), `{"reason":"经核实不属实"}`, 200)

			// Brute force over the ledger as listed.
			var all problemList
			a.do(insp, "GET", "/api/v1/problems?page_size=500", nil).json(t, &all)
			asOf := "2020-02-22"
			cst := time.FixedZone("CST", 8*3600)
			var found, rectified, waived, inTime, late2 int
			for _, p := range all.Items {
				found++
				switch p.Status {
				case store.ProblemRectified:
					rectified++
					done := *p.RectifiedAt
					if p.AnsweredAt != nil && p.AnsweredAt.Before(done) {
						done = *p.AnsweredAt
					}
					if p.DeadlineOut == nil || done.In(cst).Format(time.DateOnly) <= *p.DeadlineOut {
						inTime++
					}
				case store.ProblemWaived:
					waived++
				default:
					if p.DeadlineOut != nil && *p.DeadlineOut <= asOf {
						late2++
					}
				}
			}
			if found != 6 || rectified != 2 || waived != 2 || inTime != 1 || late2 != 1 {
				t.Fatalf("the scenario went wrong: found %d rectified %d waived %d on time %d overdue %d", found, rectified, waived, inTime, late2)
			}
			pct := func(n, d int) float64 { return float64((int64(n)*20000+int64(d))/(2*int64(d))) / 100 }
			want := map[string]any{"found": float64(found), "rectified": float64(rectified), "waived": float64(waived),
				"rate": pct(rectified, found), "on_time": float64(inTime), "on_time_rate": pct(inTime, found), "overdue": float64(late2)}
			check := func(what string, got map[string]any, keys ...string) {
				t.Helper()
				for _, k := range keys {
					if got[k] != want[k] {
						t.Errorf("%s %s = %v, want %v (brute force); all: %v", what, k, got[k], want[k], got)
					}
				}
			}
			var dash struct{ Problems map[string]any }
			a.do(insp, "GET", "/api/v1/dashboard/sectors?as_of="+asOf, nil).json(t, &dash)
			check("sector dashboard", dash.Problems, "found", "rectified", "waived", "rate", "on_time", "on_time_rate", "overdue")
			var fig map[string]any
			a.do(insp, "GET", "/api/v1/dashboard/rectification?as_of="+asOf, nil).json(t, &fig)
			check("rectification figures", fig, "found", "rectified", "waived", "rate", "on_time", "on_time_rate", "overdue")
			var b struct{ Total map[string]any }
			r := a.do(insp, "POST", "/api/v1/bulletins", map[string]any{"from": "2020-02-20", "to": asOf})
			if r.status != 201 {
				t.Fatalf("bulletin: %d %s", r.status, r.body)
			}
			r.json(t, &b)
			if b.Total["found_total"] != want["found"] || b.Total["rectified_total"] != want["rectified"] ||
				b.Total["waived_total"] != want["waived"] || b.Total["waived"] != want["waived"] || b.Total["rate"] != want["rate"] ||
				b.Total["overdue"] != want["overdue"] {
				t.Errorf("bulletin total %v; brute force %v", b.Total, want)
			}
			// The street official's figures are its street's, counted the same way.
			var offFig map[string]any
			a.do(off, "GET", "/api/v1/dashboard/sectors?as_of="+asOf, nil).json(t, &dash)
			a.do(off, "GET", "/api/v1/dashboard/rectification?as_of="+asOf, nil).json(t, &offFig)
			if dash.Problems["waived"] != offFig["waived"] || dash.Problems["on_time_rate"] != offFig["on_time_rate"] || offFig["found"] != want["found"] {
				t.Errorf("street official: dashboard %v, figures %v", dash.Problems, offFig)
			}
		})
	}
}
