package rules

import "fugong/internal/msg"

// Catalog messages of package rules (see internal/msg).
var (
	msgBacktestBusy = msg.New("rules.backtest_busy", "另一个回测正在运行，请稍后重试", "another backtest is running, retry later")
)
