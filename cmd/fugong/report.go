package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// cmdReport is `fugong report rebuild`: recompute every enterprise's status
// timeline (what the dashboards read) from the filings, in one transaction.
// The filing service keeps the timeline in step on every change; the rebuild
// is for after a restore, a bulk load past the service, or a doubt.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return usageError{"usage: fugong report rebuild [--config FILE]"}
	}
	var g globalFlags
	fs := flag.NewFlagSet("report rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
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
	n, err := db.RebuildTimeline(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msgTimelineRebuilt.In(langOf(ctx), n))
	return nil
}
