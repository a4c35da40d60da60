package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionAndQuietProbes: `fugong version` and GET /api/v1/version give
// the same version, and probe hits (/healthz, /metrics) stay out of the info
// log while ordinary requests are logged.
func TestVersionAndQuietProbes(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, io.Discard, func(string) string { return "" }); code != 0 {
		t.Fatalf("fugong version: exit %d", code)
	}
	cli, ok := strings.CutPrefix(strings.TrimSpace(out.String()), "fugong ")
	if !ok || cli == "" {
		t.Fatalf("fugong version printed %q, want \"fugong <version>\"", out.String())
	}

	dir := t.TempDir()
	base, logs, _ := serveInProcess(t, map[string]string{
		"FUGONG_DATABASE_DSN": filepath.Join(dir, "data", "fugong.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "uploads"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	code, body := get(base + "/api/v1/version")
	var v struct{ Name, Version string }
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/version: %d %s (%v)", code, body, err)
	}
	if v.Name != "fugong" || v.Version != cli {
		t.Fatalf("GET /api/v1/version = %+v; `fugong version` says %q", v, cli)
	}
	for _, p := range []string{"/healthz", "/metrics"} {
		if code, _ := get(base + p); code != 200 {
			t.Fatalf("GET %s: %d", p, code)
		}
	}
	// Each request's line is written before its answer is sent, so by now
	// every line is in.
	if !strings.Contains(logs.String(), "route=/api/v1/version") {
		t.Fatalf("the version request was not logged:\n%s", logs.String())
	}
	for _, probe := range []string{"route=/healthz", "route=/metrics"} {
		if strings.Contains(logs.String(), probe) {
			t.Errorf("%s logged at the default (info) level:\n%s", probe, logs.String())
		}
	}
}
