package reminder_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/registry"
	"fugong/internal/reminder"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var sh = time.FixedZone("CST", 8*3600)

// world lists n enterprises of guixi approved on 2020-02-10 (so expected
// from 2020-02-11), each with an account, and one report of 2020-02-12
// from the first of them: n-1 are missing that day.
func world(t *testing.T, db *store.DB, n int) []store.Enterprise {
	t.Helper()
	ctx := context.Background()
	ents := make([]store.Enterprise, n)
	for i := range ents {
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(9000 + i), Name: fmt.Sprintf("提醒企业%02d", i), Sector: "service",
			Zone: "south", Street: "guixi", Supervised: true, ValidFrom: "2020-02-01"}
	}
	if _, err := db.UpsertEnterprisesOn(ctx, ents, "2020-02-01", false); err != nil {
		t.Fatal(err)
	}
	all, err := db.AllEnterprises(ctx)
	if err != nil {
		t.Fatal(err)
	}
	approved := time.Date(2020, 2, 10, 15, 0, 0, 0, sh).UTC()
	var fs []store.Filing
	for i, e := range all {
		fs = append(fs, store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: "approved", Version: 1, CreatedBy: 1,
			SubmittedAt: &approved, ApprovedAt: &approved, DecidedAt: &approved})
		id := e.ID
		if err := db.CreateUser(ctx, &store.User{Username: fmt.Sprintf("ent%02d", i), PasswordHash: "x", Role: store.RoleEnterprise, EnterpriseID: &id}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Tx(ctx, func(tx *store.DB) error { return tx.InsertFilingsBulk(ctx, fs) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RebuildTimeline(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 2, 12, 9, 0, 0, 0, sh).UTC()
	if err := db.Gorm().Create(&store.DailyReport{EnterpriseID: all[0].ID, ReportDate: "2020-02-12", Street: "guixi", Sector: "service", Zone: "south",
		DefVersion: 1, Version: 1, OnTime: true, ValuesJSON: "{}", SubmittedAt: at, UpdatedAt: at, SubmittedBy: "ent00"}).Error; err != nil {
		t.Fatal(err)
	}
	return all
}

func reports(t *testing.T, db *store.DB) *report.Service {
	t.Helper()
	// No department views: the reminders need the daily figures only.
	cfg, err := report.Parse("t.yaml", []byte("dashboard: {on_time_deadline: \"2020-02-28\"}\ndepartments: []\nviews: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := report.New(db, cfg, areas.Default(), func() time.Time { return time.Date(2020, 2, 12, 11, 0, 0, 0, sh) })
	if err := rep.EnableDaily(report.DailySetup{FromDaysAfterApproval: 1}); err != nil {
		t.Fatal(err)
	}
	return rep
}

func service(t *testing.T, db *store.DB) *reminder.Service {
	t.Helper()
	now := func() time.Time { return time.Date(2020, 2, 12, 11, 0, 0, 0, sh) }
	return reminder.New(db, reports(t, db), []config.Webhook{{Name: "sms", URL: "http://127.0.0.1:1/", Secret: "s"}}, now)
}

// Two replicas (two connection pools, two services) and several officials
// clicking at once remind each missing enterprise exactly once: one claim,
// one notification per account, one webhook event per subscriber.
func TestRemindOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			dbs := storetest.MustOpenReplicas(t, driver, 2)
			for _, db := range dbs {
				db.SetAuditKey(storetest.AuditKey)
			}
			const n = 30
			world(t, dbs[0], n)
			svcs := []*reminder.Service{service(t, dbs[0]), service(t, dbs[1])}
			official := &auth.Principal{UserID: 99, Username: "street-guixi", Role: store.RoleStreetOfficial, Street: "guixi"}
			var wg sync.WaitGroup
			results := make([]*reminder.Result, 8)
			errs := make([]error, len(results))
			start := make(chan struct{})
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i], errs[i] = svcs[i%2].Remind(context.Background(), official, reminder.Request{Date: "2020-02-12"})
				}()
			}
			close(start)
			wg.Wait()
			reminded, already := 0, 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("click %d: %v", i, err)
				}
				reminded += results[i].Reminded
				already += results[i].AlreadyReminded
			}
			if reminded != n-1 || already != (n-1)*(len(results)-1) {
				t.Errorf("reminded %d, already %d; want %d and %d", reminded, already, n-1, (n-1)*(len(results)-1))
			}
			g := dbs[1].Gorm()
			var claims, notes, events, dupNotes int64
			g.Table("daily_reminders").Where("report_date = ?", "2020-02-12").Count(&claims)
			g.Table("notifications").Where("kind = ?", reminder.NotificationKind).Count(&notes)
			g.Table("webhook_outbox").Where("event = ?", reminder.EventMissing).Count(&events)
			g.Raw("SELECT COUNT(*) FROM (SELECT user_id FROM notifications WHERE kind = ? GROUP BY user_id HAVING COUNT(*) > 1) d", reminder.NotificationKind).Scan(&dupNotes)
			if claims != n-1 || notes != n-1 || events != n-1 || dupNotes != 0 {
				t.Errorf("claims %d, notifications %d (%d users twice), webhook events %d; want %d each", claims, notes, dupNotes, events, n-1)
			}
			// The enterprise that reported got nothing; the list shows who was reminded.
			list, err := report.New(dbs[1], nil, areas.Default(), func() time.Time { return time.Date(2020, 2, 12, 11, 0, 0, 0, sh) }).Reporters(
				context.Background(), official.Scope(), report.DailyParams{Date: "2020-02-12"}, store.DailyStateMissing, store.Page{})
			if err == nil {
				t.Fatal("Reporters without EnableDaily should fail")
			}
			list, err = reports(t, dbs[1]).Reporters(context.Background(), official.Scope(), report.DailyParams{Date: "2020-02-12"}, store.DailyStateMissing, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range list.Items {
				if it.RemindedAt == nil {
					t.Errorf("%s missing and not marked reminded", it.Name)
				}
			}
			if list.Total != n-1 {
				t.Errorf("missing %d, want %d", list.Total, n-1)
			}
		})
	}
}

