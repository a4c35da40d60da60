// Package ruleset owns what can be done with the running rule set besides
// applying it to a submission: show it, evaluate a draft against it, reload
// it from disk, backtest a candidate against every filing, and keep the
// history of every version that was ever active. The HTTP layer and the
// command line call it; the rules themselves are package rules.
package ruleset

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"regexp"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/filing"
	"fugong/internal/msg"
	"fugong/internal/page"
	"fugong/internal/parktime"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// Limits of rule operations.
const (
	// backtestBatch is how many revisions are read per query in a backtest.
	backtestBatch = 500
	// BacktestMaxListed caps the per-filing list in a backtest answer; the
	// totals always count every filing.
	BacktestMaxListed = 200
	// backtestTimeout bounds one backtest.
	backtestTimeout = 2 * time.Minute
	// recordTimeout bounds one write of a rule version.
	recordTimeout = 10 * time.Second
)

// Service runs rule operations over an engine and the database.
type Service struct {
	engine *rules.Engine // nil: every operation is apperror.Unavailable
	db     *store.DB
	areas  *areas.Areas
	now    func() time.Time
	log    *slog.Logger
}

// New returns a Service. engine may be nil (the rule engine is not
// running); now is the clock (time.Now when nil).
func New(engine *rules.Engine, db *store.DB, a *areas.Areas, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{engine: engine, db: db, areas: a, now: now, log: log}
}

// Recorder returns the function `fugong serve` passes to rules.NewEngine as
// onLoad: it records every newly active rule set — its version and each
// file's text verbatim — so the ruleset_version of any flag can be
// explained later. It never fails the load: a write error (say, the
// database is down) is logged, the new set stays active, and the next
// successful Reload records the running version again. Each write is
// bounded by ctx and 10 s.
func Recorder(ctx context.Context, db *store.DB, log *slog.Logger) func(*rules.Set) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(set *rules.Set) {
		if err := record(ctx, db, set); err != nil {
			log.Error("rule version not recorded; the set is active but its files are not in the database yet",
				"version", set.Version, "err", err)
		}
	}
}

// record saves set's version and files, active now.
func record(ctx context.Context, db *store.DB, set *rules.Set) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return db.SaveRuleVersion(ctx, set.Version, storeFiles(set.Files), time.Now())
}

func storeFiles(files []rules.File) []store.RuleFile {
	out := make([]store.RuleFile, len(files))
	for i, f := range files {
		out[i] = store.RuleFile{Name: f.Name, Text: f.Content}
	}
	return out
}

var errNoEngine = apperror.Msg(apperror.Unavailable, msgRuleEngineNotRunning)

func (s *Service) running() (*rules.Engine, error) {
	if s.engine == nil {
		return nil, errNoEngine
	}
	return s.engine, nil
}

// active returns the running rule set, or apperror.Unavailable before the
// first successful load.
func (s *Service) active() (*rules.Set, error) {
	e, err := s.running()
	if err != nil {
		return nil, err
	}
	set := e.Current()
	if set == nil {
		return nil, apperror.Msg(apperror.Unavailable, msgNoRuleSetHasLoaded)
	}
	return set, nil
}

// Rule is one rule as GET /api/v1/rules shows it.
type Rule struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Severity    rules.Severity `json:"severity"`
	When        string         `json:"when"`
	Message     string         `json:"message"`
	Description string         `json:"description"`
}

// LoadError is the last failed reload: its message and every problem.
type LoadError struct {
	Message string            `json:"message"`
	Details []apperror.Detail `json:"details"`
}

// Overview is the running set and, if the newest edit is broken, why it
// was not loaded.
type Overview struct {
	Version   string     `json:"version"`
	Rules     []Rule     `json:"rules"`
	LastError *LoadError `json:"last_error"`
}

func loadErrorOf(err error, lang msg.Lang) *LoadError {
	if err == nil {
		return nil
	}
	ae := apperror.As(err)
	if ae == nil {
		return &LoadError{Message: msgLastReloadDidNotComplete.In(lang), Details: []apperror.Detail{}}
	}
	d := ae.DetailsIn(lang)
	if d == nil {
		d = []apperror.Detail{}
	}
	return &LoadError{Message: ae.MessageIn(lang), Details: d}
}

