package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/pii"
	"fugong/internal/roster"
	"fugong/internal/sheet/sheettest"
	"fugong/internal/store"
	"fugong/internal/testenv"
)

const goodPlan = `复工疫情防控方案
一、组织领导：成立疫情防控领导小组，总经理任组长，明确各部门职责。
二、员工排查：对全体员工逐一摸排，建立健康台账，每日两次测温并登记。
三、消毒通风：办公区域每日消毒两次，保持通风，公共区域专人负责。
四、应急处置：设置临时隔离室，发现发热员工立即隔离并报告社区。
五、物资保障：储备口罩、测温枪、消毒液，专人管理，每日盘点。`

// rosterCSV builds a roster of n staff; the first `fever` have 38.2 °C.
func rosterCSV(n, fever int) []byte {
	var b strings.Builder
	b.WriteString("姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期\n")
	for i := 0; i < n; i++ {
		temp := "36.5"
		if i < fever {
			temp = "38.2"
		}
		fmt.Fprintf(&b, "员工%d,%s,138%08d,生产部,%s,绿码,无,\n", i, roster.MakeIDNumber(i), i, temp)
	}
	return []byte(b.String())
}

func newFilingBody(staff int) map[string]any {
	return map[string]any{
		"planned_resume_date": "2020-03-02", "staff_total": staff, "staff_onsite": staff,
		"supplies":  map[string]any{"masks": staff * 2 * 14, "thermometers": 5, "disinfectant_liters": 50, "isolation_room": true},
		"plan_text": goodPlan, "contact": map[string]any{"name": "王经理", "phone": "13812345678"},
	}
}

type filingResp struct {
	ID          int64
	Status      string
	Revision    int
	Contact     struct{ Name, Phone string }
	Attachments []struct {
		ID       int64
		Kind     string
		Filename string
		SHA256   string `json:"sha256"`
	}
	Revisions []struct{ Number int }
	Flags     []struct {
		RuleID   string `json:"rule_id"`
		Severity string
	}
}

func objectCount(t *testing.T, bs blob.Store) int {
	t.Helper()
	objs, err := bs.List(context.Background(), "") // sealed (obj/) and legacy (sha256/) objects
	if err != nil {
		t.Fatal(err)
	}
	return len(objs)
}

