package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fugong/internal/auth"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// A department reads, through GET /notices/{id}, the letters addressed to
// it and no other notice: another department, and the tenants, get 404.
func TestDepartmentReadsOnlyItsLetters(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			hash, _ := auth.HashPassword(testPassword)
			if err := a.db.CreateUser(context.Background(), &store.User{Username: "dept-other", Role: store.RoleDepartment, Department: "weijian", PasswordHash: hash}); err != nil {
				t.Fatal(err)
			}
			insp := a.login("inspector")
			letterTo := func(kind, ref string) int64 {
				t.Helper()
				if r := a.do(insp, "POST", "/api/v1/problems", map[string]any{"target": map[string]any{"kind": kind, "ref": ref},
					"title": "要求基层重复报送统计表", "deadline": "2020-02-27"}); r.status != 201 {
					t.Fatalf("finding: %d %s", r.status, r.body)
				}
				var l struct{ ID int64 }
				r := a.do(insp, "POST", "/api/v1/letters", map[string]any{"target": map[string]any{"kind": kind, "ref": ref}, "deadline": "2020-02-27"})
				if r.status != 201 {
					t.Fatalf("letter: %d %s", r.status, r.body)
				}
				r.json(t, &l)
				return l.ID
			}
			jingji, weijian := letterTo("department", "jingji"), letterTo("department", "weijian")
			street := letterTo("street", "guixi")
			entNotice := a.seedNotice(a.seedFiling(a.ents["guixiA"], "returned"), a.seedProblem(a.seedFiling(a.ents["guixiA"], "returned")))
			want := map[string]map[int64]int{ // caller -> notice -> status
				"dept":         {jingji: 200, weijian: 404, street: 404, entNotice.ID: 404},
				"dept-other":   {jingji: 404, weijian: 200, street: 404, entNotice.ID: 404},
				"ent-guixi":    {jingji: 404, weijian: 404, street: 404, entNotice.ID: 200},
				"street-guixi": {jingji: 404, weijian: 404, street: 200, entNotice.ID: 200},
				"park":         {jingji: 200, weijian: 200, street: 200, entNotice.ID: 200},
				"inspector":    {jingji: 200, weijian: 200, street: 200, entNotice.ID: 200},
			}
			for who, byNotice := range want {
				s := a.login(who)
				for id, code := range byNotice {
					for _, suffix := range []string{"", "/document"} {
						if r := a.do(s, "GET", fmt.Sprintf("/api/v1/notices/%d%s", id, suffix), nil); r.status != code {
							t.Errorf("%s reads notice %d%s: %d, want %d", who, id, suffix, r.status, code)
						}
					}
				}
			}
			var n struct {
				TargetKind string `json:"target_kind"`
				Problems   []struct{ Department string }
			}
			a.do(a.login("dept"), "GET", fmt.Sprintf("/api/v1/notices/%d", jingji), nil).json(t, &n)
			if n.TargetKind != "department" || len(n.Problems) != 1 || n.Problems[0].Department != "jingji" {
				t.Fatalf("the department's letter: %+v", n)
			}
			if r := a.do(a.login("dept"), "GET", fmt.Sprintf("/api/v1/notices/%d/document", jingji), nil); !strings.Contains(string(r.body), "jingji") {
				t.Fatalf("the printable letter is not addressed to the department: %s", r.body)
			}
			// Each addressee finds its letter from its notifications (the UI
			// links notice_id to #/notice/{id}): the department has no
			// filing to start from.
			for who, letter := range map[string]int64{"dept": jingji, "dept-other": weijian, "street-guixi": street} {
				var notes struct {
					Items []struct {
						Kind     string
						NoticeID *int64 `json:"notice_id"`
					}
				}
				a.do(a.login(who), "GET", "/api/v1/notifications", nil).json(t, &notes)
				found := false
				for _, n := range notes.Items {
					if n.Kind == "notice_issued" && n.NoticeID != nil {
						if *n.NoticeID != letter {
							t.Errorf("%s is notified of letter %d, want only %d", who, *n.NoticeID, letter)
						}
						found = true
					}
				}
				if !found {
					t.Errorf("%s has no notice_issued notification carrying letter %d: %+v", who, letter, notes.Items)
				}
			}
		})
	}
}
