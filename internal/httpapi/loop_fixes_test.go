package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"fugong/internal/store/storetest"
)

func codesCSV(t *testing.T, r response) [][]string {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("codes: %d %s", r.status, r.body)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Issuing activation codes again hands out codes only to enterprises
// without a valid one: the sheet already given out keeps working. Issues are
// recorded, and codes are revoked only on request. (Before: every issue
// voided every unused code of the street.)
func TestActivationCodesAdditive(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			off := a.login("street-guixi")
			first := codesCSV(t, a.do(off, "POST", "/api/v1/streets/guixi/activation-codes", nil))
			if len(first) != 2 || first[0][3] != "有效期至" || first[1][3] != "2020-03-21" {
				t.Fatalf("first sheet: %v", first)
			}
			second := codesCSV(t, a.do(off, "POST", "/api/v1/streets/guixi/activation-codes", nil))
			if len(second) != 1 {
				t.Fatalf("second issue re-issued codes still valid: %v", second)
			}
			var hist struct {
				Items []struct {
					Codes    int    `json:"codes"`
					IssuedBy string `json:"issued_by"`
				}
				Total int
			}
			a.do(off, "GET", "/api/v1/streets/guixi/activation-code-issues", nil).json(t, &hist)
			if hist.Total != 2 || hist.Items[0].Codes != 0 || hist.Items[1].Codes != 1 || hist.Items[1].IssuedBy != "street-guixi" {
				t.Fatalf("history: %+v", hist)
			}
			// The first sheet's code still activates... after a revoke it would not.
			var rev struct{ Revoked int }
			a.do(off, "POST", "/api/v1/streets/guixi/activation-codes/revoke", `{}`).json(t, &rev)
			if rev.Revoked != 1 {
				t.Fatalf("revoked %d, want 1", rev.Revoked)
			}
			req := map[string]string{"credit_code": first[1][0], "activation_code": first[1][2], "username": "guixi-yi", "password": "yi-password-123"}
			if r := a.do(nil, "POST", "/api/v1/auth/activate", req); r.status != 422 {
				t.Fatalf("revoked code: %d %s", r.status, r.body)
			}
			third := codesCSV(t, a.do(off, "POST", "/api/v1/streets/guixi/activation-codes", nil))
			fourth := codesCSV(t, a.do(off, "POST", "/api/v1/streets/guixi/activation-codes", nil))
			if len(third) != 2 || len(fourth) != 1 {
				t.Fatalf("after revoking: %v then %v", third, fourth)
			}
			req["activation_code"] = third[1][2]
			if r := a.do(nil, "POST", "/api/v1/auth/activate", req); r.status != 201 {
				t.Fatalf("code of the sheet issued before the last issue: %d %s", r.status, r.body)
			}
		})
	}
}

// A second "issue notice" click, or ten at once, make one notice number.
func TestNoticeIssueIdempotent(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			off := a.login("street-guixi")
			f := a.seedFiling(a.ents["guixiA"], "returned")
			a.seedProblem(f)
			a.seedProblem(f)
			path := fmt.Sprintf("/api/v1/filings/%d/notices", f.ID)
			var wg sync.WaitGroup
			var mu sync.Mutex
			numbers := map[string]int{}
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := a.do(off, "POST", path, `{"deadline":"2020-02-27"}`)
					var n struct{ Number string }
					r.json(t, &n)
					mu.Lock()
					numbers[fmt.Sprint(r.status)+" "+n.Number]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			var again struct{ Number string }
			a.do(off, "POST", path, `{"deadline":"2020-02-27"}`).json(t, &again)
			if len(numbers) != 1 || numbers["201 "+again.Number] != 10 {
				t.Fatalf("notice numbers: %v, then %s", numbers, again.Number)
			}
		})
	}
}

