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

// RunHousekeeping prunes rule inputs every interval until ctx ends,
// logging failures.
func (s *Service) RunHousekeeping(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.PruneRuleInputs(ctx); err != nil && ctx.Err() == nil {
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
