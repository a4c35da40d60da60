package daily

import (
	"context"
	"time"
)

// ruleInputDays is how long a report version keeps the rules' input: the
// longest backtest range (92 days) and a day's margin. Beyond it the input
// (about 1 KB a version: docs in the package comment) is cleared, so the
// versions table grows by the values alone.
const ruleInputDays = 93

// PruneRuleInputs clears the rule inputs of report versions older than the
// backtest window, in batches of 1,000, and returns how many it cleared.
// Safe on several replicas at once (clearing is idempotent). Errors are the
// database's.
func (s *Service) PruneRuleInputs(ctx context.Context) (int64, error) {
	before := Today(s.now().AddDate(0, 0, -ruleInputDays))
	var total int64
	for {
		n, err := s.db.ClearDailyRuleInputs(ctx, before, 1000)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// pruneLease names the lease (store.TryLease) of the replica that prunes:
// one replica at a time clears rule inputs, so replicas on different Galera
// nodes do not update the same rows and lose certification to each other.
const pruneLease = "daily-rule-input-prune"

// Housekeep prunes rule inputs (PruneRuleInputs) when this replica takes or
// renews the prune lease for ttl, and reports whether it held it; another
// replica holding the lease is (0, false, nil). Errors are the database's.
func (s *Service) Housekeep(ctx context.Context, ttl time.Duration) (int64, bool, error) {
	held, err := s.db.TryLease(ctx, pruneLease, s.holder, ttl, s.now())
	if err != nil || !held {
		return 0, false, err
	}
	n, err := s.PruneRuleInputs(ctx)
	return n, true, err
}

// RunHousekeeping calls Housekeep every interval until ctx ends, logging
// failures. The lease outlives three intervals, so the replica that prunes
// keeps doing so and another takes over only when it stops.
func (s *Service) RunHousekeeping(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, _, err := s.Housekeep(ctx, 3*interval); err != nil && ctx.Err() == nil {
			s.log.Warn("daily: pruning rule inputs", "err", err)
		} else if n > 0 {
			s.log.Info("daily: pruned rule inputs past the backtest window", "versions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
