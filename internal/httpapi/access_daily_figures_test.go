package httpapi_test

// dailyFigureRows are the access matrix rows of the daily reporting rate
// and timeliness dashboards, the reporters list, its reminder and the
// street's daily summary: street officials their street, the park, admin
// and the inspection group everything, departments and enterprises none;
// the forms catalogue is read by every official and department; only
// officials remind (the inspection group reads but does not remind).
func dailyFigureRows(a *api) map[string]access {
	a.approveForDaily(a.ents["guixiA"], "2020-02-01")
	read := func() map[string][2]int {
		return map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, forbidden},
			"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {ok, ok}}
	}
	return map[string]access{
		"GET /api/v1/dashboard/daily": {own: "/api/v1/dashboard/daily?date=2020-02-20", other: "/api/v1/dashboard/daily?date=2020-02-20&street=hezuo", want: read()},
		"GET /api/v1/dashboard/daily/trend": {own: "/api/v1/dashboard/daily/trend?from=2020-02-01&to=2020-02-20",
			other: "/api/v1/dashboard/daily/trend?from=2020-02-01&to=2020-02-20&street=hezuo", want: read()},
		"GET /api/v1/daily/reports": {own: "/api/v1/daily/reports?date=2020-02-20&state=missing", other: "/api/v1/daily/reports?date=2020-02-20&street=hezuo", want: read()},
		"GET /api/v1/daily/summary": {own: "/api/v1/daily/summary?date=2020-02-20", other: "/api/v1/daily/summary?date=2020-02-20&street=hezuo", want: read()},
		"GET /api/v1/report-forms":  {own: "/api/v1/report-forms", want: same(noSession, forbidden, ok, ok, ok, ok, ok)},
		"POST /api/v1/daily/reminders": {own: "/api/v1/daily/reminders", body: `{"date":"2020-02-20"}`,
			want: same(noSession, forbidden, ok, ok, forbidden, ok, forbidden)},
	}
}
