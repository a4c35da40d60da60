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
var callers = []string{"anonymous", "ent-guixi", "street-guixi", "park", "dept", "admin"}

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
	for i, c := range callers {
		m[c] = [2]int{codes[i], codes[i]}
	}
	return m
}

// matrix is keyed by "METHOD /registered/path". Every /api/v1 route must
// have a row: TestAccessMatrix fails on a route without one.
func matrix(a *api) map[string]access {
	own, other := a.ents["guixiA"].ID, a.ents["hezuoA"].ID
	ownStreetOther := a.ents["guixiB"].ID // same street, other enterprise
	_ = ownStreetOther
	return map[string]access{
		"GET /api/v1/version":          {own: "/api/v1/version", want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/login":      {own: "/api/v1/auth/login", body: `{"username":"park","password":"` + testPassword + `"}`, want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/activate":   {own: "/api/v1/auth/activate", body: `{}`, want: same(public, public, public, public, public, public)},
		"POST /api/v1/auth/logout":     {own: "/api/v1/auth/logout", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/auth/password":   {own: "/api/v1/auth/password", body: `{"old_password":"wrong-one-x","new_password":"another-long-pw"}`, want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/auth/tokens":     {own: "/api/v1/auth/tokens", body: `{"name":"matrix"}`, want: same(noSession, ok, ok, ok, ok, ok)},
		"GET /api/v1/me":               {own: "/api/v1/me", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/registry/import": {own: "/api/v1/registry/import?dry_run=true", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
		"GET /api/v1/enterprises":      {own: "/api/v1/enterprises", want: same(noSession, ok, ok, ok, forbidden, ok)},
		"GET /api/v1/enterprises/:id": {own: fmt.Sprintf("/api/v1/enterprises/%d", own), other: fmt.Sprintf("/api/v1/enterprises/%d", other),
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {ok, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"GET /api/v1/streets": {own: "/api/v1/streets", want: same(noSession, ok, ok, ok, ok, ok)},
		"POST /api/v1/streets/:street/activation-codes": {own: "/api/v1/streets/guixi/activation-codes", other: "/api/v1/streets/hezuo/activation-codes",
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, forbidden},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}}},
		"GET /api/v1/audit": {own: "/api/v1/audit", want: same(noSession, forbidden, forbidden, ok, forbidden, ok)},
	}
}

func TestAccessMatrix(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
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
