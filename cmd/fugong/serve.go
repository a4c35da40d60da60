package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"fugong/frontend"
	"fugong/internal/auth"
	"fugong/internal/dedup"
	"fugong/internal/filing"
	"fugong/internal/httpapi"
	"fugong/internal/report"
	"fugong/internal/rules"
	"fugong/internal/webhook"
)

// rulesFollowInterval bounds how long a replica runs a rule set after
// another replica published a new one (docs/deploy.md).
const rulesFollowInterval = 2 * time.Second

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args, stderr); err != nil {
		return err
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)

	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	objects, err := openBlob(cfg)
	if err != nil {
		return err
	}
	if err := objects.Ping(ctx); err != nil {
		// Start anyway: /readyz reports it and recovers when the store does.
		log.Warn("object store not reachable at start-up", "backend", cfg.Blob.Backend, "err", err)
	}

	zones, err := loadAreas(cfg)
	if err != nil {
		return err
	}
	keys, err := loadKeyring(cfg, log)
	if err != nil {
		return err
	}
	engine := rules.NewEngine(cfg.Rules.Dir, httpapi.RuleVersionRecorder(ctx, db, log))
	// The published rule set in the database is what every replica runs;
	// the directory is published only when nothing is yet (or on reload).
	if _, err := engine.Start(ctx, db); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	go engine.Follow(ctx, db, rulesFollowInterval, log)
	if cfg.Rules.Watch {
		go func() {
			if err := engine.Watch(ctx, log); err != nil {
				log.Error("rule watcher stopped", "err", err)
			}
		}()
	}
	plansIndex, err := dedup.New(db.Gorm(), dedup.Options{})
	if err != nil {
		return err
	}
	var reports *report.Config
	if cfg.Reports.File != "" {
		// A broken report definition stops start-up with its file and line.
		if reports, err = report.Load(cfg.Reports.File); err != nil {
			return fmt.Errorf("config: reports.file: %w", err)
		}
	}
	authSvc := auth.NewService(db, cfg.Auth, time.Now)
	filings := filing.NewService(filing.Deps{DB: db, Blobs: objects, Keys: keys, Rules: engine,
		Plans: filing.DedupIndex(plansIndex), Config: cfg, Log: log})
	go filings.RunSweeper(ctx, cfg.Uploads.SweepGrace/4, cfg.Uploads.SweepGrace)
	// Started even with no subscribers configured, so rows of removed
	// subscribers are parked rather than polled forever.
	go webhook.New(db, cfg.Webhooks, webhook.Options{Log: log}).Run(ctx)
	srv := httpapi.New(httpapi.Deps{Config: cfg, Log: log, DB: db, Blob: objects, Frontend: frontend.FS(),
		Store: db, Auth: authSvc, Areas: zones, Rules: engine, Filings: filings, Dedup: plansIndex, Reports: reports})
	errc := make(chan error, 1)
	go func() { errc <- srv.Listen() }()
	log.Info("fugong serving", "addr", cfg.HTTP.Addr, "database", cfg.Database.Driver, "blob", cfg.Blob.Backend, "version", buildVersion())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", cfg.HTTP.ShutdownTimeout)
	start := time.Now()
	if err := srv.Shutdown(cfg.HTTP.ShutdownTimeout); err != nil {
		log.Error("shutdown", "err", err)
	}
	<-errc
	log.Info("stopped", "drained_in", time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var g globalFlags
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := parseFlags(fs, &g, args, stderr); err != nil {
		return err
	}
	cfg, err := loadConfig(g, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database at schema version %d\n", v)
	return nil
}
