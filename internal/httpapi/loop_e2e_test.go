package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// pngBytes is a small valid PNG: a photo as far as evidence typing goes.
func pngBytes(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Pix[0] = byte(seed)
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// answerBody is multipart: a text field and files.
func answerBody(text string, files map[string][]byte) *multipartBody {
	m := &multipartBody{}
	w := multipart.NewWriter(&m.buf)
	w.WriteField("text", text)
	for name, content := range files {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
	}
	w.Close()
	m.contentType = w.FormDataContentType()
	return m
}

type finding struct {
	store.Problem
	Files   []store.ProblemFile
	Answers []store.ProblemAnswer
}

// TestRectificationLoopAsTheArticleRunsIt walks the source article's loop
// on both databases: an inspector records a finding against a street (the
// 三岔街道 crowd) and one against an enterprise, with photos and deadlines;
// issues a letter (twice: one number); the parties answer with evidence; one
// answer is sent back and answered again; both are verified; a third
// finding goes overdue and is reminded once; the bulletin for the period
// shows the counts; and the rectification and on-time rates match a
// brute-force count over the problems, as does the sector dashboard.
func TestRectificationLoopAsTheArticleRunsIt(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			a.cfg.Webhooks = []config.Webhook{{Name: "hub", URL: "http://127.0.0.1:1/hook"}}
			a.build(a.blob)
			insp, off, ent := a.login("inspector"), a.login("street-guixi"), a.login("ent-guixi")
			// advance moves the clock (days pass) and signs everyone in again:
			// sessions expire after 30 idle minutes.
			advance := func(d time.Duration) {
				a.clock.Advance(d)
				insp, off, ent = a.login("inspector"), a.login("street-guixi"), a.login("ent-guixi")
			}
			entID := a.ents["guixiA"].ID

			// 1. Two findings, each with a deadline; photos as evidence.
			var street, company finding
			r := a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": "street", "ref": "桂溪街道"},
				"title": "药店门前大量人员聚集，部分未戴口罩", "detail": "扫码领口罩聚集人群", "severity": "high", "place": "天顺祥药店门前",
				"seen_at": "2020-02-20T10:30:00+08:00", "deadline": "2020-02-21"})
			if r.status != 201 {
				t.Fatalf("street finding: %d %s", r.status, r.body)
			}
			r.json(t, &street)
			if r := a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": "enterprise", "ref": fmt.Sprint(entID)},
				"title": "测温登记缺失"}); r.status != 422 {
				t.Fatalf("an inspector's finding without a deadline: %d %s", r.status, r.body)
			}
			r = a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": "enterprise", "ref": fmt.Sprint(entID)},
				"title": "测温登记缺失", "severity": "medium", "deadline": "2020-02-25"})
			if r.status != 201 {
				t.Fatalf("enterprise finding: %d %s", r.status, r.body)
			}
			r.json(t, &company)
			if street.Target.Kind != "street" || street.Target.Ref != "guixi" || company.Target.Ref != fmt.Sprint(entID) || company.DeadlineOut == nil {
				t.Fatalf("targets: %+v / %+v", street.Target, company.Target)
			}
			if r := a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/files", street.ID), answerBody("", map[string][]byte{"现场.png": pngBytes(1)})); r.status != 201 {
				t.Fatalf("evidence: %d %s", r.status, r.body)
			}
			if r := a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/files", street.ID), answerBody("", map[string][]byte{"x.png": []byte("not a photo")})); r.status != 415 {
				t.Fatalf("evidence that is not a photo: %d %s", r.status, r.body)
			}
			// The enterprise sees its problem, not the street's.
			if r := a.do(ent, "GET", fmt.Sprintf("/api/v1/problems/%d", street.ID), nil); r.status != 404 {
				t.Fatalf("enterprise reads the street's problem: %d", r.status)
			}

			// 2. A letter groups the enterprise's open problems; twice, one number.
			letter := map[string]any{"target": map[string]any{"kind": "enterprise", "ref": fmt.Sprint(entID)}, "deadline": "2020-02-25"}
			var l1, l2 struct {
				ID     int64
				Number string
			}
			if r := a.do(insp, "POST", "/api/v1/letters", letter); r.status != 201 {
				t.Fatalf("letter: %d %s", r.status, r.body)
			} else {
				r.json(t, &l1)
			}
			a.do(insp, "POST", "/api/v1/letters", letter).json(t, &l2)
			if l1.Number == "" || l1.Number != l2.Number {
				t.Fatalf("letter numbers %q then %q", l1.Number, l2.Number)
			}

			// A letter to the street, readable and printable by the street.
			var sl struct {
				ID     int64
				Number string
			}
			if r := a.do(insp, "POST", "/api/v1/letters", map[string]any{"target": map[string]any{"kind": "street", "ref": "guixi"}, "deadline": "2020-02-21"}); r.status != 201 {
				t.Fatalf("street letter: %d %s", r.status, r.body)
			} else {
				r.json(t, &sl)
			}
			if r := a.do(off, "GET", fmt.Sprintf("/api/v1/notices/%d/document", sl.ID), nil); r.status != 200 ||
				!strings.Contains(string(r.body), sl.Number) || !strings.Contains(string(r.body), "桂溪街道：") || !strings.Contains(string(r.body), "药店门前") {
				t.Fatalf("street letter document: %d %.300s", r.status, r.body)
			}
			if r := a.do(ent, "GET", fmt.Sprintf("/api/v1/notices/%d", sl.ID), nil); r.status != 404 {
				t.Fatalf("the enterprise reads the street's letter: %d", r.status)
			}

			// 3. Answers with evidence; only the responsible party may answer.
			advance(24 * time.Hour) // 2020-02-21
			if r := a.do(ent, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", street.ID), `{"text":"x"}`); r.status != 404 {
				t.Fatalf("enterprise answers the street's problem: %d", r.status)
			}
			if r := a.do(off, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", company.ID), `{"text":"x"}`); r.status != 403 {
				t.Fatalf("street answers the enterprise's problem: %d", r.status)
			}
			r = a.do(ent, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", company.ID), answerBody("已补登测温记录", map[string][]byte{"登记表.png": pngBytes(2)}))
			var got finding
			r.json(t, &got)
			if r.status != 201 || got.Status != "answered" || len(got.Answers) != 1 || len(got.Answers[0].Files) != 1 {
				t.Fatalf("enterprise answer: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", company.ID), `{"text":"again"}`); r.status != 409 {
				t.Fatalf("answering an answered problem: %d", r.status)
			}
			advance(24 * time.Hour) // 2020-02-22: the street answers a day late
			if r := a.do(off, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", street.ID),
				answerBody("已疏散人群，街道工作人员协助发放口罩", map[string][]byte{"疏散后.png": pngBytes(4)})); r.status != 201 {
				t.Fatalf("street answer: %d %s", r.status, r.body)
			}

			// 4. One answer is sent back, answered again; both verified.
			if r := a.do(off, "POST", fmt.Sprintf("/api/v1/problems/%d/verify", company.ID), `{"accept":true}`); r.status != 403 {
				t.Fatalf("a non-owner verifies: %d", r.status)
			}
			if r := a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/verify", company.ID), `{"accept":false}`); r.status != 422 {
				t.Fatalf("send back without a reason: %d", r.status)
			}
			r = a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/verify", company.ID), `{"accept":false,"comment":"登记表缺少2月19日记录"}`)
			r.json(t, &got)
			if r.status != 200 || got.Status != "open" || got.Answers[0].Verdict != "returned" {
				t.Fatalf("send back: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "POST", fmt.Sprintf("/api/v1/problems/%d/answers", company.ID), answerBody("已补齐全部记录", map[string][]byte{"补充.png": pngBytes(3)})); r.status != 201 {
				t.Fatalf("second answer: %d %s", r.status, r.body)
			}
			for _, id := range []int64{company.ID, street.ID} {
				r = a.do(insp, "POST", fmt.Sprintf("/api/v1/problems/%d/verify", id), `{"accept":true,"comment":"现场核实已整改"}`)
				r.json(t, &got)
				if r.status != 200 || got.Status != "rectified" || got.RectifiedAt == nil {
					t.Fatalf("verify %d: %d %s", id, r.status, r.body)
				}
			}

			// 5. A third finding goes overdue: listed per street and per
			// inspector, and reminded once however often the job runs.
			r = a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": "enterprise", "ref": fmt.Sprint(entID)},
				"title": "隔离室未配备消毒液", "deadline": "2020-02-23"})
			var late finding
			r.json(t, &late)
			advance(48 * time.Hour) // 2020-02-24
			var od struct {
				Total  int
				Groups []struct {
					Key, Name string
					Count     int
				}
			}
			a.do(off, "GET", "/api/v1/problems/overdue?group_by=street", nil).json(t, &od)
			if od.Total != 1 || od.Groups[0].Key != "guixi" {
				t.Fatalf("overdue by street: %+v", od)
			}
			if ps := a.problems(off, "overdue=true"); ps.Total != 1 || ps.Items[0].ID != late.ID || !ps.Items[0].Overdue {
				t.Fatalf("?overdue=true: %+v", ps.Items)
			}
			a.do(insp, "GET", "/api/v1/problems/overdue?group_by=inspector", nil).json(t, &od)
			if od.Total != 1 || od.Groups[0].Name != "inspector" {
				t.Fatalf("overdue by inspector: %+v", od)
			}
			for range 2 {
				if _, err := a.inspections.SendReminders(context.Background(), "test"); err != nil {
					t.Fatal(err)
				}
			}

			// Every step notified the other side and went out by webhook.
			kinds := strings.Join(a.notificationKinds(ent), ",")
			for _, k := range []string{"problem_opened", "notice_issued", "problem_reopened", "problem_rectified", "problem_overdue"} {
				if !strings.Contains(kinds, k) {
					t.Fatalf("enterprise notifications lack %s: %s", k, kinds)
				}
			}
			if k := strings.Join(a.notificationKinds(insp), ","); strings.Count(k, "problem_answered") != 3 {
				t.Fatalf("inspector notifications: %s", k)
			}
			events := map[string]int64{}
			for _, e := range []string{"problem_opened", "problem_answered", "problem_reopened", "problem_rectified", "letter_issued", "problem_overdue"} {
				var n int64
				a.db.Gorm().Model(&store.WebhookDelivery{}).Where("event = ?", e).Count(&n)
				events[e] = n
			}
			if events["problem_opened"] != 3 || events["problem_answered"] != 3 || events["problem_reopened"] != 1 ||
				events["problem_rectified"] != 2 || events["letter_issued"] != 2 || events["problem_overdue"] != 1 {
				t.Fatalf("webhook events: %v", events)
			}
			// ... and is in the audit trail, whose chain holds.
			actions := map[string]int{}
			entries, _, _ := a.db.ListAudit(context.Background(), store.AuditFilter{Page: store.NormalPage(1, 500)})
			for _, e := range entries {
				actions[e.Action]++
			}
			if actions["problem_recorded"] != 3 || actions["problem_answered"] != 3 || actions["problem_verified"] != 3 ||
				actions["letter_issued"] != 2 || actions["problem_evidence_added"] != 1 || actions["problem_reminder_sent"] != 1 {
				t.Fatalf("audit: %v", actions)
			}
			if bad, err := a.db.VerifyAuditChain(context.Background()); err != nil || bad != 0 {
				t.Fatalf("audit chain broken at %d: %v", bad, err)
			}

			// 6. The bulletin of the period counts what happened.
			var b struct {
				ID       int64
				Number   string
				Reissued bool
				Total    struct{ Found, Rectified, Overdue int }
				Rows     []struct {
					Kind, Key        string
					Found, Rectified int
				}
			}
			r = a.do(insp, "POST", "/api/v1/bulletins", `{"from":"2020-02-20","to":"2020-02-24"}`)
			r.json(t, &b)
			if r.status != 201 || !strings.HasPrefix(b.Number, "TB2020-") || b.Total.Found != 3 || b.Total.Rectified != 2 || b.Total.Overdue != 1 {
				t.Fatalf("bulletin: %d %s", r.status, r.body)
			}
			for _, row := range b.Rows {
				if row.Kind == "street" && row.Key == "guixi" && (row.Found != 3 || row.Rectified != 2) {
					t.Fatalf("guixi row: %+v", row)
				}
			}
			if r := a.do(insp, "POST", "/api/v1/bulletins", `{"from":"2020-02-20","to":"2020-02-24"}`); r.status != 200 || !strings.Contains(string(r.body), b.Number) {
				t.Fatalf("bulletin again: %d %s", r.status, r.body)
			}
			if r := a.do(insp, "GET", fmt.Sprintf("/api/v1/bulletins/%d?format=xlsx", b.ID), nil); r.status != 200 || !bytes.HasPrefix(r.body, []byte("PK")) {
				t.Fatalf("bulletin xlsx: %d", r.status)
			}

			// 7. The rates match a brute-force count over the problems.
			var all problemList
			a.do(insp, "GET", "/api/v1/problems?page_size=500", nil).json(t, &all)
			found, rectified, onTime := 0, 0, 0
			for _, p := range all.Items {
				found++
				if p.Status != "rectified" {
					continue
				}
				rectified++
				var f finding
				a.do(insp, "GET", fmt.Sprintf("/api/v1/problems/%d", p.ID), nil).json(t, &f)
				accepted := f.Answers[len(f.Answers)-1]
				if p.DeadlineOut == nil || accepted.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly) <= *p.DeadlineOut {
					onTime++
				}
			}
			var fig struct {
				Found, Rectified int
			}
			a.do(insp, "GET", "/api/v1/dashboard/rectification?as_of=2020-02-24", nil).json(t, &fig)
			var fig2 map[string]any
			a.do(insp, "GET", "/api/v1/dashboard/rectification?as_of=2020-02-24", nil).json(t, &fig2)
			pct := func(n, d int) float64 { return float64((int64(n)*20000+int64(d))/(2*int64(d))) / 100 }
			if found != 3 || rectified != 2 || onTime != 1 || fig.Found != found || fig.Rectified != rectified ||
				fig2["rate"] != pct(rectified, found) || fig2["on_time"] != float64(onTime) || fig2["on_time_rate"] != pct(onTime, found) {
				t.Fatalf("figures %v; brute force found %d rectified %d on time %d", fig2, found, rectified, onTime)
			}
			var dash struct {
				Problems struct{ Found, Rectified int }
			}
			a.do(insp, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-24", nil).json(t, &dash)
			if dash.Problems.Found != found || dash.Problems.Rectified != rectified {
				t.Fatalf("sector dashboard problems %+v; brute force %d / %d", dash.Problems, found, rectified)
			}
		})
	}
}