// TestFilingLifecycle creates a filing, uploads a plan and a roster, and
// submits it, on SQLite + local store and on MariaDB + MinIO.
func TestFilingLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, a *api) {
		ent := a.login("ent-guixi")

		r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10))
		var f filingResp
		r.json(t, &f)
		if r.status != 201 || f.Status != "draft" || f.Contact.Phone != "13812345678" {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		// A second filing while one is in progress: 409.
		if r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10)); r.status != 409 {
			t.Fatalf("second filing: %d %s", r.status, r.body)
		}
		// Invalid fields: 422 with details per field.
		r = a.do(ent, "PATCH", fmt.Sprintf("/api/v1/filings/%d", f.ID), `{"staff_onsite": 50, "planned_resume_date": "2020-13-45", "contact": {"phone": "12345"}, "supplies": {"masks": -1}}`)
		if r.status != 422 {
			t.Fatalf("bad patch: %d %s", r.status, r.body)
		}
		for _, field := range []string{"staff_onsite", "planned_resume_date", "contact.phone", "supplies.masks"} {
			if !strings.Contains(string(r.body), `"field":"`+field+`"`) {
				t.Errorf("no detail for %s: %s", field, r.body)
			}
		}

		objects := objectCount(t, a.blob)
		up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=plan", f.ID), fileBody("file", "../../etc/passwd", []byte(goodPlan)))
		if up.status != 201 || !strings.Contains(string(up.body), `"filename":"passwd"`) || !strings.Contains(string(up.body), `"sha256":"`) {
			t.Fatalf("plan upload: %d %s", up.status, up.body)
		}
		if objectCount(t, a.blob) != objects+1 {
			t.Fatal("plan object not stored")
		}
		up = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "花名册.csv", rosterCSV(10, 1)))
		if up.status != 201 || !strings.Contains(string(up.body), `"rows":10`) || !strings.Contains(string(up.body), `"fever":1`) {
			t.Fatalf("roster upload: %d %s", up.status, up.body)
		}

		// Submit: the fever flag shows; the filing reaches review unless a rule blocks.
		r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), nil)
		var sub struct {
			Status         string
			Revision       int
			RulesetVersion string `json:"ruleset_version"`
			Flags          []struct {
				RuleID   string `json:"rule_id"`
				Severity string
				Message  string
			}
		}
		r.json(t, &sub)
		// The fever flag blocks: nothing is frozen (revision 0), the
		// filing stays a draft and shows the flags.
		if r.status != 200 || sub.Revision != 0 || sub.Status != "draft" || sub.RulesetVersion == "" {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		var fever bool
		for _, fl := range sub.Flags {
			if strings.Contains(fl.RuleID, "fever") {
				fever = true
			}
		}
		if !fever {
			t.Fatalf("no fever flag for a roster with a 38.2 °C row: %s", r.body)
		}

		// The official sees the filing, its revision and the phone masked.
		off := a.login("street-guixi")
		r = a.do(off, "GET", fmt.Sprintf("/api/v1/filings/%d", f.ID), nil)
		var seen filingResp
		r.json(t, &seen)
		if r.status != 200 || seen.Contact.Phone != pii.MaskPhone("13812345678") || len(seen.Revisions) != 0 || len(seen.Attachments) != 2 {
			t.Fatalf("official view: %d %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), "13812345678") {
			t.Fatal("the phone leaked to the official")
		}
		// The official downloads the roster: masked CSV, never the raw file.
		var rosterID int64
		for _, at := range seen.Attachments {
			if at.Kind == "roster" {
				rosterID = at.ID
			}
		}
		r = a.do(off, "GET", fmt.Sprintf("/api/v1/attachments/%d/content", rosterID), nil)
		if r.status != 200 || strings.Contains(string(r.body), roster.MakeIDNumber(3)) || !strings.Contains(string(r.body), pii.MaskID(roster.MakeIDNumber(3))) {
			t.Fatalf("official roster download not masked: %d %.300s", r.status, r.body)
		}
		// The inspection group (督查组) reads the zone with personal data
		// masked, as every non-owner does.
		insp := a.login("inspector")
		if r := a.do(insp, "GET", fmt.Sprintf("/api/v1/filings/%d", f.ID), nil); r.status != 200 || strings.Contains(string(r.body), "13812345678") ||
			!strings.Contains(string(r.body), pii.MaskPhone("13812345678")) {
			t.Fatalf("inspector's view not masked: %d %.300s", r.status, r.body)
		}
		if r := a.do(insp, "GET", fmt.Sprintf("/api/v1/attachments/%d/content", rosterID), nil); r.status != 200 ||
			strings.Contains(string(r.body), roster.MakeIDNumber(3)) || !strings.Contains(string(r.body), pii.MaskID(roster.MakeIDNumber(3))) {
			t.Fatalf("inspector's roster download not masked: %d %.300s", r.status, r.body)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download headers: %v", r.header)
		}
		// The enterprise downloads its original bytes.
		r = a.do(ent, "GET", fmt.Sprintf("/api/v1/attachments/%d/content", rosterID), nil)
		if r.status != 200 || string(r.body) != string(rosterCSV(10, 1)) {
			t.Fatalf("owner download differs: %d", r.status)
		}
		// Submitted filings can't be edited.
		if r := a.do(ent, "PATCH", fmt.Sprintf("/api/v1/filings/%d", f.ID), `{"staff_total": 11}`); sub.Status == "submitted" && r.status != 409 {
			t.Fatalf("edit after submit: %d", r.status)
		}
		// Personal data is encrypted at rest: the raw ID never appears in the database.
		var n int64
		a.db.Gorm().Model(&store.RosterEntry{}).Where("data LIKE ?", "%"+roster.MakeIDNumber(3)+"%").Count(&n)
		var phones int64
		a.db.Gorm().Model(&store.Filing{}).Where("contact_phone_enc LIKE ?", "%13812345678%").Count(&phones)
		if n != 0 || phones != 0 {
			t.Fatal("personal data stored in clear")
		}
	})
}

