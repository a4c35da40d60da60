package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fugong/internal/config"
)

// Migration 7 takes out of the ledger the rule problems an enterprise's own
// submit opened and nobody confirmed, and keeps everything a person raised
// or confirmed (the demo's seeded ledger, written by an official account,
// keeps its 267 / 252). It also keys one open filing per enterprise when
// earlier races left two.
func TestMigration7Ledger(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	ent := &User{Username: "ent", PasswordHash: "x", Role: RoleEnterprise}
	off := &User{Username: "off", PasswordHash: "x", Role: RoleStreetOfficial, Street: "guixi"}
	for _, u := range []*User{ent, off} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	notice := int64(7)
	ps := []Problem{
		{Street: "guixi", Source: SourceRule, RuleID: "masks_insufficient", Title: "system, unconfirmed", Status: ProblemRectified, CreatedBy: ent.ID, CreatedAt: now},
		{Street: "guixi", Source: SourceRule, RuleID: "roster_fever", Title: "system, still open", Status: ProblemOpen, CreatedBy: ent.ID, CreatedAt: now},
		{Street: "guixi", Source: SourceRule, RuleID: "roster_fever", Title: "in a notice", Status: ProblemOpen, CreatedBy: ent.ID, CreatedAt: now, NoticeID: &notice},
		{Street: "guixi", Source: SourceRule, RuleID: "resumed_without_approval", Title: "declared", Status: ProblemOpen, CreatedBy: ent.ID, CreatedAt: now},
		{Street: "guixi", Source: SourceRule, RuleID: "supplies_masks_short", Title: "seeded by an official", Status: ProblemRectified, CreatedBy: off.ID, CreatedAt: now},
		{Street: "guixi", Source: SourceReview, Title: "review", Status: ProblemOpen, CreatedBy: off.ID, CreatedAt: now},
	}
	if err := db.CreateProblems(ctx, ps); err != nil {
		t.Fatal(err)
	}
	// Two open filings of one enterprise, as the read-then-insert race left them.
	for range 2 {
		if err := db.gorm.Exec("INSERT INTO filings (enterprise_id, street, sector, status, version, revision, created_by, created_at, updated_at) VALUES (42, 'guixi', 'industrial', 'draft', 1, 0, 1, ?, ?)", now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.gorm.Exec("UPDATE filings SET open_key = NULL").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.gorm.Transaction(migrate7); err != nil {
		t.Fatal(err)
	}
	var titles []string
	db.gorm.Model(&Problem{}).Order("id").Pluck("title", &titles)
	want := []string{"in a notice", "declared", "seeded by an official", "review"}
	if len(titles) != len(want) {
		t.Fatalf("ledger after migration: %v, want %v", titles, want)
	}
	for i := range want {
		if titles[i] != want[i] {
			t.Fatalf("ledger after migration: %v, want %v", titles, want)
		}
	}
	var keyed int64
	db.gorm.Model(&Filing{}).Where("open_key = 42").Count(&keyed)
	if keyed != 1 {
		t.Fatalf("%d filings keyed open for enterprise 42, want 1", keyed)
	}
}

// openMigrated opens a fresh, migrated SQLite database (an internal test
// cannot use storetest, which imports this package).
func openMigrated(t *testing.T) *DB {
	t.Helper()
	cfg := config.Default().Database
	cfg.Driver, cfg.DSN = "sqlite", filepath.Join(t.TempDir(), "m5.db")
	db, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
