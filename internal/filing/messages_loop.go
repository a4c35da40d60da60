package filing

import "fugong/internal/msg"

// Messages of the ledger's rule confirmation (review.go).
var (
	msgConfirmOnReturn = msg.New("confirm_flags_on_return", "只有退回整改时可以确认规则问题", "rule flags are confirmed only when returning a filing")
	msgNotAFlag        = msg.New("confirm_flags_unknown", "「%s」不是本次提交的警告或阻断规则", "%q is not a warn or block flag of the reviewed revision")
	msgObjectStoreBusy = msg.New("filing.object_store_busy", "文件存储暂不可用，请稍后重试", "object store busy, retry later")
)
