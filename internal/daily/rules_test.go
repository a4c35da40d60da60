package daily_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/daily"
	"fugong/internal/page"
	"fugong/internal/rules"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func ruleIDs(r *daily.Report) []string {
	var out []string
	for _, f := range r.Flags {
		out = append(out, f.RuleID)
	}
	slices.Sort(out)
	return out
}

// mustRulesFixture is mustFixture with the shipped daily rules running,
// published through the database as `fugong serve` runs them.
func mustRulesFixture(t *testing.T, db *store.DB) (*fixture, *rules.Engine) {
	t.Helper()
	f := mustFixture(t, db, nil)
	engine := rules.NewEngineKind(rules.KindDaily, "../../rules/daily", daily.RuleRecorder(context.Background(), db, nil))
	if _, err := engine.Start(context.Background(), db.DailyRules()); err != nil {
		t.Fatal(err)
	}
	f.svc = daily.New(daily.Deps{DB: db, Keys: nil, Rules: engine, Now: f.clock.Now})
	return f, engine
}

// TestRulesFlagReports: each report is judged by the daily rules in the
// transaction that files it, with history summed in the database; a
// correction replaces the current flags; a street official confirms a
// flag as a ledger problem once.
func TestRulesFlagReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, engine := mustRulesFixture(t, db)
		// An approved filing declaring 20 on site.
		approved := at("2020-02-10", "15:00").UTC()
		fl := &store.Filing{EnterpriseID: f.ent.ID, Street: "guixi", Sector: "industrial", Status: store.StatusApproved, Version: 1,
			StaffTotal: 30, StaffOnsite: 20, Masks: 500, ApprovedAt: &approved, CreatedBy: 1}
		if err := db.CreateFiling(ctx, fl); err != nil {
			t.Fatal(err)
		}

		// 02-11: clean. 02-12: one fever (handled). 02-15 (two days
		// missed): three fevers, more staff than approved, few masks.
		day := func(d, hhmm string, in daily.Input) *daily.Report {
			t.Helper()
			f.clock.Set(at(d, hhmm))
			r, _, err := f.svc.Put(ctx, f.owner, d, in)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := day("2020-02-11", "09:00", values(20, 0, nil)); len(r.Flags) != 0 {
			t.Errorf("clean report flagged: %v", ruleIDs(r))
		}
		if r := day("2020-02-12", "09:00", values(20, 1, map[string]any{"fever_handling": "fever_clinic"})); len(r.Flags) != 0 {
			t.Errorf("one handled fever flagged: %v", ruleIDs(r))
		}
		r := day("2020-02-15", "09:00", values(22, 3, map[string]any{"fever_handling": "isolated_on_site", "masks": 100}))
		want := []string{"daily_fever_jump", "daily_masks_low", "daily_missed_days", "daily_staff_over_approved"}
		if got := ruleIDs(r); !slices.Equal(got, want) || r.Warnings != 4 {
			t.Fatalf("flags %v (warnings %d), want %v", got, r.Warnings, want)
		}

		// Correcting the staff and masks leaves two warnings current.
		c := day("2020-02-15", "09:30", values(20, 3, map[string]any{"fever_handling": "isolated_on_site", "masks": 1000}))
		if got := ruleIDs(c); !slices.Equal(got, []string{"daily_fever_jump", "daily_missed_days"}) || c.Warnings != 2 {
			t.Fatalf("after correction: %v (%d)", got, c.Warnings)
		}
		// The street sees them.
		list, err := f.svc.Flags(ctx, f.street, "", "2020-02-15", "2020-02-15")
		if err != nil || len(list) != 2 {
			t.Fatalf("street flags: %+v %v", list, err)
		}
		if other, err := f.svc.Flags(ctx, f.stranger, "", "2020-02-15", "2020-02-15"); err != nil || len(other) != 0 {
			t.Errorf("another enterprise sees flags: %+v %v", other, err)
		}

		// Confirm one as a ledger problem; twice is a conflict; an
		// enterprise may not confirm.
		jump := list[0]
		if jump.RuleID != "daily_fever_jump" {
			jump = list[1]
		}
		if _, err := f.svc.ConfirmFlag(ctx, f.owner, jump.ID, daily.ConfirmInput{}); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("enterprise confirms: %v", err)
		}
		got, err := f.svc.ConfirmFlag(ctx, f.street, jump.ID, daily.ConfirmInput{Note: "已电话核实", Deadline: "2020-02-20"})
		if err != nil || got.ProblemID == nil {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		if _, err := f.svc.ConfirmFlag(ctx, f.street, jump.ID, daily.ConfirmInput{}); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("second confirm: %v", err)
		}
		pr, err := db.ProblemByID(ctx, store.ScopeAll, *got.ProblemID)
		if err != nil || pr.Source != store.SourceDaily || pr.RuleID != "daily_fever_jump" || pr.EnterpriseID == nil ||
			*pr.EnterpriseID != f.ent.ID || pr.Street != "guixi" || pr.Status != store.ProblemOpen {
			t.Errorf("problem: %+v %v", pr, err)
		}
		// A flag of a corrected, earlier version cannot be confirmed.
		old, err := db.DailyFlagsOf(ctx, r.ID, 1)
		if err != nil || len(old) != 4 {
			t.Fatalf("old flags kept: %d %v", len(old), err)
		}
		if _, err := f.svc.ConfirmFlag(ctx, f.street, old[0].ID, daily.ConfirmInput{}); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("confirm an old version's flag: %v", err)
		}

		// Backtest: dropping the fever jump rule makes it disappear on 02-15.
		set := engine.Current()
		var files []store.RuleFile
		for _, fl := range set.Files {
			if fl.Name != "health.yaml" {
				files = append(files, store.RuleFile{Name: fl.Name, Text: fl.Content})
			}
		}
		bt, err := f.svc.BacktestRules(ctx, f.street, daily.RuleCandidate{Files: files, From: "2020-02-01", To: "2020-02-15"})
		if err != nil {
			t.Fatal(err)
		}
		if bt.Reports != 3 || bt.ChangedTotal != 1 || len(bt.Changed) != 1 || !slices.Equal(bt.Changed[0].Disappear, []string{"daily_fever_jump"}) {
			t.Errorf("backtest: %+v", bt)
		}

		// The daily set's version is recorded apart from the filing rules'.
		vs, total, err := f.svc.RuleVersions(ctx, page.Normal(1, 10))
		if err != nil || total != 1 || vs[0].Version != set.Version {
			t.Errorf("daily versions: %+v %d %v", vs, total, err)
		}
		if _, total, err := db.ListRuleVersions(ctx, page.Normal(1, 10)); err != nil || total != 0 {
			t.Errorf("filing versions hold the daily set: %d %v", total, err)
		}
		if v, _, err := db.DailyRules().PublishedRuleVersion(ctx); err != nil || v != set.Version {
			t.Errorf("published daily version %q %v", v, err)
		}
		if v, _, err := db.PublishedRuleVersion(ctx); err != nil || v != "" {
			t.Errorf("the filing publication changed: %q %v", v, err)
		}
	})
}

