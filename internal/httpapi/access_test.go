package httpapi_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"fugong/internal/store/storetest"
)

// Expected outcomes in the access matrix.
const (
	ok        = 0   // allowed: any status except 401/403/404 and below 500
	public    = -1  // no sign-in needed: any status below 500
	noSession = 401 // must sign in
	forbidden = 403
	notFound  = 404 // another tenant's object
)

// callers of the matrix: anonymous and one account per role (see mustAPI).
var callers = []string{"anonymous", "ent-guixi", "street-guixi", "park", "dept", "admin", "inspector"}

// access is one route's row: the path to call for the caller's own tenant
// and for another tenant (same when the route has no tenant), a body, and
// the expected outcome per caller for own and other.
type access struct {
	own, other string
	body       any
	want       map[string][2]int // caller -> {own, other}
}

func same(codes ...int) map[string][2]int {
	m := map[string][2]int{}
	for i, c := range callers[:len(codes)] {
		m[c] = [2]int{codes[i], codes[i]}
	}
	return m
}

// matrix is keyed by "METHOD /registered/path". Every /api/v1 route must
// have a row: TestAccessMatrix fails on a route without one.
func matrix(a *api) map[string]access {
	own, other := a.ents["guixiA"].ID, a.ents["hezuoA"].ID
	ownFiling, otherFiling := a.seedFiling(a.ents["guixiA"], "draft"), a.seedFiling(a.ents["hezuoA"], "draft")
	ownAtt, otherAtt := a.seedAttachment(ownFiling), a.seedAttachment(otherFiling)
	fp := func(id int64, suffix string) string { return fmt.Sprintf("/api/v1/filings/%d%s", id, suffix) }
	tenantRead := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {ok, notFound},
		"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}
	enterpriseWrite := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {forbidden, forbidden},
		"park": {forbidden, forbidden}, "dept": {forbidden, forbidden}, "admin": {forbidden, forbidden}}
	ownProblem, otherProblem := a.seedProblem(ownFiling), a.seedProblem(otherFiling)
	note := a.seedNotification("ent-guixi")
	ownNotice, otherNotice := a.seedNotice(ownFiling, ownProblem), a.seedNotice(otherFiling, otherProblem)
	// The diff of a never-submitted filing is 404 even for its owner, so
	// only another tenant's and forbidden answers are distinguishable.
	tenantReadMissing := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {notFound, notFound}, "street-guixi": {notFound, notFound},
		"park": {notFound, notFound}, "dept": {forbidden, forbidden}, "admin": {notFound, notFound}}
	officialWrite := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, notFound},
		"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}
	m := map[string]access{
		"POST /api/v1/filings/:id/notices": {own: fp(ownFiling.ID, "/notices"), other: fp(otherFiling.ID, "/notices"), body: `{"deadline":"2099-01-01"}`,
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {forbidden, forbidden}}},
		"GET /api/v1/notices/:id":          {own: fmt.Sprintf("/api/v1/notices/%d", ownNotice.ID), other: fmt.Sprintf("/api/v1/notices/%d", otherNotice.ID), want: tenantRead},
		"GET /api/v1/notices/:id/document": {own: fmt.Sprintf("/api/v1/notices/%d/document", ownNotice.ID), other: fmt.Sprintf("/api/v1/notices/%d/document", otherNotice.ID), want: tenantRead},
		"GET /api/v1/filings/:id/diff":     {own: fp(ownFiling.ID, "/diff"), other: fp(otherFiling.ID, "/diff"), want: tenantReadMissing},
		"GET /api/v1/review/queue":         {own: "/api/v1/review/queue", want: same(noSession, forbidden, ok, ok, forbidden, ok)},
		"POST /api/v1/filings/:id/review": {own: fp(ownFiling.ID, "/review"), other: fp(otherFiling.ID, "/review"), body: `{"decision":"approve"}`,
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, notFound},
				"park": {forbidden, forbidden}, "dept": {forbidden, forbidden}, "admin": {forbidden, forbidden}}},
		"POST /api/v1/filings/:id/resumption": {own: fp(ownFiling.ID, "/resumption"), other: fp(otherFiling.ID, "/resumption"), body: `{"date":"2020-02-20"}`, want: enterpriseWrite},
		"POST /api/v1/problems": {own: "/api/v1/problems", other: "/api/v1/problems", body: map[string]any{"filing_id": ownFiling.ID, "title": "现场人员聚集"},
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, ok},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"POST /api/v1/problems/:id/waive": {own: fmt.Sprintf("/api/v1/problems/%d/waive", ownProblem.ID), other: fmt.Sprintf("/api/v1/problems/%d/waive", otherProblem.ID),
			body: `{"reason":"已现场核实"}`, want: officialWrite},
		"GET /api/v1/notifications": {own: "/api/v1/notifications", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/notifications/:id/read": {own: fmt.Sprintf("/api/v1/notifications/%d/read", note.ID),
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, ok}, "street-guixi": {notFound, notFound},
				"park": {notFound, notFound}, "dept": {notFound, notFound}, "admin": {notFound, notFound}}},
		"POST /api/v1/filings":                 {own: "/api/v1/filings", body: `{}`, want: same(noSession, ok, forbidden, forbidden, forbidden, forbidden)},
		"GET /api/v1/filings":                  {own: "/api/v1/filings", want: same(noSession, ok, ok, ok, forbidden, ok)},
		"GET /api/v1/filings/:id":              {own: fp(ownFiling.ID, ""), other: fp(otherFiling.ID, ""), want: tenantRead},
		"PATCH /api/v1/filings/:id":            {own: fp(ownFiling.ID, ""), other: fp(otherFiling.ID, ""), body: `{}`, want: enterpriseWrite},
		"POST /api/v1/filings/:id/attachments": {own: fp(ownFiling.ID, "/attachments?kind=plan"), other: fp(otherFiling.ID, "/attachments?kind=plan"), want: enterpriseWrite},
		"POST /api/v1/filings/:id/submit":      {own: fp(ownFiling.ID, "/submit"), other: fp(otherFiling.ID, "/submit"), want: enterpriseWrite},
		"GET /api/v1/attachments/:id/content": {own: fmt.Sprintf("/api/v1/attachments/%d/content", ownAtt.ID),
			other: fmt.Sprintf("/api/v1/attachments/%d/content", otherAtt.ID), want: tenantRead},
		"GET /api/v1/version":        {own: "/api/v1/version", want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/login":    {own: "/api/v1/auth/login", body: `{"username":"park","password":"` + testPassword + `"}`, want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/activate": {own: "/api/v1/auth/activate", body: `{}`, want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/logout":   {own: "/api/v1/auth/logout", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/auth/password": {own: "/api/v1/auth/password", body: `{"old_password":"wrong-one-x","new_password":"another-long-pw"}`, want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/auth/tokens":   {own: "/api/v1/auth/tokens", body: `{"name":"matrix"}`, want: same(noSession, ok, ok, ok, ok, ok)},
		"GET /api/v1/auth/tokens":    {own: "/api/v1/auth/tokens", want: same(noSession, ok, ok, ok, ok, ok)},
		"DELETE /api/v1/auth/tokens/:id": {own: "/api/v1/auth/tokens/999999",
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {notFound, notFound}, "street-guixi": {notFound, notFound},
				"park": {notFound, notFound}, "dept": {notFound, notFound}, "admin": {notFound, notFound}}},
		"GET /api/v1/me":               {own: "/api/v1/me", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/registry/import": {own: "/api/v1/registry/import?dry_run=true", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/enterprises":      {own: "/api/v1/enterprises", want: same(noSession, ok, ok, ok, forbidden, ok)},
		"GET /api/v1/enterprises/:id": {own: fmt.Sprintf("/api/v1/enterprises/%d", own), other: fmt.Sprintf("/api/v1/enterprises/%d", other),
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {ok, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"GET /api/v1/streets":         {own: "/api/v1/streets", want: same(noSession, ok, ok, ok, ok, ok)},
		"GET /api/v1/roster-template": {own: "/api/v1/roster-template", want: same(noSession, ok, ok, ok, ok, ok, ok)},
		"POST /api/v1/streets/:street/activation-codes": {own: "/api/v1/streets/guixi/activation-codes", other: "/api/v1/streets/hezuo/activation-codes",
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, forbidden},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"GET /api/v1/audit":        {own: "/api/v1/audit", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/audit/verify": {own: "/api/v1/audit/verify", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/filings/:id/similar": {own: fp(ownFiling.ID, "/similar"), other: fp(otherFiling.ID, "/similar"),
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"POST /api/v1/plan-templates": {own: "/api/v1/plan-templates", body: `{"name":"矩阵模板","text":"一、组织领导 成立疫情防控工作领导小组。"}`,
			want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/plan-templates": {own: "/api/v1/plan-templates", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		// Dashboards: street official its street only; park manager, admin all. Reports: departments their own.
		"GET /api/v1/dashboard/sectors":     {own: "/api/v1/dashboard/sectors?as_of=2020-02-28", other: "/api/v1/dashboard/sectors?as_of=2020-02-28&street=hezuo", want: dashboardAccess},
		"GET /api/v1/dashboard/streets":     {own: "/api/v1/dashboard/streets?sector=industrial&street=guixi", other: "/api/v1/dashboard/streets?sector=industrial&street=hezuo", want: dashboardAccess},
		"GET /api/v1/dashboard/trend":       {own: "/api/v1/dashboard/trend?from=2020-02-01&to=2020-02-28", other: "/api/v1/dashboard/trend?from=2020-02-01&to=2020-02-28&street=hezuo", want: dashboardAccess},
		"GET /api/v1/dashboard/enterprises": {own: "/api/v1/dashboard/enterprises?as_of=2020-02-28&state=approved", other: "/api/v1/dashboard/enterprises?as_of=2020-02-28&street=hezuo", want: dashboardAccess},
		"GET /api/v1/reports":               {own: "/api/v1/reports", want: same(noSession, forbidden, forbidden, ok, ok, ok)},
		"GET /api/v1/reports/:id": {own: "/api/v1/reports/jingji-industrial-by-street", other: "/api/v1/reports/shehui-staff-health",
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {forbidden, forbidden},
				"park": {ok, ok}, "dept": {ok, notFound}, "admin": {ok, ok}}},
		// Rules: park manager and admin only.
		"GET /api/v1/rules":           {own: "/api/v1/rules", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"POST /api/v1/rules/evaluate": {own: "/api/v1/rules/evaluate", body: `{"staff_total": 10}`, want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"POST /api/v1/rules/reload":   {own: "/api/v1/rules/reload", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"POST /api/v1/rules/backtest": {own: "/api/v1/rules/backtest", body: `{"files": []}`, want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/rules/versions":  {own: "/api/v1/rules/versions", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/rules/versions/:version": {own: "/api/v1/rules/versions/" + a.rules.Current().Version,
			want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
	}
	for k, v := range dailyRows(a) {
		m[k] = v
	}
	for k, v := range dailyFigureRows(a) {
		m[k] = v
	}
	for k, v := range loopRows(a, ownProblem, otherProblem) {
		m[k] = v
	}
	withInspector(a.t, m)
	return m
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			m := matrix(a)

			// Every registered API route has a row, and every row a route.
			registered := map[string]bool{}
			for _, r := range a.srv.App().GetRoutes(true) {
				if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" || r.Path == "/api/*" {
					continue
				}
				key := r.Method + " " + r.Path
				registered[key] = true
				if _, ok := m[key]; !ok {
					t.Errorf("route %s has no row in the access matrix", key)
				}
			}
			for key := range m {
				if !registered[key] {
					t.Errorf("matrix row %s matches no registered route", key)
				}
			}

			sessions := map[string]*session{}
			sessionOf := func(caller string) *session {
				if caller == "anonymous" {
					return nil
				}
				if sessions[caller] == nil {
					sessions[caller] = a.login(caller)
				}
				return sessions[caller]
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, key := range keys {
				row := m[key]
				method := strings.Fields(key)[0]
				for _, caller := range callers {
					for i, path := range []string{row.own, row.other} {
						if path == "" {
							continue
						}
						want := row.want[caller][i]
						r := a.do(sessionOf(caller), method, path, row.body)
						if strings.HasSuffix(key, "/auth/logout") {
							delete(sessions, caller) // that session is over
						}
						which := [2]string{"own", "other"}[i]
						switch want {
						case public:
							if r.status >= 500 {
								t.Errorf("%s as %s (%s): %d %s", key, caller, which, r.status, r.body)
							}
						case ok:
							if r.status == 401 || r.status == 403 || r.status == 404 || r.status >= 500 {
								t.Errorf("%s as %s (%s): got %d, want allowed; %s", key, caller, which, r.status, r.body)
							}
						default:
							if r.status != want {
								t.Errorf("%s as %s (%s): got %d, want %d; %s", key, caller, which, r.status, want, r.body)
							}
						}
					}
				}
			}
		})
	}
}

// dashboardAccess is the dashboards' row: own = the caller's street (or all),
// other = ?street=hezuo.
var dashboardAccess = map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden},
	"street-guixi": {ok, forbidden}, "park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}
