package rules

import (
	"context"
	"log/slog"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// Several replicas must run the same rule set, or a filing is blocked on one
// and accepted on another. The rule set every replica runs is therefore a
// row in the database (store.PublishRuleVersion), with its files beside it
// (store.SaveRuleVersion); each replica follows that row (Follow) and
// switches within one poll interval. Loading a directory is one way to
// publish: with Publish set, a successful Reload (the file watcher, POST
// /api/v1/rules/reload, `fugong rules publish`) publishes what it loaded for
// every replica. docs/deploy.md tells operators the same.

// Publications is where published rule sets live (store.DB).
type Publications interface {
	SaveRuleVersion(ctx context.Context, version string, files []store.RuleFile, at time.Time) error
	PublishRuleVersion(ctx context.Context, version string, at time.Time) error
	PublishedRuleVersion(ctx context.Context) (string, time.Time, error)
	RuleVersion(ctx context.Context, version string) (*store.RuleVersionRecord, error)
}

// Compile compiles files (in name order) into a set without activating
// it; problems are an *apperror.Error as from Load.
func Compile(files []File) (*Set, error) { return CompileKind(KindFiling, files) }

// CompileKind is Compile for a set of kind.
func CompileKind(kind Kind, files []File) (*Set, error) {
	set, problems := compileFiles(kind, files)
	if len(problems) > 0 {
		return nil, problemsError(problems)
	}
	return set, nil
}

// PublishTo makes every later successful Reload publish the loaded set to
// p for all replicas; Reload then fails (apperror.Unavailable) when the set
// cannot be published.
func (e *Engine) PublishTo(p Publications) {
	e.mu.Lock()
	e.pub = p
	e.mu.Unlock()
}

// publish saves and publishes set (under e.mu).
func (e *Engine) publish(ctx context.Context, set *Set) error {
	if e.pub == nil {
		return nil
	}
	now := time.Now()
	files := make([]store.RuleFile, len(set.Files))
	for i, f := range set.Files {
		files[i] = store.RuleFile{Name: f.Name, Text: f.Content}
	}
	if err := e.pub.SaveRuleVersion(ctx, set.Version, files, now); err != nil {
		return err
	}
	return e.pub.PublishRuleVersion(ctx, set.Version, now)
}

// Start brings a replica's engine up: when a rule set is already
// published it runs that one (whatever its own directory holds), else it
// loads its directory and publishes it. Later reloads publish (PublishTo).
func (e *Engine) Start(ctx context.Context, p Publications) (*Set, error) {
	v, _, err := p.PublishedRuleVersion(ctx)
	if err != nil {
		return nil, err
	}
	if v != "" {
		if _, err := e.Sync(ctx, p); err != nil {
			return nil, err
		}
		e.PublishTo(p)
		return e.Current(), nil
	}
	e.PublishTo(p)
	return e.Reload(ctx)
}

// Sync switches to the published set if it differs from the running one
// and reports whether it switched. Nothing published yet changes nothing.
// A published set that no longer compiles (a newer fugong's rule syntax,
// say) keeps the running one and is an error.
func (e *Engine) Sync(ctx context.Context, p Publications) (bool, error) {
	v, _, err := p.PublishedRuleVersion(ctx)
	if err != nil || v == "" {
		return false, err
	}
	if cur := e.Current(); cur != nil && cur.Version == v {
		return false, nil
	}
	rec, err := p.RuleVersion(ctx, v)
	if err != nil {
		return false, err
	}
	files := make([]File, len(rec.Files))
	for i, f := range rec.Files {
		files[i] = File{Name: f.Name, Content: f.Text}
	}
	set, err := CompileKind(e.kind, files)
	if err != nil {
		return false, err
	}
	if set.Version != v {
		return false, apperror.New(apperror.Internal, "published rule set %s has files of version %s", v, set.Version)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if cur := e.current.Load(); cur != nil && cur.Version == v {
		return false, nil
	}
	e.current.Store(set)
	e.lastErr.Store(nil)
	if e.onLoad != nil {
		e.onLoad(set)
	}
	return true, nil
}

// Follow runs Sync every interval until ctx ends, so this replica runs
// what was published through any replica within about one interval.
func (e *Engine) Follow(ctx context.Context, p Publications, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			changed, err := e.Sync(ctx, p)
			if err != nil && ctx.Err() == nil {
				logger.Warn("rules: could not follow the published rule set", "err", err)
			}
			if changed {
				logger.Info("rules: switched to the published rule set", "version", e.Current().Version)
			}
		}
	}
}