// TestPruneRuleInputs: inputs older than the backtest window are cleared,
// newer ones kept, and a backtest skips nothing inside its window.
func TestPruneRuleInputs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, _ := mustRulesFixture(t, db)
		f.clock.Set(at("2020-02-11", "09:00"))
		if _, _, err := f.svc.Put(ctx, f.owner, "2020-02-11", values(20, 0, nil)); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at("2020-03-01", "09:00"))
		if _, _, err := f.svc.Put(ctx, f.owner, "2020-03-01", values(20, 0, nil)); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at("2020-05-15", "09:00")) // 94 days after 2020-02-11, 75 after 2020-03-01
		n, err := f.svc.PruneRuleInputs(ctx)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want 1", n, err)
		}
		if n, err := f.svc.PruneRuleInputs(ctx); err != nil || n != 0 {
			t.Errorf("second prune %d, %v", n, err)
		}
		var kept int
		err = db.DailyRuleInputs(ctx, "2020-01-01", "2020-12-31", 10, func(rows []store.DailyRuleInput) error {
			for _, r := range rows {
				if r.RuleInput != "" {
					kept++
					if r.ReportDate != "2020-03-01" {
						t.Errorf("kept the input of %s", r.ReportDate)
					}
				}
			}
			return nil
		})
		if err != nil || kept != 1 {
			t.Errorf("kept %d inputs, %v", kept, err)
		}
	})
}

// TestHousekeepOneReplica: of several replicas running the hourly prune,
// the one holding the prune lease prunes; the others skip it until the
// lease runs out, and replicas racing for a free lease get one winner.
func TestHousekeepOneReplica(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, engine := mustRulesFixture(t, db)
		f.clock.Set(at("2020-02-11", "09:00"))
		if _, _, err := f.svc.Put(ctx, f.owner, "2020-02-11", values(20, 0, nil)); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at("2020-05-15", "09:00"))
		replicas := make([]*daily.Service, 3)
		for i := range replicas {
			replicas[i] = daily.New(daily.Deps{DB: db, Rules: engine, Now: f.clock.Now})
		}
		const ttl = time.Hour
		if n, held, err := replicas[0].Housekeep(ctx, ttl); err != nil || !held || n != 1 {
			t.Fatalf("first replica: pruned %d, held %v, %v; want 1, true", n, held, err)
		}
		if n, held, err := replicas[1].Housekeep(ctx, ttl); err != nil || held || n != 0 {
			t.Fatalf("second replica while the lease is held: pruned %d, held %v, %v; want 0, false", n, held, err)
		}
		if _, held, err := replicas[0].Housekeep(ctx, ttl); err != nil || !held {
			t.Fatalf("the holder renewing: held %v, %v", held, err)
		}
		// The lease runs out: all three race for it, one wins.
		f.clock.Set(at("2020-05-15", "11:00"))
		var mu sync.Mutex
		won := 0
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, held, err := r.Housekeep(ctx, ttl)
				if err != nil {
					t.Error(err)
				}
				if held {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d replicas took the expired lease; want 1", won)
		}
	})
}
