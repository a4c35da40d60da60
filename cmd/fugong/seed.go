package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"fugong/internal/demo"
)

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "demo" {
		return usageError{"usage: fugong seed demo [--config FILE]"}
	}
	var g globalFlags
	fs := flag.NewFlagSet("seed demo", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	res, err := demo.Seed(ctx, rt.db, rt.zones)
	if err != nil {
		return err
	}
	if res.Skipped {
		fmt.Fprintln(stdout, "seed demo: the database already holds data; nothing added / 数据库已有数据，未导入演示数据")
		return nil
	}
	fmt.Fprintf(stdout, "seed demo: %d enterprises in the registry / 已导入 %d 家企业\n", res.Enterprises, res.Enterprises)
	fmt.Fprintf(stdout, "demo accounts (password %s) / 演示账号（密码 %s）:\n", demo.Password, demo.Password)
	for _, a := range res.Accounts {
		fmt.Fprintf(stdout, "  %-22s %-16s %s\n", a.Username, a.Role, a.Street)
	}
	return nil
}
