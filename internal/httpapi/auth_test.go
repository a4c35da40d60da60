package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/internal/auth"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func TestLoginAndSessions(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)

			// Unknown user and wrong password: the same 401, body for body.
			r1 := a.do(nil, "POST", "/api/v1/auth/login", `{"username":"park","password":"wrong-password"}`)
			r2 := a.do(nil, "POST", "/api/v1/auth/login", `{"username":"nobody","password":"wrong-password"}`)
			if r1.status != 401 || r2.status != 401 || !bytes.Equal(r1.body, r2.body) {
				t.Fatalf("401s differ: %d %s / %d %s", r1.status, r1.body, r2.status, r2.body)
			}

			// A good login: HttpOnly, SameSite=Lax cookie, user and CSRF token.
			r := a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "street-guixi", "password": testPassword})
			if r.status != 200 {
				t.Fatalf("login: %d %s", r.status, r.body)
			}
			sc := r.header.Get("Set-Cookie")
			if !strings.Contains(sc, "fugong_session=") || !strings.Contains(strings.ToLower(sc), "httponly") || !strings.Contains(strings.ToLower(sc), "samesite=lax") {
				t.Fatalf("cookie attributes: %s", sc)
			}
			var body struct {
				User struct {
					Username, Role, Street string
				}
				CSRF string `json:"csrf_token"`
			}
			r.json(t, &body)
			if body.User.Role != "street_official" || body.User.Street != "guixi" || len(body.CSRF) < 20 {
				t.Fatalf("login body: %s", r.body)
			}
			s1 := &session{cookie: cookieValue(r.header, "fugong_session"), csrf: body.CSRF}
			if len(s1.cookie) < 26 { // 160 bits in base32
				t.Fatalf("session token too short: %q", s1.cookie)
			}

			// Rotation: a second login gets a different token; both work.
			s2 := a.login("street-guixi")
			if s2.cookie == s1.cookie || s2.csrf == s1.csrf {
				t.Fatal("login did not issue a fresh session")
			}
			if r := a.do(s1, "GET", "/api/v1/me", nil); r.status != 200 || !strings.Contains(string(r.body), `"street":"guixi"`) {
				t.Fatalf("me: %d %s", r.status, r.body)
			}

			// CSRF: a mutating request with the cookie but without the token is 403.
			if r := a.do(&session{cookie: s1.cookie}, "POST", "/api/v1/auth/tokens", `{"name":"x"}`); r.status != 403 {
				t.Fatalf("no CSRF token: %d", r.status)
			}
			if r := a.do(&session{cookie: s1.cookie, csrf: s2.csrf}, "POST", "/api/v1/auth/tokens", `{"name":"x"}`); r.status != 403 {
				t.Fatalf("another session's CSRF token: %d", r.status)
			}

			// Logout ends the session server-side; the other session lives on.
			if r := a.do(s1, "POST", "/api/v1/auth/logout", nil); r.status != 204 {
				t.Fatalf("logout: %d %s", r.status, r.body)
			}
			if r := a.do(s1, "GET", "/api/v1/me", nil); r.status != 401 {
				t.Fatalf("after logout: %d", r.status)
			}
			if r := a.do(s2, "GET", "/api/v1/me", nil); r.status != 200 {
				t.Fatalf("other session after logout: %d", r.status)
			}

			// Idle timeout: 31 minutes of silence ends it.
			a.clock.Advance(31 * time.Minute)
			if r := a.do(s2, "GET", "/api/v1/me", nil); r.status != 401 {
				t.Fatalf("idle session: %d", r.status)
			}

			// Password change ends every session of the user.
			s3 := a.login("park")
			s4 := a.login("park")
			if r := a.do(s3, "POST", "/api/v1/auth/password", map[string]string{"old_password": testPassword, "new_password": "a-new-long-password"}); r.status != 204 {
				t.Fatalf("password change: %d %s", r.status, r.body)
			}
			if r := a.do(s4, "GET", "/api/v1/me", nil); r.status != 401 {
				t.Fatalf("session survived password change: %d", r.status)
			}

			// Disabling a user ends its sessions.
			s5 := a.login("admin")
			if err := a.auth.SetDisabled(context.Background(), auth.CLI(), "admin", true); err != nil {
				t.Fatal(err)
			}
			if r := a.do(s5, "GET", "/api/v1/me", nil); r.status != 401 {
				t.Fatalf("disabled user's session: %d", r.status)
			}
			if r := a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": testPassword}); r.status != 401 {
				t.Fatalf("disabled user logged in: %d", r.status)
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	for i := 0; i < a.cfg.Auth.LoginMaxFailures; i++ {
		if r := a.do(nil, "POST", "/api/v1/auth/login", `{"username":"park","password":"nope-nope-nope"}`); r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "park", "password": testPassword})
	if r.status != 429 || r.header.Get("Retry-After") == "" || r.errorCode() != "rate_limited" {
		t.Fatalf("after %d failures even the right password must wait: %d %v %s", a.cfg.Auth.LoginMaxFailures, r.status, r.header, r.body)
	}
	// The window passes: the account may try again.
	a.clock.Advance(a.cfg.Auth.LoginWindow + time.Second)
	if r := a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "park", "password": testPassword}); r.status != 200 {
		t.Fatalf("after the window: %d %s", r.status, r.body)
	}
	// Audit recorded the failures and the success.
	entries, _, err := a.db.ListAudit(context.Background(), store.AuditFilter{Page: store.NormalPage(1, 100)})
	if err != nil {
		t.Fatal(err)
	}
	var failed, limited, okLogin int
	for _, e := range entries {
		switch e.Action {
		case "login_failed":
			failed++
		case "login_rate_limited":
			limited++
		case "login":
			okLogin++
		}
	}
	if failed != a.cfg.Auth.LoginMaxFailures || limited != 1 || okLogin != 1 {
		t.Fatalf("audit: %d failed, %d limited, %d ok", failed, limited, okLogin)
	}
	if bad, err := a.db.VerifyAuditChain(context.Background()); err != nil || bad != 0 {
		t.Fatalf("audit chain broken at %d: %v", bad, err)
	}
}

