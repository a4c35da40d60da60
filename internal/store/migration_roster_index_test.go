package store_test

import (
	"context"
	"slices"
	"testing"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestMigrationRosterIndex: after migration 17 roster_entries has no index
// on its blind index (no query reads by it; every roster upload paid for
// it), keeps the one by attachment its reads use, and a database that
// still has the old index (one migrated before 17) loses it when the step
// runs. On SQLite and MariaDB.
func TestMigrationRosterIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := db.Gorm().Migrator()
		if m.HasIndex("roster_entries", "idx_roster_entries_id_index") {
			t.Fatal("the blind-index B-tree is still there after migration 17")
		}
		if !m.HasIndex("roster_entries", "idx_roster_entries_attachment_id") {
			t.Fatal("the index by attachment is gone")
		}
		// A database as migration 16 left it.
		if err := db.Gorm().Exec("CREATE INDEX idx_roster_entries_id_index ON roster_entries (id_index)").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm().Exec("DELETE FROM schema_migrations WHERE version = 17").Error; err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(ctx)
		if err != nil || !slices.Equal(applied, []int{17}) {
			t.Fatalf("migrate: applied %v, %v; want [17]", applied, err)
		}
		if m.HasIndex("roster_entries", "idx_roster_entries_id_index") {
			t.Fatal("migration 17 left the blind-index B-tree of an older database")
		}
	})
}
