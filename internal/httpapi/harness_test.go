package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/audit"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/config"
	"fugong/internal/daily"
	"fugong/internal/dedup"
	"fugong/internal/filing"
	"fugong/internal/httpapi"
	"fugong/internal/idempotency"
	"fugong/internal/inspection"
	"fugong/internal/parsegate"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/reminder"
	"fugong/internal/report"
	"fugong/internal/rules"
	"fugong/internal/ruleset"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// clock is a settable clock injected into the auth service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// api is a full server on a real database (driver) and local object store,
// with a small registry: two enterprises in guixi (south), one in hezuo
// (west), and accounts for every role.
type api struct {
	t           testing.TB
	srv         *httpapi.Server
	db          *store.DB
	auth        *auth.Service
	rules       *rules.Engine
	filings     *filing.Service
	inspections *inspection.Service
	daily       *daily.Service
	dailyRules  *rules.Engine
	dedup       *dedup.Index
	blob        blob.Store
	keys        *pii.Keyring // the data keyring of the current build
	clock       *clock
	zones       *areas.Areas
	cfg         config.Config
	ents        map[string]store.Enterprise // by short name: guixiA, guixiB, hezuoA
	gate        *parsegate.Gate             // the filing service's parse cap; nil: the process's
}

const testPassword = "correct-horse-battery"

func mustAPI(t testing.TB, driver string) *api {
	t.Helper()
	cfg := config.Default()
	db := storetest.MustOpen(t, driver)
	clk := &clock{t: time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)}
	a := &api{t: t, db: db, clock: clk, zones: areas.Default(), cfg: cfg, ents: map[string]store.Enterprise{}}
	a.auth = auth.NewService(db, cfg.Auth, clk.Now).WithAreas(a.zones)
	a.rules = rules.NewEngine("../../rules", nil)
	if _, err := a.rules.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.dailyRules = rules.NewEngineKind(rules.KindDaily, "../../rules/daily", nil)
	if _, err := a.dailyRules.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rows := []store.Enterprise{
		{CreditCode: registry.MakeCreditCode(1), Name: "桂溪甲公司", Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true},
		{CreditCode: registry.MakeCreditCode(2), Name: "桂溪乙公司", Sector: "service", Zone: "south", Street: "guixi", Supervised: true},
		{CreditCode: registry.MakeCreditCode(3), Name: "合作丙公司", Sector: "industrial", Zone: "west", Street: "hezuo", Supervised: true},
	}
	if _, err := db.UpsertEnterprises(ctx, rows, false); err != nil {
		t.Fatal(err)
	}
	for short, code := range map[string]string{"guixiA": rows[0].CreditCode, "guixiB": rows[1].CreditCode, "hezuoA": rows[2].CreditCode} {
		e, err := db.EnterpriseByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		a.ents[short] = *e
	}
	hash, _ := auth.HashPassword(testPassword)
	gA := a.ents["guixiA"].ID
	for _, u := range []store.User{
		{Username: "ent-guixi", Role: store.RoleEnterprise, EnterpriseID: &gA, Street: "guixi"},
		{Username: "street-guixi", Role: store.RoleStreetOfficial, Street: "guixi"},
		{Username: "park", Role: store.RoleParkManager},
		{Username: "dept", Role: store.RoleDepartment, Department: "jingji"},
		{Username: "admin", Role: store.RoleAdmin},
		{Username: "inspector", Role: store.RoleInspector},
	} {
		u.PasswordHash = hash
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return a.build(blobtest.MustOpen(t, "local"))
}

// eachStore runs test, in parallel subtests named driver+backend, on a
// fresh API over SQLite + local store and over MariaDB + MinIO.
func eachStore(t *testing.T, test func(t *testing.T, a *api)) {
	t.Helper()
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			t.Parallel()
			test(t, mustAPI(t, env.driver).build(blobtest.MustOpen(t, env.backend)))
		})
	}
}

// build (re)creates the server over the same database with objects in bs.
func (a *api) build(bs blob.Store) *api {
	t := a.t
	keys, err := pii.ParseKeyring(pii.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	a.blob, a.keys = bs, keys
	a.dedup, err = dedup.New(a.db, dedup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.filings = filing.NewService(filing.Deps{DB: a.db, Blobs: bs, Keys: keys, Rules: a.rules, Dedup: a.dedup, Areas: a.zones,
		Config: a.cfg, Now: a.clock.Now, ParseGate: a.gate})
	a.inspections = inspection.NewService(inspection.Deps{DB: a.db, Blobs: bs, Keys: keys, Areas: a.zones, Config: a.cfg, Now: a.clock.Now})
	a.daily = daily.New(daily.Deps{DB: a.db, Keys: keys, Rules: a.dailyRules, Now: a.clock.Now})
	reports := report.New(a.db, nil, a.zones, nil)
	if err := reports.EnableDaily(daily.DefaultDefinition().ReportSetup()); err != nil {
		t.Fatal(err)
	}
	a.srv = httpapi.New(httpapi.Deps{Config: a.cfg, Log: slog.New(slog.DiscardHandler), DB: a.db, Blob: bs,
		Auth: a.auth, Registry: registry.New(a.db, a.zones), Rules: ruleset.New(a.rules, a.db, a.zones, nil, nil),
		Filings: a.filings, Inspections: a.inspections, Reports: reports, Idempotency: idempotency.New(a.db, nil).SealedBy(a.filings),
		Audit: audit.New(a.db, bs, keys.AuditCheckpointSeed(), a.clock.Now, nil), Daily: a.daily,
		Reminders: reminder.New(a.db, reports, a.cfg.Webhooks, a.clock.Now)})
	return a
}

// session is a signed-in client: cookie and CSRF token.
type session struct {
	cookie string
	csrf   string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, r.body)
	}
}

