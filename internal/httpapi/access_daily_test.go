package httpapi_test

import (
	"fmt"
)

// alreadyConfirmed is the answer to confirming a warning twice.
const alreadyConfirmed = 409

// dailyRows are the access matrix rows of the daily report routes: an
// enterprise files and reads its own under /daily/reports; tenant roles
// read an enterprise's within their scope; departments read none.
func dailyRows(a *api) map[string]access {
	own, other := a.ents["guixiA"], a.ents["hezuoA"]
	a.seedDailyReport(own, "2020-02-19")
	a.seedDailyReport(other, "2020-02-19")
	ownFlag, otherFlag := a.seedDailyFlag(own, "2020-02-18"), a.seedDailyFlag(other, "2020-02-18")
	confirm := func(id int64) string { return fmt.Sprintf("/api/v1/daily/flags/%d/confirm", id) }
	managersOnly := func() map[string][2]int {
		return same(noSession, forbidden, forbidden, ok, forbidden, ok, forbidden)
	}
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
		"GET /api/v1/daily/flags":                                  {own: "/api/v1/daily/flags?from=2020-02-18&to=2020-02-20", want: same(noSession, ok, ok, ok, forbidden, ok, ok)},
		// Confirming: the street its own street's warnings, the park any;
		// each row confirms a fresh flag per caller allowed.
		"POST /api/v1/daily/flags/:id/confirm": {own: confirm(ownFlag), other: confirm(otherFlag),
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, notFound},
				"park": {alreadyConfirmed, ok}, "dept": {forbidden, forbidden}, "admin": {forbidden, forbidden}, "inspector": {forbidden, forbidden}}},
		"GET /api/v1/daily/rules":                   {own: "/api/v1/daily/rules", want: managersOnly()},
		"POST /api/v1/daily/rules/reload":           {own: "/api/v1/daily/rules/reload", want: managersOnly()},
		"POST /api/v1/daily/rules/backtest":         {own: "/api/v1/daily/rules/backtest", body: `{"files":[{"name":"a.yaml","text":"rules: []"}],"from":"2020-02-01","to":"2020-02-20"}`, want: managersOnly()},
		"GET /api/v1/daily/rules/versions":          {own: "/api/v1/daily/rules/versions", want: managersOnly()},
		"GET /api/v1/daily/rules/versions/:version": {own: "/api/v1/daily/rules/versions/" + a.dailyRules.Current().Version, want: managersOnly()},
	}
}
