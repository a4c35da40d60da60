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
		fmt.Fprintln(stdout, msgSeedSkipped.In(langOf(ctx)))
		return nil
	}
	fmt.Fprintln(stdout, msgSeedEnterprises.In(langOf(ctx), res.Enterprises))
	fmt.Fprintln(stdout, msgSeedAccounts.In(langOf(ctx), demo.Password))
	for _, a := range res.Accounts {
		fmt.Fprintf(stdout, "  %-22s %-16s %s\n", a.Username, a.Role, a.Street)
	}
	return nil
}
