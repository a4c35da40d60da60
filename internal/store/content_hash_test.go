package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestMigrationContentHash: rows written before migration 13 keep the plain
// SHA-256 of their file. The migration gives rows of sealed objects their
// keyed hash (the object key's) and drops the plain hash where nothing is
// bound to it (plans, evidence); a roster keeps it for Reencrypt to re-bind
// its rows, and a legacy object's row keeps it until it is sealed. On
// SQLite and MariaDB.
func TestMigrationContentHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		plain := strings.Repeat("a", 64)
		keyed := strings.Repeat("b", 64)
		sealed := "obj/bb/" + keyed
		legacy := "sha256/aa/" + plain
		mk := func(kind, key string) *store.Attachment {
			a := &store.Attachment{FilingID: 1, EnterpriseID: 1, Kind: kind, Filename: kind, Size: 1, SHA256: plain,
				ContentType: "text/plain", ObjectKey: key, CreatedBy: 1, CreatedAt: time.Now().UTC()}
			if err := db.CreateAttachment(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
			return a
		}
		plan, roster, old := mk("plan", sealed), mk("roster", sealed), mk("plan", legacy)
		ev := []store.ProblemFile{{ProblemID: 1, Filename: "e.pdf", Size: 1, SHA256: plain, ContentType: "application/pdf", ObjectKey: sealed, CreatedBy: 1, CreatedAt: time.Now().UTC()}}
		if err := db.CreateProblemFiles(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm().Transaction(store.MigrateContentHash); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			a           *store.Attachment
			sha, hashed string
		}{{plan, "", keyed}, {roster, plain, keyed}, {old, plain, ""}} {
			var got store.Attachment
			db.Gorm().First(&got, c.a.ID)
			if got.SHA256 != c.sha || got.ContentHash != c.hashed {
				t.Errorf("%s at %s: sha256 %q content_hash %q, want %q %q", c.a.Kind, c.a.ObjectKey, got.SHA256, got.ContentHash, c.sha, c.hashed)
			}
		}
		var f store.ProblemFile
		db.Gorm().First(&f, ev[0].ID)
		if f.SHA256 != "" || f.ContentHash != keyed {
			t.Errorf("evidence: sha256 %q content_hash %q, want the keyed hash only", f.SHA256, f.ContentHash)
		}
		// What Reencrypt then finds to convert: the roster (the legacy
		// plan has no keyed hash until it is sealed).
		left, err := db.AttachmentsWithPlainHash(ctx, 10)
		if err != nil || len(left) != 1 || left[0].ID != roster.ID {
			t.Fatalf("left to rehash: %v %+v, want the roster", err, left)
		}
		if done, err := db.RehashAttachment(ctx, &left[0], nil); err != nil || !done {
			t.Fatalf("rehash: %v %v", done, err)
		}
		if done, err := db.RehashAttachment(ctx, &left[0], nil); err != nil || done {
			t.Fatalf("second rehash of the same row: %v %v, want nothing done", done, err)
		}
	})
}