// Overview answers the running set (empty before the first load) and the
// last load error, in lang. Without an engine it is apperror.Unavailable.
func (s *Service) Overview(lang msg.Lang) (*Overview, error) {
	e, err := s.running()
	if err != nil {
		return nil, err
	}
	out := &Overview{Rules: []Rule{}, LastError: loadErrorOf(e.LastError(), lang)}
	if set := e.Current(); set != nil {
		out.Version = set.Version
		out.Rules = make([]Rule, len(set.Rules))
		for i, r := range set.Rules {
			out.Rules[i] = Rule{ID: r.ID, Name: r.Name, Severity: r.Severity, When: r.When, Message: r.Message, Description: r.Description}
		}
	}
	return out, nil
}

// Evaluation is the flags the running set raises on a draft.
type Evaluation struct {
	RulesetVersion string       `json:"ruleset_version"`
	Flags          []rules.Flag `json:"flags"`
}

// Evaluate validates d with the filing's own validator and answers the
// flags the running set raises on it, as of the park's today, saving
// nothing. Bad fields are apperror.Invalid; no running set is
// apperror.Unavailable.
func (s *Service) Evaluate(ctx context.Context, d filing.Draft) (*Evaluation, error) {
	in, err := d.RuleInput(s.areas, parktime.In(s.now()))
	if err != nil {
		return nil, err
	}
	set, err := s.active()
	if err != nil {
		return nil, err
	}
	flags := rules.Evaluate(set, in)
	if flags == nil {
		flags = []rules.Flag{}
	}
	return &Evaluation{RulesetVersion: set.Version, Flags: flags}, nil
}

// Reloaded is the outcome of a successful reload.
type Reloaded struct {
	Version string `json:"version"`
	Rules   int    `json:"rules"`
	Changed bool   `json:"changed"`
}

// Reload reloads the rules directory on behalf of p and records the active
// version (an idempotent upsert, repairing a record that failed at load)
// with its audit entry in one transaction. A broken edit is the
// apperror.Invalid naming every problem (audited too) while the running set
// stays.
func (s *Service) Reload(ctx context.Context, p *auth.Principal) (*Reloaded, error) {
	e, err := s.running()
	if err != nil {
		return nil, err
	}
	before := ""
	if cur := e.Current(); cur != nil {
		before = cur.Version
	}
	set, err := e.Reload(ctx)
	if err != nil {
		n := 0
		if ae := apperror.As(err); ae != nil {
			n = len(ae.Details)
		}
		if aerr := s.db.AppendAudit(context.WithoutCancel(ctx), p.Entry("rules_reload_failed", "ruleset:"+before, fmt.Sprintf("problems=%d", n))); aerr != nil {
			return nil, errors.Join(err, aerr)
		}
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.SaveRuleVersion(ctx, set.Version, storeFiles(set.Files), s.now()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("rules_reloaded", "ruleset:"+set.Version, fmt.Sprintf("previous=%s rules=%d", before, len(set.Rules))))
	})
	if err != nil {
		return nil, err
	}
	return &Reloaded{Version: set.Version, Rules: len(set.Rules), Changed: set.Version != before}, nil
}

// Version is a rule set version that was active at some time (schema
// RuleVersion); Files is empty in lists.
type Version struct {
	Version       string    `json:"version"`
	Files         []File    `json:"files,omitempty"`
	FirstActiveAt time.Time `json:"first_active_at"`
	LastActiveAt  time.Time `json:"last_active_at"`
}

func versionOf(r *store.RuleVersionRecord) Version {
	v := Version{Version: r.Version, FirstActiveAt: r.FirstActiveAt, LastActiveAt: r.LastActiveAt}
	for _, f := range r.Files {
		v.Files = append(v.Files, File{Name: f.Name, Text: f.Text})
	}
	return v
}

// Versions lists the recorded rule versions, newest first, and the total.
func (s *Service) Versions(ctx context.Context, pg page.Page) ([]Version, int64, error) {
	rows, total, err := s.db.ListRuleVersions(ctx, pg)
	out := make([]Version, len(rows))
	for i := range rows {
		out[i] = versionOf(&rows[i])
	}
	return out, total, err
}

var versionPattern = regexp.MustCompile(`^[0-9a-f]{1,32}$`)

