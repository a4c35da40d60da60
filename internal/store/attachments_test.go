package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestCreateAttachmentWritesEveryRosterEntry: the multi-row INSERT spans
// several batches (6,001 rows: 100 or 1,000 a statement, and on SQLite the
// larger page cache of a big roster) and every row comes back whole and in
// file order; an attachment without entries writes none.
func TestCreateAttachmentWritesEveryRosterEntry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.UpsertEnterprises(ctx, []store.Enterprise{{CreditCode: "91350100M000100Y43", Name: "桂溪甲",
			Sector: store.SectorIndustrial, Zone: "south", Street: "guixi", Supervised: true}}, false); err != nil {
			t.Fatal(err)
		}
		e, err := db.EnterpriseByCode(ctx, "91350100M000100Y43")
		if err != nil {
			t.Fatal(err)
		}
		f := &store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: store.StatusDraft, Version: 1, CreatedBy: 1}
		if err := db.CreateFiling(ctx, f); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 6001} {
			entries := make([]store.RosterEntry, n)
			for i := range entries {
				entries[i] = store.RosterEntry{RowNumber: i + 2, IDIndex: fmt.Sprintf("idx-%05d", i), Data: []byte{byte(i), byte(i >> 8), 0, 0xff}}
			}
			a := &store.Attachment{FilingID: f.ID, EnterpriseID: e.ID, Kind: "roster", Filename: "r.csv", SHA256: fmt.Sprintf("%064d", n),
				ContentType: "text/csv", ObjectKey: fmt.Sprintf("k%d", n), RosterRows: n, CreatedBy: 1, CreatedAt: time.Now().UTC()}
			if err := db.CreateAttachment(ctx, a, entries); err != nil {
				t.Fatal(err)
			}
			if a.ID == 0 {
				t.Fatal("attachment id not assigned")
			}
			got, err := db.RosterEntries(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d rows: read back %d", n, len(got))
			}
			for i, g := range got {
				w := entries[i]
				if g.ID == 0 || g.AttachmentID != a.ID || g.RowNumber != w.RowNumber || g.IDIndex != w.IDIndex || string(g.Data) != string(w.Data) {
					t.Fatalf("row %d: got %+v, want %+v", i, g, w)
				}
			}
		}
	})
}

// BenchmarkCreateAttachment: one 50,000-row roster's entries (≈ 300-byte
// encrypted rows, blind indexes as random as HMACs) written by
// CreateAttachment.
//
//	go test ./internal/store -run XXX -bench CreateAttachment -benchtime 3x
func BenchmarkCreateAttachment(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			ctx := context.Background()
			data := make([]byte, 300)
			for i := 0; i < b.N; i++ {
				entries := make([]store.RosterEntry, 50_000)
				for j := range entries {
					entries[j] = store.RosterEntry{RowNumber: j + 2, IDIndex: fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprint(i, j)))), Data: data}
				}
				a := &store.Attachment{FilingID: 1, EnterpriseID: 1, Kind: "roster", Filename: "r.csv", SHA256: fmt.Sprintf("%064d", i),
					ContentType: "text/csv", ObjectKey: fmt.Sprint(i), RosterRows: len(entries), CreatedBy: 1, CreatedAt: time.Now().UTC()}
				if err := db.CreateAttachment(ctx, a, entries); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
