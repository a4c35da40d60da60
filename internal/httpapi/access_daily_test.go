package httpapi_test

import (
	"fmt"
)

// dailyRows are the access matrix rows of the daily report routes: an
// enterprise files and reads its own under /daily/reports; tenant roles
// read an enterprise's within their scope; departments read none.
func dailyRows(a *api) map[string]access {
	own, other := a.ents["guixiA"], a.ents["hezuoA"]
	a.seedDailyReport(own, "2020-02-19")
	a.seedDailyReport(other, "2020-02-19")
	ep := func(id int64, suffix string) string {
		return fmt.Sprintf("/api/v1/daily/enterprises/%d/reports%s", id, suffix)
	}
	read := func() map[string][2]int {
		return map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {ok, notFound},
			"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {ok, ok}}
	}
	entOnly := func() map[string][2]int {
		return same(noSession, ok, forbidden, forbidden, forbidden, forbidden, forbidden)
	}
	return map[string]access{
		"GET /api/v1/daily/definition":                             {own: "/api/v1/daily/definition?date=2020-02-19", want: same(noSession, ok, ok, ok, ok, ok, ok)},
		"GET /api/v1/daily/reports/:date":                          {own: "/api/v1/daily/reports/2020-02-19", want: entOnly()},
		"PUT /api/v1/daily/reports/:date":                          {own: "/api/v1/daily/reports/2020-02-19", body: map[string]any{"values": dailyValues(3)}, want: entOnly()},
		"GET /api/v1/daily/reports/:date/prefill":                  {own: "/api/v1/daily/reports/2020-02-20/prefill", want: entOnly()},
		"POST /api/v1/daily/push":                                  {own: "/api/v1/daily/push", body: `{"reports":[]}`, want: entOnly()},
		"GET /api/v1/daily/enterprises/:id/reports":                {own: ep(own.ID, ""), other: ep(other.ID, ""), want: read()},
		"GET /api/v1/daily/enterprises/:id/reports/:date":          {own: ep(own.ID, "/2020-02-19"), other: ep(other.ID, "/2020-02-19"), want: read()},
		"GET /api/v1/daily/enterprises/:id/reports/:date/versions": {own: ep(own.ID, "/2020-02-19/versions"), other: ep(other.ID, "/2020-02-19/versions"), want: read()},
	}
}
