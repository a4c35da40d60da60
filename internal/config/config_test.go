package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != ":8080" || c.Database.Driver != "sqlite" || c.Database.DSN != "data/fugong.db" ||
		c.Blob.Backend != "local" || c.Blob.LocalRoot != "uploads" || c.Rules.Dir != "rules" {
		t.Fatalf("defaults differ from docs/design.md §6: %+v", c)
	}
}

func TestEnvOverridesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f.yaml")
	os.WriteFile(path, []byte("http:\n  addr: \":9000\"\ndatabase:\n  max_open_conns: 7\n  max_idle_conns: 3\n"), 0o600)
	c, err := Load(path, env(map[string]string{
		"FUGONG_HTTP_ADDR": ":9100", "FUGONG_BLOB_BACKEND": "minio", "FUGONG_MINIO_ENDPOINT": "127.0.0.1:9000",
		"FUGONG_MINIO_ACCESS_KEY": "a", "FUGONG_MINIO_SECRET_KEY": "b", "FUGONG_MINIO_SECURE": "true",
		"FUGONG_DATABASE_CONN_MAX_LIFETIME": "5m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != ":9100" {
		t.Errorf("env must win over file: addr %q", c.HTTP.Addr)
	}
	if c.Database.MaxOpenConns != 7 {
		t.Errorf("file value lost: %d", c.Database.MaxOpenConns)
	}
	if c.Database.MaxIdleConns != 3 {
		t.Errorf("unexpected idle %d", c.Database.MaxIdleConns)
	}
	if !c.MinIO.Secure || c.Blob.Backend != "minio" || c.Database.ConnMaxLifetime != 5*time.Minute {
		t.Errorf("env not applied: %+v", c)
	}
}

func TestBadConfigNamesTheSetting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("http:\n  adr: \":1\"\n"), 0o600)
	cases := []struct {
		name string
		path string
		env  map[string]string
		want string
	}{
		{"driver", "", map[string]string{"FUGONG_DATABASE_DRIVER": "postgres"}, "database.driver"},
		{"backend", "", map[string]string{"FUGONG_BLOB_BACKEND": "s3"}, "blob.backend"},
		{"minio endpoint", "", map[string]string{"FUGONG_BLOB_BACKEND": "minio"}, "minio.endpoint"},
		{"minio scheme", "", map[string]string{"FUGONG_BLOB_BACKEND": "minio", "FUGONG_MINIO_ENDPOINT": "http://x:9000"}, "minio.endpoint"},
		{"bad bool", "", map[string]string{"FUGONG_MINIO_SECURE": "yes please"}, "FUGONG_MINIO_SECURE"},
		{"bad number", "", map[string]string{"FUGONG_DATABASE_MAX_OPEN_CONNS": "ten"}, "FUGONG_DATABASE_MAX_OPEN_CONNS"},
		{"bad log", "", map[string]string{"FUGONG_LOG_FORMAT": "xml"}, "log.format"},
		{"unknown key", typo, nil, "adr"},
		{"missing file", filepath.Join(dir, "nope.yaml"), nil, "nope.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path, env(tc.env))
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q should be one line naming %q", err, tc.want)
			}
		})
	}
}

// TestEveryEnvVarDocumented keeps configs/fugong.yaml the one place operators read.
func TestEveryEnvVarDocumented(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../configs/fugong.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range EnvNames() {
		if !strings.Contains(string(b), name) {
			t.Errorf("%s is read but not documented in configs/fugong.yaml", name)
		}
	}
}
