package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"fugong/internal/filing"
)

// cmdObjects runs `fugong objects reencrypt`: every stored object is brought
// under the current data key (legacy plaintext objects sealed, older data
// keys re-sealed). Run after prepending a key to FUGONG_DATA_KEY.
func cmdObjects(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "reencrypt" {
		return usageError{"usage: fugong objects reencrypt [--config FILE]"}
	}
	var g globalFlags
	fs := flag.NewFlagSet("objects reencrypt", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	rt, objects, keys, err := startWithObjects(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	cfg, log, db := rt.cfg, rt.log, rt.db
	svc := filing.NewService(filing.Deps{DB: db, Blobs: objects, Keys: keys, Config: cfg, Log: log})
	rep, err := svc.Reencrypt(ctx)
	fmt.Fprintf(stdout, "current key %s: %d plaintext objects sealed, %d re-sealed from older keys, %d already current, %d unreferenced plaintext objects left for the sweeper, %d attachments' plain SHA-256 replaced by the keyed hash\n",
		keys.CurrentKeyID(), rep.Sealed, rep.Rewrapped, rep.Current, rep.Orphans, rep.Rehashed)
	return err
}
