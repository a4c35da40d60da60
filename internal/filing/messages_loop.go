package filing

import "fugong/internal/msg"

// Messages of the ledger's rule confirmation (review.go).
var (
	msgConfirmOnReturn = msg.New("confirm_flags_on_return", "只有退回整改时可以确认规则问题", "rule flags are confirmed only when returning a filing")
	msgNotAFlag        = msg.New("confirm_flags_unknown", "「%s」不是本次提交的警告或阻断规则", "%q is not a warn or block flag of the reviewed revision")
)
