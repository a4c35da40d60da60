//go:build cluster

package chaos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/roster"
)

const password = "chaos-password-2020"

func env(t *testing.T, name string) string {
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run scripts/cluster-test.sh (make cluster-test)", name)
	}
	return v
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// ack is what the load was told succeeded.
type ack struct {
	mu          sync.Mutex
	filings     map[int64]int64       // filing id → enterprise id
	attachments map[int64]string      // attachment id → sha256 of the bytes sent
	submits     map[int64]int         // filing id → revision acknowledged
	decisions   map[[2]int64]string   // (filing, revision) → decision acknowledged
	raceWins    map[[2]int64][]string // (filing, revision) → decisions answered 200
}

func newAck() *ack {
	return &ack{filings: map[int64]int64{}, attachments: map[int64]string{}, submits: map[int64]int{},
		decisions: map[[2]int64]string{}, raceWins: map[[2]int64][]string{}}
}

// part is one kill of the chaos schedule.
type part struct {
	kind string
	idx  int
}

type recovery struct {
	part     part
	down     time.Duration // from kill -9 to restart
	recover  time.Duration // from restart to the part (and every replica) ready again
	errorsIn map[int]int   // non-2xx answers while it was down or recovering
}

func TestChaos(t *testing.T) {
	base := env(t, "FUGONG_CLUSTER_URL")
	script := env(t, "FUGONG_CLUSTER_SCRIPT")
	dsns := strings.Fields(env(t, "FUGONG_CLUSTER_GALERA_DSNS"))
	replicas := envInt("FUGONG_CLUSTER_REPLICAS", 3)
	enterprises := envInt("CHAOS_ENTERPRISES", 60)
	workers := envInt("CHAOS_CLIENTS", 6)
	downFor := time.Duration(envInt("CHAOS_DOWN_SECONDS", 8)) * time.Second
	st := newStats()
	acks := newAck()

	// Webhook subscriber: counts every delivery id it receives.
	hooks := &hookReceiver{seen: map[string]int{}}
	hookSrv := &http.Server{Addr: env(t, "CHAOS_WEBHOOK_ADDR"), Handler: hooks}
	go hookSrv.ListenAndServe()
	defer hookSrv.Close()

	dbs := make([]*sql.DB, len(dsns))
	for i, d := range dsns {
		db, err := sql.Open("mysql", d+"?parseTime=true&wsrep_sync_wait=1")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs[i] = db
	}

	// Accounts: a park manager and two officials of one street, created
	// with the binary like an operator would.
	run := func(args ...string) {
		cmd := exec.Command(env(t, "FUGONG_CLUSTER_BIN"), args...)
		cmd.Env = append(os.Environ(), "FUGONG_DATABASE_DRIVER=mysql", "FUGONG_DATABASE_DSN="+dsns[0],
			"FUGONG_DATA_KEY="+env(t, "FUGONG_CLUSTER_DATA_KEY"))
		if out, err := cmd.CombinedOutput(); err != nil && !bytes.Contains(out, []byte("exists")) {
			t.Fatalf("fugong %v: %v\n%s", args, err, out)
		}
	}
	run("user", "create", "--role", "park_manager", "--username", "chaos-park", "--password", password)
	run("user", "create", "--role", "street_official", "--street", "guixi", "--username", "chaos-off1", "--password", password)
	run("user", "create", "--role", "street_official", "--street", "guixi", "--username", "chaos-off2", "--password", password)

	park := newClient(base, st)
	if err := park.login("chaos-park", password); err != nil {
		t.Fatal(err)
	}
	// Registry import: enterprises with fresh credit codes in guixi.
	seed := time.Now().UnixNano() % 1_000_000 * 1000
	var reg strings.Builder
	reg.WriteString("credit_code,name,sector,zone,street\n")
	codes := make([]string, enterprises)
	for i := range codes {
		codes[i] = registry.MakeCreditCode(int(seed) + i)
		fmt.Fprintf(&reg, "%s,混沌测试企业%d,service,south,guixi\n", codes[i], int(seed)+i)
	}
	if s, b := park.call("POST", "/api/v1/registry/import?dry_run=false", fileBody("registry.csv", []byte(reg.String()))); s != 200 {
		t.Fatalf("registry import: %d %s", s, b)
	}
	off1, off2 := newClient(base, st), newClient(base, st)
	if err := off1.login("chaos-off1", password); err != nil {
		t.Fatal(err)
	}
	if err := off2.login("chaos-off2", password); err != nil {
		t.Fatal(err)
	}
	s, b := off1.call("POST", "/api/v1/streets/guixi/activation-codes", nil)
	if s != 200 {
		t.Fatalf("activation codes: %d %s", s, b)
	}
	recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))).ReadAll()
	activation := map[string]string{}
	for _, r := range recs[1:] {
		activation[r[0]] = r[2]
	}

	// Events of earlier runs on the same database went to earlier receivers.
	var firstEvent int64
	dbs[0].QueryRow("SELECT COALESCE(MAX(id), 0) FROM webhook_outbox").Scan(&firstEvent)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	start := time.Now()

	// Enterprises: activate, file, upload plan + roster, submit.
	jobs := make(chan int)
	var filed atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				enterpriseFlow(t, base, st, acks, i, codes[i], activation[codes[i]])
				filed.Add(1)
			}
		}()
	}
	go func() {
		for i := range codes {
			select {
			case jobs <- i:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				break
			}
		}
		close(jobs)
	}()

	// Officials: two decide every queued filing at once (approve vs return).
	wg.Add(1)
	go func() {
		defer wg.Done()
		reviewLoop(ctx, off1, off2, acks)
	}()
	// Park manager: dashboards and the queue.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			park.call("GET", "/api/v1/dashboard/sectors?as_of="+time.Now().Format("2006-01-02"), nil)
			park.call("GET", "/api/v1/review/queue", nil)
			time.Sleep(200 * time.Millisecond)
		}
	}()

	// Chaos: one replica, one Galera node, one MinIO node in turn.
	var recs2 []recovery
	for _, p := range []part{{"replica", 2}, {"galera", 2}, {"minio", 3}} {
		time.Sleep(downFor)
		before := st.snapshot()
		killed := time.Now()
		sh(t, script, "kill", p.kind, strconv.Itoa(p.idx))
		time.Sleep(downFor)
		restarted := time.Now()
		sh(t, script, "restart", p.kind, strconv.Itoa(p.idx))
		waitReady(t, base, replicas, p)
		rec := recovery{part: p, down: restarted.Sub(killed), recover: time.Since(restarted), errorsIn: diff(before, st.snapshot())}
		recs2 = append(recs2, rec)
		t.Logf("killed %s%d: down %s, ready again %s after restart; answers meanwhile %v", p.kind, p.idx,
			rec.down.Round(time.Millisecond), rec.recover.Round(time.Millisecond), rec.errorsIn)
	}
	// Let the enterprises finish, then stop the loops.
	for filed.Load() < int64(enterprises) && time.Since(start) < 10*time.Minute {
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // the reviewers' last pass
	stop()
	wg.Wait()
	elapsed := time.Since(start)

	// --- checks ------------------------------------------------------------
	final := st.snapshot()
	t.Logf("load: %d enterprises in %s; answers by status %v", enterprises, elapsed.Round(time.Second), final)
	if n := final[500]; n > 0 {
		t.Errorf("%d answers were 500: %v", n, st.internal)
	}
	if st.unretried > 0 {
		t.Errorf("%d fugong 503s had no Retry-After", st.unretried)
	}
	db := dbs[0]
	checkFilings(t, db, acks)
	checkObjects(t, db, acks)
	checkDecisions(t, db, acks)
	var doubles int
	db.QueryRow(`SELECT COUNT(*) FROM (SELECT enterprise_id FROM filings WHERE status IN ('draft','submitted','returned')
		GROUP BY enterprise_id HAVING COUNT(*) > 1) d`).Scan(&doubles)
	if doubles > 0 {
		t.Errorf("%d enterprises have two open filings", doubles)
	}
	var resubmitted int
	db.QueryRow("SELECT COUNT(*) FROM filings WHERE revision > 1 AND id IN (SELECT filing_id FROM filing_decisions WHERE decision = 'return')").Scan(&resubmitted)
	t.Logf("%d returned filings were submitted again (an enterprise's submit retried after a lost answer)", resubmitted)
	checkWebhooks(t, db, hooks, firstEvent)
	checkChecksums(t, dbs)
	checkAudit(t, dsns[0], db)
}

