package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/filing"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestObjectsReencrypt: a plaintext roster object left by an earlier version
// is sealed by `fugong objects reencrypt` (row repointed, plaintext gone;
// the row's plain SHA-256 replaced by the keyed hash, its encrypted roster
// rows re-bound to it, so the database cannot confirm a guessed file);
// after a key rotation the command re-seals its data key, and the old key
// can then be dropped. On SQLite + local store and MariaDB + MinIO.
func TestObjectsReencrypt(t *testing.T) {
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			ctx := context.Background()
			dbcfg := storetest.Config(t, env.driver)
			vars := map[string]string{"FUGONG_DATABASE_DRIVER": env.driver, "FUGONG_DATABASE_DSN": dbcfg.DSN,
				"FUGONG_DATA_DIR": filepath.Join(t.TempDir(), "data")}
			var raw blob.Store
			if env.backend == "local" {
				root := t.TempDir()
				vars["FUGONG_BLOB_LOCAL_ROOT"] = root
				raw, _ = blob.NewLocal(root)
			} else {
				m := blobtest.MinIOConfig(t)
				vars["FUGONG_BLOB_BACKEND"], vars["FUGONG_MINIO_ENDPOINT"] = "minio", m.Endpoint
				vars["FUGONG_MINIO_ACCESS_KEY"], vars["FUGONG_MINIO_SECRET_KEY"], vars["FUGONG_MINIO_BUCKET"] = m.AccessKey, m.SecretKey, m.Bucket
				mc, err := blob.NewMinIO(m)
				if err != nil {
					t.Fatal(err)
				}
				if err := mc.Ping(ctx); err != nil {
					t.Fatal(err)
				}
				raw = mc
			}
			k1, k2 := pii.GenerateKey(), pii.GenerateKey()
			vars["FUGONG_DATA_KEY"] = k1

			db, err := store.Open(ctx, dbcfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpsertEnterprises(ctx, []store.Enterprise{{CreditCode: registry.MakeCreditCode(1), Name: "甲", Sector: "industrial",
				Zone: "south", Street: "guixi", Supervised: true}}, false); err != nil {
				t.Fatal(err)
			}
			ent, _ := db.EnterpriseByCode(ctx, registry.MakeCreditCode(1))
			f := &store.Filing{EnterpriseID: ent.ID, Street: ent.Street, Sector: ent.Sector, Status: store.StatusDraft, Version: 1, CreatedBy: 1}
			if err := db.CreateFiling(ctx, f); err != nil {
				t.Fatal(err)
			}
			body := []byte("姓名,身份证号,手机号\n张三,510104199001011234,13812345678\n")
			sum := sha256.Sum256(body)
			sha := hex.EncodeToString(sum[:])
			if _, err := raw.Put(ctx, filing.ObjectKey(sha), bytes.NewReader(body), int64(len(body)), "text/csv"); err != nil {
				t.Fatal(err)
			}
			att := &store.Attachment{FilingID: f.ID, EnterpriseID: ent.ID, Kind: "roster", Filename: "r.csv", Size: int64(len(body)),
				SHA256: sha, ContentType: "text/csv", ObjectKey: filing.ObjectKey(sha), CreatedBy: 1, CreatedAt: time.Now()}
			ring1, _ := pii.ParseKeyring(k1)
			rowData := []byte(`{"name":"张三","id_number":"510104199001011234","phone":"13812345678"}`)
			enc, err := ring1.Encrypt(rowData, []byte("roster:"+sha)) // as earlier versions bound rows
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateAttachment(ctx, att, []store.RosterEntry{{RowNumber: 2, Data: enc}}); err != nil {
				t.Fatal(err)
			}

			code, out, errOut := runWith(vars, "objects", "reencrypt")
			if code != 0 || !strings.Contains(out, "1 plaintext objects sealed") {
				t.Fatalf("reencrypt: exit %d %q %q", code, out, errOut)
			}
			objs, _ := raw.List(ctx, "")
			if len(objs) != 1 || !strings.HasPrefix(objs[0].Key, "obj/") {
				t.Fatalf("objects after reencrypt: %+v", objs)
			}
			stored := readObject(t, raw, objs[0].Key)
			if bytes.Contains(stored, []byte("510104199001011234")) || bytes.Contains(stored, []byte("13812345678")) {
				t.Fatal("personal data in clear after reencrypt")
			}
			var row store.Attachment
			db.Gorm().First(&row, att.ID)
			if row.ObjectKey != objs[0].Key {
				t.Fatalf("row points at %s, object is %s", row.ObjectKey, objs[0].Key)
			}
			if !strings.Contains(out, "1 attachments' plain SHA-256 replaced") || row.SHA256 != "" || row.ContentHash == "" ||
				!strings.HasSuffix(row.ObjectKey, "/"+row.ContentHash) {
				t.Fatalf("after reencrypt: sha256 %q, content hash %q, key %s (%q)", row.SHA256, row.ContentHash, row.ObjectKey, out)
			}
			entries, err := db.RosterEntries(ctx, att.ID)
			if err != nil || len(entries) != 1 {
				t.Fatalf("entries: %v %d", err, len(entries))
			}
			if plain, err := ring1.Decrypt(entries[0].Data, []byte("roster:hmac:"+row.ContentHash)); err != nil || !bytes.Equal(plain, rowData) {
				t.Fatalf("roster row not re-bound to the keyed hash: %v", err)
			}
			if n := countPlainHash(t, db, sha); n != 0 {
				t.Fatalf("the plain SHA-256 of the file is still in %d columns", n)
			}

			// Rotate: a new current key, the old one kept to read.
			vars["FUGONG_DATA_KEY"] = "new:" + k2 + ",0:" + k1
			if code, out, errOut := runWith(vars, "objects", "reencrypt"); code != 0 || !strings.Contains(out, "1 re-sealed") {
				t.Fatalf("after rotation: exit %d %q %q", code, out, errOut)
			}
			if code, out, _ := runWith(vars, "objects", "reencrypt"); code != 0 || !strings.Contains(out, "0 re-sealed from older keys, 1 already current") {
				t.Fatalf("rerun: exit %d %q", code, out)
			}
			onlyNew, _ := pii.ParseKeyring("new:" + k2)
			if got := readObject(t, blob.NewSealed(raw, onlyNew), row.ObjectKey); !bytes.Equal(got, body) {
				t.Fatalf("with only the new key: %q", got)
			}
		})
	}
}

func readObject(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, _, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countPlainHash counts the attachment and evidence rows holding sha in
// any hash column.
func countPlainHash(t *testing.T, db *store.DB, sha string) int64 {
	t.Helper()
	var n, m int64
	db.Gorm().Model(&store.Attachment{}).Where("sha256 = ? OR content_hash = ?", sha, sha).Count(&n)
	db.Gorm().Model(&store.ProblemFile{}).Where("sha256 = ? OR content_hash = ?", sha, sha).Count(&m)
	return n + m
}
