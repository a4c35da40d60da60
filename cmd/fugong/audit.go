package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"fugong/internal/audit"
)

// auditCheckInterval is how often serve verifies the new audit entries and
// writes a signed checkpoint of the chain's head to the object store.
const auditCheckInterval = 5 * time.Minute

// errAuditBroken makes `fugong audit verify` exit 1.
var errAuditBroken = errors.New("the audit chain is broken")

// cmdAudit runs `fugong audit verify`: the whole chain and its signed
// checkpoints are checked; exit 0 when intact, 1 when broken.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 && args[0] == "new-key" {
		return cmdAuditNewKey(ctx, args[1:], stdout, stderr, getenv) // audit_keys.go
	}
	if len(args) == 0 || args[0] != "verify" {
		return usageError{"usage: fugong audit verify|new-key [--config FILE]"}
	}
	var g globalFlags
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	rt, objects, keys, err := startWithObjects(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	log, db := rt.log, rt.db
	rep, err := audit.New(db, objects, keys.AuditCheckpointSeed(), time.Now, log).WithKeys(checkpointKeys(keys)).Verify(ctx)
	if err != nil {
		return err
	}
	latest := int64(0)
	if rep.Latest != nil {
		latest = rep.Latest.Seq
	}
	fmt.Fprintf(stdout, "audit chain: %d entries checked, %d keyed in %d segments (one per writer), %d checkpoints checked (newest at %d keyed entries)\n",
		rep.Chain.Entries, rep.Chain.Heads.Entries(), len(rep.Chain.Heads), rep.Checkpoints, latest)
	if !rep.OK {
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "BROKEN: %s\n", p)
		}
		return errAuditBroken
	}
	fmt.Fprintln(stdout, "intact")
	return nil
}
