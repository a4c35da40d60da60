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
	res, err := registry.New(rt.db, rt.zones).Import(ctx, auth.CLI(), file, filepath.Base(file), dryRun)
	if err != nil {
		if ae := apperror.As(err); ae != nil && len(ae.Details) > 0 {
			fmt.Fprintf(stderr, "%s\n", ae.Message)
			for _, d := range ae.Details {
				fmt.Fprintf(stderr, "  第 %d 行 / row %d, %s: %s\n", d.Row, d.Row, d.Column, d.Message)
			}
			return fmt.Errorf("%d 处错误，未写入任何数据 / %d problems, nothing written", len(ae.Details), len(ae.Details))
		}
		return err
	}
	verb := "imported"
	if dryRun {
		verb = "dry run (nothing written)"
	}
	fmt.Fprintf(stdout, "registry %s: created %d, updated %d, unchanged %d / 新增 %d，更新 %d，未变 %d\n",
		verb, res.Created, res.Updated, res.Unchanged, res.Created, res.Updated, res.Unchanged)
	return nil
}
