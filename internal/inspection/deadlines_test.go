package inspection_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/inspection"
	"fugong/internal/registry"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// world is a database with one enterprise of guixi, its account, a street
// official and an inspector.
type world struct {
	db        *store.DB
	ent       store.Enterprise
	entUser   store.User
	official  store.User
	inspector store.User
}

func mustWorld(t *testing.T, driver string) *world {
	t.Helper()
	ctx := context.Background()
	db := storetest.MustOpen(t, driver)
	code := registry.MakeCreditCode(7)
	if _, err := db.UpsertEnterprises(ctx, []store.Enterprise{{CreditCode: code, Name: "桂溪甲公司", Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true}}, false); err != nil {
		t.Fatal(err)
	}
	e, err := db.EnterpriseByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, ent: *e}
	eid := e.ID
	for _, u := range []*store.User{&w.entUser, &w.official, &w.inspector} {
		*u = store.User{PasswordHash: "x"}
	}
	w.entUser.Username, w.entUser.Role, w.entUser.EnterpriseID, w.entUser.Street = "ent", store.RoleEnterprise, &eid, "guixi"
	w.official.Username, w.official.Role, w.official.Street = "official", store.RoleStreetOfficial, "guixi"
	w.inspector.Username, w.inspector.Role = "inspector", store.RoleInspector
	for _, u := range []*store.User{&w.entUser, &w.official, &w.inspector} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func principalOf(u store.User) *auth.Principal {
	return &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, EnterpriseID: u.EnterpriseID, Street: u.Street, Department: u.Department}
}

// Two schedulers (two replicas) run the reminder job against one database
// at the same time: every reminder goes out exactly once.
func TestRemindersOnceAcrossReplicas(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			w := mustWorld(t, driver)
			ctx := context.Background()
			now := time.Date(2020, 2, 20, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
			clock := func() time.Time { return now }
			cfg := config.Default()
			cfg.Webhooks = []config.Webhook{{Name: "hub", URL: "http://127.0.0.1:1/hook"}}
			eid := w.ent.ID
			var ps []store.Problem
			for i := 0; i < 30; i++ {
				deadline := "2020-02-21" // tomorrow: a "before" reminder
				if i%3 != 0 {
					deadline = "2020-02-18" // past: an "after" reminder
				}
				ps = append(ps, store.Problem{EnterpriseID: &eid, Street: "guixi", Source: store.SourceInspection, Title: "问题",
					Status: store.ProblemOpen, Deadline: deadline, CreatedBy: w.inspector.ID, CreatedAt: now.Add(-72 * time.Hour)})
			}
			// One rectified problem past its deadline and one with no deadline: no reminder.
			ps = append(ps, store.Problem{EnterpriseID: &eid, Street: "guixi", Source: store.SourceInspection, Title: "已整改",
				Status: store.ProblemRectified, Deadline: "2020-02-18", CreatedBy: w.inspector.ID, CreatedAt: now.Add(-72 * time.Hour)},
				store.Problem{EnterpriseID: &eid, Street: "guixi", Source: store.SourceReview, Title: "无期限",
					Status: store.ProblemOpen, CreatedBy: w.official.ID, CreatedAt: now.Add(-72 * time.Hour)})
			if err := w.db.CreateProblems(ctx, ps); err != nil {
				t.Fatal(err)
			}
			replicas := []*inspection.Service{
				inspection.NewService(inspection.Deps{DB: w.db, Config: cfg, Now: clock}),
				inspection.NewService(inspection.Deps{DB: w.db, Config: cfg, Now: clock}),
			}
			var wg sync.WaitGroup
			sent := make([]int, len(replicas))
			for i, r := range replicas {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 { // each replica ticks three times
						n, err := r.SendReminders(ctx, []string{"replica-a", "replica-b"}[i])
						if err != nil {
							t.Error(err)
							return
						}
						sent[i] += n
					}
				}()
			}
			wg.Wait()
			if sent[0]+sent[1] != 30 {
				t.Fatalf("sent %d + %d reminders, want 30 in all", sent[0], sent[1])
			}
			var claims, notes, hooks int64
			g := w.db.Gorm()
			g.Table("problem_reminders").Count(&claims)
			g.Table("notifications").Where("kind IN ?", []string{"problem_deadline_soon", "problem_overdue"}).Where("user_id = ?", w.entUser.ID).Count(&notes)
			g.Table("webhook_outbox").Where("event IN ?", []string{"problem_deadline_soon", "problem_overdue"}).Count(&hooks)
			if claims != 30 || notes != 30 || hooks != 30 {
				t.Fatalf("claims %d, enterprise notifications %d, webhook events %d; want 30 each", claims, notes, hooks)
			}
			var ownerNotes int64
			g.Table("notifications").Where("kind = ? AND user_id = ?", "problem_overdue", w.inspector.ID).Count(&ownerNotes)
			if ownerNotes != 20 {
				t.Fatalf("the inspector heard of %d overdue problems, want 20", ownerNotes)
			}
			// A later tick sends nothing more.
			if n, err := replicas[0].SendReminders(ctx, "replica-a"); err != nil || n != 0 {
				t.Fatalf("second round sent %d (%v)", n, err)
			}
		})
	}
}
