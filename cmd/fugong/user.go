package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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
	var roleName, username, password, street, enterprise, department string
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.StringVar(&roleName, "role", "", "one of: "+roleList())
	fs.StringVar(&username, "username", "", "login name")
	fs.StringVar(&password, "password", "", "password (at least 10 characters)")
	fs.StringVar(&street, "street", "", "street code or name (street officials)")
	fs.StringVar(&enterprise, "enterprise", "", "unified social credit code (enterprise accounts)")
	fs.StringVar(&department, "department", "", "department key (department accounts)")
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	role := store.Role(roleName)
	if !role.Valid() {
		return usageError{fmt.Sprintf("--role must be one of %s, got %q", roleList(), roleName)}
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
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	db := rt.db
	if street != "" {
		code, err := rt.zones.StreetCode("street", street)
		if err != nil {
			return usageError{fmt.Sprintf("--street %q is not one of the configured streets (code or Chinese name)", street)}
		}
		street = code
	}
	u := &store.User{Username: strings.TrimSpace(username), PasswordHash: hash, Role: role, Street: street, Department: department}
	if role == store.RoleEnterprise {
		e, err := db.EnterpriseByCode(ctx, strings.ToUpper(strings.TrimSpace(enterprise)))
		if err != nil {
			return fmt.Errorf("--enterprise %s: %w", enterprise, err)
		}
		u.EnterpriseID = &e.ID
		u.Street = e.Street
	}
	if err := auth.NewService(db, rt.cfg.Auth, nil).CreateUser(ctx, auth.CLI(), u); err != nil {
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
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	disable := args[0] == "disable"
	if err := auth.NewService(rt.db, rt.cfg.Auth, nil).SetDisabled(ctx, auth.CLI(), username, disable); err != nil {
		return fmt.Errorf("--username %s: %w", username, err)
	}
	if disable {
		fmt.Fprintf(stdout, "user %s disabled; its sessions are ended and its API tokens revoked\n", username)
	} else {
		fmt.Fprintf(stdout, "user %s enabled\n", username)
	}
	return nil
}

// roleList names every role, for usage messages.
func roleList() string {
	names := make([]string, len(store.Roles))
	for i, r := range store.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
