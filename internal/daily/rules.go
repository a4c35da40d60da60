package daily

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"regexp"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/page"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// The daily report rules (rules/daily/*.yaml) are run by their own
// rules.Engine of kind rules.KindDaily, published for every replica in row
// 2 of rule_publication with their versions in rule_versions (kind daily),
// as the filing rules are (internal/ruleset); these are their operations:
// show, reload, versions and backtest.

// RuleRecorder returns the onLoad hook of the daily rules engine: it
// records every newly active daily rule set with its files (errors are
// logged; the set stays active and the next reload records it again).
func RuleRecorder(ctx context.Context, db *store.DB, log *slog.Logger) func(*rules.Set) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(set *rules.Set) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := db.DailyRules().SaveRuleVersion(ctx, set.Version, ruleFiles(set.Files), time.Now()); err != nil {
			log.Error("daily rule version not recorded", "version", set.Version, "err", err)
		}
	}
}

func ruleFiles(files []rules.File) []store.RuleFile {
	out := make([]store.RuleFile, len(files))
	for i, f := range files {
		out[i] = store.RuleFile{Name: f.Name, Text: f.Content}
	}
	return out
}

var errNoEngine = apperror.Msg(apperror.Unavailable, msgNoRuleEngine)

func (s *Service) activeRules() (*rules.Set, error) {
	if s.engine == nil || s.engine.Current() == nil {
		return nil, errNoEngine
	}
	return s.engine.Current(), nil
}

// RuleView is one daily rule as GET /api/v1/daily/rules shows it.
type RuleView struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Severity    rules.Severity `json:"severity"`
	When        string         `json:"when"`
	Message     string         `json:"message"`
	Description string         `json:"description"`
}

// RulesOverview is the running daily rule set and, when the latest reload
// failed, why.
type RulesOverview struct {
	Version   string     `json:"version"`
	Rules     []RuleView `json:"rules"`
	LastError string     `json:"last_error"`
}

// Rules returns the running daily rule set; without an engine,
// apperror.Unavailable.
func (s *Service) Rules() (*RulesOverview, error) {
	if s.engine == nil {
		return nil, errNoEngine
	}
	out := &RulesOverview{Rules: []RuleView{}}
	if err := s.engine.LastError(); err != nil {
		out.LastError = err.Error()
	}
	if set := s.engine.Current(); set != nil {
		out.Version = set.Version
		for _, r := range set.Rules {
			out.Rules = append(out.Rules, RuleView{ID: r.ID, Name: r.Name, Severity: r.Severity, When: r.When, Message: r.Message, Description: r.Description})
		}
	}
	return out, nil
}

// RulesReloaded is the outcome of a reload.
type RulesReloaded struct {
	Version string `json:"version"`
	Rules   int    `json:"rules"`
	Changed bool   `json:"changed"`
}

// ReloadRules reloads rules/daily for every replica on behalf of p and
// records the version with its audit entry in one transaction. A broken
// edit is apperror.Invalid naming every problem (audited too) and the
// running set stays.
func (s *Service) ReloadRules(ctx context.Context, p *auth.Principal) (*RulesReloaded, error) {
	if s.engine == nil {
		return nil, errNoEngine
	}
	before := ""
	if cur := s.engine.Current(); cur != nil {
		before = cur.Version
	}
	set, err := s.engine.Reload(ctx)
	if err != nil {
		if aerr := s.db.AppendAudit(context.WithoutCancel(ctx), p.Entry("daily_rules_reload_failed", "daily_ruleset:"+before, "")); aerr != nil {
			return nil, errors.Join(err, aerr)
		}
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.DailyRules().SaveRuleVersion(ctx, set.Version, ruleFiles(set.Files), s.now()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("daily_rules_reloaded", "daily_ruleset:"+set.Version, fmt.Sprintf("previous=%s rules=%d", before, len(set.Rules))))
	})
	if err != nil {
		return nil, err
	}
	return &RulesReloaded{Version: set.Version, Rules: len(set.Rules), Changed: set.Version != before}, nil
}

// RuleVersion is a daily rule set version that was active at some time;
// Files is empty in lists.
type RuleVersion struct {
	Version       string           `json:"version"`
	Files         []store.RuleFile `json:"files,omitempty"`
	FirstActiveAt time.Time        `json:"first_active_at"`
	LastActiveAt  time.Time        `json:"last_active_at"`
}

// RuleVersions lists the recorded daily rule versions, newest first, and
// the total.
func (s *Service) RuleVersions(ctx context.Context, pg page.Page) ([]RuleVersion, int64, error) {
	rows, total, err := s.db.DailyRules().ListRuleVersions(ctx, pg)
	out := make([]RuleVersion, len(rows))
	for i, r := range rows {
		out[i] = RuleVersion{Version: r.Version, FirstActiveAt: r.FirstActiveAt, LastActiveAt: r.LastActiveAt}
	}
	return out, total, err
}

var versionPattern = regexp.MustCompile(`^[0-9a-f]{1,32}$`)