// checkAudit runs `fugong audit verify` against the cluster, as an operator
// would: every writer's segment of the audit chain (one per Galera node,
// docs/security.md §8) and the signed checkpoints in MinIO hold.
func checkAudit(t *testing.T, dsn string, db *sql.DB) {
	cmd := exec.Command(env(t, "FUGONG_CLUSTER_BIN"), "audit", "verify")
	cmd.Env = append(os.Environ(), "FUGONG_DATABASE_DRIVER=mysql", "FUGONG_DATABASE_DSN="+dsn,
		"FUGONG_DATA_KEY="+env(t, "FUGONG_CLUSTER_DATA_KEY"), "FUGONG_BLOB_BACKEND=minio",
		"FUGONG_MINIO_ENDPOINT="+env(t, "FUGONG_CLUSTER_MINIO_ENDPOINT"), "FUGONG_MINIO_ACCESS_KEY="+env(t, "FUGONG_CLUSTER_MINIO_ACCESS_KEY"),
		"FUGONG_MINIO_SECRET_KEY="+env(t, "FUGONG_CLUSTER_MINIO_SECRET_KEY"), "FUGONG_MINIO_BUCKET=fugong")
	out, err := cmd.Output()
	var segments int
	db.QueryRow("SELECT COUNT(*) FROM audit_segments WHERE seq > 0").Scan(&segments)
	t.Logf("audit verify: %s (%d segments with entries)", strings.TrimSpace(string(out)), segments)
	if err != nil {
		t.Errorf("fugong audit verify: %v\n%s", err, out)
	}
}

