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
)
