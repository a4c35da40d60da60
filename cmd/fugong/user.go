package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"fugong/internal/auth"
	"fugong/internal/store"
)

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 && (args[0] == "disable" || args[0] == "enable") {
		return cmdUserDisable(ctx, args, stdout, stderr, getenv)
	}
	if len(args) > 0 && (args[0] == "tokens" || args[0] == "revoke-token") {
		return cmdUserTokens(ctx, args, stdout, stderr, getenv)
	}
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: fugong user create --role ROLE --username U --password P [--street S] [--enterprise CODE]\n       fugong user disable|enable --username U\n       fugong user tokens --username U\n       fugong user revoke-token --username U (--id N | --all)"}
	}
	var g globalFlags
	var role, username, password, street, enterprise, department string
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.StringVar(&role, "role", "", "one of: "+strings.Join(store.Roles, ", "))
	fs.StringVar(&username, "username", "", "login name")
	fs.StringVar(&password, "password", "", "password (at least 10 characters)")
	fs.StringVar(&street, "street", "", "street code or name (street officials)")
	fs.StringVar(&enterprise, "enterprise", "", "unified social credit code (enterprise accounts)")
	fs.StringVar(&department, "department", "", "department key (department accounts)")
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	if !slices.Contains(store.Roles, role) {
		return usageError{fmt.Sprintf("--role must be one of %s, got %q", strings.Join(store.Roles, ", "), role)}
	}
	if strings.TrimSpace(username) == "" {
		return usageError{"--username is required"}
	}
	if role == store.RoleStreetOfficial && street == "" {
		return usageError{"--street is required for a street_official"}
	}
	if role == store.RoleEnterprise && enterprise == "" {
		return usageError{"--enterprise (credit code) is required for an enterprise account"}
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	if street != "" {
		zones, err := loadAreas(cfg)
		if err != nil {
			return err
		}
		st, ok := zones.Street(street)
		if !ok {
			return usageError{fmt.Sprintf("--street %q is not one of the configured streets (code or Chinese name)", street)}
		}
		street = st.Code
	}
	log := newLogger(cfg.Log, stderr)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &store.User{Username: strings.TrimSpace(username), PasswordHash: hash, Role: role, Street: street, Department: department}
	if role == store.RoleEnterprise {
		e, err := db.EnterpriseByCode(ctx, strings.ToUpper(strings.TrimSpace(enterprise)))
		if err != nil {
			return fmt.Errorf("--enterprise %s: %w", enterprise, err)
		}
		u.EnterpriseID = &e.ID
		u.Street = e.Street
	}
	if err := db.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "cli", Role: store.RoleAdmin, Action: "account_created",
		Object: "user:" + u.Username, Details: "role=" + u.Role + " street=" + u.Street}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
	return nil
}

// cmdUserDisable disables (ending every session at once) or re-enables an
// account.
func cmdUserDisable(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	var username string
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.StringVar(&username, "username", "", "login name")
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	if username == "" {
		return usageError{"--username is required"}
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
	disable := args[0] == "disable"
	if err := auth.NewService(db, cfg.Auth, nil).SetDisabled(ctx, u.ID, disable); err != nil {
		return err
	}
	if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "cli", Role: store.RoleAdmin, Action: "account_" + args[0] + "d", Object: "user:" + u.Username}); err != nil {
		return err
	}
	if disable {
		fmt.Fprintf(stdout, "user %s disabled; its sessions are ended and its API tokens revoked\n", u.Username)
	} else {
		fmt.Fprintf(stdout, "user %s enabled\n", u.Username)
	}
	return nil
}
