//go:build cluster

package chaos

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fugong/internal/registry"
)

// TestThroughput measures, in one run against the cluster the environment
// names (scripts/cluster-bench.sh starts it on Galera, then on one plain
// MariaDB, and divides):
//   - write: enterprises doing create + plan upload + roster upload + submit
//     through HAProxy, CHAOS_CLIENTS at once for BENCH_SECONDS: flows/s;
//   - read: the park manager's dashboard and review queue, CHAOS_CLIENTS
//     readers spread over the first 1, 2 and 3 replicas: requests/s each.
//
// It prints one line per figure, "BENCH name value", for the script.
func TestThroughput(t *testing.T) {
	base := env(t, "FUGONG_CLUSTER_URL")
	adminDSN := strings.Fields(env(t, "FUGONG_CLUSTER_GALERA_DSNS"))[0]
	if d := os.Getenv("FUGONG_CLUSTER_REPLICA_DSN"); d != "" { // scripts/cluster-bench.sh: all replicas on one database
		adminDSN = d
	}
	replicas := envInt("FUGONG_CLUSTER_REPLICAS", 3)
	clients := envInt("CHAOS_CLIENTS", 12)
	seconds := time.Duration(envInt("BENCH_SECONDS", 20)) * time.Second
	st := newStats()

	run := func(args ...string) {
		cmd := exec.Command(env(t, "FUGONG_CLUSTER_BIN"), args...)
		cmd.Env = append(os.Environ(), "FUGONG_DATABASE_DRIVER=mysql", "FUGONG_DATABASE_DSN="+adminDSN,
			"FUGONG_DATA_KEY="+env(t, "FUGONG_CLUSTER_DATA_KEY"))
		cmd.CombinedOutput() // an account left by an earlier run is fine
	}
	run("user", "create", "--role", "park_manager", "--username", "bench-park", "--password", password)
	run("user", "create", "--role", "street_official", "--street", "guixi", "--username", "bench-off", "--password", password)
	park, off := newClient(base, st), newClient(base, st)
	if err := park.login("bench-park", password); err != nil {
		t.Fatal(err)
	}
	if err := off.login("bench-off", password); err != nil {
		t.Fatal(err)
	}

	// Enough enterprises for the write phase (each does one flow).
	const pool = 3000
	seed := int(time.Now().UnixNano()%1_000_000) * 10000
	var reg strings.Builder
	reg.WriteString("credit_code,name,sector,zone,street\n")
	codes := make([]string, pool)
	for i := range codes {
		codes[i] = registry.MakeCreditCode(seed + i)
		fmt.Fprintf(&reg, "%s,压测企业%d,industrial,south,guixi\n", codes[i], seed+i)
	}
	if s, b := park.call("POST", "/api/v1/registry/import?dry_run=false", fileBody("registry.csv", []byte(reg.String()))); s != 200 {
		t.Fatalf("registry import: %d %.300s", s, b)
	}
	s, b := off.call("POST", "/api/v1/streets/guixi/activation-codes", nil)
	if s != 200 {
		t.Fatalf("activation codes: %d %.200s", s, b)
	}
	recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))).ReadAll()
	activation := map[string]string{}
	for _, r := range recs[1:] {
		activation[r[0]] = r[2]
	}

	// Write path.
	acks := newAck()
	var next, flows atomic.Int64
	deadline := time.Now().Add(seconds)
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= pool {
					return
				}
				enterpriseFlow(t, base, st, acks, i+1000, codes[i], activation[codes[i]])
				if time.Now().Before(deadline) {
					flows.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	writeRate := float64(flows.Load()) / seconds.Seconds()
	fmt.Printf("BENCH write_flows_per_s %.2f\n", writeRate)

	if os.Getenv("BENCH_READS") == "0" {
		return
	}
	// Read path over the first k replicas.
	host, portS, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
	port, _ := strconv.Atoi(portS)
	for k := 1; k <= replicas; k++ {
		var reqs atomic.Int64
		deadline := time.Now().Add(seconds)
		var wg sync.WaitGroup
		for w := 0; w < clients; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := newClient(fmt.Sprintf("http://%s:%d", host, port+1+w%k), st)
				c.cookie, c.csrf = park.cookie, park.csrf
				c.http = &http.Client{Timeout: 30 * time.Second}
				for n := 0; time.Now().Before(deadline); n++ {
					path := "/api/v1/review/queue"
					if n%2 == 0 {
						// A different day per request: the per-replica cache does not answer it.
						path = "/api/v1/dashboard/sectors?as_of=" + time.Now().AddDate(0, 0, -(n%60)).Format("2006-01-02")
					}
					if s, _ := c.call("GET", path, nil); s == 200 && time.Now().Before(deadline) {
						reqs.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		fmt.Printf("BENCH read_requests_per_s_%d_replicas %.2f\n", k, float64(reqs.Load())/seconds.Seconds())
	}
	if n := st.snapshot()[500]; n > 0 {
		t.Errorf("%d answers were 500: %v", n, st.internal)
	}
}
