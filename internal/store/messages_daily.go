package store

import "fugong/internal/msg"

// The messages of the daily report tables (see internal/msg).
var (
	msgDailyReportChanged = msg.New("store.daily_report_changed", "日报已被他人更正，请刷新后重试", "the daily report was corrected by someone else; reload and retry")
)

var msgDailyFlagConfirmed = msg.New("store.daily_flag_confirmed", "该提示已确认为台账问题", "the warning is already confirmed as a ledger problem")
