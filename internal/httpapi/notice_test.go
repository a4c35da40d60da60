package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func TestNoticeAndDiff(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			var f filingResp
			a.do(ent, "POST", "/api/v1/filings", newFilingBody(10)).json(t, &f)
			path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
			a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0)))
			if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"status":"submitted"`) {
				t.Fatalf("submit: %s", r.body)
			}
			r := a.do(off, "POST", path+"/review", `{"decision":"return","problems":[{"title":"未设置独立隔离室"},{"title":"测温点不足"}]}`)
			if r.status != 200 {
				t.Fatalf("return: %d %s", r.status, r.body)
			}
			// A notice lists the open problems with a deadline.
			if r := a.do(off, "POST", path+"/notices", `{"deadline":"2020-01-01"}`); r.status != 422 {
				t.Fatalf("past deadline: %d", r.status)
			}
			r = a.do(off, "POST", path+"/notices", `{"deadline":"2020-02-25","note":"请按期整改"}`)
			var n struct {
				ID       int64
				Number   string
				Problems []struct {
					Title    string
					NoticeID *int64 `json:"notice_id"`
				}
			}
			r.json(t, &n)
			if r.status != 201 || !strings.HasPrefix(n.Number, "ZG2020-") || len(n.Problems) != 2 || n.Problems[0].NoticeID == nil {
				t.Fatalf("notice: %d %s", r.status, r.body)
			}
			if kinds := a.notificationKinds(ent); kinds[0] != "notice_issued" {
				t.Fatalf("no notice notification: %v", kinds)
			}
			// The notification links to the notice it announces.
			var notes struct {
				Items []struct {
					Kind     string
					NoticeID *int64 `json:"notice_id"`
				}
			}
			a.do(ent, "GET", "/api/v1/notifications", nil).json(t, &notes)
			if len(notes.Items) == 0 || notes.Items[0].NoticeID == nil || *notes.Items[0].NoticeID != n.ID {
				t.Fatalf("the notice_issued notification does not carry notice %d: %+v", n.ID, notes.Items)
			}
			doc := a.do(ent, "GET", fmt.Sprintf("/api/v1/notices/%d/document", n.ID), nil)
			if doc.status != 200 || !strings.Contains(string(doc.body), n.Number) || !strings.Contains(string(doc.body), "未设置独立隔离室") ||
				!strings.Contains(doc.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("document: %d %v %.200s", doc.status, doc.header, doc.body)
			}
			// The enterprise fixes; the official sees exactly what changed.
			a.do(ent, "PATCH", path, `{"staff_onsite": 8, "supplies": {"thermometers": 9}, "plan_text": "`+strings.ReplaceAll(goodPlan, "\n", "\\n")+`\n六、隔离室：已在一楼独立设置。"}`)
			if r := a.do(ent, "POST", path+"/submit", nil); r.status != 200 {
				t.Fatalf("resubmit: %s", r.body)
			}
			var indexed int64
			a.db.Gorm().Model(&store.PlanSignature{}).Where("filing_id = ?", f.ID).Count(&indexed)
			if indexed != 1 {
				t.Fatalf("a resubmitted filing has %d plan revisions in the index, want 1", indexed)
			}
			var d struct {
				From, To int
				Fields   []struct {
					Field    string
					From, To any
				}
				PlanText []struct{ Op, Text string } `json:"plan_text"`
			}
			r = a.do(off, "GET", path+"/diff", nil)
			r.json(t, &d)
			if r.status != 200 || d.From != 1 || d.To != 2 {
				t.Fatalf("diff: %d %s", r.status, r.body)
			}
			changed := map[string]bool{}
			for _, fc := range d.Fields {
				changed[fc.Field] = true
			}
			if len(changed) != 2 || !changed["staff_onsite"] || !changed["supplies.thermometers"] {
				t.Fatalf("changed fields: %v", d.Fields)
			}
			added := 0
			for _, op := range d.PlanText {
				if op.Op == "+" {
					added++
					if !strings.Contains(op.Text, "隔离室") {
						t.Fatalf("unexpected added line %q", op.Text)
					}
				}
				if op.Op == "-" {
					t.Fatalf("unexpected removed line %q", op.Text)
				}
			}
			if added != 1 {
				t.Fatalf("plan diff: %+v", d.PlanText)
			}
			if r := a.do(off, "GET", path+"/diff?from=1&to=7", nil); r.status != 404 {
				t.Fatalf("unknown revision: %d", r.status)
			}
		})
	}
}
