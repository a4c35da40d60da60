package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"fugong/internal/auth"
)

// cmdUserTokens runs `fugong user tokens --username U` (list the account's
// API tokens) and `fugong user revoke-token --username U (--id N | --all)`.
func cmdUserTokens(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	var username string
	var id int64
	var all bool
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.StringVar(&username, "username", "", "login name")
	if args[0] == "revoke-token" {
		fs.Int64Var(&id, "id", 0, "the token's id (from fugong user tokens)")
		fs.BoolVar(&all, "all", false, "revoke every token of the account")
	}
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	if username == "" {
		return usageError{"--username is required"}
	}
	if args[0] == "revoke-token" && (id == 0) == !all {
		return usageError{"give exactly one of --id N and --all"}
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, newLogger(cfg.Log, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("--username %s: %w", username, err)
	}
	svc := auth.NewService(db, cfg.Auth, nil)
	if args[0] == "tokens" {
		rows, err := svc.APITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, t := range rows {
			state := "active"
			switch {
			case t.RevokedAt != nil:
				state = "revoked " + t.RevokedAt.UTC().Format(time.RFC3339)
			case !svc.TokenActive(&t):
				state = "expired"
			}
			exp := "-"
			if t.ExpiresAt != nil {
				exp = t.ExpiresAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\texpires %s\t%s\n", t.ID, t.Name, exp, state)
		}
		return nil
	}
	n, err := svc.RevokeUserTokens(ctx, auth.CLI(), u.ID, u.Username, id)
	if err != nil {
		return fmt.Errorf("--id %d: %w", id, err)
	}
	what := fmt.Sprintf("%d tokens", n)
	if !all {
		what = fmt.Sprintf("token %d", id)
	}
	fmt.Fprintf(stdout, "user %s: %s revoked\n", u.Username, what)
	return nil
}