// TestBadUploads: each bad file gets its clear answer and leaves no object
// and no row behind.
func TestBadUploads(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	a.cfg.Uploads.RosterMaxMB = 2
	a.build(blobtest.MustOpen(t, "local"))
	ent := a.login("ent-guixi")
	r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10))
	var f filingResp
	r.json(t, &f)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xlsx")
	rows := [][]any{{"姓名", "身份证号"}}
	for i := 0; i < 20; i++ {
		rows = append(rows, []any{fmt.Sprintf("员工%d", i), roster.MakeIDNumber(i)})
	}
	if err := sheettest.WriteXLSXRows(good, rows); err != nil {
		t.Fatal(err)
	}
	xlsx, _ := os.ReadFile(good)
	bomb, err := sheettest.ZipBomb(1<<30, false)
	if err != nil {
		t.Fatal(err)
	}
	badID := strings.Replace(string(rosterCSV(3, 0)), roster.MakeIDNumber(1), roster.MakeIDNumber(1)[:17]+"0", 1)
	if badID == string(rosterCSV(3, 0)) || roster.MakeIDNumber(1)[17] == '0' {
		badID = strings.Replace(string(rosterCSV(3, 0)), roster.MakeIDNumber(1), roster.MakeIDNumber(1)[:17]+"1", 1)
	}
	cases := []struct {
		name, kind, filename string
		body                 []byte
		status               int
		inBody               string
	}{
		{"truncated xlsx", "roster", "r.xlsx", xlsx[:len(xlsx)/2], 422, ""},
		{"xlsx zip bomb", "roster", "bomb.xlsx", bomb, 413, ""},
		{"csv with NUL", "roster", "r.csv", []byte("姓名,身份证号\n张三\x00,110101199003070011\n"), 0, ""},
		{"pdf named csv", "roster", "r.csv", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), 415, "PDF"},
		{"empty roster", "roster", "r.csv", []byte("姓名,身份证号\n"), 422, ""},
		{"empty file", "roster", "r.csv", []byte{}, 422, ""},
		{"bad id check digit", "roster", "r.csv", []byte(badID), 422, `"row":3`},
		{"too large", "roster", "big.csv", make([]byte, 3<<20), 413, ""},
		{"plan as png", "plan", "p.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 415, ""},
		{"unknown kind", "photo", "p.txt", []byte("x"), 422, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objects := objectCount(t, a.blob)
			var atts int64
			a.db.Gorm().Model(&store.Attachment{}).Count(&atts)
			r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, tc.kind), fileBody("file", tc.filename, tc.body))
			if tc.status != 0 && r.status != tc.status || tc.status == 0 && (r.status < 400 || r.status >= 500) {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.errorCode() == "" || !strings.Contains(string(r.body), `"message":"`) || strings.Contains(string(r.body), `"message":""`) {
				t.Fatalf("no clear error: %s", r.body)
			}
			if tc.inBody != "" && !strings.Contains(string(r.body), tc.inBody) {
				t.Fatalf("body lacks %q: %s", tc.inBody, r.body)
			}
			var after int64
			a.db.Gorm().Model(&store.Attachment{}).Count(&after)
			if objectCount(t, a.blob) != objects || after != atts {
				t.Fatalf("a rejected upload left an object or a row behind")
			}
		})
	}
	// Another enterprise's filing: 404 before a byte is read.
	other := a.seedFiling(a.ents["hezuoA"], "draft")
	r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", other.ID), fileBody("file", "r.csv", rosterCSV(3, 0)))
	if r.status != 404 {
		t.Fatalf("other tenant's filing: %d", r.status)
	}
}

func TestVolumeRosterOf100kRows(t *testing.T) {
	testenv.Volume(t)
	a := mustAPI(t, "sqlite")
	ent := a.login("ent-guixi")
	r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(100000))
	var f filingResp
	r.json(t, &f)
	r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "big.csv", rosterCSV(100000, 7)))
	if r.status != 201 || !strings.Contains(string(r.body), `"rows":100000`) || !strings.Contains(string(r.body), `"fever":7`) {
		t.Fatalf("100k roster: %d %.300s", r.status, r.body)
	}
}

func TestSweeperRemovesOrphans(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	a.clock.mu.Lock()
	a.clock.t = time.Now() // object times are real file times
	a.clock.mu.Unlock()
	ctx := context.Background()
	f := a.seedFiling(a.ents["guixiA"], "draft")
	kept := a.seedAttachment(f)
	// An object whose row never came (the database failed after the put).
	orphan := "sha256/ab/" + strings.Repeat("ab", 32)
	if _, err := a.blob.Put(ctx, orphan, strings.NewReader("orphan"), 6, "text/plain"); err != nil {
		t.Fatal(err)
	}
	// Within the grace period nothing is removed (an upload may be in flight).
	if n, err := a.filings.Sweep(ctx, a.cfg.Uploads.SweepGrace); err != nil || n != 0 {
		t.Fatalf("sweep within grace: %d %v", n, err)
	}
	a.clock.Advance(2 * a.cfg.Uploads.SweepGrace)
	if n, err := a.filings.Sweep(ctx, a.cfg.Uploads.SweepGrace); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if _, err := a.blob.Stat(ctx, orphan); !blob.IsNotFound(err) {
		t.Fatal("orphan survived")
	}
	if _, err := a.blob.Stat(ctx, kept.ObjectKey); err != nil {
		t.Fatalf("referenced object removed: %v", err)
	}
}
