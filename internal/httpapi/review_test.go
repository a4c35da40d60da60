package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

type problemList struct {
	Items []store.Problem
	Total int
}

type notificationList struct {
	Items []struct {
		Kind     string
		FilingID *int64 `json:"filing_id"`
		Read     bool
	}
}

func (a *api) problems(s *session, query string) problemList {
	a.t.Helper()
	var pl problemList
	r := a.do(s, "GET", "/api/v1/problems?page_size=100&"+query, nil)
	if r.status != 200 {
		a.t.Fatalf("problems: %d %s", r.status, r.body)
	}
	r.json(a.t, &pl)
	return pl
}

func (a *api) notificationKinds(s *session) []string {
	a.t.Helper()
	var nl notificationList
	a.do(s, "GET", "/api/v1/notifications", nil).json(a.t, &nl)
	var kinds []string
	for _, n := range nl.Items {
		kinds = append(kinds, n.Kind)
	}
	return kinds
}

func countBy(ps []store.Problem, source, status string) int {
	n := 0
	for _, p := range ps {
		if p.Source == source && p.Status == status {
			n++
		}
	}
	return n
}

// TestReviewEndToEnd walks enterprise → blocked submit → fix → submit →
// returned with a problem → fix → resubmit → approved → resumed, checking
// status, problems, notifications and audit at each step.
func TestReviewEndToEnd(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			body := newFilingBody(10)
			body["supplies"].(map[string]any)["masks"] = 5 // far too few
			var f filingResp
			a.do(ent, "POST", "/api/v1/filings", body).json(t, &f)
			path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
			if r := a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0))); r.status != 201 {
				t.Fatalf("roster: %d %s", r.status, r.body)
			}

			// 1. A block flag keeps the filing from review; the enterprise
			// sees the flag, and nothing enters the ledger (it holds what a
			// person raised or confirmed).
			r := a.do(ent, "POST", path+"/submit", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"rule_id":"masks_insufficient"`) || !strings.Contains(string(r.body), `"status":"draft"`) {
				t.Fatalf("blocked submit: %d %s", r.status, r.body)
			}
			ps := a.problems(ent, fmt.Sprintf("filing_id=%d", f.ID))
			if ps.Total != 0 {
				t.Fatalf("a blocked submit raised ledger problems: %+v", ps.Items)
			}
			if kinds := a.notificationKinds(ent); len(kinds) != 0 {
				t.Fatalf("notifications: %v", kinds)
			}
			// The official cannot decide on a filing that isn't submitted.
			if r := a.do(off, "POST", path+"/review", `{"decision":"approve"}`); r.status != 409 {
				t.Fatalf("review of a draft: %d", r.status)
			}

			// 2. Fix and resubmit: to review as revision 1 (the blocked
			// attempt froze nothing).
			if r := a.do(ent, "PATCH", path, `{"supplies":{"masks":400}}`); r.status != 200 {
				t.Fatalf("fix: %d %s", r.status, r.body)
			}
			r = a.do(ent, "POST", path+"/submit", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"status":"submitted"`) || !strings.Contains(string(r.body), `"revision":1`) {
				t.Fatalf("submit: %d %s", r.status, r.body)
			}
			// The queue shows it to the official.
			if r := a.do(off, "GET", "/api/v1/review/queue", nil); !strings.Contains(string(r.body), fmt.Sprintf(`"id":%d`, f.ID)) {
				t.Fatalf("queue: %s", r.body)
			}

			// 3. Returned with a problem; a return needs a comment or a problem.
			if r := a.do(off, "POST", path+"/review", `{"decision":"return"}`); r.status != 422 {
				t.Fatalf("bare return: %d %s", r.status, r.body)
			}
			r = a.do(off, "POST", path+"/review", `{"decision":"return","comment":"隔离室不合规","problems":[{"title":"隔离室设在员工食堂旁","detail":"须独立设置"}]}`)
			if r.status != 200 || !strings.Contains(string(r.body), `"status":"returned"`) {
				t.Fatalf("return: %d %s", r.status, r.body)
			}
			ps = a.problems(off, fmt.Sprintf("filing_id=%d&status=open", f.ID))
			if ps.Total != 1 || ps.Items[0].Source != "review" {
				t.Fatalf("review problem: %+v", ps.Items)
			}
			kinds := a.notificationKinds(ent)
			if len(kinds) < 2 || kinds[0] != "problem_opened" || kinds[1] != "filing_returned" {
				t.Fatalf("notifications after return (newest first): %v", kinds)
			}

			// 4. The enterprise fixes and resubmits; 5. approval rectifies the rest.
			if r := a.do(ent, "PATCH", path, `{"plan_text":"`+strings.ReplaceAll(goodPlan, "\n", "\\n")+`\n隔离室已独立设置。"}`); r.status != 200 {
				t.Fatalf("edit returned filing: %d %s", r.status, r.body)
			}
			if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"status":"submitted"`) {
				t.Fatalf("resubmit: %s", r.body)
			}
			r = a.do(off, "POST", path+"/review", `{"decision":"approve","comment":"同意复工"}`)
			if r.status != 200 || !strings.Contains(string(r.body), `"status":"approved"`) {
				t.Fatalf("approve: %d %s", r.status, r.body)
			}
			ps = a.problems(off, fmt.Sprintf("filing_id=%d", f.ID))
			if ps.Total != 1 || countBy(ps.Items, "review", "rectified") != 1 {
				t.Fatalf("after approval every problem is rectified: %+v", ps.Items)
			}
			for _, p := range ps.Items {
				if p.Source == "review" && (p.RectifiedRevision == nil || *p.RectifiedRevision != 2) {
					t.Fatalf("review problem credited to revision %v, want 2", p.RectifiedRevision)
				}
			}
			if kinds := a.notificationKinds(ent); kinds[0] != "filing_approved" {
				t.Fatalf("no approval notification: %v", kinds)
			}
			// The street's remark reaches the enterprise with the approval.
			if r := a.do(ent, "GET", "/api/v1/notifications?page_size=1", nil); !strings.Contains(string(r.body), "同意复工") {
				t.Fatalf("the approval's comment is not in its notification: %s", r.body)
			}
			if r := a.do(ent, "PATCH", path, `{"staff_total":11}`); r.status != 409 {
				t.Fatalf("edit approved: %d", r.status)
			}

			// 6. Resumption: before the approval date is a problem and a 409.
			r = a.do(ent, "POST", path+"/resumption", `{"date":"2020-02-19"}`)
			if r.status != 409 {
				t.Fatalf("resumed before approval: %d %s", r.status, r.body)
			}
			ps = a.problems(off, fmt.Sprintf("filing_id=%d&status=open", f.ID))
			if ps.Total != 1 || ps.Items[0].RuleID != "resumed_without_approval" {
				t.Fatalf("resumed-without-approval problem: %+v", ps.Items)
			}
			a.clock.Advance(48 * time.Hour)
			ent = a.login("ent-guixi") // two days idle ended the session
			r = a.do(ent, "POST", path+"/resumption", `{"date":"2020-02-21"}`)
			if r.status != 200 || !strings.Contains(string(r.body), `"resumed_date":"2020-02-21"`) {
				t.Fatalf("resume: %d %s", r.status, r.body)
			}

			// 7. The audit trail tells the story, in order, with an intact chain.
			var audit struct {
				Items []struct{ Action, Actor, Role string }
			}
			a.do(a.login("park"), "GET", fmt.Sprintf("/api/v1/audit?filing_id=%d&page_size=100", f.ID), nil).json(t, &audit)
			var actions []string
			for i := len(audit.Items) - 1; i >= 0; i-- {
				actions = append(actions, audit.Items[i].Action)
			}
			want := "filing_created attachment_uploaded filing_submitted filing_updated filing_submitted filing_return filing_updated filing_submitted filing_approve resumed_without_approval filing_resumed"
			if got := strings.Join(actions, " "); got != want {
				t.Fatalf("audit:\n got %s\nwant %s", got, want)
			}
			if bad, err := a.db.VerifyAuditChain(context.Background()); err != nil || bad != 0 {
				t.Fatalf("audit chain broken at %d: %v", bad, err)
			}
		})
	}
}

// TestRacingDecisions: two officials decide on one filing at the same time;
// exactly one wins, the other gets 409.
func TestRacingDecisions(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			off1, off2 := a.login("street-guixi"), a.login("street-guixi")
			for round := 0; round < 5; round++ {
				f := a.seedFiling(a.ents["guixiA"], "submitted")
				var wg sync.WaitGroup
				statuses := make([]int, 2)
				for i, s := range []*session{off1, off2} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						body := []string{`{"decision":"approve"}`, `{"decision":"return","comment":"材料不全"}`}[i]
						statuses[i] = a.do(s, "POST", fmt.Sprintf("/api/v1/filings/%d/review", f.ID), body).status
					}()
				}
				wg.Wait()
				ok, conflicts := 0, 0
				for _, st := range statuses {
					switch st {
					case 200:
						ok++
					case 409:
						conflicts++
					}
				}
				if ok != 1 || conflicts != 1 {
					t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, statuses)
				}
				got, _ := a.db.FilingByID(context.Background(), store.ScopeAll, f.ID)
				if got.Version != 2 {
					t.Fatalf("filing version %d after one decision", got.Version)
				}
			}
		})
	}
}

// TestIdempotentCreate: ten concurrent requests with one Idempotency-Key
// create exactly one filing; the same key with another body is 422.
func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			ent := a.login("ent-guixi")
			var wg sync.WaitGroup
			bodies := make([]string, 10)
			statuses := make([]int, 10)
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10), "Idempotency-Key", "create-once-123")
					statuses[i], bodies[i] = r.status, string(r.body)
				}()
			}
			wg.Wait()
			for i := range 10 {
				if statuses[i] != 201 || bodies[i] != bodies[0] {
					t.Fatalf("request %d: %d %s (first: %s)", i, statuses[i], bodies[i], bodies[0])
				}
			}
			var n int64
			a.db.Gorm().Model(&store.Filing{}).Count(&n)
			if n != 1 {
				t.Fatalf("%d filings created", n)
			}
			r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(11), "Idempotency-Key", "create-once-123")
			if r.status != 422 {
				t.Fatalf("same key, different body: %d %s", r.status, r.body)
			}
			// The replay copy is stored encrypted: no phone in clear
			// (issue 18 #10; before, the response was stored as sent).
			var stored []string
			a.db.Gorm().Table("idempotency_keys").Pluck("response", &stored)
			if len(stored) != 1 || strings.Contains(stored[0], "13812345678") || !strings.Contains(bodies[0], "13812345678") {
				t.Fatalf("idempotency record: %q", stored)
			}
		})
	}
}

func TestQueueCarriesEnterpriseNames(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	a.seedFiling(a.ents["guixiA"], "submitted")
	a.seedFiling(a.ents["guixiB"], "submitted")
	var q struct {
		Items []struct {
			EnterpriseName string `json:"enterprise_name"`
		}
	}
	a.do(a.login("street-guixi"), "GET", "/api/v1/review/queue", nil).json(t, &q)
	got := map[string]bool{}
	for _, it := range q.Items {
		got[it.EnterpriseName] = true
	}
	if len(q.Items) != 2 || !got["桂溪甲公司"] || !got["桂溪乙公司"] {
		t.Fatalf("queue names: %+v", q.Items)
	}
}
