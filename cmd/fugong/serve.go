package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fugong/frontend"
	"fugong/internal/audit"
	"fugong/internal/auth"
	"fugong/internal/buildinfo"
	"fugong/internal/config"
	"fugong/internal/daily"
	"fugong/internal/dedup"
	"fugong/internal/filing"
	"fugong/internal/httpapi"
	"fugong/internal/idempotency"
	"fugong/internal/inspection"
	"fugong/internal/registry"
	"fugong/internal/reminder"
	"fugong/internal/report"
	"fugong/internal/rules"
	"fugong/internal/ruleset"
	"fugong/internal/store"
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
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	cfg, log, db, zones := rt.cfg, rt.log, rt.db, rt.zones
	objects, err := openBlob(cfg)
	if err != nil {
		return err
	}
	if err := objects.Ping(ctx); err != nil {
		// Start anyway: /readyz reports it and recovers when the store does.
		log.Warn("object store not reachable at start-up", "backend", cfg.Blob.Backend, "err", err)
	}

	keys, err := loadKeyring(cfg, log)
	if err != nil {
		return err
	}
	engine := rules.NewEngine(cfg.Rules.Dir, ruleset.Recorder(ctx, db, log))
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
	dailyRules, err := startDailyRules(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	plansIndex, err := dedup.New(db, dedup.Options{})
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
	dailyDef, err := loadDailyDefinition(cfg)
	if err != nil {
		return err
	}
	authSvc := auth.NewService(db, cfg.Auth, time.Now).WithAreas(zones)
	go authSvc.RunHousekeeping(ctx, 10*time.Minute, func(err error) { log.Error("auth housekeeping", "err", err) })
	filings := filing.NewService(filing.Deps{DB: db, Blobs: objects, Keys: keys, Rules: engine,
		Dedup: plansIndex, Areas: zones, Config: cfg, Log: log})
	go filings.RunSweeper(ctx, cfg.Uploads.SweepGrace/4, cfg.Uploads.SweepGrace)
	// Started even with no subscribers configured, so rows of removed
	// subscribers are parked rather than polled forever.
	go webhook.New(db, cfg.Webhooks, webhook.Options{Log: log}).Run(ctx)
	inspections := inspection.NewService(inspection.Deps{DB: db, Blobs: objects, Keys: keys, Areas: zones, Config: cfg, Log: log})
	// Every replica runs the reminder job: each reminder is claimed by a
	// unique row, so it is sent once however many run.
	go inspections.RunReminders(ctx, instanceName(), 5*time.Minute)
	auditSvc := audit.New(db, objects, keys.AuditCheckpointSeed(), time.Now, log).WithKeys(checkpointKeys(keys))
	go auditSvc.Run(ctx, auditCheckInterval)
	reportSvc := report.New(db, reports, zones, nil)
	// Daily views are checked against the data set: a view naming an unknown,
	// personal or column-less field stops start-up with its file and line.
	if err := reportSvc.EnableDaily(dailyDef.ReportSetup()); err != nil {
		return fmt.Errorf("config: reports: %w", err)
	}
	dailySvc := daily.New(daily.Deps{DB: db, Keys: keys, Definition: dailyDef, Rules: dailyRules, Log: log})
	go dailySvc.RunHousekeeping(ctx, time.Hour)
	srv := httpapi.New(httpapi.Deps{Config: cfg, Log: log, DB: db, Blob: objects, Frontend: frontend.FS(),
		Auth: authSvc, Registry: registry.New(db, zones), Rules: ruleset.New(engine, db, zones, time.Now, log),
		Filings: filings, Inspections: inspections, Reports: reportSvc, Idempotency: idempotency.New(db, time.Now).SealedBy(filings),
		Audit: auditSvc, Daily: dailySvc, Reminders: reminder.New(db, reportSvc, cfg.Webhooks, time.Now)})
	errc := make(chan error, 1)
	go func() { errc <- srv.Listen() }()
	log.Info("fugong serving", "addr", cfg.HTTP.Addr, "database", cfg.Database.Driver, "blob", cfg.Blob.Backend, "version", buildinfo.Version())

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
	rt, err := start(ctx, g, stderr, getenv)
	if err != nil {
		return err
	}
	defer rt.db.Close()
	v, err := rt.db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database at schema version %d\n", v)
	return nil
}

// instanceName names this replica in reminder claims: host and process id.
func instanceName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d", h, os.Getpid())
}

// loadDailyDefinition is the daily data set of cfg: the embedded default,
// or daily.file, whose errors (with file and line) stop start-up.
func loadDailyDefinition(cfg config.Config) (*daily.Definition, error) {
	if cfg.Daily.File == "" {
		return daily.DefaultDefinition(), nil
	}
	def, err := daily.LoadDefinition(cfg.Daily.File)
	if err != nil {
		return def, fmt.Errorf("config: daily.file: %w", err)
	}
	return def, nil
}

// openDailyRules starts the daily report rules of RULES_DIR/daily from the
// published set (publishing the directory's when the database has none);
// nil without that directory, so daily reports are not flagged.
func openDailyRules(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*rules.Engine, error) {
	dir := filepath.Join(cfg.Rules.Dir, "daily")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		log.Warn("no daily report rules: daily reports are not checked", "dir", dir)
		return nil, nil
	}
	engine := rules.NewEngineKind(rules.KindDaily, dir, daily.RuleRecorder(ctx, db, log))
	if _, err := engine.Start(ctx, db.DailyRules()); err != nil {
		return nil, fmt.Errorf("daily rules: %w", err)
	}
	return engine, nil
}

// startDailyRules runs the daily report rules (RULES_DIR/daily) as the
// filing rules run: the published set in the database for every replica,
// followed, and watched when rules.watch is set. Without that directory
// daily reports are not flagged (nil engine).
func startDailyRules(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger) (*rules.Engine, error) {
	engine, err := openDailyRules(ctx, cfg, db, log)
	if engine == nil || err != nil {
		return nil, err
	}
	go engine.Follow(ctx, db.DailyRules(), rulesFollowInterval, log)
	if cfg.Rules.Watch {
		go func() {
			if err := engine.Watch(ctx, log); err != nil {
				log.Error("daily rule watcher stopped", "err", err)
			}
		}()
	}
	return engine, nil
}
