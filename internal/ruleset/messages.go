package ruleset

import "fugong/internal/msg"

// The messages of package ruleset (see internal/msg).
var (
	msgRuleEngineNotRunning     = msg.New("ruleset.rule_engine_not_running", "规则引擎未启用", "the rule engine is not running")
	msgNoRuleSetHasLoaded       = msg.New("ruleset.no_rule_set_has_loaded", "规则集尚未加载成功", "no rule set has loaded yet")
	msgLastReloadDidNotComplete = msg.New("ruleset.last_reload_did_not_complete", "规则重新加载未完成", "the last reload did not complete")
	msgRulesetVersionNotFound   = msg.New("ruleset.ruleset_version_not_found", "规则集版本不存在", "ruleset version not found")
	msgBacktestTimedOut         = msg.New("ruleset.backtest_timed_out", "回测超时", "the backtest timed out")
)
