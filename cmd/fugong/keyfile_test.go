package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/config"
)

// TestKeyFileOutsideDataDir: with no FUGONG_DATA_KEY the generated key goes
// to the user's configuration directory, not into the data directory beside
// the database (issue 18 #17: before, it was written to data/data.key); a key
// file left in data/ by an earlier version is still used, with a warning.
func TestKeyFileOutsideDataDir(t *testing.T) {
	conf := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", conf)
	t.Setenv("HOME", conf)
	data := t.TempDir()
	cfg := config.Default()
	cfg.Data.Dir = data
	cfg.Database.DSN = filepath.Join(data, "fugong.db")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := loadKeyring(cfg, log); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "data.key")); err == nil {
		t.Fatal("the key was generated into the data directory")
	}
	want, _ := os.UserConfigDir()
	if _, err := os.Stat(filepath.Join(want, "fugong", "data.key")); err != nil {
		t.Fatalf("no key in the configuration directory: %v", err)
	}
	if strings.Contains(logs.String(), "in the data directory") {
		t.Errorf("warned about a key outside the data directory: %s", logs.String())
	}

	// A legacy key file in data/: used, with a warning.
	legacy := filepath.Join(t.TempDir(), "d")
	os.MkdirAll(legacy, 0o700)
	os.WriteFile(filepath.Join(legacy, "data.key"), []byte("old:"+strings.Repeat("A", 43)+"=\n"), 0o600)
	cfg.Data.Dir = legacy
	logs.Reset()
	kr, err := loadKeyring(cfg, log)
	if err != nil || kr.CurrentKeyID() != "old" {
		t.Fatalf("legacy key not used: %v", err)
	}
	if !strings.Contains(logs.String(), "in the data directory") {
		t.Errorf("no warning for a key beside the data: %s", logs.String())
	}
}
