package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong/internal/registry"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestReportRebuild: a filing written past the filing service has no
// timeline until `fugong report rebuild` derives it, on each driver.
func TestReportRebuild(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, driver)
			env := map[string]string{"FUGONG_DATABASE_DRIVER": driver, "FUGONG_DATABASE_DSN": cfg.DSN}
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpsertEnterprises(ctx, []store.Enterprise{{CreditCode: registry.MakeCreditCode(7), Name: "甲", Sector: "industrial",
				Zone: "south", Street: "guixi", Supervised: true}}, false); err != nil {
				t.Fatal(err)
			}
			e, err := db.EnterpriseByCode(ctx, registry.MakeCreditCode(7))
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2020, 2, 12, 2, 0, 0, 0, time.UTC)
			if err := db.CreateFiling(ctx, &store.Filing{EnterpriseID: e.ID, Street: "guixi", Sector: "industrial", Status: store.StatusApproved,
				Version: 1, CreatedBy: 1, SubmittedAt: &at, ApprovedAt: &at, DecidedAt: &at}); err != nil {
				t.Fatal(err)
			}
			if tl, _ := db.Timelines(ctx); len(tl) != 1 || tl[0].ApprovedAt != nil {
				t.Fatalf("before the rebuild: %+v", tl)
			}
			code, out, errOut := runWith(env, "report", "rebuild")
			if code != 0 || !strings.Contains(out, "已重建 1 家企业") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if tl, _ := db.Timelines(ctx); len(tl) != 1 || tl[0].ApprovedAt == nil || !tl[0].ApprovedAt.Equal(at) {
				t.Fatalf("after the rebuild: %+v", tl)
			}
			if code, _, _ := runWith(env, "report"); code != 2 {
				t.Errorf("fugong report without a subcommand: exit %d, want 2", code)
			}
		})
	}
}
