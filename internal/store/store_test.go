package store_test

import (
	"context"
	"testing"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestMigrateIsIdempotent migrates from empty (not from the template every
// other test copies) and again.
func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			db := storetest.MustMigrate(t, driver)
			ctx := context.Background()
			v, err := db.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v != store.LatestSchemaVersion() {
				t.Fatalf("schema version %d, want %d", v, store.LatestSchemaVersion())
			}
			again, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 0 {
				t.Fatalf("second migrate applied %v", again)
			}
		})
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := &store.User{Username: "芳草街-官员", PasswordHash: "x", Role: store.RoleStreetOfficial, Street: "fangcaojie"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 {
			t.Fatal("no id assigned")
		}
		got, err := db.UserByUsername(ctx, "芳草街-官员")
		if err != nil {
			t.Fatal(err)
		}
		if got.Street != "fangcaojie" || got.Role != store.RoleStreetOfficial {
			t.Fatalf("round trip lost data: %+v", got)
		}
		dup := &store.User{Username: "芳草街-官员", PasswordHash: "y", Role: store.RoleAdmin}
		if err := db.CreateUser(ctx, dup); apperror.CodeOf(err) != apperror.Conflict {
			t.Fatalf("duplicate username: got %v, want conflict", err)
		}
		if _, err := db.UserByUsername(ctx, "nobody"); apperror.CodeOf(err) != apperror.NotFound {
			t.Fatalf("missing user: got %v, want not_found", err)
		}
	})
}
