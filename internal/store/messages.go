package store

import "fugong/internal/msg"

// The messages of package store (see internal/msg).
var (
	msgFilingWasChangedSomeoneElse = msg.New("store.filing_was_changed_someone_else", "备案已被他人修改，请刷新后重试", "the filing was changed by someone else; reload and retry")
	msgFilingCanNoLongerChanged    = msg.New("store.filing_can_no_longer_changed", "备案已不可修改", "the filing can no longer be changed")
	msgInvalidRulesetVersion       = msg.New("store.invalid_ruleset_version", "规则集版本号无效：%q", "invalid ruleset version %q")
	msgRulesetVersionNotFound      = msg.New("store.ruleset_version_not_found", "规则集版本 %s 不存在", "ruleset version not found: %s")
	// what is an English noun (the table); the Chinese says "the record"
	// and drops it (%.0s prints nothing).
	msgNotFound       = msg.New("store.not_found", "记录不存在%.0s", "%s not found")
	msgAlreadyExists  = msg.New("store.already_exists", "记录已存在%.0s", "%s already exists")
	msgProblemNotOpen = msg.New("store.problem_not_open", "问题不是待整改状态", "the problem is not open")
)
