package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/blob/blobtest"
	"fugong/internal/config"
	"fugong/internal/httpapi"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestDatabaseNodeDownIs503: the database node behind a replica dies (its
// connections break, new ones are refused): requests that need it answer
// 503 with Retry-After, never 500, and /readyz says not ready; when the
// node is back the replica serves again by itself.
func TestDatabaseNodeDownIs503(t *testing.T) {
	db, proxy := storetest.MustOpenViaProxy(t)
	cfg := config.Default()
	srv := httpapi.New(httpapi.Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), DB: db, Blob: blobtest.MustOpen(t, "local"),
		Auth: auth.NewService(db, cfg.Auth, time.Now)})
	login := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"nobody","password":"wrong-password-1"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		rec.Code = resp.StatusCode
		for k, v := range resp.Header {
			rec.Header()[k] = v
		}
		return rec
	}
	if r := login(); r.Code != 401 {
		t.Fatalf("wrong password with the database up: %d", r.Code)
	}
	if resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil)); resp.StatusCode != 200 {
		t.Fatalf("readyz with the database up: %d %s", resp.StatusCode, body)
	}
	proxy.Cut()
	for i := 0; i < 3; i++ { // the first request meets a broken pooled connection, the next a refused dial
		if r := login(); r.Code != 503 || r.Header().Get("Retry-After") == "" {
			t.Fatalf("request %d with the database node down: %d, Retry-After %q; want 503 with Retry-After", i, r.Code, r.Header().Get("Retry-After"))
		}
	}
	resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil))
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `"database":"unavailable"`) {
		t.Fatalf("readyz with the database down: %d %s", resp.StatusCode, body)
	}
	proxy.Restore(t)
	if resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil)); resp.StatusCode != 200 {
		t.Fatalf("readyz after the node came back: %d %s", resp.StatusCode, body)
	}
	if r := login(); r.Code != 401 {
		t.Fatalf("wrong password after the node came back: %d", r.Code)
	}
}

// TestReadyzNeedsTheSchema: a database that answers pings but has no
// schema yet (a replica started before migrations, a node that cannot run
// queries) is not ready.
func TestReadyzNeedsTheSchema(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			db, _ := storetest.OpenUnmigrated(t, driver)
			srv := httpapi.New(httpapi.Deps{Config: config.Default(), DB: db, Blob: blobtest.MustOpen(t, "local")})
			resp, body := do(t, srv.App(), httptest.NewRequest("GET", "/readyz", nil))
			if resp.StatusCode != 503 || !strings.Contains(string(body), `"database":"unavailable"`) {
				t.Fatalf("unmigrated: %d %s", resp.StatusCode, body)
			}
		})
	}
}

// TestSweeperKeepsObjectsUploadsHold: another replica's upload holds an
// orphan object it is about to reuse; the sweeper leaves it. And an upload
// of bytes whose object a sweep (on another replica) is deleting waits for
// the sweep and stores the object again, so its download works.
func TestSweeperKeepsObjectsUploadsHold(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			a.clock.mu.Lock()
			a.clock.t = time.Now() // object times are real file times
			a.clock.mu.Unlock()
			ctx := context.Background()
			content := []byte("复工方案：每日测温，口罩发放到人。/ plan for " + driver)
			key, err := a.filings.ObjectKeyFor(content)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.blob.Put(ctx, key, bytes.NewReader(content), int64(len(content)), "text/plain"); err != nil {
				t.Fatal(err)
			}
			a.clock.Advance(2 * a.cfg.Uploads.SweepGrace) // an old orphan

			if err := a.db.HoldObject(ctx, key, "replica-b-upload", store.HoldUpload, time.Minute, a.clock.Now()); err != nil {
				t.Fatal(err)
			}
			if n, err := a.filings.Sweep(ctx, a.cfg.Uploads.SweepGrace); err != nil || n != 0 {
				t.Fatalf("sweep removed %d objects (%v) although an upload holds the only orphan", n, err)
			}
			if err := a.db.ReleaseObject(ctx, key, "replica-b-upload"); err != nil {
				t.Fatal(err)
			}

			// Replica B starts sweeping the object; our upload of the same bytes arrives.
			if err := a.db.HoldObject(ctx, key, "replica-b-sweep", store.HoldSweep, time.Minute, a.clock.Now()); err != nil {
				t.Fatal(err)
			}
			ent := a.login("ent-guixi")
			r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(10))
			var f filingResp
			r.json(t, &f)
			done := make(chan response, 1)
			go func() {
				done <- a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=plan", f.ID), fileBody("file", "plan.txt", content))
			}()
			// Once the upload's hold is recorded it has seen (or will see) the sweep's.
			for {
				held, err := a.db.ObjectHeld(ctx, key, store.HoldUpload, "replica-b-sweep", a.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				if held {
					break
				}
				select {
				case r := <-done:
					t.Fatalf("upload finished while a sweep held its object: %d %s", r.status, r.body)
				default:
				}
				runtime.Gosched()
			}
			// Replica B's sweep deletes the object and lets go.
			if err := a.blob.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if err := a.db.ReleaseObject(ctx, key, "replica-b-sweep"); err != nil {
				t.Fatal(err)
			}
			up := <-done
			if up.status != 201 {
				t.Fatalf("upload: %d %s", up.status, up.body)
			}
			if rc, _, err := a.blob.Get(ctx, key); err != nil {
				t.Fatalf("the uploaded object is gone: %v", err)
			} else {
				rc.Close()
			}
			var att struct{ ID int64 }
			up.json(t, &att)
			got := a.do(ent, "GET", fmt.Sprintf("/api/v1/attachments/%d/content", att.ID), nil)
			if got.status != 200 || !bytes.Equal(got.body, content) {
				t.Fatalf("the uploaded plan reads back as %d %q", got.status, got.body)
			}
		})
	}
}

// TestRacingDecisionsOnTwoReplicas: two replicas (two servers, two
// connection pools, one database) receive an approve and a return for the
// same filing at once: exactly one is 200, one 409, and one decision, one
// notification and one event exist.
func TestRacingDecisionsOnTwoReplicas(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			b := *a
			b.db = storetest.Reopen(t, a.db)
			b.build(a.blob)
			off1, off2 := a.login("street-guixi"), b.login("street-guixi")
			ctx := context.Background()
			for round := 0; round < 5; round++ {
				f := a.seedFiling(a.ents["guixiA"], "submitted")
				statuses := make([]int, 2)
				done := make(chan struct{})
				for i, side := range []struct {
					api  *api
					s    *session
					body string
				}{{a, off1, `{"decision":"approve"}`}, {&b, off2, `{"decision":"return","comment":"材料不全"}`}} {
					go func() {
						defer func() { done <- struct{}{} }()
						statuses[i] = side.api.do(side.s, "POST", fmt.Sprintf("/api/v1/filings/%d/review", f.ID), side.body).status
					}()
				}
				<-done
				<-done
				if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
					t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, statuses)
				}
				ds, err := a.db.Decisions(ctx, f.ID)
				if err != nil || len(ds) != 1 {
					t.Fatalf("round %d: %d decisions (%v)", round, len(ds), err)
				}
				var notes int64
				a.db.Gorm().Raw("SELECT COUNT(*) FROM notifications WHERE filing_id = ? AND kind IN ('filing_approved', 'filing_returned')", f.ID).Scan(&notes)
				if notes != 1 {
					t.Fatalf("round %d: %d decision notifications, want 1", round, notes)
				}
			}
		})
	}
}
