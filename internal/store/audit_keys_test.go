package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestAuditKeyRotation: after a new audit key generation is added, new
// entries are MACed under it (and name it), the entries before keep
// verifying under the old key, and the chain verifies whole. A replica
// that does not know the new generation refuses to append rather than
// break the chain, and a verifier without it reports the entries it cannot
// check. An entry under the retired key appended after the rotation — what
// someone holding a leaked old key could forge — is a break. On SQLite and
// MariaDB. (Before rotation existed there was one key, derived from the data
// keyring, and no way to change it.)
func TestAuditKeyRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN := func(n int) error {
			for range n {
				if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: "x"}); err != nil {
					return err
				}
			}
			return nil
		}
		if err := appendN(3); err != nil {
			t.Fatal(err)
		}
		key0, key1 := storetest.AuditKey, bytes.Repeat([]byte{9}, 32)
		both := []store.AuditKey{{Gen: 0, Key: key0}, {Gen: 1, Key: key1}}
		db.SetAuditKeys(both)
		if err := appendN(3); err != nil {
			t.Fatal(err)
		}
		entries, _, err := db.ListAudit(ctx, store.AuditFilter{Page: store.NormalPage(1, 100)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if rotated := *e.Seq > 3; rotated != strings.HasPrefix(e.Hash, "1:") || len(e.Hash) != 64 {
				t.Errorf("entry %d: chain value %q, want generation 1 from entry 4 on, 64 characters", *e.Seq, e.Hash)
			}
		}
		v, err := db.VerifyAudit(ctx, nil)
		if err != nil || !v.OK || v.Entries != 6 {
			t.Fatalf("after rotation: %+v %v", v, err)
		}

		// A replica still on generation 0 alone.
		db.SetAuditKeys([]store.AuditKey{{Gen: 0, Key: key0}})
		if err := appendN(1); apperror.CodeOf(err) != apperror.Unavailable {
			t.Fatalf("append without the current generation: %v, want unavailable", err)
		}
		if v, err := db.VerifyAudit(ctx, nil); err != nil || v.OK || !strings.Contains(v.Reason, "not configured") {
			t.Fatalf("verify without generation 1: %+v %v", v, err)
		}

		// Someone with the retired key and the database appends an entry
		// under it to the segment and moves its head.
		db.SetAuditKeys(both)
		last := entries[0]
		for _, e := range entries {
			if *e.Seq > *last.Seq {
				last = e
			}
		}
		forged := store.AuditEntry{Writer: last.Writer, Seq: ptr(int64(7)), PrevHash: last.Hash, At: time.Now().UTC().Truncate(time.Millisecond),
			Actor: "mallory", Role: "admin", Action: "test", Object: "x"}
		forged.Hash = store.SealAuditEntry(&forged, 0, key0)
		if err := db.Gorm().Create(&forged).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm().Exec("UPDATE audit_segments SET seq = 7, hash = ? WHERE writer = ?", forged.Hash, last.Writer).Error; err != nil {
			t.Fatal(err)
		}
		v, err = db.VerifyAudit(ctx, nil)
		if err != nil || v.OK || v.BrokenID != forged.ID || !strings.Contains(v.Reason, "retired key") {
			t.Fatalf("a retired-key entry after the rotation: %+v %v", v, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