// A street in a URL path by its Chinese name, percent-encoded, is the
// street. (Before: "unknown street".)
func TestStreetByChineseNameInPath(t *testing.T) {
	a := mustAPI(t, "sqlite")
	off := a.login("street-guixi")
	for _, name := range []string{"桂溪街道", "guixi"} {
		p := "/api/v1/streets/" + url.PathEscape(name) + "/activation-codes"
		if r := a.do(off, "POST", p, nil); r.status != 200 || !strings.Contains(string(r.body), "有效期至") {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
		p = "/api/v1/streets/" + url.PathEscape(name) + "/activation-code-issues"
		if r := a.do(off, "GET", p, nil); r.status != 200 {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
	}
	if r := a.do(off, "POST", "/api/v1/streets/"+url.PathEscape("合作街道")+"/activation-codes", nil); r.status != 403 {
		t.Fatalf("another street by name: %d", r.status)
	}
}

// Rule flags enter the ledger only when a reviewer confirms them on return;
// the confirmed problem is the reviewer's, and a resubmission where the rule
// no longer fires rectifies it. (Before: every submit, blocked or not,
// opened a ledger problem per flag.)
func TestRuleFlagsEnterLedgerWhenConfirmed(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			ent, off := a.login("ent-guixi"), a.login("street-guixi")
			body := newFilingBody(10)
			body["plan_text"] = "我们会注意防疫工作，请领导放心。"
			var f filingResp
			a.do(ent, "POST", "/api/v1/filings", body).json(t, &f)
			path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
			a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0)))
			if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"status":"submitted"`) || !strings.Contains(string(r.body), "plan_lacks_emergency") {
				t.Fatalf("submit with warnings: %s", r.body)
			}
			if ps := a.problems(off, fmt.Sprintf("filing_id=%d", f.ID)); ps.Total != 0 {
				t.Fatalf("warnings entered the ledger at submit: %+v", ps.Items)
			}
			if r := a.do(off, "POST", path+"/review", `{"decision":"return","comment":"方案不完整","confirm_flags":["no_such_rule"]}`); r.status != 422 {
				t.Fatalf("confirming a flag that was not raised: %d %s", r.status, r.body)
			}
			if r := a.do(off, "POST", path+"/review", `{"decision":"return","comment":"方案不完整","confirm_flags":["plan_lacks_emergency"]}`); r.status != 200 {
				t.Fatalf("return: %d %s", r.status, r.body)
			}
			ps := a.problems(off, fmt.Sprintf("filing_id=%d", f.ID))
			if ps.Total != 1 || ps.Items[0].Source != "rule" || ps.Items[0].RuleID != "plan_lacks_emergency" || ps.Items[0].Status != "open" {
				t.Fatalf("ledger after confirmation: %+v", ps.Items)
			}
			a.do(ent, "PATCH", path, map[string]any{"plan_text": goodPlan})
			if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"status":"submitted"`) {
				t.Fatalf("resubmit: %s", r.body)
			}
			if ps := a.problems(off, fmt.Sprintf("filing_id=%d&status=rectified", f.ID)); ps.Total != 1 {
				t.Fatalf("the confirmed rule problem was not rectified by the fix: %+v", ps.Items)
			}
		})
	}
}

// A blocked submit freezes no revision and raises no ledger problem; the
// enterprise still sees why on its filing. (Before: each blocked attempt was
// a revision and opened a "problem" per flag, rectified at the next attempt,
// inflating the rectification rate.)
func TestBlockedSubmitIsNotARevision(t *testing.T) {
	a := mustAPI(t, "sqlite")
	ent := a.login("ent-guixi")
	body := newFilingBody(10)
	body["supplies"].(map[string]any)["masks"] = 5
	var f filingResp
	a.do(ent, "POST", "/api/v1/filings", body).json(t, &f)
	path := fmt.Sprintf("/api/v1/filings/%d", f.ID)
	a.do(ent, "POST", path+"/attachments?kind=roster", fileBody("file", "r.csv", rosterCSV(10, 0)))
	for range 3 {
		if r := a.do(ent, "POST", path+"/submit", nil); !strings.Contains(string(r.body), `"blocked":true`) || !strings.Contains(string(r.body), `"revision":0`) {
			t.Fatalf("blocked submit: %s", r.body)
		}
	}
	var v filingResp
	r := a.do(ent, "GET", path, nil)
	r.json(t, &v)
	if v.Revision != 0 || !strings.Contains(string(r.body), `"revisions":[]`) || !strings.Contains(string(r.body), "masks_insufficient") {
		t.Fatalf("filing after blocked attempts: %s", r.body)
	}
	if n := strings.Count(string(r.body), `"rule_id":"masks_insufficient"`); n != 1 {
		t.Fatalf("the latest attempt's flags are shown once, got %d", n)
	}
	if ps := a.problems(ent, "filing_id="+fmt.Sprint(f.ID)); ps.Total != 0 {
		t.Fatalf("blocked attempts in the ledger: %+v", ps.Items)
	}
}
