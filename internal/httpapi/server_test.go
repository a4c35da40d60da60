package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"fugong/frontend"
	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/config"
	"fugong/internal/httpapi"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// testServer is a server on a real SQLite database and local object store.
type testServer struct {
	srv    *httpapi.Server
	db     *store.DB
	blob   blob.Store
	logBuf *bytes.Buffer
}

func mustServer(t *testing.T, mutate func(*config.Config)) *testServer {
	t.Helper()
	cfg := config.Default()
	if mutate != nil {
		mutate(&cfg)
	}
	db := storetest.MustOpen(t, "sqlite")
	bs := blobtest.MustOpen(t, "local")
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	srv := httpapi.New(httpapi.Deps{Config: cfg, Log: log, DB: db, Blob: bs, Frontend: frontend.FS()})
	return &testServer{srv: srv, db: db, blob: bs, logBuf: &logBuf}
}

type errorShape struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func do(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, func(c *config.Config) { c.HTTP.BodyLimitMB = 1; c.Uploads.PlanMaxMB = 0; c.Uploads.RosterMaxMB = 0 })
	cases := []struct {
		name       string
		method     string
		path       string
		body       io.Reader
		wantStatus int
		wantCode   string // error code in the JSON error shape, if any
		wantInBody string
	}{
		{"healthz", "GET", "/healthz", nil, 200, "", `"ok"`},
		{"readyz", "GET", "/readyz", nil, 200, "", `"database":"ok"`},
		{"metrics", "GET", "/metrics", nil, 200, "", "go_goroutines"},
		{"ui index", "GET", "/", nil, 200, "", "复工备案"},
		{"ui client route", "GET", "/filings/12", nil, 200, "", "复工备案"},
		{"unknown api route", "GET", "/api/v1/no-such-thing", nil, 404, "not_found", ""},
		{"method not allowed", "DELETE", "/healthz", nil, 405, "method_not_allowed", ""},
		{"body too large", "POST", "/api/v1/version", bytes.NewReader(make([]byte, 2<<20)), 413, "too_large", ""},
		{"version", "GET", "/api/v1/version", nil, 200, "", `"fugong"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, tc.body)
			resp, body := do(t, ts.srv.App(), req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.wantStatus, body)
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if tc.wantCode != "" {
				var e errorShape
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tc.wantCode || e.Error.Message == "" {
					t.Fatalf("error shape: %s (want code %s)", body, tc.wantCode)
				}
			}
			if tc.wantInBody != "" && !strings.Contains(string(body), tc.wantInBody) {
				t.Fatalf("body lacks %q: %.300s", tc.wantInBody, body)
			}
		})
	}
}

func TestRequestIDPropagatesToLogs(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	// Not a probe: /healthz and /metrics log at debug, below the test's level.
	req := httptest.NewRequest("GET", "/api/v1/version", nil)
	req.Header.Set("X-Request-Id", "lb-abcdef123456")
	resp, _ := do(t, ts.srv.App(), req)
	if got := resp.Header.Get("X-Request-Id"); got != "lb-abcdef123456" {
		t.Fatalf("request id %q not echoed", got)
	}
	if !strings.Contains(ts.logBuf.String(), `"request_id":"lb-abcdef123456"`) {
		t.Fatalf("log line lacks the request id: %s", ts.logBuf.String())
	}
	req = httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-Id", "bad id with spaces\n")
	resp, _ = do(t, ts.srv.App(), req)
	if got := resp.Header.Get("X-Request-Id"); strings.Contains(got, " ") || len(got) != 24 {
		t.Fatalf("unsafe incoming id kept: %q", got)
	}
}

func TestPanicIsInternalErrorWithoutDetails(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	var logBuf bytes.Buffer
	srv := httpapi.New(httpapi.Deps{Config: cfg, Log: slog.New(slog.NewJSONHandler(&logBuf, nil))})
	srv.App().Get("/boom", func(c *fiber.Ctx) error { panic("secret detail 510101199001011234") })
	resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/boom", nil))
	if resp.StatusCode != 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var e errorShape
	json.Unmarshal(body, &e)
	if e.Error.Code != "internal" || strings.Contains(string(body), "secret") {
		t.Fatalf("panic leaked or wrong shape: %s", body)
	}
	if !strings.Contains(logBuf.String(), `"msg":"panic"`) {
		t.Fatalf("panic not logged: %s", logBuf.String())
	}
}

func TestReadyzNamesFailingPart(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	// Break the object store for real: remove its root.
	root := t.TempDir()
	local, err := blob.NewLocal(filepath.Join(root, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(root, "objects"))
	srv := httpapi.New(httpapi.Deps{Config: config.Default(), DB: ts.db, Blob: local})
	resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil))
	if resp.StatusCode != 503 || !strings.Contains(string(body), `"object_store":"unavailable"`) || !strings.Contains(string(body), `"database":"ok"`) {
		t.Fatalf("object store down: %d %s", resp.StatusCode, body)
	}
	// And the database: close it.
	ts.db.Close()
	srv = httpapi.New(httpapi.Deps{Config: config.Default(), DB: ts.db, Blob: ts.blob})
	resp, body = do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil))
	if resp.StatusCode != 503 || !strings.Contains(string(body), `"database":"unavailable"`) {
		t.Fatalf("database down: %d %s", resp.StatusCode, body)
	}
	_ = context.Background()
}

func TestMetricsCountRoutes(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	for i := 0; i < 3; i++ {
		do(t, ts.srv.App(), httptest.NewRequest("GET", "/healthz", nil))
	}
	_, body := do(t, ts.srv.App(), httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(string(body), `fugong_http_requests_total{method="GET",route="/healthz",status="200"} 3`) {
		t.Fatalf("metrics lack the healthz count:\n%s", grep(string(body), "fugong_http_requests_total"))
	}
	if !strings.Contains(string(body), "fugong_http_request_duration_seconds_bucket") {
		t.Fatal("no latency histogram")
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