// RuleVersionFiles returns a daily rule version with its files; unknown is
// apperror.NotFound.
func (s *Service) RuleVersionFiles(ctx context.Context, v string) (*RuleVersion, error) {
	if !versionPattern.MatchString(v) {
		return nil, apperror.Msg(apperror.NotFound, msgNoSuchRuleVersion)
	}
	rec, err := s.db.DailyRules().RuleVersion(ctx, v)
	if apperror.CodeOf(err) == apperror.NotFound && s.engine != nil {
		// Its record failed at load (the recorder logs and goes on).
		if set := s.engine.Current(); set != nil && set.Version == v {
			at := set.LoadedAt.UTC()
			return &RuleVersion{Version: v, Files: ruleFiles(set.Files), FirstActiveAt: at, LastActiveAt: at}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &RuleVersion{Version: rec.Version, Files: rec.Files, FirstActiveAt: rec.FirstActiveAt, LastActiveAt: rec.LastActiveAt}, nil
}

// RuleCandidate is the body of a daily backtest: the candidate's files
// (replacing every file of the running set) and the report days to replay
// (default the last 30 days; at most 92).
type RuleCandidate struct {
	Files []store.RuleFile `json:"files"`
	From  string           `json:"from"`
	To    string           `json:"to"`
}

// BacktestChange is one report whose warnings would change.
type BacktestChange struct {
	ReportID  int64    `json:"report_id"`
	Appear    []string `json:"appear"`
	Disappear []string `json:"disappear"`
}

// BacktestResult is what a candidate daily rule set would change over past
// reports (their current versions, with the inputs they were judged on).
type BacktestResult struct {
	CurrentVersion   string            `json:"current_version"`
	CandidateVersion string            `json:"candidate_version"`
	From             string            `json:"from"`
	To               string            `json:"to"`
	Reports          int               `json:"reports"`
	Skipped          int               `json:"skipped"`
	ChangedTotal     int               `json:"changed_total"`
	Changed          []BacktestChange  `json:"changed"`
	Truncated        bool              `json:"truncated"`
	Rules            []rules.RuleDelta `json:"rules"`
	FlaggedBefore    int               `json:"flagged_before"`
	FlaggedAfter     int               `json:"flagged_after"`
}

// backtestMaxListed caps the per-report list of a backtest answer.
const backtestMaxListed = 200

// BacktestRules runs the candidate and the running daily set over the past
// reports of days from..to and answers what would change, audited before
// it runs. Bad files are apperror.Invalid (as rules.LoadFilesKind); a bad
// range apperror.Invalid; no running set or another backtest running,
// apperror.Unavailable.
func (s *Service) BacktestRules(ctx context.Context, p *auth.Principal, c RuleCandidate) (*BacktestResult, error) {
	current, err := s.activeRules()
	if err != nil {
		return nil, err
	}
	to, from := c.To, c.From
	if to == "" {
		to = Today(s.now())
	}
	if to, err = readDay(to); err != nil {
		return nil, rename(err, "to")
	}
	tt, _ := time.Parse(time.DateOnly, to)
	if from == "" {
		from = tt.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if from, err = readDay(from); err != nil {
		return nil, rename(err, "from")
	}
	ft, _ := time.Parse(time.DateOnly, from)
	if from > to || tt.Sub(ft) > 92*24*time.Hour {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgRangeTooLong.With(92), Details: []apperror.Detail{apperror.FieldMsg("from", msgRangeTooLong, 92)}}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	files := make([]rules.File, len(c.Files))
	for i, f := range c.Files {
		files[i] = rules.File{Name: f.Name, Content: f.Text}
	}
	candidate, err := rules.LoadFilesKind(ctx, rules.KindDaily, files)
	if err != nil {
		return nil, err
	}
	if err := s.db.AppendAudit(ctx, p.Entry("daily_rules_backtest_start", "daily_ruleset:"+candidate.Version, "current="+current.Version)); err != nil {
		return nil, err
	}
	rep, skipped, err := rules.BacktestStored(func(yield func(int64, string) bool) error {
		return s.db.DailyRuleInputs(ctx, from, to, 500, func(rows []store.DailyRuleInput) error {
			for _, r := range rows {
				if !yield(r.ReportID, r.RuleInput) {
					return rules.ErrStopStored
				}
			}
			return nil
		})
	}, func(inputs iter.Seq2[string, rules.DailyInput]) (rules.Report, error) {
		return rules.BacktestDaily(ctx, current, candidate, inputs)
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, apperror.WrapMsg(err, apperror.Unavailable, msgBacktestTimedOut)
		}
		return nil, err
	}
	listed := rep.Listed(backtestMaxListed)
	changed := make([]BacktestChange, len(listed))
	for i, ch := range listed {
		changed[i] = BacktestChange{ReportID: ch.ID, Appear: ch.Appear, Disappear: ch.Disappear}
	}
	if err := s.db.AppendAudit(context.WithoutCancel(ctx), p.Entry("daily_rules_backtest", "daily_ruleset:"+candidate.Version,
		fmt.Sprintf("current=%s reports=%d changed=%d", current.Version, rep.Inputs, len(rep.Changed)))); err != nil {
		return nil, err
	}
	return &BacktestResult{CurrentVersion: rep.CurrentVersion, CandidateVersion: rep.CandidateVersion, From: from, To: to,
		Reports: rep.Inputs, Skipped: skipped, ChangedTotal: len(rep.Changed), Changed: changed,
		Truncated: len(rep.Changed) > backtestMaxListed, Rules: rep.Rules, FlaggedBefore: rep.FlaggedBefore, FlaggedAfter: rep.FlaggedAfter}, nil
}
