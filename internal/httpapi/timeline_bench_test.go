package httpapi_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/filing"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// BenchmarkTimelineOverhead: what writing the status timeline adds to a
// submit and to a review decision. Each iteration submits one filing and
// returns it (the filing service, on a real database, rules and plan index
// included), then times a transaction that writes the filing row with and
// without the timeline write (store.MarkTimeline, the one call the service
// makes in each of those transactions): the difference is what the call
// adds inside a transaction that commits anyway. pct-of-submit and
// pct-of-review are the median difference over their medians; timeline-ms
// is the call alone, outside a transaction (one commit per statement).
// go test ./internal/httpapi -run '^$' -bench TimelineOverhead -benchtime 200x
func BenchmarkTimelineOverhead(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			a := mustAPI(b, driver)
			ctx := context.Background()
			ent := a.login("ent-guixi")
			body := map[string]any{
				"planned_resume_date": "2020-06-30", "staff_total": 40, "staff_onsite": 30,
				"supplies":  map[string]any{"masks": 2000, "thermometers": 10, "disinfectant_liters": 50, "isolation_room": true},
				"plan_text": goodPlan, "contact": map[string]string{"name": "王建国", "phone": "13800138000"},
			}
			r := a.do(ent, "POST", "/api/v1/filings", body)
			var f struct{ ID int64 }
			r.json(b, &f)
			if up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", rosterCSV(40, 0))); up.status != 201 {
				b.Fatalf("roster: %d %s", up.status, up.body)
			}
			principal := func(username string) *auth.Principal {
				u, err := a.db.UserByUsername(ctx, username)
				if err != nil {
					b.Fatal(err)
				}
				return &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, EnterpriseID: u.EnterpriseID, Street: u.Street}
			}
			entP, official := principal("ent-guixi"), principal("street-guixi")
			entID := a.ents["guixiA"].ID
			var submit, review, mark, base, with []time.Duration
			touch := func(tx *store.DB) error {
				return tx.Gorm().Exec("UPDATE filings SET updated_at = ? WHERE id = ?", time.Now().UTC(), f.ID).Error
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				res, err := a.filings.Submit(ctx, entP, f.ID)
				if err != nil || res.Status != store.StatusSubmitted {
					b.Fatalf("submit: %+v %v", res, err)
				}
				t1 := time.Now()
				if _, err := a.filings.Review(ctx, official, f.ID, filing.ReviewInput{Decision: filing.DecisionReturn, Comment: "请补充"}); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if err := a.db.MarkTimeline(ctx, entID); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				if err := a.db.Tx(ctx, touch); err != nil {
					b.Fatal(err)
				}
				t4 := time.Now()
				if err := a.db.Tx(ctx, func(tx *store.DB) error {
					if err := touch(tx); err != nil {
						return err
					}
					return tx.MarkTimeline(ctx, entID)
				}); err != nil {
					b.Fatal(err)
				}
				t5 := time.Now()
				submit, review, mark = append(submit, t1.Sub(t0)), append(review, t2.Sub(t1)), append(mark, t3.Sub(t2))
				base, with = append(base, t4.Sub(t3)), append(with, t5.Sub(t4))
			}
			b.StopTimer()
			med := func(d []time.Duration) float64 {
				sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
				return float64(d[len(d)/2].Microseconds()) / 1000
			}
			s, rv, m := med(submit), med(review), med(mark)
			added := med(with) - med(base)
			b.ReportMetric(s, "submit-ms")
			b.ReportMetric(rv, "review-ms")
			b.ReportMetric(m, "timeline-ms")
			b.ReportMetric(added, "added-in-tx-ms")
			b.ReportMetric(100*added/s, "pct-of-submit")
			b.ReportMetric(100*added/rv, "pct-of-review")
		})
	}
}