func (r response) errorCode() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// do sends a request; body may be nil, a string (sent as JSON) or *multipartBody.
func (a *api) do(s *session, method, path string, body any, hdr ...string) response {
	a.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case *multipartBody:
		rd, ct = bytes.NewReader(b.buf.Bytes()), b.contentType
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if s != nil {
		req.Header.Set("Cookie", "fugong_session="+s.cookie)
		if s.csrf != "" {
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := a.srv.App().Test(req, -1)
	if err != nil {
		a.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// login signs in through the API and returns the session.
func (a *api) login(username string) *session {
	a.t.Helper()
	r := a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": testPassword})
	if r.status != 200 {
		a.t.Fatalf("login %s: %d %s", username, r.status, r.body)
	}
	var body struct {
		CSRF string `json:"csrf_token"`
	}
	r.json(a.t, &body)
	return &session{cookie: cookieValue(r.header, "fugong_session"), csrf: body.CSRF}
}

func cookieValue(h http.Header, name string) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

type multipartBody struct {
	buf         bytes.Buffer
	contentType string
}

func fileBody(field, filename string, content []byte) *multipartBody {
	m := &multipartBody{}
	w := multipart.NewWriter(&m.buf)
	fw, _ := w.CreateFormFile(field, filename)
	fw.Write(content)
	w.Close()
	m.contentType = w.FormDataContentType()
	return m
}

// seedFiling inserts a filing of ent directly.
func (a *api) seedFiling(ent store.Enterprise, status store.Status) *store.Filing {
	a.t.Helper()
	f := &store.Filing{EnterpriseID: ent.ID, Street: ent.Street, Sector: ent.Sector, Status: status, Version: 1, CreatedBy: 1}
	// Tests seed several filings per enterprise; the earlier ones stay as
	// they are but give up the one open slot (filings.open_key).
	if err := a.db.Gorm().Exec("UPDATE filings SET open_key = NULL WHERE enterprise_id = ?", ent.ID).Error; err != nil {
		a.t.Fatal(err)
	}
	if err := a.db.CreateFiling(context.Background(), f); err != nil {
		a.t.Fatal(err)
	}
	return f
}

// seedAttachment stores a small plan object and its row for f.
func (a *api) seedAttachment(f *store.Filing) *store.Attachment {
	a.t.Helper()
	ctx := context.Background()
	body := []byte(fmt.Sprintf("复工方案 %d", f.ID))
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	if _, err := a.blob.Put(ctx, filing.ObjectKey(sha), bytes.NewReader(body), int64(len(body)), "text/plain"); err != nil {
		a.t.Fatal(err)
	}
	att := &store.Attachment{FilingID: f.ID, EnterpriseID: f.EnterpriseID, Kind: "plan", Filename: "plan.txt", Size: int64(len(body)),
		SHA256: sha, ContentType: "text/plain", ObjectKey: filing.ObjectKey(sha), CreatedBy: 1, CreatedAt: time.Now()}
	if err := a.db.CreateAttachment(ctx, att, nil); err != nil {
		a.t.Fatal(err)
	}
	return att
}

// seedProblem records an open problem on f directly.
func (a *api) seedProblem(f *store.Filing) store.Problem {
	a.t.Helper()
	fid, eid := f.ID, f.EnterpriseID
	ps := []store.Problem{{FilingID: &fid, EnterpriseID: &eid, Street: f.Street, Sector: f.Sector, Source: store.SourceInspection,
		Title: "测温记录缺失", Status: store.ProblemOpen, CreatedBy: 1, CreatedAt: time.Now()}}
	if err := a.db.CreateProblems(context.Background(), ps); err != nil {
		a.t.Fatal(err)
	}
	return ps[0]
}

// seedNotification leaves a notification for username.
func (a *api) seedNotification(username string) store.Notification {
	a.t.Helper()
	u, err := a.db.UserByUsername(context.Background(), username)
	if err != nil {
		a.t.Fatal(err)
	}
	ns := []store.Notification{{UserID: u.ID, Kind: "filing_returned", Message: "退回", CreatedAt: time.Now()}}
	if err := a.db.CreateNotifications(context.Background(), ns); err != nil {
		a.t.Fatal(err)
	}
	return ns[0]
}

// seedNotice issues a notice on f listing pr directly.
func (a *api) seedNotice(f *store.Filing, pr store.Problem) store.Notice {
	a.t.Helper()
	fid := f.ID
	n := store.Notice{EnterpriseID: f.EnterpriseID, FilingID: &fid, Street: f.Street, Deadline: "2020-03-01", CreatedBy: 1, CreatedAt: time.Now()}
	if err := a.db.CreateNotice(context.Background(), &n, []int64{pr.ID}); err != nil {
		a.t.Fatal(err)
	}
	return n
}
