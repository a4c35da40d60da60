package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fugong/internal/registry"
	"fugong/internal/store/storetest"
	"fugong/internal/testenv"
)

// syncBuffer is a bytes.Buffer safe for the server's log writer and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serveInProcess runs `fugong serve` with env until the test ends.
func serveInProcess(t *testing.T, env map[string]string) (base string, logs *syncBuffer, stop func() int) {
	t.Helper()
	port := freePort(t)
	env["FUGONG_HTTP_ADDR"] = fmt.Sprintf("127.0.0.1:%d", port)
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, io.Discard, logs, func(k string) string { return env[k] }) }()
	base = fmt.Sprintf("http://127.0.0.1:%d", port)
	// A bound for a start that hangs, not a timing check: on a loaded
	// machine migrating a fresh database alone can take seconds.
	waitStatus(t, base+"/healthz", 200, 60*time.Second)
	var once sync.Once
	code := 0
	stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

func get(url string) (int, string) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitStatus(t *testing.T, url string, want int, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	var code int
	var body string
	for time.Now().Before(deadline) {
		if code, body = get(url); code == want {
			return body
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: status %d (%s), want %d within %s", url, code, body, want, within)
	return ""
}

func TestServeEmbeddedDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, logs, stop := serveInProcess(t, map[string]string{
		"FUGONG_DATABASE_DSN": filepath.Join(dir, "data", "fugong.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "uploads"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	body := waitStatus(t, base+"/readyz", 200, 5*time.Second)
	if !strings.Contains(body, `"object_store":"ok"`) {
		t.Fatalf("readyz: %s", body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("graceful stop exit code %d; logs:\n%s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "draining in-flight requests") || !strings.Contains(logs.String(), "msg=stopped") {
		t.Fatalf("no graceful shutdown in logs:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "fugong.db")); err != nil {
		t.Fatalf("database not created under data/: %v", err)
	}
}

// startMinIO runs a private MinIO server (so killing it cannot disturb other
// tests) and returns its endpoint and a function that stops it by pid.
func startMinIO(t *testing.T, dataDir string, port int) (endpoint string, kill func()) {
	t.Helper()
	bin := testenv.Require(t, "FUGONG_TEST_MINIO_BIN", "MinIO binary")
	endpoint = fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin, "server", dataDir, "--quiet", "--address", endpoint, "--console-address", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER=fugongtest", "MINIO_ROOT_PASSWORD=fugongtest-secret-key", "MINIO_BROWSER=off")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill = func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
		})
	}
	t.Cleanup(kill)
	waitStatus(t, "http://"+endpoint+"/minio/health/ready", 200, 30*time.Second)
	return endpoint, kill
}

func TestServeMySQLAndMinIOReadiness(t *testing.T) {
	t.Parallel()
	dbcfg := storetest.MigratedConfig(t, "mysql")
	minioData := t.TempDir()
	minioPort := freePort(t)
	endpoint, kill := startMinIO(t, minioData, minioPort)
	dir := t.TempDir()
	base, logs, _ := serveInProcess(t, map[string]string{
		"FUGONG_DATABASE_DRIVER": "mysql", "FUGONG_DATABASE_DSN": dbcfg.DSN,
		"FUGONG_BLOB_BACKEND": "minio", "FUGONG_MINIO_ENDPOINT": endpoint, "FUGONG_MINIO_ACCESS_KEY": "fugongtest",
		"FUGONG_MINIO_SECRET_KEY": "fugongtest-secret-key", "FUGONG_MINIO_BUCKET": "readiness",
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	waitStatus(t, base+"/readyz", 200, 10*time.Second)

	kill() // SIGKILL our own MinIO
	body := waitStatus(t, base+"/readyz", 503, 10*time.Second)
	if !strings.Contains(body, `"object_store":"unavailable"`) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("readyz with MinIO down should name the object store only: %s", body)
	}

	startMinIO(t, minioData, minioPort) // same data, same port: no fugong restart
	body = waitStatus(t, base+"/readyz", 200, 15*time.Second)
	if !strings.Contains(body, `"object_store":"ok"`) {
		t.Fatalf("readyz after MinIO restart: %s", body)
	}
	if strings.Contains(logs.String(), "fugongtest-secret-key") {
		t.Fatal("the MinIO secret reached the logs")
	}
}

func TestBadConfigStopsStartup(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, io.Discard, &stderr, func(k string) string {
		return map[string]string{"FUGONG_DATABASE_DRIVER": "oracle"}[k]
	})
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if code == 0 || len(lines) != 1 || !strings.Contains(lines[0], "database.driver") {
		t.Fatalf("exit %d, stderr %q: want one line naming database.driver", code, stderr.String())
	}
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db")}
	getenv := func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"user", "create", "--role", "park_manager", "--username", "manager1", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code != 0 || !strings.Contains(out.String(), "created user manager1") {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	errb.Reset()
	code = run(context.Background(), []string{"user", "create", "--role", "park_manager", "--username", "manager1", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code == 0 || !strings.Contains(errb.String(), "already exists") {
		t.Fatalf("duplicate user: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	code = run(context.Background(), []string{"user", "create", "--role", "street_official", "--street", "桂溪街道", "--username", "gx", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code != 0 {
		t.Fatalf("street by Chinese name: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	code = run(context.Background(), []string{"user", "create", "--role", "inspector", "--username", "duchazu7", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code != 0 || !strings.Contains(out.String(), "created user duchazu7") {
		t.Fatalf("inspector (督查组): exit %d, %s", code, errb.String())
	}
	errb.Reset()
	code = run(context.Background(), []string{"user", "create", "--role", "street_official", "--street", "atlantis", "--username", "gy", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code != 2 || !strings.Contains(errb.String(), "--street") {
		t.Fatalf("unknown street: exit %d, %s", code, errb.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"user", "disable", "--username", "manager1"}, &out, &errb, getenv); code != 0 || !strings.Contains(out.String(), "disabled") {
		t.Fatalf("disable: exit %d, %s %s", code, out.String(), errb.String())
	}
	if code := run(context.Background(), []string{"user", "disable", "--username", "ghost"}, &out, &errb, getenv); code == 0 {
		t.Fatal("disabling an unknown user succeeded")
	}
	errb.Reset()
	code = run(context.Background(), []string{"user", "create", "--role", "king", "--username", "x", "--password", "long-enough-pw"}, &out, &errb, getenv)
	if code != 2 || !strings.Contains(errb.String(), "--role") {
		t.Fatalf("bad role: exit %d, %s", code, errb.String())
	}
}

// TestSeedDemoSkipsAFilledDatabase: seed demo never adds to a database that
// holds data (fast; the full seed is TestVolumeSeedDemo).
func TestSeedDemoSkipsAFilledDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "LANG": "en_US.UTF-8"}
	getenv := func(k string) string { return env[k] }
	if code := run(context.Background(), []string{"user", "create", "--role", "admin", "--username", "a", "--password", "long-enough-pw"}, io.Discard, io.Discard, getenv); code != 0 {
		t.Fatalf("user create exit %d", code)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"seed", "demo"}, &out, io.Discard, getenv); code != 0 || !strings.Contains(out.String(), "nothing added") {
		t.Fatalf("seed on a filled database: exit %d, %s", code, out.String())
	}
}

func TestVolumeSeedDemo(t *testing.T) {
	testenv.Volume(t)
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "LANG": "en_US.UTF-8"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if code := run(context.Background(), []string{"seed", "demo"}, &out, io.Discard, getenv); code != 0 {
		t.Fatalf("seed exit %d", code)
	}
	if !strings.Contains(out.String(), "park_manager") || !strings.Contains(out.String(), "days of daily reports") {
		t.Fatalf("seed did not print the demo accounts and daily reports: %s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"seed", "demo"}, &out, io.Discard, getenv); code != 0 {
		t.Fatalf("second seed exit %d", code)
	}
	if !strings.Contains(out.String(), "nothing added") {
		t.Fatalf("second seed must do nothing: %s", out.String())
	}
}

func TestServeJSONLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	port := freePort(t)
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "u"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules", "FUGONG_HTTP_ADDR": fmt.Sprintf("127.0.0.1:%d", port)}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--log-format", "json"}, io.Discard, logs, func(k string) string { return env[k] })
	}()
	waitStatus(t, fmt.Sprintf("http://127.0.0.1:%d/healthz", port), 200, 60*time.Second) // a bound for a hung start
	// A request that is logged at info (probes log at debug).
	if code, body := get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/version", port)); code != 200 {
		t.Fatalf("GET /api/v1/version: %d %s", code, body)
	}
	cancel()
	<-done
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var sawRequest bool
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON log line: %q", l)
		}
		if m["msg"] == "request" && m["request_id"] != "" {
			sawRequest = true
		}
	}
	if !sawRequest {
		t.Fatalf("no request line with a request id:\n%s", logs.String())
	}
}

func TestRegistryImportCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "LANG": "en_US.UTF-8"}
	getenv := func(k string) string { return env[k] }
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("统一社会信用代码,企业名称,行业,街道\n"+registry.MakeCreditCode(1)+",甲公司,工业,桂溪街道\n"), 0o600)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("统一社会信用代码,企业名称,行业,街道\n"+registry.MakeCreditCode(2)+",乙公司,农业,桂溪街道\n"), 0o600)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"registry", "import", good, "--dry-run"}, &out, &errb, getenv); code != 0 || !strings.Contains(out.String(), "created 1") {
		t.Fatalf("dry run: %d %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"registry", "import", good}, &out, &errb, getenv); code != 0 || !strings.Contains(out.String(), "created 1") {
		t.Fatalf("import: %d %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"registry", "import", good}, &out, &errb, getenv); code != 0 || !strings.Contains(out.String(), "unchanged 1") {
		t.Fatalf("re-import: %d %s", code, out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"registry", "import", bad}, &out, &errb, getenv); code != 1 || !strings.Contains(errb.String(), "row 2") || !strings.Contains(errb.String(), "行业") {
		t.Fatalf("bad file: %d %s", code, errb.String())
	}
}

// TestOneGigabyteUploadRefused: a client announcing a 1 GB upload gets 413
// at once, before the server reads the body.
func TestOneGigabyteUploadRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, _, _ := serveInProcess(t, map[string]string{
		"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "u"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/v1/filings/1/attachments?kind=plan HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n", int64(1)<<30)
	conn.Write(bytes.Repeat([]byte("x"), 64<<10))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	head := make([]byte, 512)
	n, _ := io.ReadAtLeast(conn, head, 12)
	if !strings.HasPrefix(string(head[:n]), "HTTP/1.1 413") {
		t.Fatalf("1 GB upload answered %q", head[:n])
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("refusal took %s", d)
	}
}

func TestBadReportsFileStopsStartup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "reports.yaml")
	os.WriteFile(bad, []byte("views:\n  - id: x\n    department: jingji\n    columns: [no_such_column]\n"), 0o600)
	var stderr bytes.Buffer
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "u"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules", "FUGONG_REPORTS_FILE": bad,
		"FUGONG_HTTP_ADDR": fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	code := run(context.Background(), []string{"serve"}, io.Discard, &stderr, func(k string) string { return env[k] })
	if code == 0 || !strings.Contains(stderr.String(), "reports.yaml") || !strings.Contains(stderr.String(), "reports.file") {
		t.Fatalf("exit %d, stderr %q: want a start-up failure naming the file", code, stderr.String())
	}
}

func TestBadDailyFileStopsStartup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "daily.yaml")
	os.WriteFile(bad, []byte("data_set: d\ntitle: {zh: 日报, en: Daily}\ndefinitions:\n  - version: 1\n    from: \"2020-01-01\"\n    fields:\n      - {key: a, label: {zh: 甲, en: A}, type: float}\n"), 0o600)
	var stderr bytes.Buffer
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "u"),
		"FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules", "FUGONG_DAILY_FILE": bad,
		"FUGONG_HTTP_ADDR": fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	code := run(context.Background(), []string{"serve"}, io.Discard, &stderr, func(k string) string { return env[k] })
	if code == 0 || !strings.Contains(stderr.String(), "daily.yaml:7") || !strings.Contains(stderr.String(), "daily.file") {
		t.Fatalf("exit %d, stderr %q: want a start-up failure naming the file and line", code, stderr.String())
	}
}
