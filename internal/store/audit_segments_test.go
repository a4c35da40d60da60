package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var writers = []string{"node-a", "node-b", "node-c"}

// openWriters opens one connection pool per writer on the database of
// cfg, as replicas on different Galera nodes would be (on one server the
// writer names stand in for the nodes).
func openWriters(t *testing.T, cfg config.Database, names []string) []*store.DB {
	t.Helper()
	ctx := context.Background()
	var pools []*store.DB
	for _, name := range names {
		db, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db.SetAuditKey(storetest.AuditKey)
		db.SetAuditWriter(name)
		pools = append(pools, db)
	}
	return pools
}

// appendInterleaved appends n entries per writer, round robin, so that row
// ids interleave across the segments as they do across Galera nodes.
func appendInterleaved(t *testing.T, pools []*store.DB, n int) {
	t.Helper()
	for i := range n {
		for p, db := range pools {
			if err := db.AppendAudit(context.Background(), &store.AuditEntry{Actor: "u", Role: "admin", Action: "test", Object: fmt.Sprintf("%d-%d", p, i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestAuditSegmentsConcurrentWriters: three writers append concurrently,
// each from its own pool; every writer gets its own segment with seq 1..n,
// no entry is lost or forked, and the log verifies as three interleaved
// chains, also incrementally from a position.
func TestAuditSegmentsConcurrentWriters(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			pools := openWriters(t, storetest.Config(t, driver), writers)
			const each = 20
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
			if err != nil || !v.OK || v.Entries != 3*each {
				t.Fatalf("after concurrent appends: %+v %v", v, err)
			}
			for _, w := range writers {
				if h, ok := v.Heads.Point(w); !ok || h.Seq != each {
					t.Fatalf("segment %s: head %+v (present %v), want seq %d; heads %+v", w, h, ok, each, v.Heads)
				}
			}
			// Every entry sits in the segment of the pool that wrote it.
			rows, _, err := pools[0].ListAudit(ctx, store.AuditFilter{Page: store.NormalPage(1, 100)})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range rows {
				if p := strings.SplitN(e.Object, "-", 2)[0]; e.Writer != writers[p[0]-'0'] {
					t.Fatalf("entry %s in segment %q", e.Object, e.Writer)
				}
			}
			mid := v.Heads
			appendInterleaved(t, pools[1:], 2)
			v2, err := pools[2].VerifyAudit(ctx, mid)
			if err != nil || !v2.OK || v2.Entries != 4 || v2.Heads.Entries() != mid.Entries()+4 {
				t.Fatalf("incremental: %+v %v", v2, err)
			}
		})
	}
}

// TestAuditSegmentTampering: with three interleaved segments, each way of
// rewriting the log with database access but without the key is found by
// VerifyAudit: an edited entry, an entry deleted inside a segment, two
// entries of a segment reordered, an entry moved to another segment, a
// whole segment renamed with its head row (every link holds; the MAC
// covers the writer), a
// segment's tail cut, a head row removed (its entries orphaned), a head row
// moved. The one rewrite the database alone cannot show — a tail cut with
// its head moved back, or a whole segment removed with its head row — is
// what the signed checkpoints are for (internal/audit).
func TestAuditSegmentTampering(t *testing.T) {
	tampers := []struct {
		name string
		sql  []string // run in order; %s is the middle segment's writer
	}{
		{"edited entry", []string{"UPDATE audit_log SET actor = 'mallory' WHERE writer = '%s' AND seq = 2"}},
		{"deleted entry", []string{"DELETE FROM audit_log WHERE writer = '%s' AND seq = 2"}},
		{"reordered entries", []string{
			"UPDATE audit_log SET seq = -2 WHERE writer = '%s' AND seq = 2",
			"UPDATE audit_log SET seq = 2 WHERE writer = '%s' AND seq = 3",
			"UPDATE audit_log SET seq = 3 WHERE writer = '%s' AND seq = -2"}},
		{"entry moved to another segment", []string{
			"UPDATE audit_log SET writer = 'node-c', seq = 5 WHERE writer = '%s' AND seq = 4",
			"UPDATE audit_segments SET seq = 5, hash = (SELECT hash FROM (SELECT hash FROM audit_log WHERE writer = 'node-c' AND seq = 5) t) WHERE writer = 'node-c'",
			"UPDATE audit_segments SET seq = 3, hash = (SELECT hash FROM (SELECT hash FROM audit_log WHERE writer = '%s' AND seq = 3) t) WHERE writer = '%s'"}},
		{"segment renamed (links intact: the MAC covers the writer)", []string{
			"UPDATE audit_log SET writer = 'node-x' WHERE writer = '%s'",
			"UPDATE audit_segments SET writer = 'node-x' WHERE writer = '%s'"}},
		{"tail cut", []string{"DELETE FROM audit_log WHERE writer = '%s' AND seq > 2"}},
		{"head row removed", []string{"DELETE FROM audit_segments WHERE writer = '%s'"}},
		{"head row moved", []string{"UPDATE audit_segments SET hash = (SELECT hash FROM (SELECT hash FROM audit_log WHERE writer = '%s' AND seq = 3) t) WHERE writer = '%s'"}},
	}
	for _, driver := range storetest.Drivers {
		for _, tc := range tampers {
			t.Run(driver+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				pools := openWriters(t, storetest.Config(t, driver), writers)
				appendInterleaved(t, pools, 4)
				if v, err := pools[0].VerifyAudit(ctx, nil); err != nil || !v.OK || v.Entries != 12 {
					t.Fatalf("before: %+v %v", v, err)
				}
				g := pools[0].Gorm()
				for _, q := range tc.sql {
					if err := g.Exec(strings.ReplaceAll(q, "%s", "node-b")).Error; err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				v, err := pools[0].VerifyAudit(ctx, nil)
				if err != nil || v.OK {
					t.Fatalf("%s went unnoticed: %+v %v", tc.name, v, err)
				}
				t.Logf("%s: %s (entry id %d)", tc.name, v.Reason, v.BrokenID)
			})
		}
	}
}

// TestAuditSegmentsOfOneNode: replicas that do not name their writer use
// the database node's identity, so two pools on one server share one
// segment, serialised by its head row (on SQLite, segment "").
func TestAuditSegmentsOfOneNode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 3)
		v, err := db.VerifyAudit(ctx, nil)
		if err != nil || !v.OK {
			t.Fatalf("%+v %v", v, err)
		}
		var withEntries []store.AuditPoint
		for _, h := range v.Heads {
			if h.Seq > 0 {
				withEntries = append(withEntries, h)
			}
		}
		if len(withEntries) != 1 || withEntries[0].Seq != 3 {
			t.Fatalf("segments with entries: %+v", withEntries)
		}
		w := withEntries[0].Writer
		if (db.Driver() == "sqlite") != (w == "") || (db.Driver() == "mysql" && !strings.Contains(w, ":")) {
			t.Fatalf("%s writes to segment %q", db.Driver(), w)
		}
	})
}

