package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"fugong/internal/auth"
	"fugong/internal/store"
)

// demoPassword is the password of every demo account. Demo data only ever
// goes into an empty database, and `fugong seed demo` prints it.
const demoPassword = "fugong-demo-2020"

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "demo" {
		return usageError{"usage: fugong seed demo [--config FILE]"}
	}
	var g globalFlags
	fs := flag.NewFlagSet("seed demo", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(stdout, "seed demo: the database already holds data; nothing added / 数据库已有数据，未导入演示数据")
		return nil
	}
	accounts := []store.User{
		{Username: "admin", Role: store.RoleAdmin},
		{Username: "park", Role: store.RoleParkManager},
		{Username: "street-fangcaojie", Role: store.RoleStreetOfficial, Street: "fangcaojie"},
		{Username: "dept-jingji", Role: store.RoleDepartment, Department: "jingji"},
	}
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	err = db.Tx(ctx, func(tx *store.DB) error {
		for i := range accounts {
			accounts[i].PasswordHash = hash
			if err := tx.CreateUser(ctx, &accounts[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	fmt.Fprintln(stdout, "seed demo: demo accounts (password "+demoPassword+") / 演示账号：")
	for _, a := range accounts {
		fmt.Fprintf(stdout, "  %-20s %s %s\n", a.Username, a.Role, a.Street)
	}
	return nil
}
