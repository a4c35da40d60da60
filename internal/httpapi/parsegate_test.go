package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"fugong/internal/parsegate"
	"fugong/internal/store"
)

// mustGatedAPI is an API on SQLite whose parse gate has one slot and one
// place in its queue, held at most wait, with the demo enterprise signed in.
func mustGatedAPI(t *testing.T, wait time.Duration) (*api, *session) {
	t.Helper()
	a := mustAPI(t, "sqlite")
	a.gate = parsegate.New(1, 1, wait)
	a.build(a.blob)
	return a, a.login("ent-guixi")
}

// TestPlanAndRosterUploadsShareTheParseCap: with the one slot of the parse
// cap held, a PDF, DOCX or ODT plan upload waits its turn and is answered
// 503 with Retry-After like a roster, and nothing is stored; once the slot
// is free the same uploads are accepted.
func TestPlanAndRosterUploadsShareTheParseCap(t *testing.T) {
	t.Parallel()
	a, ent := mustGatedAPI(t, time.Second)
	files := []struct{ kind, name string }{
		{"plan", "lo-writer.pdf"}, {"plan", "lo-writer.docx"}, {"plan", "lo-writer.odt"}, {"roster", "openpyxl-plain.xlsx"},
	}
	release, err := a.gate.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		body, err := os.ReadFile("../../testdata/corpus/" + f.kind + "/" + f.name)
		if err != nil {
			t.Fatal(err)
		}
		fl := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
		path := fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", fl.ID, f.kind)
		r := a.do(ent, "POST", path, fileBody("file", f.name, body))
		if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode() != "unavailable" {
			t.Fatalf("%s with the cap full: %d Retry-After %q %s", f.name, r.status, r.header.Get("Retry-After"), r.body)
		}
		if atts, err := a.db.Attachments(context.Background(), fl.ID); err != nil || len(atts) != 0 {
			t.Fatalf("%s: %d attachments stored by a refused upload (%v)", f.name, len(atts), err)
		}
		release()
		if r := a.do(ent, "POST", path, fileBody("file", f.name, body)); r.status != 201 {
			t.Fatalf("%s with the cap free: %d %s", f.name, r.status, r.body)
		}
		if release, err = a.gate.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	release()
}

// TestRosterWaitingAtTheGateHoldsNoLock: a roster upload queued at the
// parse cap has not begun its transaction (rows are inserted while the
// file is parsed, internal/filing/upload.go save), so on SQLite, where one
// open write transaction stops every other writer, the other requests'
// writes go through meanwhile; once the slot is free the upload is stored.
func TestRosterWaitingAtTheGateHoldsNoLock(t *testing.T) {
	t.Parallel()
	a, ent := mustGatedAPI(t, time.Minute)
	release, err := a.gate.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fl := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
	uploaded := make(chan response, 1)
	go func() {
		uploaded <- a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", fl.ID), fileBody("file", "r.csv", rosterCSV(3000, 1)))
	}()
	for a.gate.Waiting() == 0 { // until the upload is queued
		runtime.Gosched()
	}
	// A write of another request while the roster waits (the busy timeout
	// of a locked SQLite database is 5 s, the gate's wait a minute).
	if r := a.do(ent, "PATCH", fmt.Sprintf("/api/v1/filings/%d", fl.ID), map[string]any{"staff_total": 3000}); r.status != 200 {
		t.Fatalf("a write while a roster waits at the gate: %d %s", r.status, r.body)
	}
	release()
	if r := <-uploaded; r.status != 201 || !strings.Contains(string(r.body), `"rows":3000`) {
		t.Fatalf("the queued roster: %d %.300s", r.status, r.body)
	}
}
