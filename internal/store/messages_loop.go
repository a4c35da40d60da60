package store

import "fugong/internal/msg"

// Messages of the rectification loop's store code.
var (
	msgFilingAlreadyOpen = msg.New("filing_already_open",
		"已有进行中的备案（编号 %d），请继续填写", "a filing is already in progress (id %d); continue that one")
	msgAnswerNeedsOpen = msg.New("answer_needs_open_problem",
		"问题不是待整改状态", "the problem is not open")
	msgProblemNotAnswered = msg.New("verify_needs_answered_problem",
		"问题没有待核查的整改反馈", "the problem has no answer awaiting verification")
	// msgConflictRetry: a transaction that still conflicted after every retry.
	msgConflictRetry  = msg.New("store.conflict_retry", "数据正被同时修改，请稍后重试", "the change conflicted with a concurrent one; retry")
	msgAlreadyDecided = msg.New("store.already_decided", "该备案已有审核决定，请刷新", "the filing was decided by someone else; reload")
	msgBadRuleVersion = msg.New("store.bad_rule_version", "规则集版本号无效：%q", "invalid ruleset version %q")
)
