package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"fugong/internal/blob"
	"testing"
	"time"

	"fugong/internal/store"
)

// loopRows are the access matrix rows of the rectification loop's routes
// (problems_answers.go, letters, bulletins, activation history).
func loopRows(a *api, own, other store.Problem) map[string]access {
	pp := func(p store.Problem, suffix string) string { return fmt.Sprintf("/api/v1/problems/%d%s", p.ID, suffix) }
	ownFile, otherFile := a.seedProblemFile(own), a.seedProblemFile(other)
	problemRead := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {ok, notFound},
		"park": {ok, ok}, "dept": {notFound, notFound}, "admin": {ok, ok}, "inspector": {ok, ok}}
	streetOnly := map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, forbidden},
		"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {forbidden, forbidden}}
	issuers := same(noSession, forbidden, forbidden, ok, forbidden, ok, ok)
	bulletin := a.seedBulletin()
	return map[string]access{
		"POST /api/v1/letters": {own: "/api/v1/letters", other: "/api/v1/letters",
			body: map[string]any{"target": map[string]any{"kind": "street", "ref": "guixi"}, "deadline": "2099-01-01"},
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, ok},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {ok, ok}}},
		"POST /api/v1/bulletins":    {own: "/api/v1/bulletins", body: `{"from":"2020-02-01","to":"2020-02-20"}`, want: issuers},
		"GET /api/v1/bulletins/:id": {own: fmt.Sprintf("/api/v1/bulletins/%d", bulletin.ID), want: issuers},
		"GET /api/v1/dashboard/rectification": {own: "/api/v1/dashboard/rectification?as_of=2020-02-20",
			other: "/api/v1/dashboard/rectification?as_of=2020-02-20&street=hezuo", want: map[string][2]int{"anonymous": {noSession, noSession},
				"ent-guixi": {forbidden, forbidden}, "street-guixi": {ok, ok}, "park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {ok, ok}}},
		"GET /api/v1/streets/:street/activation-code-issues": {own: "/api/v1/streets/guixi/activation-code-issues",
			other: "/api/v1/streets/hezuo/activation-code-issues", want: streetOnly},
		"POST /api/v1/streets/:street/activation-codes/revoke": {own: "/api/v1/streets/guixi/activation-codes/revoke",
			other: "/api/v1/streets/hezuo/activation-codes/revoke", body: `{}`, want: streetOnly},
		"GET /api/v1/problems":         {own: "/api/v1/problems", want: same(noSession, ok, ok, ok, ok, ok, ok)},
		"GET /api/v1/problems/overdue": {own: "/api/v1/problems/overdue", want: same(noSession, forbidden, ok, ok, forbidden, ok, ok)},
		"GET /api/v1/problems/:id":     {own: pp(own, ""), other: pp(other, ""), want: problemRead},
		"GET /api/v1/problem-files/:id/content": {own: fmt.Sprintf("/api/v1/problem-files/%d/content", ownFile.ID),
			other: fmt.Sprintf("/api/v1/problem-files/%d/content", otherFile.ID), want: problemRead},
		"POST /api/v1/problems/:id/files": {own: pp(own, "/files"), other: pp(other, "/files"), body: `{"text":""}`,
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {forbidden, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {forbidden, forbidden}}},
		"POST /api/v1/problems/:id/answers": {own: pp(own, "/answers"), other: pp(other, "/answers"), body: `{"text":"已整改"}`,
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {ok, notFound}, "street-guixi": {forbidden, notFound},
				"park": {forbidden, forbidden}, "dept": {notFound, notFound}, "admin": {forbidden, forbidden}, "inspector": {forbidden, forbidden}}},
		"POST /api/v1/problems/:id/verify": {own: pp(own, "/verify"), other: pp(other, "/verify"), body: `{"accept":true}`,
			want: map[string][2]int{"anonymous": {noSession, noSession}, "ent-guixi": {forbidden, forbidden}, "street-guixi": {forbidden, notFound},
				"park": {ok, ok}, "dept": {forbidden, forbidden}, "admin": {ok, ok}, "inspector": {forbidden, forbidden}}},
	}
}

