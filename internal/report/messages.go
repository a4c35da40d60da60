package report

import "fugong/internal/msg"

// The messages of package report (see internal/msg).
var (
	msgBadParameter       = msg.New("report.bad_parameter", "参数 %s 无效：%s", "invalid parameter %s: %s")
	msgBadDate            = msg.New("report.bad_date", "应为 2000 至 2100 年间的日期 YYYY-MM-DD，收到 %q", "must be a date YYYY-MM-DD between 2000 and 2100, got %q")
	msgUnknownStreet      = msg.New("report.unknown_street", "未知街道 %q", "unknown street %q")
	msgUnknownSector      = msg.New("report.unknown_sector", "未知口径 %q（industrial、industrial_above_scale、service、construction、construction_south_west、construction_east）", "unknown sector %q (industrial, industrial_above_scale, service, construction, construction_south_west, construction_east)")
	msgFromAfterTo        = msg.New("report.from_after_to", "起始日期不能晚于结束日期", "must not be after to")
	msgRangeTooLong       = msg.New("report.range_too_long", "区间为 %d 天，最多 %d 天", "the range is %d days; at most %d")
	msgUnknownState       = msg.New("report.unknown_state", "未知状态 %q（%s）", "unknown state %q (%s)")
	msgQueryTooLong       = msg.New("report.query_too_long", "最多 100 个字符", "at most 100 characters")
	msgNoStreet           = msg.New("report.no_street", "账号未关联街道", "account has no street")
	msgOwnStreetOnly      = msg.New("report.own_street_only", "只能查看本街道", "you may read your own street only")
	msgNoDashboards       = msg.New("report.no_dashboards", "无权查看看板", "your role may not read dashboards")
	msgNoReports          = msg.New("report.no_reports", "无权查看部门报表", "your role may not read reports")
	msgNoSuchReport       = msg.New("report.no_such_report", "报表不存在", "no such report")
	msgNoDaily            = msg.New("report.no_daily", "未启用每日报送", "daily reporting is not enabled")
	msgUnknownDailySector = msg.New("report.unknown_daily_sector", "未知行业 %q（industrial、service、construction）", "unknown sector %q (industrial, service, construction)")
)