func TestAPITokenNeedsNoCSRF(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	s := a.login("dept")
	r := a.do(s, "POST", "/api/v1/auth/tokens", `{"name":"经济运行局系统"}`)
	if r.status != 201 {
		t.Fatalf("create token: %d %s", r.status, r.body)
	}
	var tok struct{ Token string }
	r.json(t, &tok)
	if !strings.HasPrefix(tok.Token, "fgt_") {
		t.Fatalf("token %q", tok.Token)
	}
	r = a.do(nil, "GET", "/api/v1/me", nil, "Authorization", "Bearer "+tok.Token)
	if r.status != 200 || !strings.Contains(string(r.body), `"role":"department"`) {
		t.Fatalf("bearer: %d %s", r.status, r.body)
	}
	// A mutating call with the token needs no CSRF token (a token may not
	// mint tokens any more: TestAPITokenLifecycle; logout is one it may make).
	r = a.do(nil, "POST", "/api/v1/auth/logout", nil, "Authorization", "Bearer "+tok.Token)
	if r.status != 204 {
		t.Fatalf("bearer POST without CSRF: %d %s", r.status, r.body)
	}
	if r := a.do(nil, "GET", "/api/v1/me", nil, "Authorization", "Bearer fgt_forged"); r.status != 401 {
		t.Fatalf("forged token: %d", r.status)
	}
}

