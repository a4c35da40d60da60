package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fugong/internal/daily"
	"fugong/internal/demo"
	"fugong/internal/rules"
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
	def := daily.DefaultDefinition()
	if rt.cfg.Daily.File != "" {
		if def, err = daily.LoadDefinition(rt.cfg.Daily.File); err != nil {
			return fmt.Errorf("config: daily.file: %w", err)
		}
	}
	// The daily rules judge the reports the demo files one by one, as serve's do.
	dailyRules, err := seedDailyRules(ctx, rt)
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

// seedDailyRules starts the daily report rules as serve does (publishing
// rules/daily when the database has no daily rule set yet), without the
// goroutines that follow later changes; nil when there is no rules/daily.
func seedDailyRules(ctx context.Context, rt *runtime) (*rules.Engine, error) {
	dir := filepath.Join(rt.cfg.Rules.Dir, "daily")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, nil
	}
	engine := rules.NewEngineKind(rules.KindDaily, dir, daily.RuleRecorder(ctx, rt.db, rt.log))
	if _, err := engine.Start(ctx, rt.db.DailyRules()); err != nil {
		return nil, fmt.Errorf("daily rules: %w", err)
	}
	return engine, nil
}
