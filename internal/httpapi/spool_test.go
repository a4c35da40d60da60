package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/roster"
)

// peekStore runs peek before every Put: the moment an upload is still
// spooled and being stored.
type peekStore struct {
	blob.Store
	peek func()
}

func (p peekStore) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) (blob.Info, error) {
	p.peek()
	return p.Store.Put(ctx, key, r, size, ct)
}

// TestSpoolHoldsNoPersonalDataInClear uploads a roster naming ID numbers
// and phones and a plan naming a phone, and reads the spool directory
// while each upload is spooled (at the moment it is stored) and after: no
// file there — named, or unlinked but still open by this process — holds
// an ID number or phone in clear. (Before spools were encrypted, the
// upload sat in clear in the temp directory for the whole request and this
// failed.)
func TestSpoolHoldsNoPersonalDataInClear(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // os.CreateTemp("") spools here
	secrets := []string{"13987654321"}
	for i := 0; i < 10; i++ {
		secrets = append(secrets, roster.MakeIDNumber(i), fmt.Sprintf("138%08d", i))
	}
	var mu sync.Mutex
	seen, leaks := 0, []string{}
	scan := func() {
		mu.Lock()
		defer mu.Unlock()
		for name, b := range spoolFiles(t, dir) {
			seen++
			for _, sec := range secrets {
				if bytes.Contains(b, []byte(sec)) {
					leaks = append(leaks, name+" holds "+sec)
				}
			}
		}
	}
	a := mustAPI(t, "sqlite")
	a.build(peekStore{Store: blobtest.MustOpen(t, "local"), peek: scan})
	ent := a.login("ent-guixi")
	r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10))
	var f filingResp
	r.json(t, &f)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	plan := []byte(goodPlan + "\n六、联系人：王经理，电话 13987654321。")
	for kind, body := range map[string][]byte{"roster": rosterCSV(10, 0), "plan": plan} {
		up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, kind), fileBody("file", kind+".csv", body))
		if up.status != 201 {
			t.Fatalf("%s upload: %d %s", kind, up.status, up.body)
		}
	}
	scan()
	if len(leaks) > 0 {
		t.Fatalf("spooled uploads in clear: %v", leaks)
	}
	if seen < 2 && runtime.GOOS == "linux" {
		t.Fatalf("saw %d spool files while uploads were stored, want both uploads' spools", seen)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("%d files left in the spool directory after the uploads", len(ents))
	}
}

// spoolFiles returns the content of every file in dir, and on Linux of
// every file under dir this process holds open (a spool is unlinked as soon
// as it is created, but its data stays readable through /proc/self/fd).
func spoolFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			out[e.Name()] = b
		}
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		p := "/proc/self/fd/" + fd.Name()
		target, err := os.Readlink(p)
		if err != nil || !strings.HasPrefix(target, dir+string(filepath.Separator)) {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			out[target] = b
		}
	}
	return out
}
