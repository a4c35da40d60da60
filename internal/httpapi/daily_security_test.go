package httpapi_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/internal/store/storetest"
)

// TestDailyHostileInput probes the daily report API with the defect classes
// of issue 18 on both databases: an API token acts only as its owner (its
// enterprise's reports; another enterprise's is 404; a street official's
// token may not file), bodies are bounded (31 days per push, 1 MiB, and a
// body of unknown fields answers a bounded 422 instead of one detail per
// member), and the personal field remarks is sealed at rest, kept out of
// the rules' stored input and masked for everyone but the enterprise.
func TestDailyHostileInput(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			a.approveForDaily(a.ents["guixiA"], "2020-01-10")
			a.approveForDaily(a.ents["hezuoA"], "2020-01-10")
			a.clock.mu.Lock()
			a.clock.t = time.Date(2020, 2, 20, 1, 30, 0, 0, time.UTC)
			a.clock.mu.Unlock()
			other := a.seedDailyReport(a.ents["hezuoA"], "2020-02-19")
			ent, street := a.login("ent-guixi"), a.login("street-guixi")
			token := func(s *session) []string {
				r := a.do(s, "POST", "/api/v1/auth/tokens", `{"name":"system"}`)
				var tok struct{ Token string }
				r.json(t, &tok)
				if r.status != 201 || tok.Token == "" {
					t.Fatalf("token: %d %s", r.status, r.body)
				}
				return []string{"Authorization", "Bearer " + tok.Token}
			}
			entTok, streetTok := token(ent), token(street)

			// Scope: the token is its owner, no more.
			if r := a.do(nil, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-19", other.EnterpriseID), nil, entTok...); r.status != 404 {
				t.Errorf("enterprise token read another enterprise's report: %d %s", r.status, r.body)
			}
			if r := a.do(nil, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-19/versions", other.EnterpriseID), nil, entTok...); r.status != 404 {
				t.Errorf("enterprise token read another enterprise's versions: %d %s", r.status, r.body)
			}
			if r := a.do(nil, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d/reports/2020-02-19", other.EnterpriseID), nil, streetTok...); r.status != 404 {
				t.Errorf("guixi street token read a hezuo report: %d %s", r.status, r.body)
			}
			// Flags: asking for another street's gives none of them.
			a.seedDailyFlag(a.ents["hezuoA"], "2020-02-18")
			for _, who := range [][]string{streetTok, entTok} {
				r := a.do(nil, "GET", "/api/v1/daily/flags?street=hezuo&from=2020-02-01&to=2020-02-20", nil, who...)
				if r.status != 200 || strings.Contains(string(r.body), fmt.Sprintf(`"enterprise_id":%d`, other.EnterpriseID)) {
					t.Errorf("another street's flags: %d %s", r.status, r.body)
				}
			}
			if r := a.do(a.login("park"), "GET", "/api/v1/daily/flags?street=hezuo&from=2020-02-01&to=2020-02-20", nil); !strings.Contains(string(r.body), fmt.Sprintf(`"enterprise_id":%d`, other.EnterpriseID)) {
				t.Fatalf("the park does not see the hezuo flag the probe above looks for: %d %s", r.status, r.body)
			}
			one := `{"reports":[{"date":"2020-02-19","values":{"staff_onsite":1}}]}`
			if r := a.do(nil, "POST", "/api/v1/daily/push", one, streetTok...); r.status != 403 {
				t.Errorf("street official's token pushed: %d %s", r.status, r.body)
			}
			if r := a.do(nil, "PUT", "/api/v1/daily/reports/2020-02-19", map[string]any{"values": dailyValues(1)}, streetTok...); r.status != 403 {
				t.Errorf("street official's token filed: %d %s", r.status, r.body)
			}
			if r := a.do(nil, "POST", "/api/v1/auth/tokens", `{"name":"more"}`, entTok...); r.status != 403 {
				t.Errorf("a token minted a token: %d %s", r.status, r.body)
			}

			// Bounds: 32 days is too many; a body over 1 MiB is 413.
			items := make([]map[string]any, 32)
			for i := range items {
				items[i] = map[string]any{"date": time.Date(2020, 1, 20+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), "values": dailyValues(1)}
			}
			if r := a.do(nil, "POST", "/api/v1/daily/push", map[string]any{"reports": items}, entTok...); r.status != 422 {
				t.Errorf("push of 32 days: %d %.300s", r.status, r.body)
			}
			big := `{"values":{"remarks":"` + strings.Repeat("x", 1<<20) + `"}}`
			if r := a.do(nil, "PUT", "/api/v1/daily/reports/2020-02-20", big, entTok...); r.status != 413 {
				t.Errorf("1 MiB body: %d %.300s", r.status, r.body)
			}
			// A body of unknown members (under 1 MiB) must not make an
			// answer larger than itself: one detail per member was 100k
			// details, about 10 MB, for 0.9 MB sent.
			var b bytes.Buffer
			b.WriteString(`{"values":{`)
			for i := 0; b.Len() < 900<<10; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"k%d":0`, i)
			}
			b.WriteString(`}}`)
			r := a.do(nil, "PUT", "/api/v1/daily/reports/2020-02-20", b.String(), entTok...)
			if r.status != 422 || len(r.body) > 64<<10 {
				t.Errorf("unknown fields: %d, answer %d bytes for %d sent", r.status, len(r.body), b.Len())
			}
			pushBody := `{"reports":[` + strings.Repeat(`{"date":"2020-02-19","values":{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0}},`, 30) +
				`{"date":"2020-02-18","values":{}}]}`
			if r := a.do(nil, "POST", "/api/v1/daily/push", pushBody, entTok...); r.status != 422 || len(r.body) > 64<<10 {
				t.Errorf("push of unknown fields: %d, answer %d bytes", r.status, len(r.body))
			}

			// remarks: the enterprise sees it; sealed in the database, not
			// in the rules' input; masked for the street.
			v := dailyValues(2)
			v["remarks"] = "王五 13800138000 发热"
			if r := a.do(nil, "PUT", "/api/v1/daily/reports/2020-02-20", map[string]any{"values": v}, entTok...); r.status != 201 || !strings.Contains(string(r.body), "王五") {
				t.Fatalf("file with remarks: %d %s", r.status, r.body)
			}
			var leaks int64
			if err := a.db.Gorm().Raw(`SELECT COUNT(*) FROM daily_report_versions WHERE values_json LIKE ? OR rule_input LIKE ?`, "%王五%", "%王五%").Scan(&leaks).Error; err != nil {
				t.Fatal(err)
			}
			var leaks2 int64
			if err := a.db.Gorm().Raw(`SELECT COUNT(*) FROM daily_reports WHERE values_json LIKE ?`, "%王五%").Scan(&leaks2).Error; err != nil {
				t.Fatal(err)
			}
			if leaks+leaks2 != 0 {
				t.Errorf("remarks in clear in %d rows", leaks+leaks2)
			}
			for _, path := range []string{"/reports/2020-02-20", "/reports/2020-02-20/versions", "/reports?from=2020-02-01&to=2020-02-20"} {
				r := a.do(street, "GET", fmt.Sprintf("/api/v1/daily/enterprises/%d%s", a.ents["guixiA"].ID, path), nil)
				if r.status != 200 || strings.Contains(string(r.body), "王五") || strings.Contains(string(r.body), "13800138000") {
					t.Errorf("street %s: %d %s", path, r.status, r.body)
				}
			}
			var audits int64
			if err := a.db.Gorm().Raw(`SELECT COUNT(*) FROM audit_log WHERE details LIKE ?`, "%王五%").Scan(&audits).Error; err != nil {
				t.Fatal(err)
			}
			if audits != 0 {
				t.Errorf("remarks in %d audit entries", audits)
			}
		})
	}
}
