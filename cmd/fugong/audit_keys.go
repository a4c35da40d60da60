package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"fugong/internal/audit"
	"fugong/internal/pii"
	"fugong/internal/store"
)

// storeAuditKeys are the keyring's audit MAC keys, every generation.
func storeAuditKeys(keys *pii.Keyring) []store.AuditKey {
	var out []store.AuditKey
	for _, k := range keys.AuditKeys() {
		out = append(out, store.AuditKey{Gen: k.Gen, Key: k.MAC})
	}
	return out
}

// checkpointKeys are the keyring's checkpoint signing keys, oldest first.
func checkpointKeys(keys *pii.Keyring) []audit.CheckpointKey {
	var out []audit.CheckpointKey
	for _, k := range keys.AuditKeys() {
		out = append(out, audit.CheckpointKey{ID: k.ID, Seed: k.Seed})
	}
	return out
}

// cmdAuditNewKey runs `fugong audit new-key`: it prints a fresh keyring
// entry for the next generation of the audit keys, to add to
// FUGONG_DATA_KEY beside the existing entries (docs/security.md §4). It
// changes nothing itself.
func cmdAuditNewKey(_ context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	fs := flag.NewFlagSet("audit new-key", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args, stderr); err != nil {
		return err
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	keys, err := loadKeyring(cfg, newLogger(cfg.Log, stderr))
	if err != nil {
		return err
	}
	all := keys.AuditKeys()
	next := all[len(all)-1].Gen + 1
	fmt.Fprintf(stdout, "%s%d:%s\n", pii.AuditKeyPrefix, next, pii.GenerateKey())
	fmt.Fprintf(stderr, "add this entry to FUGONG_DATA_KEY, comma-separated (keep every other entry, audit ones included; a key given bare is written 0:KEY in a list) on every replica and restart them; entries and checkpoints written from then on use audit key generation %d, older ones keep verifying\n", next)
	return nil
}
