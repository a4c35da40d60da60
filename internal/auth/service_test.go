package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// clock is a settable clock (the tests here use it from one goroutine).
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

const password = "correct-horse-battery"

// mustService returns the service over a fresh database with one park
// manager account, "park".
func mustService(t *testing.T, db *store.DB) (*auth.Service, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)}
	svc := auth.NewService(db, config.Default().Auth, clk.Now)
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateUser(context.Background(), auth.CLI(), &store.User{Username: "park", PasswordHash: hash, Role: store.RoleParkManager}); err != nil {
		t.Fatal(err)
	}
	return svc, clk
}

// actions returns the audit actions on object, oldest first.
func actions(t *testing.T, db *store.DB, object string) []string {
	t.Helper()
	es, _, err := db.ListAudit(context.Background(), store.AuditFilter{Object: object, Page: store.NormalPage(1, 100)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[len(es)-1-i] = e.Action
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLoginSessionsAndTheirAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, clk := mustService(t, db)

		if _, _, err := svc.Login(ctx, "park", "wrong password!!", "10.0.0.1", "ua"); apperror.CodeOf(err) != apperror.Unauthorized {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := svc.Login(ctx, "ghost", password, "10.0.0.1", "ua"); apperror.CodeOf(err) != apperror.Unauthorized {
			t.Fatalf("unknown user: %v", err)
		}
		sess, p, err := svc.Login(ctx, "park", password, "10.0.0.1", "ua-\xe4\xb8\xad"+string(make([]byte, 300)))
		if err != nil || p.Role != auth.RoleParkManager || sess.Token == "" || sess.CSRFToken == "" {
			t.Fatalf("login: %v %+v", err, p)
		}
		got, err := svc.Authenticate(ctx, sess.Token)
		if err != nil || got.Username != "park" || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("authenticate: %v %+v", err, got)
		}
		// Idle past the timeout: the session is gone.
		clk.Advance(config.Default().Auth.SessionIdleTimeout + time.Minute)
		if _, err := svc.Authenticate(ctx, sess.Token); apperror.CodeOf(err) != apperror.Unauthorized {
			t.Fatalf("idle session still valid: %v", err)
		}
		sess, _, err = svc.Login(ctx, "park", password, "10.0.0.1", "ua")
		if err != nil {
			t.Fatal(err)
		}
		p, err = svc.Authenticate(ctx, sess.Token) // the principal of a request, with its session
		if err != nil {
			t.Fatal(err)
		}
		p.IP = "10.0.0.1"
		if err := svc.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, sess.Token); apperror.CodeOf(err) != apperror.Unauthorized {
			t.Fatalf("session survived logout: %v", err)
		}
		want := []string{"account_created", "login_failed", "login", "login", "logout"}
		if got := actions(t, db, "user:park"); !equal(got, want) {
			t.Errorf("audit of user:park = %v, want %v", got, want)
		}
		if got := actions(t, db, "user:ghost"); !equal(got, []string{"login_failed"}) {
			t.Errorf("audit of user:ghost = %v", got)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, clk := mustService(t, db)
		max := config.Default().Auth.LoginMaxFailures
		for range max {
			svc.Login(ctx, "park", "wrong password!!", "10.0.0.2", "")
		}
		_, _, err := svc.Login(ctx, "park", password, "10.0.0.2", "")
		var rl *auth.RateLimitError
		if !errors.As(err, &rl) || apperror.CodeOf(err) != apperror.RateLimited || rl.Seconds() < 1 {
			t.Fatalf("after %d failures: %v", max, err)
		}
		clk.Advance(config.Default().Auth.LoginWindow + time.Second)
		if _, _, err := svc.Login(ctx, "park", password, "10.0.0.2", ""); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		if got := actions(t, db, "user:park"); got[len(got)-2] != "login_rate_limited" {
			t.Errorf("rate limit not audited: %v", got)
		}
	})
}

func TestAccountChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, _ := mustService(t, db)
		sess, _, err := svc.Login(ctx, "park", password, "10.0.0.3", "")
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.Authenticate(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			do   func() error
			code apperror.Code
		}{
			{"token without a name", func() error { _, err := svc.CreateAPIToken(ctx, p, " "); return err }, apperror.Invalid},
			{"token", func() error { _, err := svc.CreateAPIToken(ctx, p, "jingji export"); return err }, ""},
			{"wrong old password", func() error { return svc.ChangePassword(ctx, p, "not it at all", "another-long-password") }, apperror.Invalid},
			{"short new password", func() error { return svc.ChangePassword(ctx, p, password, "short") }, apperror.Invalid},
			{"password", func() error { return svc.ChangePassword(ctx, p, password, "another-long-password") }, ""},
			{"disable unknown", func() error { return svc.SetDisabled(ctx, auth.CLI(), "ghost", true) }, apperror.NotFound},
			{"disable", func() error { return svc.SetDisabled(ctx, auth.CLI(), "park", true) }, ""},
			{"taken username", func() error {
				return svc.CreateUser(ctx, auth.CLI(), &store.User{Username: "park", PasswordHash: "-", Role: store.RoleAdmin})
			}, apperror.Conflict},
		}
		for _, tt := range tests {
			if err := tt.do(); apperror.CodeOf(err) != tt.code {
				t.Errorf("%s: %v, want code %q", tt.name, err, tt.code)
			}
		}
		if _, err := svc.Authenticate(ctx, sess.Token); apperror.CodeOf(err) != apperror.Unauthorized {
			t.Errorf("session survived the password change: %v", err)
		}
		want := []string{"account_created", "login", "api_token_created", "password_changed", "account_disabled"}
		if got := actions(t, db, "user:park"); !equal(got, want) {
			t.Errorf("audit = %v, want %v (failed changes write nothing)", got, want)
		}
		if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
			t.Errorf("chain broken at %d: %v", bad, err)
		}
	})
}
