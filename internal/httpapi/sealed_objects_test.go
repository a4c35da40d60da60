package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/roster"
	"fugong/internal/store"
)

// TestObjectsHoldNoPersonalDataInClear uploads a roster and a plan naming a
// phone, then reads every object the store holds, raw, and finds no ID
// number or phone in them; the owner still downloads its original bytes.
// On SQLite + local store and MariaDB + MinIO. (Before objects were sealed,
// the roster was stored as uploaded and this failed on both.)
func TestObjectsHoldNoPersonalDataInClear(t *testing.T) {
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			a := mustAPI(t, env.driver)
			a.build(blobtest.MustOpen(t, env.backend))
			ent := a.login("ent-guixi")
			r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10))
			var f filingResp
			r.json(t, &f)
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			csv := rosterCSV(10, 0)
			plan := []byte(goodPlan + "\n六、联系人：王经理，电话 13987654321。")
			ids := map[string][]byte{}
			for kind, body := range map[string][]byte{"roster": csv, "plan": plan} {
				up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, kind), fileBody("file", kind+".csv", body))
				if up.status != 201 {
					t.Fatalf("%s upload: %d %s", kind, up.status, up.body)
				}
				var att struct{ ID int64 }
				up.json(t, &att)
				ids[fmt.Sprint(att.ID)] = body
			}
			secrets := []string{"13987654321"}
			for i := 0; i < 10; i++ {
				secrets = append(secrets, roster.MakeIDNumber(i), fmt.Sprintf("138%08d", i))
			}
			objs := allObjects(t, a.blob)
			if len(objs) < 2 {
				t.Fatalf("%d objects stored, want the roster and the plan", len(objs))
			}
			for key, b := range objs {
				for _, sec := range secrets {
					if bytes.Contains(b, []byte(sec)) {
						t.Errorf("object %s holds %s in clear", key, sec)
					}
				}
			}
			// Nor does the database keep a plain hash of either file: only
			// the keyed hash, which is also the object's address.
			for id, body := range ids {
				sum := sha256.Sum256(body)
				var n int64
				a.db.Gorm().Model(&store.Attachment{}).Where("sha256 = ? OR content_hash = ?", hex.EncodeToString(sum[:]), hex.EncodeToString(sum[:])).Count(&n)
				var row store.Attachment
				a.db.Gorm().First(&row, id)
				if n != 0 || row.ContentHash == "" || !strings.HasSuffix(row.ObjectKey, "/"+row.ContentHash) {
					t.Errorf("attachment %s: %d rows hold its plain SHA-256; content hash %q, key %s", id, n, row.ContentHash, row.ObjectKey)
				}
			}
			// The same roster again is stored once (content addressing).
			before := len(allObjects(t, a.blob))
			if up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "again.csv", csv)); up.status != 201 {
				t.Fatalf("second roster upload: %d %s", up.status, up.body)
			}
			if after := len(allObjects(t, a.blob)); after != before {
				t.Errorf("the same file uploaded twice made %d objects, want %d", after, before)
			}
			for id, want := range ids {
				r := a.do(ent, "GET", "/api/v1/attachments/"+id+"/content", nil)
				if r.status != 200 || !bytes.Equal(r.body, want) {
					t.Fatalf("owner download of %s: %d, %d bytes, want the original %d", id, r.status, len(r.body), len(want))
				}
			}
		})
	}
}

// allObjects reads every object in bs as stored.
func allObjects(t *testing.T, bs blob.Store) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	infos, err := bs.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, o := range infos {
		rc, _, err := bs.Get(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[o.Key] = b
	}
	return out
}
