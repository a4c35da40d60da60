package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/blob/blobtest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestTimelineRebuiltEqualsMaintained plays a random history through the API
// (filings created and submitted, resubmitted after a return, approved,
// returned, rejected, resumptions reported, on three enterprises of two
// streets, with the clock moving) and checks that the status timeline the
// filing service kept equals the one `fugong report rebuild` recomputes
// from the filings, on SQLite and MariaDB.
func TestTimelineRebuiltEqualsMaintained(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			a.cfg.Auth.SessionIdleTimeout, a.cfg.Auth.SessionMaxAge = 90*24*time.Hour, 90*24*time.Hour // the clock moves days
			a.auth = auth.NewService(a.db, a.cfg.Auth, a.clock.Now)
			a.build(blobtest.MustOpen(t, "local"))
			ctx := context.Background()
			gB, hA := a.ents["guixiB"].ID, a.ents["hezuoA"].ID
			a.addUser(store.User{Username: "ent-guixiB", Role: store.RoleEnterprise, EnterpriseID: &gB, Street: "guixi"})
			a.addUser(store.User{Username: "ent-hezuo", Role: store.RoleEnterprise, EnterpriseID: &hA, Street: "hezuo"})
			a.addUser(store.User{Username: "street-hezuo", Role: store.RoleStreetOfficial, Street: "hezuo"})
			type actor struct {
				ent, official *session
				filing        int64
				status        store.Status
			}
			actors := []*actor{
				{ent: a.login("ent-guixi"), official: a.login("street-guixi")},
				{ent: a.login("ent-guixiB"), official: a.login("street-guixi")},
				{ent: a.login("ent-hezuo"), official: a.login("street-hezuo")},
			}
			r := rand.New(rand.NewPCG(14, uint64(len(driver))))
			body := map[string]any{
				"planned_resume_date": "2020-06-30", "staff_total": 40, "staff_onsite": 30,
				"supplies":  map[string]any{"masks": 2000, "thermometers": 10, "disinfectant_liters": 50, "isolation_room": true},
				"plan_text": goodPlan, "contact": map[string]string{"name": "王建国", "phone": "13800138000"},
			}
			eqT := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
			eqS := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
			// check compares the maintained timeline with a rebuild (which
			// then replaces it: equal, so nothing is lost).
			check := func(step int) {
				maintained, err := a.db.Timelines(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.db.RebuildTimeline(ctx); err != nil {
					t.Fatal(err)
				}
				rebuilt, err := a.db.Timelines(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(rebuilt) != len(maintained) {
					t.Fatalf("step %d: %d maintained rows, %d rebuilt", step, len(maintained), len(rebuilt))
				}
				for i, m := range maintained {
					b := rebuilt[i]
					if m.EnterpriseID != b.EnterpriseID || !eqT(m.SubmittedAt, b.SubmittedAt) || !eqT(m.ApprovedAt, b.ApprovedAt) ||
						!eqT(m.ReturnedAt, b.ReturnedAt) || !eqT(m.RejectedAt, b.RejectedAt) || !eqS(m.ResumedDate, b.ResumedDate) {
						t.Fatalf("step %d, enterprise %d: maintained %+v, rebuilt %+v", step, m.EnterpriseID, m, b)
					}
				}
			}
			seen := map[string]int{}
			for step := 0; step < 100; step++ {
				a.clock.Advance(time.Duration(1+r.IntN(12)) * time.Hour)
				ac := actors[r.IntN(len(actors))]
				var res response
				switch ac.status {
				case "", store.StatusApproved, store.StatusRejected:
					if ac.status == store.StatusApproved && r.IntN(2) == 0 {
						day := a.clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
						res = a.do(ac.ent, "POST", fmt.Sprintf("/api/v1/filings/%d/resumption", ac.filing), map[string]string{"date": day})
						seen["resumed"]++
						break
					}
					res = a.do(ac.ent, "POST", "/api/v1/filings", body)
					if res.status != 201 {
						t.Fatalf("create: %d %s", res.status, res.body)
					}
					var f struct{ ID int64 }
					res.json(t, &f)
					ac.filing, ac.status = f.ID, store.StatusDraft
					if up := a.do(ac.ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", rosterCSV(40, 0))); up.status != 201 {
						t.Fatalf("roster: %d %s", up.status, up.body)
					}
					fallthrough
				case store.StatusDraft, store.StatusReturned:
					res = a.do(ac.ent, "POST", fmt.Sprintf("/api/v1/filings/%d/submit", ac.filing), nil)
				case store.StatusSubmitted:
					decision := []string{"approve", "return", "reject"}[r.IntN(3)]
					res = a.do(ac.official, "POST", fmt.Sprintf("/api/v1/filings/%d/review", ac.filing),
						map[string]any{"decision": decision, "comment": "请补充材料"})
				}
				if res.status != 200 {
					t.Fatalf("step %d (%s): %d %s", step, ac.status, res.status, res.body)
				}
				var f struct{ Status string }
				res.json(t, &f)
				ac.status = store.Status(f.Status)
				seen[f.Status]++
				check(step)
			}
			for _, s := range []string{"submitted", "approved", "returned", "rejected", "resumed"} {
				if seen[s] == 0 {
					t.Fatalf("the history never reached %s: %v", s, seen)
				}
			}
			if tl, err := a.db.Timelines(ctx); err != nil || len(tl) != 3 {
				t.Fatalf("%d timeline rows, want 3 (%v)", len(tl), err)
			}
		})
	}
}