// inspectorAccess is the inspector's column for the rows written before the
// role existed: zone-wide reads, findings, waivers; no filing, review,
// registry, rule or account administration.
var inspectorAccess = map[string][2]int{
	"POST /api/v1/filings/:id/notices":              {forbidden, forbidden},
	"GET /api/v1/notices/:id":                       {ok, ok},
	"GET /api/v1/notices/:id/document":              {ok, ok},
	"GET /api/v1/filings/:id/diff":                  {notFound, notFound},
	"GET /api/v1/review/queue":                      {ok, ok},
	"POST /api/v1/filings/:id/review":               {forbidden, forbidden},
	"POST /api/v1/filings/:id/resumption":           {forbidden, forbidden},
	"POST /api/v1/problems":                         {ok, ok},
	"POST /api/v1/problems/:id/waive":               {ok, ok},
	"GET /api/v1/notifications":                     {ok, ok},
	"POST /api/v1/notifications/:id/read":           {notFound, notFound},
	"POST /api/v1/notifications/read-all":           {ok, ok},
	"POST /api/v1/filings":                          {forbidden, forbidden},
	"GET /api/v1/filings":                           {ok, ok},
	"GET /api/v1/filings/:id":                       {ok, ok},
	"PATCH /api/v1/filings/:id":                     {forbidden, forbidden},
	"POST /api/v1/filings/:id/attachments":          {forbidden, forbidden},
	"POST /api/v1/filings/:id/submit":               {forbidden, forbidden},
	"GET /api/v1/attachments/:id/content":           {ok, ok},
	"GET /api/v1/version":                           {public, public},
	"POST /api/v1/auth/login":                       {public, public},
	"POST /api/v1/auth/activate":                    {public, public},
	"POST /api/v1/auth/logout":                      {ok, ok},
	"POST /api/v1/auth/password":                    {ok, ok},
	"POST /api/v1/auth/tokens":                      {ok, ok},
	"GET /api/v1/me":                                {ok, ok},
	"POST /api/v1/registry/import":                  {forbidden, forbidden},
	"GET /api/v1/enterprises":                       {ok, ok},
	"GET /api/v1/enterprises/:id":                   {ok, ok},
	"GET /api/v1/streets":                           {ok, ok},
	"POST /api/v1/streets/:street/activation-codes": {forbidden, forbidden},
	"GET /api/v1/audit":                             {forbidden, forbidden},
	"GET /api/v1/audit/verify":                      {forbidden, forbidden},
	"GET /api/v1/auth/tokens":                       {ok, ok},
	"DELETE /api/v1/auth/tokens/:id":                {notFound, notFound},
	"GET /api/v1/dashboard/enterprises":             {ok, ok},
	"GET /api/v1/filings/:id/similar":               {ok, ok},
	"POST /api/v1/plan-templates":                   {forbidden, forbidden},
	"GET /api/v1/plan-templates":                    {forbidden, forbidden},
	"GET /api/v1/dashboard/sectors":                 {ok, ok},
	"GET /api/v1/dashboard/streets":                 {ok, ok},
	"GET /api/v1/dashboard/trend":                   {ok, ok},
	"GET /api/v1/reports":                           {forbidden, forbidden},
	"GET /api/v1/reports/:id":                       {forbidden, forbidden},
	"GET /api/v1/rules":                             {forbidden, forbidden},
	"POST /api/v1/rules/evaluate":                   {forbidden, forbidden},
	"POST /api/v1/rules/reload":                     {forbidden, forbidden},
	"POST /api/v1/rules/backtest":                   {forbidden, forbidden},
	"GET /api/v1/rules/versions":                    {forbidden, forbidden},
	"GET /api/v1/rules/versions/:version":           {forbidden, forbidden},
}

// withInspector fills the inspector column of rows that lack it from
// inspectorAccess; a row with neither fails the test, so every route states
// what an inspector may do.
func withInspector(t testing.TB, m map[string]access) {
	t.Helper()
	for key, row := range m {
		if _, ok := row.want["inspector"]; ok {
			continue
		}
		w, ok := inspectorAccess[key]
		if !ok {
			t.Errorf("route %s has no inspector column in the access matrix", key)
			continue
		}
		row.want["inspector"] = w
	}
}

// seedProblemFile stores a small PDF as evidence of pr directly.
func (a *api) seedProblemFile(pr store.Problem) store.ProblemFile {
	a.t.Helper()
	ctx := context.Background()
	body := []byte(fmt.Sprintf("%%PDF-1.4\n%% evidence %d\n%%%%EOF\n", pr.ID))
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	key := "sha256/" + sha[:2] + "/" + sha // any key: the row names it
	if _, err := blob.NewSealed(a.blob, a.keys).Put(ctx, key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
		a.t.Fatal(err)
	}
	fs := []store.ProblemFile{{ProblemID: pr.ID, Filename: "现场照片.pdf", Size: int64(len(body)), SHA256: sha, ContentType: "application/pdf",
		ObjectKey: key, CreatedBy: 1, CreatedAt: time.Now()}}
	if err := a.db.CreateProblemFiles(ctx, fs); err != nil {
		a.t.Fatal(err)
	}
	return fs[0]
}

// seedBulletin stores an (empty) bulletin directly.
func (a *api) seedBulletin() store.Bulletin {
	a.t.Helper()
	b := store.Bulletin{PeriodFrom: "2020-01-01", PeriodTo: "2020-01-31", Figures: `{"total":{},"rows":[]}`, CreatedBy: 1, CreatedAt: time.Now()}
	if _, err := a.db.CreateBulletin(context.Background(), &b); err != nil {
		a.t.Fatal(err)
	}
	return b
}