func TestActivation(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			official := a.login("street-guixi")
			r := a.do(official, "POST", "/api/v1/streets/guixi/activation-codes", nil)
			if r.status != 200 || !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) || !strings.Contains(r.header.Get("Content-Disposition"), "filename*=UTF-8''") {
				t.Fatalf("codes: %d %v %s", r.status, r.header, r.body)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// guixiA already has an account (ent-guixi), so only guixiB gets a code.
			if len(recs) != 2 || recs[0][0] != "统一社会信用代码" || recs[0][3] != "有效期至" || recs[1][0] != a.ents["guixiB"].CreditCode || recs[1][1] != "桂溪乙公司" {
				t.Fatalf("codes CSV: %v", recs)
			}
			code := recs[1][2]
			req := map[string]string{"credit_code": a.ents["guixiB"].CreditCode, "activation_code": strings.ToLower(code), "username": "guixi-yi", "password": "yi-password-123"}
			// Another enterprise's credit code with this code: refused.
			bad := map[string]string{"credit_code": a.ents["hezuoA"].CreditCode, "activation_code": code, "username": "x-user", "password": "yi-password-123"}
			if r := a.do(nil, "POST", "/api/v1/auth/activate", bad); r.status != 422 {
				t.Fatalf("code used for another enterprise: %d %s", r.status, r.body)
			}
			if r := a.do(nil, "POST", "/api/v1/auth/activate", req); r.status != 201 {
				t.Fatalf("activate: %d %s", r.status, r.body)
			}
			req["username"] = "guixi-yi-2"
			if r := a.do(nil, "POST", "/api/v1/auth/activate", req); r.status != 422 {
				t.Fatalf("code reused: %d %s", r.status, r.body)
			}
			// The new account sees its own enterprise only.
			r = a.do(nil, "POST", "/api/v1/auth/login", map[string]string{"username": "guixi-yi", "password": "yi-password-123"})
			if r.status != 200 {
				t.Fatalf("login new account: %d %s", r.status, r.body)
			}
			ent := &session{cookie: cookieValue(r.header, "fugong_session")}
			r = a.do(ent, "GET", "/api/v1/enterprises", nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"total":1`) || !strings.Contains(string(r.body), a.ents["guixiB"].CreditCode) {
				t.Fatalf("enterprise list: %s", r.body)
			}
			// A street official cannot issue codes for another street.
			if r := a.do(official, "POST", "/api/v1/streets/hezuo/activation-codes", nil); r.status != 403 {
				t.Fatalf("other street: %d", r.status)
			}
		})
	}
}

func TestActivationCodeExpires(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	official := a.login("street-guixi")
	r := a.do(official, "POST", "/api/v1/streets/guixi/activation-codes", nil)
	recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xEF\xBB\xBF")))).ReadAll()
	a.clock.Advance(a.cfg.Auth.ActivationCodeTTL + time.Hour)
	req := map[string]string{"credit_code": recs[1][0], "activation_code": recs[1][2], "username": "late", "password": "late-password-1"}
	if r := a.do(nil, "POST", "/api/v1/auth/activate", req); r.status != 422 {
		t.Fatalf("expired code: %d %s", r.status, r.body)
	}
}

func TestStreetOfficialSeesExactlyItsStreet(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			s := a.login("street-guixi")
			var list struct {
				Items []store.Enterprise
				Total int
			}
			r := a.do(s, "GET", "/api/v1/enterprises", nil)
			r.json(t, &list)
			if list.Total != 2 || len(list.Items) != 2 {
				t.Fatalf("guixi official sees %d: %s", list.Total, r.body)
			}
			for _, e := range list.Items {
				if e.Street != "guixi" {
					t.Fatalf("saw %s of %s", e.Name, e.Street)
				}
			}
			// Asking for another street yields nothing, not an error.
			r = a.do(s, "GET", "/api/v1/enterprises?street=hezuo", nil)
			r.json(t, &list)
			if list.Total != 0 {
				t.Fatalf("filter to another street leaked %d rows", list.Total)
			}
			// The park manager sees all three.
			r = a.do(a.login("park"), "GET", fmt.Sprintf("/api/v1/enterprises?page_size=%d", 10), nil)
			r.json(t, &list)
			if list.Total != 3 {
				t.Fatalf("park manager sees %d", list.Total)
			}
		})
	}
}
