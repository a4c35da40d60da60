package httpapi_test

import (
	"context"
	"fmt"
	"fugong/internal/auth"
	"testing"
	"time"

	"fugong/internal/store/storetest"
)

// TestAPITokenLifecycle (issue 18 #5), on SQLite and MariaDB: tokens expire,
// are listed and revoked by their owner, die with a password change and with
// a disabled account (and stay dead when it is enabled again), and a token
// cannot mint tokens, list or revoke them, or change the password. Before:
// every step after the first use succeeded with the token.
func TestAPITokenLifecycle(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			park := a.login("park")
			issue := func(s *session, body string) (string, int64) {
				t.Helper()
				r := a.do(s, "POST", "/api/v1/auth/tokens", body)
				var tok struct {
					Token     string
					ID        int64
					ExpiresAt *time.Time `json:"expires_at"`
				}
				r.json(t, &tok)
				if r.status != 201 || tok.Token == "" || tok.ExpiresAt == nil {
					t.Fatalf("issue: %d %s", r.status, r.body)
				}
				return tok.Token, tok.ID
			}
			bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
			works := func(tok string) bool {
				return a.do(nil, "GET", "/api/v1/me", nil, bearer(tok)...).status == 200
			}

			tok, _ := issue(park, `{"name":"integration","expires_in_days":2}`)
			if !works(tok) {
				t.Fatal("a fresh token does not work")
			}
			// A token cannot manage tokens or the password.
			for _, call := range []struct{ method, path, body string }{
				{"POST", "/api/v1/auth/tokens", `{"name":"more"}`},
				{"GET", "/api/v1/auth/tokens", ""},
				{"DELETE", "/api/v1/auth/tokens/1", ""},
				{"POST", "/api/v1/auth/password", `{"old_password":"` + testPassword + `","new_password":"taken-over-by-token"}`},
			} {
				var body any
				if call.body != "" {
					body = call.body
				}
				if r := a.do(nil, call.method, call.path, body, bearer(tok)...); r.status != 403 {
					t.Errorf("%s %s with a token: %d %s", call.method, call.path, r.status, r.body)
				}
			}
			// Expiry: two days.
			a.clock.Advance(49 * time.Hour)
			if works(tok) {
				t.Fatal("an expired token still works")
			}
			park = a.login("park")

			// List and revoke.
			tok2, id2 := issue(park, `{"name":"second"}`)
			r := a.do(park, "GET", "/api/v1/auth/tokens", nil)
			var list struct {
				Items []struct {
					ID     int64
					Name   string
					Active bool
				}
			}
			r.json(t, &list)
			if r.status != 200 || len(list.Items) != 2 || list.Items[0].ID != id2 || !list.Items[0].Active || list.Items[1].Active {
				t.Fatalf("list: %d %s", r.status, r.body)
			}
			if r := a.do(park, "DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", id2), nil); r.status != 204 {
				t.Fatalf("revoke: %d %s", r.status, r.body)
			}
			if works(tok2) {
				t.Fatal("a revoked token still works")
			}
			// Another user's token is 404 to revoke.
			admin := a.login("admin")
			_, adminTok := issue(admin, `{"name":"admin's"}`)
			if r := a.do(park, "DELETE", fmt.Sprintf("/api/v1/auth/tokens/%d", adminTok), nil); r.status != 404 {
				t.Fatalf("revoking another user's token: %d", r.status)
			}

			// Password change revokes tokens.
			tok3, _ := issue(park, `{"name":"third"}`)
			if r := a.do(park, "POST", "/api/v1/auth/password", map[string]string{"old_password": testPassword, "new_password": "a-new-long-password"}); r.status != 204 {
				t.Fatalf("password change: %d %s", r.status, r.body)
			}
			if works(tok3) {
				t.Fatal("a token survived the password change")
			}

			// Disabling revokes; enabling does not revive.
			dept := a.login("dept")
			tok4, _ := issue(dept, `{"name":"dept feed"}`)
			u, _ := a.db.UserByUsername(context.Background(), "dept")
			ctx := context.Background()
			if err := a.auth.SetDisabled(ctx, auth.CLI(), u.Username, true); err != nil {
				t.Fatal(err)
			}
			if err := a.auth.SetDisabled(ctx, auth.CLI(), u.Username, false); err != nil {
				t.Fatal(err)
			}
			if works(tok4) {
				t.Fatal("a token survived disabling the account")
			}
		})
	}
}