// Version answers a version's files, from the database, or from the
// running set when its record is missing (a failed write at load). An
// unknown or malformed version is apperror.NotFound.
func (s *Service) Version(ctx context.Context, v string) (*Version, error) {
	if !versionPattern.MatchString(v) {
		return nil, apperror.Msg(apperror.NotFound, msgRulesetVersionNotFound)
	}
	rec, err := s.db.RuleVersion(ctx, v)
	if apperror.CodeOf(err) == apperror.NotFound && s.engine != nil {
		if set := s.engine.Current(); set != nil && set.Version == v {
			at := set.LoadedAt.UTC()
			out := versionOf(&store.RuleVersionRecord{Version: v, Files: storeFiles(set.Files), FirstActiveAt: at, LastActiveAt: at})
			return &out, nil
		}
	}
	if err != nil {
		return nil, err
	}
	out := versionOf(rec)
	return &out, nil
}

// File is one rule file of a candidate set.
type File struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Candidate is the body of a backtest: the files of a candidate set,
// replacing every file of the running one.
type Candidate struct {
	Files []File `json:"files"`
}

// Change is one filing whose flags would change.
type Change struct {
	FilingID  int64    `json:"filing_id"`
	Appear    []string `json:"appear"`
	Disappear []string `json:"disappear"`
}

// BacktestResult is what a candidate would change over every filing.
type BacktestResult struct {
	CurrentVersion   string            `json:"current_version"`
	CandidateVersion string            `json:"candidate_version"`
	Filings          int               `json:"filings"`
	Skipped          int               `json:"skipped"`
	ChangedTotal     int               `json:"changed_total"`
	Changed          []Change          `json:"changed"`
	Truncated        bool              `json:"truncated"`
	Rules            []rules.RuleDelta `json:"rules"`
	FlaggedBefore    int               `json:"flagged_before"`
	FlaggedAfter     int               `json:"flagged_after"`
	BlockedBefore    int               `json:"blocked_before"`
	BlockedAfter     int               `json:"blocked_after"`
}

// Backtest compiles the candidate (apperror.Invalid naming every problem)
// and runs it against the running set over the latest revision of every
// filing, within two minutes (apperror.Unavailable past that), on behalf of
// p (audited before it runs, and again with its outcome). At most BacktestMaxListed changed filings are listed.
func (s *Service) Backtest(ctx context.Context, p *auth.Principal, c Candidate) (*BacktestResult, error) {
	current, err := s.active()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, backtestTimeout)
	defer cancel()
	files := make([]rules.File, len(c.Files))
	for i, f := range c.Files {
		files[i] = rules.File{Name: f.Name, Content: f.Text}
	}
	candidate, err := rules.LoadFiles(ctx, files)
	if err != nil {
		return nil, err
	}
	// Audited before it runs, in a transaction of its own: a backtest that
	// exhausts its budget or takes the process down is still on record.
	if err := s.db.AppendAudit(ctx, p.Entry("rules_backtest_start", "ruleset:"+candidate.Version, "current="+current.Version)); err != nil {
		return nil, err
	}
	rep, skipped, err := rules.BacktestStored(func(yield func(int64, string) bool) error {
		return s.db.LatestRevisions(ctx, backtestBatch, func(revs []store.FilingRevision) error {
			for _, r := range revs {
				if !yield(r.FilingID, r.Snapshot) {
					return rules.ErrStopStored
				}
			}
			return nil
		})
	}, func(inputs iter.Seq2[string, rules.Input]) (rules.Report, error) {
		return rules.Backtest(ctx, current, candidate, inputs)
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, apperror.WrapMsg(err, apperror.Unavailable, msgBacktestTimedOut)
		}
		return nil, err
	}
	listed := rep.Listed(BacktestMaxListed)
	changed := make([]Change, len(listed))
	for i, ch := range listed {
		changed[i] = Change{FilingID: ch.ID, Appear: ch.Appear, Disappear: ch.Disappear}
	}
	if err := s.db.AppendAudit(context.WithoutCancel(ctx), p.Entry("rules_backtest", "ruleset:"+candidate.Version,
		fmt.Sprintf("current=%s filings=%d changed=%d", current.Version, rep.Inputs, len(rep.Changed)))); err != nil {
		return nil, err
	}
	return &BacktestResult{
		CurrentVersion: rep.CurrentVersion, CandidateVersion: rep.CandidateVersion, Filings: rep.Inputs, Skipped: skipped,
		ChangedTotal: len(rep.Changed), Changed: changed, Truncated: len(rep.Changed) > BacktestMaxListed, Rules: rep.Rules,
		FlaggedBefore: rep.FlaggedBefore, FlaggedAfter: rep.FlaggedAfter, BlockedBefore: rep.BlockedBefore, BlockedAfter: rep.BlockedAfter,
	}, nil
}
