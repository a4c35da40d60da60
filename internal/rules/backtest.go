package rules

import (
	"context"
	"iter"
	"slices"

	"github.com/expr-lang/expr/vm"

	"fugong/internal/apperror"
)

// Change is how the flags of one input differ between two sets.
type Change struct {
	Key       string   `json:"key"`
	Appear    []string `json:"appear,omitempty"`    // rule ids only the candidate raises
	Disappear []string `json:"disappear,omitempty"` // rule ids only the current set raises
}

// RuleDelta counts, for one rule id, the inputs it newly flags and no longer
// flags.
type RuleDelta struct {
	RuleID    string `json:"rule_id"`
	Appear    int    `json:"appear"`
	Disappear int    `json:"disappear"`
}

// Report is the result of a backtest.
type Report struct {
	CurrentVersion   string      `json:"current_version"`
	CandidateVersion string      `json:"candidate_version"`
	Inputs           int         `json:"inputs"`
	Changed          []Change    `json:"changed"`        // inputs whose rule ids differ, in input order
	Rules            []RuleDelta `json:"rules"`          // per rule id, sorted by id
	FlaggedBefore    int         `json:"flagged_before"` // inputs with any flag under current
	FlaggedAfter     int         `json:"flagged_after"`  // … under candidate
	BlockedBefore    int         `json:"blocked_before"` // inputs with a block flag under current
	BlockedAfter     int         `json:"blocked_after"`  // … under candidate
}

// Backtest evaluates current and candidate on every input (key, e.g. a
// filing id, and input) and reports, per input, the rule ids that would
// appear or disappear if candidate replaced current, with totals. A nil set
// raises nothing, so a nil current shows everything candidate would raise.
// It returns ctx.Err() (with the report so far) when ctx ends early, and
// apperror.Unavailable when another backtest against current is running.
// Each evaluation is bounded as in Evaluate (a rule stopped by its budget
// counts as firing); ctx bounds the total time.
func Backtest(ctx context.Context, current, candidate *Set, inputs iter.Seq2[string, Input]) (Report, error) {
	return backtest(ctx, current, candidate, func(yield func(string, ruleEnv) bool) {
		for key, in := range inputs {
			e := env(in)
			if !yield(key, &e) {
				return
			}
		}
	})
}

// BacktestDaily is Backtest for daily report sets, over daily inputs.
func BacktestDaily(ctx context.Context, current, candidate *Set, inputs iter.Seq2[string, DailyInput]) (Report, error) {
	return backtest(ctx, current, candidate, func(yield func(string, ruleEnv) bool) {
		for key, in := range inputs {
			e := dailyEnv(in)
			if !yield(key, &e) {
				return
			}
		}
	})
}

func backtest(ctx context.Context, current, candidate *Set, inputs iter.Seq2[string, ruleEnv]) (Report, error) {
	rep := Report{}
	if current != nil {
		rep.CurrentVersion = current.Version
	}
	if candidate != nil {
		rep.CandidateVersion = candidate.Version
	}
	deltas := map[string]*RuleDelta{}
	delta := func(id string) *RuleDelta {
		d := deltas[id]
		if d == nil {
			d = &RuleDelta{RuleID: id}
			deltas[id] = d
		}
		return d
	}
	// One backtest at a time against the running set: each holds an
	// evaluation's budget and its report, for up to its deadline.
	if current != nil && current.backtest != nil {
		select {
		case current.backtest <- struct{}{}:
			defer func() { <-current.backtest }()
		default:
			return rep, apperror.Msg(apperror.Unavailable, msgBacktestBusy)
		}
	}
	m := &vm.VM{MemoryBudget: memoryBudget}
	var before, after []string
	for key, e := range inputs {
		// Every input: one hostile input may take a whole evaluation budget.
		if err := ctx.Err(); err != nil {
			return finish(rep, deltas), err
		}
		rep.Inputs++
		e.setBudget(newBudget(ctx)) // per input; ctx bounds the total time
		before = before[:0]
		after = after[:0]
		if current != nil {
			before = fired(current, m, e, before)
		}
		if candidate != nil {
			after = fired(candidate, m, e, after)
		}
		if len(before) > 0 {
			rep.FlaggedBefore++
			if blocks(current, before) {
				rep.BlockedBefore++
			}
		}
		if len(after) > 0 {
			rep.FlaggedAfter++
			if blocks(candidate, after) {
				rep.BlockedAfter++
			}
		}
		var ch Change
		for _, id := range after {
			if !slices.Contains(before, id) {
				ch.Appear = append(ch.Appear, id)
				delta(id).Appear++
			}
		}
		for _, id := range before {
			if !slices.Contains(after, id) {
				ch.Disappear = append(ch.Disappear, id)
				delta(id).Disappear++
			}
		}
		if ch.Appear != nil || ch.Disappear != nil {
			ch.Key = key
			rep.Changed = append(rep.Changed, ch)
		}
	}
	return finish(rep, deltas), nil
}

func finish(rep Report, deltas map[string]*RuleDelta) Report {
	rep.Rules = make([]RuleDelta, 0, len(deltas))
	for _, d := range deltas {
		rep.Rules = append(rep.Rules, *d)
	}
	slices.SortFunc(rep.Rules, func(a, b RuleDelta) int {
		switch {
		case a.RuleID < b.RuleID:
			return -1
		case a.RuleID > b.RuleID:
			return 1
		}
		return 0
	})
	return rep
}

// blocks reports whether any of ids is a block rule of set.
func blocks(set *Set, ids []string) bool {
	for _, r := range set.Rules {
		if r.Severity == Block && slices.Contains(ids, r.ID) {
			return true
		}
	}
	return false
}

// Inputs adapts a map of keyed inputs (or anything ranged in key order by
// the caller) to Backtest's iterator; keys are visited in sorted order so
// reports are reproducible.
func Inputs(m map[string]Input) iter.Seq2[string, Input] {
	return func(yield func(string, Input) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}
