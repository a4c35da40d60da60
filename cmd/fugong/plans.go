package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/dedup"
	"fugong/internal/plans"
	"fugong/internal/store"
)

const plansUsage = "usage: fugong plans template add --name NAME FILE | fugong plans refresh"

// cmdPlans runs the near-duplicate index's batch jobs (复工方案雷同检测的维护命令):
//
//	fugong plans template add --name NAME FILE   register an official template
//	                                             (TXT, DOCX or PDF) and reindex
//	fugong plans refresh                         relearn the frequent (boilerplate)
//	                                             shingles, then reindex
//
// Both open and migrate the configured database like the other commands and
// reindex every plan inline, which takes about 3 ms per plan (about five
// minutes at 100 000 plans); queries stay correct meanwhile. Errors: usageError for a
// bad command line (exit 2); otherwise the extraction's or the database's
// error (exit 1).
func cmdPlans(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	switch {
	case len(args) >= 2 && args[0] == "template" && args[1] == "add":
		return cmdPlansTemplateAdd(ctx, args[2:], stdout, stderr, getenv)
	case len(args) >= 1 && args[0] == "refresh":
		var g globalFlags
		fs := flag.NewFlagSet("plans refresh", flag.ContinueOnError)
		if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
			return err
		}
		return withPlanIndex(ctx, g, stderr, getenv, func(x *dedup.Index, _ config.Config) error {
			start := time.Now()
			n, err := x.RefreshBoilerplate(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, msgFrequentShingles.In(langOf(ctx), n))
			return reindex(ctx, x, stdout, start)
		})
	}
	return usageError{plansUsage}
}

// cmdPlansTemplateAdd registers FILE's text as an official template. Flags
// may come before or after FILE.
func cmdPlansTemplateAdd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	var name string
	fs := flag.NewFlagSet("plans template add", flag.ContinueOnError)
	fs.StringVar(&name, "name", "", "template name (required, at most 200 characters)")
	fs.SetOutput(stderr)
	g.register(fs)
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return err
			}
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	name = strings.TrimSpace(name)
	switch {
	case len(files) != 1:
		return usageError{"one template FILE (txt, docx or pdf) is required; " + plansUsage}
	case name == "":
		return usageError{"--name is required"}
	case utf8.RuneCountInString(name) > 200:
		return usageError{"--name is longer than 200 characters"}
	}
	return withPlanIndex(ctx, g, stderr, getenv, func(x *dedup.Index, cfg config.Config) error {
		text, err := plans.FromFile(ctx, files[0], int64(cfg.Uploads.PlanMaxMB)<<20)
		if err != nil {
			return fmt.Errorf("%s: %w", files[0], err)
		}
		start := time.Now()
		t, err := x.AddTemplate(ctx, auth.CLI().Entry("", "", ""), name, text)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, msgTemplateAdded.In(langOf(ctx), t.ID, t.Name, utf8.RuneCountInString(t.Text)))
		return reindex(ctx, x, stdout, start)
	})
}

// withPlanIndex loads the configuration, opens (and migrates) the store and
// runs fn over a dedup index on it with the options the server uses.
func withPlanIndex(ctx context.Context, g globalFlags, stderr io.Writer, getenv func(string) string, fn func(*dedup.Index, config.Config) error) error {
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	x, err := newPlanIndex(rt.db)
	if err != nil {
		return err
	}
	return fn(x, rt.cfg)
}

// newPlanIndex returns the near-duplicate index over db with the options the
// server uses.
func newPlanIndex(db *store.DB) (*dedup.Index, error) {
	return dedup.New(db, dedup.Options{})
}

// reindex recomputes every plan's signature and reports how many and how
// long since start.
func reindex(ctx context.Context, x *dedup.Index, stdout io.Writer, start time.Time) error {
	n, err := x.Reindex(ctx)
	if err != nil {
		return fmt.Errorf("reindex (after %d plans): %w", n, err)
	}
	fmt.Fprintln(stdout, msgReindexed.In(langOf(ctx), n, time.Since(start).Round(time.Millisecond)))
	return nil
}