// Only officials remind, a street official only its own street; naming
// enterprises reminds those of them still missing.
func TestRemindScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ents := world(t, db, 5)
		svc := service(t, db)
		ctx := context.Background()
		if _, err := svc.Remind(ctx, &auth.Principal{Role: store.RoleEnterprise, EnterpriseID: &ents[0].ID}, reminder.Request{}); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("enterprise: %v", err)
		}
		other := &auth.Principal{Username: "hezuo", Role: store.RoleStreetOfficial, Street: "hezuo"}
		if _, err := svc.Remind(ctx, other, reminder.Request{Date: "2020-02-12", Street: "guixi"}); apperror.CodeOf(err) != apperror.Forbidden {
			t.Errorf("another street: %v", err)
		}
		res, err := svc.Remind(ctx, other, reminder.Request{Date: "2020-02-12"})
		if err != nil || res.Reminded != 0 {
			t.Errorf("own street without enterprises: %+v %v", res, err)
		}
		park := &auth.Principal{Username: "park", Role: store.RoleParkManager}
		res, err = svc.Remind(ctx, park, reminder.Request{Date: "2020-02-12", EnterpriseIDs: []int64{ents[0].ID, ents[1].ID, 999999}})
		if err != nil || res.Reminded != 1 || res.NotMissing != 2 {
			t.Errorf("named: %+v %v (want 1 reminded, 2 not missing)", res, err)
		}
		res, err = svc.Remind(ctx, park, reminder.Request{Date: "2020-02-12"})
		if err != nil || res.Reminded != 3 || res.AlreadyReminded != 1 {
			t.Errorf("all: %+v %v (want 3 reminded, 1 already)", res, err)
		}
	})
}
