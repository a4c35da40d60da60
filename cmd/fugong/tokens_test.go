package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/pii"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestUserTokensCommands: `fugong user tokens` lists an account's API
// tokens and `fugong user revoke-token` revokes one or all.
func TestUserTokensCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_DATA_KEY": pii.GenerateKey()}
	if code, _, errOut := runWith(env, "user", "create", "--role", "park_manager", "--username", "p", "--password", "long-enough-pw"); code != 0 {
		t.Fatal(errOut)
	}
	cfg := config.Default()
	cfg.Database.DSN = env["FUGONG_DATABASE_DSN"]
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditKey(storetest.AuditKey) // the CLI uses the keyring's; any key chains
	defer db.Close()
	u, _ := db.UserByUsername(ctx, "p")
	svc := auth.NewService(db, cfg.Auth, nil)
	tok1, _ := svc.CreateAPIToken(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "one")
	svc.CreateAPIToken(ctx, &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "two")

	code, out, _ := runWith(env, "user", "tokens", "--username", "p")
	if code != 0 || strings.Count(out, "active") != 2 {
		t.Fatalf("tokens: %d %q", code, out)
	}
	if code, _, errOut := runWith(env, "user", "revoke-token", "--username", "p"); code != 2 || !strings.Contains(errOut, "--id") {
		t.Fatalf("revoke-token without --id/--all: %d %q", code, errOut)
	}
	if code, out, errOut := runWith(env, "user", "revoke-token", "--username", "p", "--id", "1"); code != 0 || !strings.Contains(out, "token 1 revoked") {
		t.Fatalf("revoke --id: %d %q %q", code, out, errOut)
	}
	if _, err := svc.AuthenticateToken(ctx, tok1); err == nil {
		t.Fatal("a revoked token authenticates")
	}
	if code, out, _ := runWith(env, "user", "revoke-token", "--username", "p", "--all"); code != 0 || !strings.Contains(out, "1 tokens revoked") {
		t.Fatalf("revoke --all: %d %q", code, out)
	}
	if _, out, _ := runWith(env, "user", "tokens", "--username", "p"); strings.Contains(out, "active") {
		t.Fatalf("after --all: %q", out)
	}
}
