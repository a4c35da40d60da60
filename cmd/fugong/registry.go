package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/registry"
)

// cmdRegistry is `fugong registry import FILE [--dry-run]`.
func cmdRegistry(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{"usage: fugong registry import FILE [--dry-run] [--config FILE]"}
	}
	var g globalFlags
	var dryRun bool
	fs := flag.NewFlagSet("registry import", flag.ContinueOnError)
	fs.BoolVar(&dryRun, "dry-run", false, "report what would change, write nothing")
	// FILE may come before or after the flags.
	rest := args[1:]
	var file string
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		file, rest = rest[0], rest[1:]
	}
	fs.SetOutput(stderr)
	g.register(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if file == "" {
		return usageError{"usage: fugong registry import FILE [--dry-run]"}
	}
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	res, _, err := registry.New(rt.db, rt.zones).Import(ctx, auth.CLI(), file, filepath.Base(file), dryRun)
	if err != nil {
		l := langOf(ctx)
		if ae := apperror.As(err); ae != nil && len(ae.Details) > 0 {
			fmt.Fprintln(stderr, ae.MessageIn(l))
			for _, d := range ae.DetailsIn(l) {
				fmt.Fprintln(stderr, msgRegistryRow.In(l, d.Row, d.Column, d.Message))
			}
			return errors.New(msgNothingWritten.In(l, len(ae.Details)))
		}
		return err
	}
	done := msgRegistryImported
	if dryRun {
		done = msgRegistryDryRun
	}
	fmt.Fprintln(stdout, done.In(langOf(ctx), res.Created, res.Updated, res.Unchanged))
	return nil
}
