package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/pii"
	"fugong/internal/roster"
	"fugong/internal/rules"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestHostileLoad (issue 18, "done when"): a bounded load of hostile
// uploads and rule backtests against a real `fugong serve` process on
// 127.0.0.1 leaves it up, answering, with its peak RSS (VmHWM) under a
// ceiling. It is heavy, so it runs only when asked:
//
//	FUGONG_HOSTILE_LOAD=1 go test ./cmd/fugong -run TestHostileLoad -v
//
// FUGONG_HOSTILE_RSS_MB sets the ceiling (default 768; measured peaks in docs/benchmarks.md). The uploads: rosters
// that are one 20 MB line, 5 MB of random bytes, a valid roster; the
// backtests: the shipped rules plus rules that double strings, nest
// any(split(s, "")) and multiply with replace, each request concurrent with
// the others.
func TestHostileLoad(t *testing.T) {
	if os.Getenv("FUGONG_HOSTILE_LOAD") != "1" {
		t.Skip("set FUGONG_HOSTILE_LOAD=1 to run the hostile load")
	}
	ceiling := 768
	if v, err := strconv.Atoi(os.Getenv("FUGONG_HOSTILE_RSS_MB")); err == nil {
		ceiling = v
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "fugong")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	dbcfg := config.Default().Database
	dbcfg.DSN = filepath.Join(dir, "fugong.db")
	const workers = 4
	all := seedTokens(t, dbcfg, 2*workers)
	tokens, submitters := all[:workers], all[workers:]
	park := seedParkToken(t, dbcfg)

	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "FUGONG_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(port), "FUGONG_DATABASE_DSN="+dbcfg.DSN,
		"FUGONG_BLOB_LOCAL_ROOT="+filepath.Join(dir, "uploads"), "FUGONG_DATA_DIR="+filepath.Join(dir, "data"),
		"FUGONG_DATA_KEY="+pii.GenerateKey(), "FUGONG_RULES_DIR=../../rules", "FUGONG_LOG_LEVEL=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitStatus(t, base+"/healthz", 200, 20*time.Second)
	idle := rssKiB(t, cmd.Process.Pid, "VmRSS")

	longLine := append([]byte("姓名,身份证号,手机号\n"), bytes.Repeat([]byte("a"), 20<<20)...)
	garbage := make([]byte, 5<<20)
	rand.NewChaCha8([32]byte{1}).Read(garbage)
	var valid bytes.Buffer
	valid.WriteString("姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&valid, "员工%d,%s,138%08d,生产部,36.5,绿码,无,\n", i, roster.MakeIDNumber(i), i)
	}
	uploads := [][]byte{longLine, garbage, valid.Bytes()}

	var shipped []map[string]string
	files, _ := filepath.Glob("../../rules/*.yaml")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		shipped = append(shipped, map[string]string{"name": filepath.Base(f), "text": string(b)})
	}
	var evil strings.Builder
	evil.WriteString("rules:\n")
	hostile := []string{
		`len(reduce(1..100000, #acc + #acc, "ab")) > 0`,
		`any(split(filing.plan_text, ""), {any(split(filing.plan_text, ""), {# == "不"})})`,
		`len(replace(replace(filing.plan_text, "", filing.plan_text), "", filing.plan_text)) > 0`,
	}
	for i, w := range hostile {
		fmt.Fprintf(&evil, "  - id: evil_%d\n    name: evil\n    severity: block\n    when: '%s'\n    message: x\n", i, strings.ReplaceAll(w, "'", "''"))
	}
	backtest, _ := json.Marshal(map[string]any{"files": append(shipped, map[string]string{"name": "zz-evil.yaml", "text": evil.String()})})

	// Draft filings to upload to, and submitted filings with a long plan so
	// the backtests have revisions to chew.
	createFiling := func(tok string) int64 {
		body, _ := json.Marshal(map[string]any{"planned_resume_date": "2020-03-02", "staff_total": 10, "staff_onsite": 5,
			"plan_text": strings.Repeat("复工疫情防控方案，测温消毒通风。", 300), "contact": map[string]any{"name": "王", "phone": "13812345678"},
			"supplies": map[string]any{"masks": 500, "thermometers": 5, "disinfectant_liters": 50, "isolation_room": true}})
		st, b := call("POST", base+"/api/v1/filings", tok, bytes.NewReader(body), "application/json")
		var f struct{ ID int64 }
		json.Unmarshal(b, &f)
		if st != 201 {
			t.Fatalf("create: %d %s", st, b)
		}
		return f.ID
	}
	filingOf := make([]int64, workers)
	for i, tok := range tokens {
		filingOf[i] = createFiling(tok)
	}
	for _, tok := range submitters {
		id := createFiling(tok)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "roster.csv")
		fw.Write(valid.Bytes())
		mw.Close()
		if st, b := call("POST", fmt.Sprintf("%s/api/v1/filings/%d/attachments?kind=roster", base, id), tok, &buf, mw.FormDataContentType()); st != 201 {
			t.Fatalf("roster: %d %s", st, b)
		}
		if st, b := call("POST", fmt.Sprintf("%s/api/v1/filings/%d/submit", base, id), tok, nil, ""); st >= 300 {
			t.Fatalf("submit: %d %s", st, b)
		}
	}
	// The shipped rules may block those submits (a blocked attempt is not a
	// revision), which left the backtests nothing to evaluate: revisions
	// with a long plan are written directly too.
	seedRevisions(t, dbcfg, workers)

	var peak int64
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
				if v := rssKiBQuiet(cmd.Process.Pid, "VmRSS"); v > peak {
					peak = v
				}
			}
		}
	}()
	start := time.Now()
	var wg sync.WaitGroup
	statuses := map[string]map[int]int{"upload": {}, "backtest": {}}
	var mu sync.Mutex
	count := func(kind string, st int) { mu.Lock(); statuses[kind][st]++; mu.Unlock() }
	only := os.Getenv("FUGONG_HOSTILE_ONLY") // "upload" or "backtest": one kind alone, to see what costs what
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 6 && only != "backtest"; i++ {
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				fw, _ := mw.CreateFormFile("file", "roster.csv")
				fw.Write(uploads[i%len(uploads)])
				mw.Close()
				st, _ := call("POST", fmt.Sprintf("%s/api/v1/filings/%d/attachments?kind=roster", base, filingOf[w]), tokens[w], &buf, mw.FormDataContentType())
				count("upload", st)
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 3 && only != "upload"; i++ {
				st, _ := call("POST", base+"/api/v1/rules/backtest", park, bytes.NewReader(backtest), "application/json")
				count("backtest", st)
			}
		}()
	}
	wg.Wait()
	close(stopSampling)
	sampler.Wait()
	hwm := rssKiB(t, cmd.Process.Pid, "VmHWM")
	if st, _ := call("GET", base+"/healthz", "", nil, ""); st != 200 {
		t.Fatalf("server down after the load: %d\n%s", st, logs.String())
	}
	t.Logf("hostile load: %d workers, %v; statuses %v; RSS idle %d MiB, sampled peak %d MiB, VmHWM %d MiB (ceiling %d MiB)",
		workers, time.Since(start).Round(time.Millisecond), statuses, idle>>10, peak>>10, hwm>>10, ceiling)
	for kind, m := range statuses {
		for st, n := range m {
			if st >= 500 && st != 503 || st == 0 {
				t.Errorf("%s: %d answers of %d", kind, n, st)
			}
		}
	}
	// Every backtest carries hostile candidate rules: each is refused (422,
	// naming the rule) or waits its turn (503), none completes.
	if n := statuses["backtest"][200]; n > 0 || only != "upload" && statuses["backtest"][422] == 0 {
		t.Errorf("backtests of hostile rules: %v, want 422 (or 503 while another runs), never 200", statuses["backtest"])
	}
	if hwm>>10 > int64(ceiling) {
		t.Errorf("peak RSS %d MiB over the %d MiB ceiling", hwm>>10, ceiling)
	}
}

