package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/dedup"
	"fugong/internal/dedup/plangen"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// runWith runs the CLI with env as the whole environment.
func runWith(env map[string]string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestPlansUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db")}
	file := filepath.Join(dir, "t.txt")
	if err := os.WriteFile(file, []byte("一、组织领导\n成立领导小组。"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no subcommand", []string{"plans"}, 2, "usage: fugong plans"},
		{"unknown subcommand", []string{"plans", "purge"}, 2, "usage: fugong plans"},
		{"template without add", []string{"plans", "template"}, 2, "usage: fugong plans"},
		{"no name", []string{"plans", "template", "add", file}, 2, "--name"},
		{"blank name", []string{"plans", "template", "add", "--name", "  ", file}, 2, "--name"},
		{"no file", []string{"plans", "template", "add", "--name", "模板"}, 2, "FILE"},
		{"two files", []string{"plans", "template", "add", "--name", "模板", file, file}, 2, "FILE"},
		{"unknown flag", []string{"plans", "refresh", "--force"}, 2, "force"},
		{"missing file", []string{"plans", "template", "add", "--name", "模板", filepath.Join(dir, "none.txt")}, 1, "none.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runWith(env, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}

// TestPlansTemplateAddAndRefresh drives both commands against a real
// database of each driver and checks their effect through a dedup index on
// the same database.
func TestPlansTemplateAddAndRefresh(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.Config(t, driver)
			env := map[string]string{"FUGONG_DATABASE_DRIVER": driver, "FUGONG_DATABASE_DSN": cfg.DSN, "LANG": "en_US.UTF-8"}
			dir := t.TempDir()

			// A template file; the flags may follow it.
			tmplFile := filepath.Join(dir, "模板.txt")
			if err := os.WriteFile(tmplFile, []byte(plangen.OfficialTemplate()), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runWith(env, "plans", "template", "add", tmplFile, "--name", "高新区模板")
			if code != 0 || !strings.Contains(out, "added template") || !strings.Contains(out, "reindexed 0 plans") {
				t.Fatalf("template add: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			bad := filepath.Join(dir, "x.png")
			os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o600)
			if code, _, errOut := runWith(env, "plans", "template", "add", "--name", "图片", bad); code != 1 || !strings.Contains(errOut, "x.png") {
				t.Errorf("an image as template: exit %d, stderr %q; want 1 naming the file", code, errOut)
			}

			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}

			db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
			defer db.Close()
			x, err := dedup.New(db, dedup.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ts, err := x.ListTemplates(ctx)
			if err != nil || len(ts) != 1 || ts[0].Name != "高新区模板" ||
				string(dedup.Normalize(ts[0].Text).Runes) != string(dedup.Normalize(plangen.OfficialTemplate()).Runes) {
				t.Fatalf("templates after add: %d, %v", len(ts), err)
			}

			// 40 plans share unregistered common text: after a refresh it is
			// boilerplate and no longer matches.
			g := plangen.NewGenerator(9)
			common := g.Plan("某公司", false, 2000, 2000).Text()
			docs := make([]dedup.PlanDoc, 40)
			for i := range docs {
				id := int64(i + 1)
				docs[i] = dedup.PlanDoc{RevisionID: id, FilingID: id, EnterpriseID: id, Text: common + g.Plan("公司", false, 300, 300).Text()}
			}
			if err := x.AddBatch(ctx, docs); err != nil {
				t.Fatal(err)
			}
			query := common + g.Plan("公司", false, 300, 300).Text()
			if ms, err := x.Query(ctx, query, 99); err != nil || len(ms) != len(docs) {
				t.Fatalf("before refresh the common text matched %d plans (%v), want %d (test premise)", len(ms), err, len(docs))
			}
			code, out, errOut = runWith(env, "plans", "refresh")
			if code != 0 || !strings.Contains(out, "frequent boilerplate") || !strings.Contains(out, "reindexed 40 plans") {
				t.Fatalf("refresh: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if strings.Contains(out, "frequent boilerplate: 0 shingles") {
				t.Errorf("refresh found no frequent shingles: %q", out)
			}
			if ms, err := x.Query(ctx, query, 99); err != nil || len(ms) != 0 {
				t.Errorf("after refresh the common text matched %d plans (%v), want none", len(ms), err)
			}
		})
	}
}
