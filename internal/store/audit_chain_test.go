package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := db.AppendAudit(context.Background(), &store.AuditEntry{Actor: "u", Role: "admin", Action: "test", Object: fmt.Sprint("x", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// auditRow is the raw row, read and rewritten the way someone with only
// database access would.
type auditRow struct {
	ID                                       int64
	At                                       time.Time
	Actor, Role, Action, Object, IP, Details string
	PrevHash, Hash                           string
}

// TestAuditChainRecomputedIsDetected: an attacker with database access edits
// an entry and recomputes the plain SHA-256 chain after it. Before the keyed
// MAC the recomputed chain verified as intact; now it does not.
func TestAuditChainRecomputedIsDetected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 10)
		g := db.Gorm()
		var rows []auditRow
		if err := g.Table("audit_log").Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		prev := ""
		for i, r := range rows {
			if i == 4 {
				r.Actor = "mallory"
			}
			h := sha256.New()
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
				prev, r.At.UTC().Format(time.RFC3339Nano), r.Actor, r.Role, r.Action, r.Object, r.IP, r.Details)
			sum := hex.EncodeToString(h.Sum(nil))
			if err := g.Exec("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?", r.Actor, prev, sum, r.ID).Error; err != nil {
				t.Fatal(err)
			}
			prev = sum
		}
		if bad, err := db.VerifyAuditChain(context.Background()); err != nil || bad == 0 {
			t.Fatalf("a recomputed chain verified as intact (bad=%d, err=%v)", bad, err)
		}
	})
}

// TestAuditTailDeletionIsDetected: deleting the newest entries leaves a
// chain whose links all hold; the head row shows the loss. Before the head
// row this verified as intact.
func TestAuditTailDeletionIsDetected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 10)
		if err := db.Gorm().Exec("DELETE FROM audit_log WHERE id > (SELECT m FROM (SELECT MAX(id) - 3 AS m FROM audit_log) t)").Error; err != nil {
			t.Fatal(err)
		}
		if bad, err := db.VerifyAuditChain(context.Background()); err != nil || bad == 0 {
			t.Fatalf("tail deletion not detected (bad=%d, err=%v)", bad, err)
		}
	})
}

// TestAuditAppendsFromTwoPools: two connection pools on one database (two
// replicas) append concurrently; the chain has one entry per seq, 1..n, no
// fork, and verifies. The exclusion is the head row's compare-and-set, not
// a lock held by one pool.
func TestAuditAppendsFromTwoPools(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, driver)
			var pools []*store.DB
			for range 2 {
				db, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				db.SetAuditKey(storetest.AuditKey)
				pools = append(pools, db)
			}
			const each = 25
			var wg sync.WaitGroup
			for p := range pools {
				for i := range each {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := pools[p].AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "race", Object: fmt.Sprint(p, "-", i)}); err != nil {
							t.Error(err)
						}
					}()
				}
			}
			wg.Wait()
			v, err := pools[0].VerifyAudit(ctx, nil)
			if err != nil || !v.OK || v.Entries != 2*each || v.Heads.Entries() != 2*each {
				t.Fatalf("after racing appends: %+v %v", v, err)
			}
			// The periodic check from a point verifies only what follows.
			mid := v.Heads
			appendN(t, pools[1], 3)
			v2, err := pools[0].VerifyAudit(ctx, mid)
			if err != nil || !v2.OK || v2.Entries != 3 || v2.Heads.Entries() != mid.Entries()+3 {
				t.Fatalf("incremental: %+v %v", v2, err)
			}
			// A wrong key verifies nothing.
			pools[0].SetAuditKey([]byte("another key"))
			if v, _ := pools[0].VerifyAudit(ctx, nil); v.OK {
				t.Fatal("the chain verified under another key")
			}
		})
	}
}

// TestAuditUsesNoNodeLocalLock: GET_LOCK holds on one Galera node only, so
// the chain must not depend on it (issue 17: 819 of 3,516 entries forked).
func TestAuditUsesNoNodeLocalLock(t *testing.T) {
	src, err := os.ReadFile("audit.go")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), "GET_LOCK") {
		t.Fatal("audit.go serialises appends with GET_LOCK, a node-local lock")
	}
}

// TestAuditLegacyEntriesJoinTheKeyedChain: entries written before migration
// 5 (no seq, plain SHA-256 links) stay verifiable at the start of segment
// "" (whose head row names the last of them; on SQLite the next keyed
// entries follow them in that segment, on MariaDB they go to the node's
// segment), and editing one of them (recomputing the plain links after it)
// breaks the chain.
func TestAuditLegacyEntriesJoinTheKeyedChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		g := db.Gorm()
		legacy := func(rows []auditRow) string {
			prev := ""
			for _, r := range rows {
				h := sha256.New()
				fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
					prev, r.At.UTC().Format(time.RFC3339Nano), r.Actor, r.Role, r.Action, r.Object, r.IP, r.Details)
				sum := hex.EncodeToString(h.Sum(nil))
				if err := g.Exec("UPDATE audit_log SET prev_hash = ?, hash = ?, actor = ? WHERE id = ?", prev, sum, r.Actor, r.ID).Error; err != nil {
					t.Fatal(err)
				}
				prev = sum
			}
			return prev
		}
		// Three entries as an earlier version wrote them.
		at := time.Date(2020, 2, 1, 8, 0, 0, 0, time.UTC)
		for i := range 3 {
			if err := g.Exec("INSERT INTO audit_log (at, actor, role, action, object, ip, details, prev_hash, hash) VALUES (?, ?, 'admin', 'old', 'x', '', '', '', '')",
				at.Add(time.Duration(i)*time.Minute), fmt.Sprint("old", i)).Error; err != nil {
				t.Fatal(err)
			}
		}
		var rows []auditRow
		g.Table("audit_log").Order("id").Find(&rows)
		last := legacy(rows)
		// What migration 5 does on a log that has entries.
		if err := g.Exec("UPDATE audit_segments SET hash = ? WHERE writer = ''", last).Error; err != nil {
			t.Fatal(err)
		}
		appendN(t, db, 2)
		v, err := db.VerifyAudit(ctx, nil)
		if err != nil || !v.OK || v.Entries != 5 {
			t.Fatalf("legacy + keyed: %+v %v", v, err)
		}
		rows[1].Actor = "mallory"
		legacy(rows)
		if v, _ := db.VerifyAudit(ctx, nil); v.OK {
			t.Fatal("an edited legacy entry went unnoticed")
		}
	})
}