// seedParkToken adds a park manager with an API token to the database.
func seedParkToken(t *testing.T, cfg config.Database) string {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	defer db.Close()
	u := &store.User{Username: "load-park", PasswordHash: "-", Role: store.RoleParkManager}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tok, err := auth.NewService(db, config.Default().Auth, time.Now).CreateAPIToken(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "load")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func rssKiB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	v := rssKiBQuiet(pid, field)
	if v == 0 {
		t.Fatalf("no %s for pid %d", field, pid)
	}
	return v
}

// rssKiBQuiet reads a Vm* field (kB) of /proc/PID/status; 0 if unreadable.
func rssKiBQuiet(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return n
		}
	}
	return 0
}

// seedRevisions writes n filing revisions with a long plan text, as the
// backtests read them.
func seedRevisions(t *testing.T, cfg config.Database, n int) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in, _ := json.Marshal(rules.Input{Filing: rules.Filing{StaffTotal: 10, PlanText: strings.Repeat("复工疫情防控方案，测温消毒通风。", 300)}})
	for i := range n {
		rev := store.FilingRevision{FilingID: int64(100000 + i), Number: 1, Snapshot: string(in), SubmittedBy: 1, CreatedAt: time.Now()}
		if err := db.Gorm().Create(&rev).Error; err != nil {
			t.Fatal(err)
		}
	}
}
