package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

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
	// The daily reports of the fortnight ending now (the one clock the
	// seed reads), filed against the data set serve uses.
	def, err := loadDailyDefinition(rt.cfg)
	if err != nil {
		return err
	}
	// The daily rules judge the reports the demo files one by one, as
	// serve's do (without following later changes: the seed ends).
	dailyRules, err := openDailyRules(ctx, rt.cfg, rt.db, rt.log)
	if err != nil {
		return err
	}
	d, err := demo.SeedDaily(ctx, rt.db, def, dailyRules, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msgSeedDaily.In(langOf(ctx), demo.DailyDays, d.Reports, d.Late, d.Missing, d.Corrected, d.Fever, d.MasksLow))
	fmt.Fprintln(stdout, msgSeedAccounts.In(langOf(ctx), demo.Password))
	for _, a := range res.Accounts {
		fmt.Fprintf(stdout, "  %-22s %-16s %s\n", a.Username, a.Role, a.Street)
	}
	return nil
}