// TestAuditSegmentsKeepTheSingleChain: a log written before segments —
// legacy SHA-256 entries, then keyed entries appended through the one head
// row of migration 8, as on a multi-writer cluster whose row ids
// interleave with seq — becomes segment "" in migration 12 and verifies
// unchanged; writers then append their own segments beside it, and an edit
// of the old chain is still found.
func TestAuditSegmentsKeepTheSingleChain(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, driver)
			old, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			if err := old.MigrateBefore(ctx, 12); err != nil {
				t.Fatal(err)
			}
			g := old.Gorm()
			// Two legacy entries, then four keyed ones whose row ids do not
			// follow their seq (ids 10, 8, 12, 9: two nodes' auto-increments).
			prev := ""
			at := time.Date(2020, 2, 1, 8, 0, 0, 0, time.UTC)
			for i := range 2 {
				r := auditRow{At: at.Add(time.Duration(i) * time.Minute), Actor: fmt.Sprint("old", i), Role: "admin", Action: "old", Object: "x"}
				h := sha256.New()
				fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", prev, r.At.UTC().Format(time.RFC3339Nano), r.Actor, r.Role, r.Action, r.Object, r.IP, r.Details)
				sum := hex.EncodeToString(h.Sum(nil))
				if err := g.Exec("INSERT INTO audit_log (id, at, actor, role, action, object, ip, details, prev_hash, hash) VALUES (?, ?, ?, 'admin', 'old', 'x', '', '', ?, ?)",
					i+1, r.At, r.Actor, prev, sum).Error; err != nil {
					t.Fatal(err)
				}
				prev = sum
			}
			ids := []int64{10, 8, 12, 9}
			for i, id := range ids {
				seq := int64(i + 1)
				e := &store.AuditEntry{Seq: &seq, At: at.Add(time.Hour + time.Duration(i)*time.Minute), Actor: "keyed", Role: "admin", Action: "v2", Object: fmt.Sprint(seq), PrevHash: prev}
				e.Hash = store.AuditMAC(e, storetest.AuditKey)
				if err := g.Exec("INSERT INTO audit_log (id, seq, at, actor, role, action, object, ip, peer, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', ?, ?)",
					id, seq, e.At, e.Actor, e.Role, e.Action, e.Object, e.PrevHash, e.Hash).Error; err != nil {
					t.Fatal(err)
				}
				prev = e.Hash
			}
			if err := g.Exec("UPDATE audit_head SET seq = 4, hash = ? WHERE id = 1", prev).Error; err != nil {
				t.Fatal(err)
			}

			// The new release migrates and verifies.
			pools := openWriters(t, cfg, writers[:2])
			v, err := pools[0].VerifyAudit(ctx, nil)
			if err != nil || !v.OK || v.Entries != 6 {
				t.Fatalf("the single chain after migration 12: %+v %v", v, err)
			}
			if h, ok := v.Heads.Point(""); !ok || h.Seq != 4 || h.Hash != prev {
				t.Fatalf("segment \"\": %+v (present %v)", h, ok)
			}
			appendInterleaved(t, pools, 3)
			v, err = pools[1].VerifyAudit(ctx, nil)
			if err != nil || !v.OK || v.Entries != 12 || len(v.Heads) != 3 {
				t.Fatalf("with two writers beside it: %+v %v", v, err)
			}
			if err := g.Exec("UPDATE audit_log SET details = 'x' WHERE seq = 2 AND writer = ''").Error; err != nil {
				t.Fatal(err)
			}
			if v, err := pools[1].VerifyAudit(ctx, nil); err != nil || v.OK || v.BrokenID != 8 {
				t.Fatalf("an edited entry of the old chain: %+v %v", v, err)
			}
		})
	}
}

// TestAuditNodeWriterOneLookup: with no SetAuditWriter on MariaDB, appends
// go to the segment of the node they run on, and the node's name is asked
// for once (its first append), not on every append: later appends find
// the segment inside their locking read.
func TestAuditNodeWriterOneLookup(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Config(t, "mysql"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey)
	lookups := store.CountStatements(db, "SELECT LEFT(CONCAT(@@hostname")
	const n = 5
	for i := range n {
		if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := lookups.Load(); got != 1 {
		t.Errorf("%d node-name lookups for %d appends; want 1 (the segment's first)", got, n)
	}
	v, err := db.VerifyAudit(ctx, nil)
	if err != nil || !v.OK || v.Entries != n {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	var node string
	var port int
	if err := db.Gorm().Raw("SELECT @@hostname, @@port").Row().Scan(&node, &port); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s:%d", node, port)
	if h, ok := v.Heads.Point(want); !ok || h.Seq != n {
		t.Errorf("heads %+v; want segment %q at seq %d", v.Heads, want, n)
	}
}
