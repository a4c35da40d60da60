package rules

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"fugong/internal/apperror"
)

// debounce is how long Watch waits after the last change before reloading:
// editors write a file in several steps (truncate, write, rename).
const debounce = 200 * time.Millisecond

// Engine holds the active rule set of a rules directory and replaces it on
// reload. Evaluations read the set through an atomic pointer, so each sees
// one whole set, old or new, never a mix.
type Engine struct {
	kind   Kind
	dir    string
	onLoad func(*Set)

	current atomic.Pointer[Set]
	mu      sync.Mutex   // serialises reloads
	pub     Publications // nil: reloads are local (publication.go)
	lastErr atomic.Pointer[errBox]
}

type errBox struct{ err error }

// NewEngine returns an engine for dir with no set loaded yet; call Reload to
// load one. onLoad, if not nil, is called (under the reload lock, so in
// order) with every newly active set whose version differs from the one it
// replaces, so the caller can persist each version ever active.
func NewEngine(dir string, onLoad func(*Set)) *Engine {
	return NewEngineKind(KindFiling, dir, onLoad)
}

// NewEngineKind is NewEngine for rule sets of kind (KindDaily: the daily
// report rules in rules/daily).
func NewEngineKind(kind Kind, dir string, onLoad func(*Set)) *Engine {
	return &Engine{kind: kind, dir: dir, onLoad: onLoad}
}

// Kind returns what the engine's sets judge.
func (e *Engine) Kind() Kind { return e.kind }

// Dir returns the rules directory the engine loads.
func (e *Engine) Dir() string { return e.dir }

// Current returns the active set, or nil before the first successful load.
func (e *Engine) Current() *Set { return e.current.Load() }

// LastError returns the error of the most recent failed reload, or nil when
// the most recent reload succeeded.
func (e *Engine) LastError() error {
	if b := e.lastErr.Load(); b != nil {
		return b.err
	}
	return nil
}

// Reload loads and compiles the directory again and, only on success, makes
// the new set active. On failure the running set stays, the error is kept
// for LastError and returned (an *apperror.Error listing every problem; see
// Load); ctx cancelled before the swap returns ctx.Err() and changes nothing.
func (e *Engine) Reload(ctx context.Context) (*Set, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	set, err := LoadKind(ctx, e.kind, e.dir)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		e.lastErr.Store(&errBox{err: err})
		return nil, err
	}
	if err := e.publish(ctx, set); err != nil { // publication.go: for every replica
		e.lastErr.Store(&errBox{err: err})
		return nil, err
	}
	old := e.current.Load()
	if old != nil && old.Version == set.Version {
		// Same files: keep the old set (and its warm VM pool).
		e.lastErr.Store(nil)
		return old, nil
	}
	e.current.Store(set)
	e.lastErr.Store(nil)
	if e.onLoad != nil {
		e.onLoad(set)
	}
	return set, nil
}

// Evaluate runs the active set on in (nil flags before the first load).
func (e *Engine) Evaluate(in Input) []Flag {
	return Evaluate(e.Current(), in)
}

// Watch reloads the rule set whenever a *.yaml file in the directory
// changes, debounced, until ctx is done. A bad edit is logged with every
// problem and the running set stays. Watch blocks; it returns nil when ctx
// ends, or an error if the directory cannot be watched.
func (e *Engine) Watch(ctx context.Context, logger *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return apperror.WrapMsg(err, apperror.Internal, msgCannotWatchRulesDirectory)
	}
	defer w.Close()
	if err := w.Add(e.dir); err != nil {
		return apperror.WrapMsg(err, apperror.Internal, msgCannotWatchRulesDirectory2, e.dir)
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !strings.HasSuffix(filepath.Base(ev.Name), ".yaml") || ev.Op == fsnotify.Chmod {
				continue
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			logger.Warn("rules watch error", "dir", e.dir, "err", err)
		case <-timer.C:
			set, err := e.Reload(ctx)
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return nil
				}
				attrs := []any{"dir", e.dir, "err", err}
				if ae := apperror.As(err); ae != nil {
					problems := make([]string, len(ae.Details))
					for i, d := range ae.Details {
						problems[i] = d.Message
					}
					attrs = append(attrs, "problems", problems)
				}
				logger.Error("rules reload failed, keeping the running rule set", attrs...)
				continue
			}
			logger.Info("rules reloaded", "dir", e.dir, "version", set.Version, "rules", len(set.Rules))
		}
	}
}