func sh(t *testing.T, script string, args ...string) {
	out, err := exec.Command(script, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", script, args, err, out)
	}
}

// waitReady waits until every replica answers /readyz (through its own port
// behind HAProxy, so via the cluster URL's host) after a part came back.
func waitReady(t *testing.T, base string, replicas int, p part) {
	host := strings.TrimPrefix(base, "http://")
	h, portS, _ := strings.Cut(host, ":")
	port, _ := strconv.Atoi(portS)
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		ok := 0
		for i := 1; i <= replicas; i++ {
			resp, err := http.Get(fmt.Sprintf("http://%s:%d/readyz", h, port+i))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					ok++
				}
			}
		}
		if ok == replicas {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("replicas not all ready 5 minutes after %s%d came back", p.kind, p.idx)
}

func diff(before, after map[int]int) map[int]int {
	out := map[int]int{}
	for k, v := range after {
		if d := v - before[k]; d > 0 && (k < 200 || k >= 300) {
			out[k] = d
		}
	}
	return out
}

func plan(i int) []byte {
	text := "复工疫情防控方案\n一、组织领导：成立疫情防控领导小组，明确各部门职责。\n" +
		"二、员工排查：对全体员工逐一摸排，建立健康台账，每日两次测温并登记。\n" +
		"三、消毒通风：办公区域每日消毒两次。\n四、应急处置：设置临时隔离室。\n" +
		"五、物资保障：储备口罩、测温枪、消毒液，专人管理。\n"
	if i%5 != 0 { // every fifth enterprise sends bytes another already stored: the object is reused
		text += fmt.Sprintf("六、本企业第 %d 号厂区另设专人值守。\n", i)
	}
	return []byte(text)
}

