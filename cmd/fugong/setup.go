package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"fugong/internal/areas"
	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/pii"
	"fugong/internal/store"
)

// parseFlags parses fs over args, accepting the global flags anywhere.
func parseFlags(fs *flag.FlagSet, g *globalFlags, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// loadConfig loads the configuration the flags and environment describe.
func loadConfig(g globalFlags, getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(g.config, getenv)
	if err != nil {
		return cfg, err
	}
	if g.logFormat != "" {
		cfg.Log.Format = g.logFormat
		if err := cfg.Validate(); err != nil {
			return cfg, fmt.Errorf("--log-format: %w", err)
		}
	}
	return cfg, nil
}

func newLogger(cfg config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(strings.ToUpper(cfg.Level)))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "driver", cfg.Database.Driver, "applied", applied)
	}
	// The audit chain's MAC key comes from the data keyring, never from
	// the database it protects.
	keys, err := loadKeyring(cfg, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	db.SetAuditKeys(storeAuditKeys(keys)) // every generation (audit_keys.go)
	return db, nil
}

// loadAreas returns the configured zones and streets.
func loadAreas(cfg config.Config) (*areas.Areas, error) {
	if cfg.Areas.File == "" {
		return areas.Default(), nil
	}
	a, err := areas.Load(cfg.Areas.File)
	if err != nil {
		return nil, fmt.Errorf("config: areas.file: %w", err)
	}
	return a, nil
}

func openBlob(cfg config.Config) (blob.Store, error) {
	return blob.Open(cfg)
}

// loadKeyring returns the personal-data keyring: FUGONG_DATA_KEY when set,
// else the key in the key file (generated once, mode 0600, with a warning,
// since losing it loses every encrypted ID number). The key file defaults to
// the user's configuration directory, outside the data directory: a backup
// of data/ that also held the key would hold the ciphertext's key. A key
// file earlier versions left in data/ is still used, with a warning to move
// it.
func loadKeyring(cfg config.Config, log *slog.Logger) (*pii.Keyring, error) {
	key := cfg.Data.Key
	if key == "" {
		path, err := keyFilePath(cfg, log)
		if err != nil {
			return nil, err
		}
		k, created, err := pii.LoadOrCreateKeyFile(path)
		if err != nil {
			return nil, fmt.Errorf("data key: %w", err)
		}
		if created {
			log.Warn("generated a new personal-data key; back it up separately from the data, or set FUGONG_DATA_KEY", "path", path)
		}
		if inside(path, cfg.Data.Dir) || (cfg.Database.Driver == "sqlite" && inside(path, filepath.Dir(cfg.Database.DSN))) {
			log.Warn("the personal-data key file is in the data directory, next to the data it protects: a backup of one is a backup of both; move it (FUGONG_DATA_KEY_FILE) or set FUGONG_DATA_KEY",
				"path", path, "data_dir", cfg.Data.Dir)
		}
		key = k
	}
	kr, err := pii.ParseKeyring(key)
	if err != nil {
		return nil, fmt.Errorf("config: data.key (FUGONG_DATA_KEY): %w", err)
	}
	return kr, nil
}

// runtime is what a command that uses the database starts with: its
// configuration, its logger, the configured zones and streets, and the
// opened, migrated database.
type runtime struct {
	cfg   config.Config
	log   *slog.Logger
	zones *areas.Areas
	db    *store.DB
}

// start loads the configuration the flags and environment describe, makes
// the logger, loads the areas and opens (and migrates) the database: the
// one preamble of every command that touches data. Close the database with
// rt.db.Close.
func start(ctx context.Context, g globalFlags, stderr io.Writer, getenv func(string) string) (*runtime, error) {
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return nil, err
	}
	rt := &runtime{cfg: cfg, log: newLogger(cfg.Log, stderr)}
	if rt.zones, err = loadAreas(cfg); err != nil {
		return nil, err
	}
	if rt.db, err = openStore(ctx, cfg, rt.log); err != nil {
		return nil, err
	}
	return rt, nil
}

// startWithObjects is start plus the object store and the data keyring:
// the preamble of the commands that touch stored files. Close the database
// with rt.db.Close.
func startWithObjects(ctx context.Context, g globalFlags, stderr io.Writer, getenv func(string) string) (*runtime, blob.Store, *pii.Keyring, error) {
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	objects, err := openBlob(rt.cfg)
	if err != nil {
		rt.db.Close()
		return nil, nil, nil, err
	}
	keys, err := loadKeyring(rt.cfg, rt.log)
	if err != nil {
		rt.db.Close()
		return nil, nil, nil, err
	}
	return rt, objects, keys, nil
}

// keyFilePath is the configured key file, else the legacy data/data.key if
// it exists, else <user config dir>/fugong/data.key.
func keyFilePath(cfg config.Config, log *slog.Logger) (string, error) {
	if cfg.Data.KeyFile != "" {
		return cfg.Data.KeyFile, nil
	}
	legacy := filepath.Join(cfg.Data.Dir, "data.key")
	if _, err := os.Stat(legacy); err == nil {
		return legacy, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("data key: no FUGONG_DATA_KEY, no FUGONG_DATA_KEY_FILE and no user configuration directory: %w", err)
	}
	return filepath.Join(dir, "fugong", "data.key"), nil
}

// inside reports whether path lies in dir.
func inside(path, dir string) bool {
	ap, err1 := filepath.Abs(path)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
