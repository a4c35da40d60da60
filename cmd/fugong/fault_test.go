package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/filing"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
	"fugong/internal/testenv"
)

// seedTokens opens the database cfg names, migrates it, and creates n
// enterprises in guixi each with an account and an API token.
func seedTokens(t *testing.T, cfg config.Database, n int) []string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ents := make([]store.Enterprise, n)
	for i := range ents {
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(500000 + i), Name: fmt.Sprintf("故障测试企业%d", i),
			Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true}
	}
	if _, err := db.UpsertEnterprises(ctx, ents, false); err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(db, config.Default().Auth, time.Now)
	tokens := make([]string, n)
	for i := range ents {
		e, err := db.EnterpriseByCode(ctx, ents[i].CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		u := &store.User{Username: fmt.Sprintf("fault-%d", i), PasswordHash: "-", Role: store.RoleEnterprise, EnterpriseID: &e.ID, Street: "guixi"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if tokens[i], err = svc.CreateAPIToken(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "fault"); err != nil {
			t.Fatal(err)
		}
	}
	return tokens
}

func call(method, url, token string, body io.Reader, contentType string) (int, []byte) {
	req, _ := http.NewRequest(method, url, body)
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestFaultMinIOKilledDuringUploads: MinIO is SIGKILLed while 200 plans are
// uploaded. Every answer is 201 with the row and an object of matching
// sha256, or 503 with no row; one sweep leaves no orphan object.
func TestFaultMinIOKilledDuringUploads(t *testing.T) {
	minioData, port := t.TempDir(), freePort(t)
	endpoint, kill := startMinIO(t, minioData, port)
	dir := t.TempDir()
	dbcfg := config.Default().Database
	dbcfg.DSN = filepath.Join(dir, "fugong.db")
	token := seedTokens(t, dbcfg, 1)[0]
	mcfg := config.MinIO{Endpoint: endpoint, AccessKey: "fugongtest", SecretKey: "fugongtest-secret-key", Bucket: "faults"}
	dataKey := pii.GenerateKey()
	keys, err := pii.ParseKeyring(dataKey)
	if err != nil {
		t.Fatal(err)
	}
	base, _, _ := serveInProcess(t, map[string]string{
		"FUGONG_DATA_KEY": dataKey, "FUGONG_DATABASE_DSN": dbcfg.DSN, "FUGONG_BLOB_BACKEND": "minio", "FUGONG_MINIO_ENDPOINT": endpoint,
		"FUGONG_MINIO_ACCESS_KEY": mcfg.AccessKey, "FUGONG_MINIO_SECRET_KEY": mcfg.SecretKey, "FUGONG_MINIO_BUCKET": mcfg.Bucket,
		"FUGONG_BLOB_TIMEOUT": "3s", "FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	st, body := call("POST", base+"/api/v1/filings", token, bytes.NewReader([]byte(`{"staff_total": 5}`)), "application/json")
	var f struct{ ID int64 }
	json.Unmarshal(body, &f)
	if st != 201 {
		t.Fatalf("create filing: %d %s", st, body)
	}

	const uploads = 200
	type result struct {
		sha    string
		keyed  string // the keyed content hash rows keep since migration 13
		status int
		body   string
	}
	results := make([]result, uploads)
	var done atomic.Int32
	var restartOnce sync.Once
	restarted := make(chan struct{})
	go func() { // the fault: kill at the 60th answer, restart 5 s later
		for done.Load() < 60 {
			time.Sleep(5 * time.Millisecond)
		}
		kill()
		// Longer than FUGONG_BLOB_TIMEOUT (3 s): the object client retries a
		// refused connection within that budget, so a shorter outage can be
		// ridden out by every request and the fault would not bite.
		time.Sleep(5 * time.Second)
		restartOnce.Do(func() {
			startMinIO(t, minioData, port)
			close(restarted)
		})
	}()
	var wg sync.WaitGroup
	next := atomic.Int32{}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= uploads {
					return
				}
				content := fmt.Appendf(nil, "复工方案第 %d 份：组织领导、员工排查、消毒通风、应急隔离、物资保障。%s", i, bytes.Repeat([]byte("措施。"), 2000+i))
				sum := sha256.Sum256(content)
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				fw, _ := mw.CreateFormFile("file", fmt.Sprintf("plan-%d.txt", i))
				fw.Write(content)
				mw.Close()
				st, b := call("POST", fmt.Sprintf("%s/api/v1/filings/%d/attachments?kind=plan", base, f.ID), token, &buf, mw.FormDataContentType())
				keyed := keys.ContentHash()
				keyed.Write(content)
				results[i] = result{hex.EncodeToString(sum[:]), hex.EncodeToString(keyed.Sum(nil)), st, string(b)}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	<-restarted

	ctx := context.Background()
	db, err := store.Open(ctx, dbcfg)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	defer db.Close()
	objects, err := blob.NewMinIO(mcfg)
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, base+"/readyz", 200, 15*time.Second)
	created, unavailable := 0, 0
	for i, r := range results {
		var n int64
		var row store.Attachment
		db.Gorm().Model(&store.Attachment{}).Where("sha256 = ? OR content_hash = ?", r.sha, r.keyed).Count(&n)
		db.Gorm().Where("sha256 = ? OR content_hash = ?", r.sha, r.keyed).Limit(1).Find(&row)
		switch r.status {
		case 201:
			created++
			if n != 1 {
				t.Errorf("upload %d: 201 but %d rows", i, n)
				continue
			}
			rc, _, err := blob.NewSealed(objects, keys).Get(ctx, row.ObjectKey)
			if err != nil {
				t.Errorf("upload %d: 201 but object missing: %v", i, err)
				continue
			}
			h := sha256.New()
			io.Copy(h, rc)
			rc.Close()
			if hex.EncodeToString(h.Sum(nil)) != r.sha {
				t.Errorf("upload %d: stored bytes differ", i)
			}
		case 503:
			unavailable++
			if n != 0 {
				t.Errorf("upload %d: 503 but a row exists", i)
			}
		default:
			t.Errorf("upload %d: status %d %s", i, r.status, r.body)
		}
	}
	if unavailable == 0 || created < 100 {
		t.Fatalf("the fault did not bite as planned: %d created, %d unavailable", created, unavailable)
	}
	sweeper := filing.NewService(filing.Deps{DB: db, Blobs: objects, Keys: keys, Config: config.Default()})
	swept, err := sweeper.Sweep(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := objects.List(ctx, "")
	for _, o := range left {
		if ok, _ := db.ObjectKeyReferenced(ctx, o.Key); !ok {
			t.Errorf("orphan left after sweep: %s", o.Key)
		}
	}
	t.Logf("MinIO killed after 60 answers: %d created, %d answered 503, %d orphans swept, %d objects left", created, unavailable, swept, len(left))
}

// mariaDB is a private MariaDB server that a test may kill and restart.
type mariaDB struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

func startPrivateMariaDB(t *testing.T) *mariaDB {
	t.Helper()
	testenv.Require(t, testenv.MySQLDSN, "MariaDB") // the shared one proves the binaries are installed
	m := &mariaDB{dir: t.TempDir(), port: freePort(t)}
	args := []string{"--no-defaults", "--datadir=" + filepath.Join(m.dir, "data"), "--auth-root-authentication-method=socket", "--skip-test-db"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	if out, err := exec.Command("mariadb-install-db", args...).CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	m.start(t)
	admin := exec.Command("mariadb", "--no-defaults", "--socket="+filepath.Join(m.dir, "sock"), "-e",
		"CREATE DATABASE fugong CHARACTER SET utf8mb4; CREATE USER 'f'@'127.0.0.1' IDENTIFIED BY 'f'; GRANT ALL ON *.* TO 'f'@'127.0.0.1';")
	if out, err := admin.CombinedOutput(); err != nil {
		t.Fatalf("create user: %v\n%s", err, out)
	}
	t.Cleanup(m.kill)
	return m
}

func (m *mariaDB) dsn() string { return fmt.Sprintf("f:f@tcp(127.0.0.1:%d)/fugong", m.port) }

func (m *mariaDB) start(t *testing.T) {
	t.Helper()
	bin, err := exec.LookPath("mariadbd")
	if err != nil {
		bin = "/usr/sbin/mariadbd"
	}
	args := []string{"--no-defaults", "--datadir=" + filepath.Join(m.dir, "data"), "--bind-address=127.0.0.1",
		fmt.Sprintf("--port=%d", m.port), "--socket=" + filepath.Join(m.dir, "sock"), "--skip-name-resolve",
		"--innodb-buffer-pool-size=64M", "--log-error=" + filepath.Join(m.dir, "error.log")}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	m.cmd = exec.Command(bin, args...)
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		db, _ := sql.Open("mysql", fmt.Sprintf("root@unix(%s)/", filepath.Join(m.dir, "sock")))
		if db != nil {
			err := db.Ping()
			db.Close()
			if err == nil || !os.IsNotExist(err) && fileExists(filepath.Join(m.dir, "sock")) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	out, _ := os.ReadFile(filepath.Join(m.dir, "error.log"))
	t.Fatalf("MariaDB did not start:\n%s", out)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func (m *mariaDB) kill() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Signal(syscall.SIGKILL)
		m.cmd.Wait()
		m.cmd = nil
	}
}

// TestFaultMariaDBKilledDuringFilings: MariaDB is SIGKILLed while 500
// enterprises create filings. Every answer is 201 with its row, or 503 with
// none; /readyz says 503 while the database is down and 200 within 10 s of
// its restart, without restarting fugong.
func TestFaultMariaDBKilledDuringFilings(t *testing.T) {
	m := startPrivateMariaDB(t)
	dbcfg := config.Default().Database
	dbcfg.Driver, dbcfg.DSN = "mysql", m.dsn()
	const n = 500
	tokens := seedTokens(t, dbcfg, n)
	dir := t.TempDir()
	base, _, _ := serveInProcess(t, map[string]string{
		"FUGONG_DATABASE_DRIVER": "mysql", "FUGONG_DATABASE_DSN": dbcfg.DSN,
		"FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "uploads"), "FUGONG_DATA_DIR": filepath.Join(dir, "data"), "FUGONG_RULES_DIR": "../../rules",
	})
	waitStatus(t, base+"/readyz", 200, 10*time.Second)

	statuses := make([]int, n)
	ids := make([]int64, n)
	var done atomic.Int32
	var readyDown, recovery time.Duration
	faultDone := make(chan struct{})
	go func() {
		defer close(faultDone)
		for done.Load() < 150 {
			time.Sleep(5 * time.Millisecond)
		}
		m.kill()
		t0 := time.Now()
		for time.Since(t0) < 10*time.Second { // /readyz must notice
			if st, _ := get(base + "/readyz"); st == 503 {
				readyDown = time.Since(t0)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second)
		m.start(t)
		t1 := time.Now()
		for time.Since(t1) < 20*time.Second {
			if st, _ := get(base + "/readyz"); st == 200 {
				recovery = time.Since(t1)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	next := atomic.Int32{}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				st, b := call("POST", base+"/api/v1/filings", tokens[i], bytes.NewReader([]byte(`{"staff_total": 3}`)), "application/json")
				statuses[i] = st
				var f struct{ ID int64 }
				json.Unmarshal(b, &f)
				ids[i] = f.ID
				if st != 201 && st != 503 {
					t.Errorf("filing %d: %d %s", i, st, b)
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	<-faultDone
	if readyDown == 0 {
		t.Error("/readyz never answered 503 while MariaDB was down")
	}
	if recovery == 0 || recovery > 10*time.Second {
		t.Fatalf("/readyz did not recover within 10 s of the restart (took %s)", recovery)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbcfg)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	defer db.Close()
	created, unavailable, ambiguous := 0, 0, 0
	for i, st := range statuses {
		var count int64
		db.Gorm().Model(&store.Filing{}).Joins("JOIN users ON users.enterprise_id = filings.enterprise_id").
			Where("users.username = ?", fmt.Sprintf("fault-%d", i)).Count(&count)
		switch st {
		case 201:
			created++
			if count != 1 {
				t.Errorf("filing %d: 201 but %d rows", i, count)
			}
		case 503:
			unavailable++
			if count == 0 {
				continue
			}
			// The server crashed after committing but before acknowledging:
			// no client can tell such a commit from a failure. Only requests
			// in flight at the kill may fall here, and a retry must settle
			// them: 409 naming the filing that exists.
			ambiguous++
			st, b := call("POST", base+"/api/v1/filings", tokens[i], bytes.NewReader([]byte(`{"staff_total": 3}`)), "application/json")
			if st != 409 || !bytes.Contains(b, []byte("filing_already_open")) { // the detail code naming the open filing
				t.Errorf("filing %d: 503 with a row, and the retry answered %d %s", i, st, b)
			}
		}
	}
	if ambiguous > 8 { // at most the requests in flight (8 workers)
		t.Errorf("%d answers were 503 although their row exists", ambiguous)
	}
	// Writes work again without restarting fugong: retry refused ones.
	retried := 0
	for i, st := range statuses {
		if st != 503 || retried == 20 {
			continue
		}
		if st, b := call("POST", base+"/api/v1/filings", tokens[i], bytes.NewReader([]byte(`{"staff_total": 3}`)), "application/json"); st != 201 && st != 409 {
			t.Errorf("retry of filing %d after recovery: %d %s", i, st, b)
		}
		retried++
	}
	if unavailable == 0 {
		t.Fatalf("the fault did not bite: %d created", created)
	}
	t.Logf("MariaDB killed after 150 answers: %d created, %d answered 503 (%d of them committed before the crash and settled by retry); /readyz 503 after %s, 200 again %s after restart",
		created, unavailable, ambiguous, readyDown.Round(time.Millisecond), recovery.Round(time.Millisecond))
}
