package rules

import "fugong/internal/msg"

// The messages of bounded evaluation in backtests (backtest.go).
var msgBacktestRuleOverBudget = msg.New("rules.backtest_rule_over_budget",
	"候选规则「%s」在备案 %s 上超出评估限额，回测已停止：%s",
	"candidate rule %s exceeded its evaluation bounds on filing %s, so the backtest stopped: %s")