func rosterFile(i int) []byte {
	var b strings.Builder
	b.WriteString("姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期\n")
	for r := 0; r < 20; r++ {
		fmt.Fprintf(&b, "员工%d,%s,138%08d,生产部,36.5,绿码,无,\n", r, roster.MakeIDNumber(i*100+r), i*100+r)
	}
	return []byte(b.String())
}

func enterpriseFlow(t *testing.T, base string, st *stats, acks *ack, i int, code, activation string) {
	c := newClient(base, st)
	user := fmt.Sprintf("chaos-%s", strings.ToLower(code))
	if s, b := c.call("POST", "/api/v1/auth/activate", jsonBody(map[string]string{"credit_code": code,
		"activation_code": activation, "username": user, "password": password})); s != 201 && s != 422 {
		t.Errorf("activate %s: %d %.200s", code, s, b)
		return
	}
	if err := c.login(user, password); err != nil {
		t.Error(err)
		return
	}
	staff := 20
	create := jsonBody(map[string]any{
		"planned_resume_date": time.Now().AddDate(0, 0, 7).Format("2006-01-02"), "staff_total": staff, "staff_onsite": staff,
		"supplies":  map[string]any{"masks": staff * 2 * 14, "thermometers": 5, "disinfectant_liters": 50, "isolation_room": true},
		"plan_text": "按方案执行 / see the uploaded plan", "contact": map[string]any{"name": "王经理", "phone": "13812345678"},
	})
	s, b := c.call("POST", "/api/v1/filings", create, "Idempotency-Key", "chaos-"+code)
	// The first attempt's replica died holding the key: retry, as a client
	// would, until the claim goes stale and is taken over.
	for giveUp := time.Now().Add(3 * time.Minute); s == 409 && bytes.Contains(b, []byte("still being processed")) && time.Now().Before(giveUp); {
		time.Sleep(2 * time.Second)
		s, b = c.call("POST", "/api/v1/filings", create, "Idempotency-Key", "chaos-"+code)
	}
	if s == 409 {
		// An earlier attempt created it on a replica killed before answering;
		// the retry took the stale claim over and found the filing in
		// progress. Not acknowledged, so not checked.
		t.Logf("create filing %s: unacknowledged (%.120s)", code, b)
		return
	}
	if s != 201 && s != 200 {
		t.Errorf("create filing %s: %d %.200s", code, s, b)
		return
	}
	var f struct {
		ID           int64 `json:"id"`
		EnterpriseID int64 `json:"enterprise_id"`
	}
	json.Unmarshal(b, &f)
	acks.mu.Lock()
	acks.filings[f.ID] = f.EnterpriseID
	acks.mu.Unlock()
	for _, up := range []struct {
		kind, name string
		data       []byte
	}{{"plan", "plan.txt", plan(i)}, {"roster", "roster.csv", rosterFile(i)}} {
		s, b := c.call("POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, up.kind), fileBody(up.name, up.data))
		if s != 201 {
			t.Errorf("upload %s for filing %d: %d %.200s", up.kind, f.ID, s, b)
			return
		}
		var a struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(b, &a)
		sum := sha256.Sum256(up.data)
		acks.mu.Lock()
		acks.attachments[a.ID] = hex.EncodeToString(sum[:])
		acks.mu.Unlock()
	}
	s, b = c.call("POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), nil)
	if s == 200 {
		var r struct {
			Revision int  `json:"revision"`
			Blocked  bool `json:"blocked"`
		}
		json.Unmarshal(b, &r)
		acks.mu.Lock()
		acks.submits[f.ID] = r.Revision
		acks.mu.Unlock()
	} else if s != 409 { // 409: an earlier attempt of this submit went through before the connection broke
		t.Errorf("submit %d: %d %.200s", f.ID, s, b)
	}
}

func reviewLoop(ctx context.Context, off1, off2 *client, acks *ack) {
	done := map[int64]bool{}
	for ctx.Err() == nil {
		s, b := off1.call("GET", "/api/v1/review/queue?page_size=50", nil)
		if s != 200 {
			time.Sleep(300 * time.Millisecond)
			continue
		}
		var q struct {
			Items []struct {
				ID       int64 `json:"id"`
				Revision int   `json:"revision"`
			} `json:"items"`
		}
		json.Unmarshal(b, &q)
		for _, it := range q.Items {
			if done[it.ID] || ctx.Err() != nil {
				continue
			}
			done[it.ID] = true
			var wg sync.WaitGroup
			decisions := []string{"approve", "return"}
			res := make([]int, 2)
			revs := make([]int, 2)
			for k, c := range []*client{off1, off2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := map[string]any{"decision": decisions[k]}
					if decisions[k] == "return" {
						body["comment"] = "材料不全 / incomplete"
					}
					var data []byte
					res[k], data = c.call("POST", fmt.Sprintf("/api/v1/filings/%d/review", it.ID), jsonBody(body))
					var v struct {
						Revision int `json:"revision"`
					}
					json.Unmarshal(data, &v)
					revs[k] = v.Revision
				}()
			}
			wg.Wait()
			acks.mu.Lock()
			for k, s := range res {
				if s == 200 {
					// Keyed by the revision the decision was taken on: a
					// submit retried after a lost answer can resubmit a
					// returned filing, and a retried decision then decides
					// the new revision, legitimately.
					key := [2]int64{it.ID, int64(revs[k])}
					acks.raceWins[key] = append(acks.raceWins[key], decisions[k])
					acks.decisions[key] = decisions[k]
				}
			}
			acks.mu.Unlock()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func checkFilings(t *testing.T, db *sql.DB, acks *ack) {
	missing := 0
	for id, ent := range acks.filings {
		var got int64
		if err := db.QueryRow("SELECT enterprise_id FROM filings WHERE id = ?", id).Scan(&got); err != nil || got != ent {
			missing++
		}
	}
	revs := 0
	for id, rev := range acks.submits {
		var n int
		db.QueryRow("SELECT COUNT(*) FROM filing_revisions WHERE filing_id = ? AND number = ?", id, rev).Scan(&n)
		if n != 1 {
			missing++
		} else {
			revs++
		}
	}
	t.Logf("checked %d acknowledged filings and %d acknowledged submits (revisions): %d missing", len(acks.filings), revs, missing)
	if missing > 0 {
		t.Errorf("%d acknowledged filings or revisions are missing", missing)
	}
}

// checkObjects reads every acknowledged upload back through the sealed
// store, as a replica would (objects are encrypted at rest with the data
// key, docs/security.md), and compares its sha256 with what was sent.
func checkObjects(t *testing.T, db *sql.DB, acks *ack) {
	inner, err := blob.NewMinIO(config.MinIO{Endpoint: os.Getenv("FUGONG_CLUSTER_MINIO_ENDPOINT"),
		AccessKey: os.Getenv("FUGONG_CLUSTER_MINIO_ACCESS_KEY"), SecretKey: os.Getenv("FUGONG_CLUSTER_MINIO_SECRET_KEY"), Bucket: "fugong"})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pii.ParseKeyring(env(t, "FUGONG_CLUSTER_DATA_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	objects := blob.NewSealed(inner, keys)
	bad := 0
	for id, sum := range acks.attachments {
		// The row keeps the keyed content hash (migration 13); rows from
		// before it keep the plain sha256 instead.
		var key, rowSum, rowKeyed string
		if err := db.QueryRow("SELECT object_key, sha256, content_hash FROM attachments WHERE id = ?", id).Scan(&key, &rowSum, &rowKeyed); err != nil {
			t.Logf("attachment %d: row %v (sent %s)", id, err, sum)
			bad++
			continue
		}
		obj, _, err := objects.Get(context.Background(), key)
		if err != nil {
			t.Logf("attachment %d: object %s: %v", id, key, err)
			bad++
			continue
		}
		h, keyed := sha256.New(), keys.ContentHash()
		_, err = io.Copy(io.MultiWriter(h, keyed), obj)
		obj.Close()
		if err != nil || hex.EncodeToString(h.Sum(nil)) != sum {
			t.Logf("attachment %d: object %s: %v", id, key, err)
			bad++
			continue
		}
		if rowSum != sum && rowKeyed != hex.EncodeToString(keyed.Sum(nil)) {
			t.Logf("attachment %d: row's hashes (sha256 %q, content_hash %q) are not those of the bytes sent", id, rowSum, rowKeyed)
			bad++
		}
	}
	t.Logf("checked %d acknowledged uploads: rows present and objects byte-identical, %d bad", len(acks.attachments), bad)
	if bad > 0 {
		t.Errorf("%d acknowledged uploads lost or changed", bad)
	}
}

func checkDecisions(t *testing.T, db *sql.DB, acks *ack) {
	both, lost := 0, 0
	for key, wins := range acks.raceWins {
		if len(wins) > 1 {
			both++
		}
		var d string
		if err := db.QueryRow("SELECT decision FROM filing_decisions WHERE filing_id = ? AND revision = ?", key[0], key[1]).Scan(&d); err != nil || d != wins[0] {
			lost++
		}
	}
	t.Logf("checked %d racing decision pairs: %d with two winners, %d acknowledged decisions missing", len(acks.raceWins), both, lost)
	if both > 0 || lost > 0 {
		t.Errorf("racing decisions: %d pairs both won, %d acknowledged decisions missing", both, lost)
	}
}

// hookReceiver is the webhook subscriber.
type hookReceiver struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	h.seen[r.Header.Get("X-Fugong-Delivery")]++
	h.mu.Unlock()
	w.WriteHeader(204)
}

func checkWebhooks(t *testing.T, db *sql.DB, h *hookReceiver, after int64) {
	deadline := time.Now().Add(2 * time.Minute)
	var pending int
	for time.Now().Before(deadline) {
		db.QueryRow("SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL AND id > ?", after).Scan(&pending)
		if pending == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	rows, err := db.Query("SELECT id FROM webhook_outbox WHERE id > ?", after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	never, twice := 0, 0
	for _, id := range ids {
		switch n := h.seen[id]; {
		case n == 0:
			never++
		case n > 1:
			twice++
		}
	}
	t.Logf("webhooks: %d events in the outbox, %d undelivered, %d never received, %d received more than once (same delivery id: subscribers deduplicate)",
		len(ids), pending, never, twice)
	if pending > 0 || never > 0 || len(ids) == 0 {
		t.Errorf("webhook events not delivered: %d pending, %d never received (of %d)", pending, never, len(ids))
	}
}

func checkChecksums(t *testing.T, dbs []*sql.DB) {
	tables := []string{"enterprises", "users", "filings", "filing_revisions", "attachments", "roster_entries",
		"filing_decisions", "flags", "problems", "notifications", "webhook_outbox", "audit_log"}
	var differ []string
	// A node applies the last write sets a moment after the others commit.
	for attempt := 0; attempt < 20; attempt++ {
		differ = differingTables(t, dbs, tables)
		if len(differ) == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("checksums of %d tables on %d Galera nodes: %d differ %v", len(tables), len(dbs), len(differ), differ)
	if len(differ) > 0 {
		t.Errorf("tables differ between Galera nodes: %v", differ)
	}
}

func differingTables(t *testing.T, dbs []*sql.DB, tables []string) []string {
	var differ []string
	for _, tb := range tables {
		sums := map[string]bool{}
		for _, db := range dbs {
			var name string
			var sum sql.NullInt64
			if err := db.QueryRow("CHECKSUM TABLE "+tb).Scan(&name, &sum); err != nil {
				t.Errorf("checksum %s: %v", tb, err)
				continue
			}
			sums[strconv.FormatInt(sum.Int64, 10)] = true
		}
		if len(sums) != 1 {
			differ = append(differ, tb)
		}
	}
	sort.Strings(differ)
	return differ
}
