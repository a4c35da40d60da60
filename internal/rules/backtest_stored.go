package rules

import (
	"encoding/json"
	"errors"
	"iter"
	"strconv"
)

// ErrStopStored is what a StoredInputs reader returns when the yield it
// was given returns false (the backtest stopped reading): BacktestStored
// does not report it as a read error.
var ErrStopStored = errors.New("rules: stored inputs stopped")

// StoredInputs reads stored backtest inputs, calling yield with each one's
// id (a filing's, a report's) and its JSON, until yield returns false (then
// it returns ErrStopStored) or the inputs end; other errors are its own.
type StoredInputs func(yield func(id int64, raw string) bool) error

// BacktestStored runs bt (Backtest or BacktestDaily on two sets) over the
// inputs read decodes into I, keyed by their ids. An input whose JSON is
// empty or does not decode is counted in skipped and left out. The error is
// bt's (ctx.Err() included) or else read's; the report is bt's so far.
func BacktestStored[I any](read StoredInputs, bt func(iter.Seq2[string, I]) (Report, error)) (rep Report, skipped int, err error) {
	var readErr error
	inputs := func(yield func(string, I) bool) {
		readErr = read(func(id int64, raw string) bool {
			var in I
			if raw == "" || json.Unmarshal([]byte(raw), &in) != nil {
				skipped++
				return true
			}
			return yield(strconv.FormatInt(id, 10), in)
		})
	}
	rep, err = bt(inputs)
	if err == nil && readErr != nil && !errors.Is(readErr, ErrStopStored) {
		err = readErr
	}
	return rep, skipped, err
}

// ListedChange is a Change as the APIs list it: its key as the input's id,
// and empty lists rather than absent ones.
type ListedChange struct {
	ID        int64
	Appear    []string
	Disappear []string
}

// Listed returns the report's first max changes as ListedChange.
func (r Report) Listed(max int) []ListedChange {
	changes := r.Changed[:min(len(r.Changed), max)]
	out := make([]ListedChange, len(changes))
	for i, ch := range changes {
		id, _ := strconv.ParseInt(ch.Key, 10, 64)
		out[i] = ListedChange{ID: id, Appear: ch.Appear, Disappear: ch.Disappear}
		if out[i].Appear == nil {
			out[i].Appear = []string{}
		}
		if out[i].Disappear == nil {
			out[i].Disappear = []string{}
		}
	}
	return out
}
