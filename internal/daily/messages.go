package daily

import "fugong/internal/msg"

// The messages of package daily (see internal/msg).
var (
	msgUnknownField       = msg.New("daily.unknown_field", "不是该日报的字段", "not a field of this daily report")
	msgMoreUnknownFields  = msg.New("daily.more_unknown_fields", "另有 %d 个不是该日报的字段", "%d more members are not fields of this daily report")
	msgMustIntegerBetween = msg.New("daily.must_integer_between", "须为 %s 至 %s 的整数", "must be a whole number from %s to %s")
	msgMustNumberBetween  = msg.New("daily.must_number_between", "须为 %s 至 %s 的数", "must be a number from %s to %s")
	msgMustYesNo          = msg.New("daily.must_yes_no", "须为是或否（true 或 false）", "must be yes or no (true or false)")
	msgMustOneOf          = msg.New("daily.must_one_of", "须为以下之一：%s", "must be one of: %s")
	msgMustText           = msg.New("daily.must_text", "须为文字", "must be text")
	msgInvalidCharacters  = msg.New("daily.invalid_characters", "包含无效字符", "contains invalid characters")
	msgTextTooLong        = msg.New("daily.text_too_long", "超过 %d 字", "longer than %d characters")
	msgRequired           = msg.New("daily.required", "请填写%s", "%s is required")
	msgRequiredWhen       = msg.New("daily.required_when", "%[2]s %[3]s %[4]s 时须填写%[1]s", "%[1]s is required when %[2]s %[3]s %[4]s")
	msgReportInvalid      = msg.New("daily.report_invalid", "日报有字段不正确", "the daily report has invalid fields")
	msgDateFormat         = msg.New("daily.date_format", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
	msgFutureDate         = msg.New("daily.future_date", "不能填报今天以后的日报", "cannot report a day after today")
	msgTooOld             = msg.New("daily.too_old", "只能补报最近 %d 天的日报", "only the last %d days can be reported late")
	msgNotExpected        = msg.New("daily.not_expected", "该日无需填报日报：企业当日不在名录中或尚未获批复工", "no report is due that day: the enterprise was not in the registry or not yet approved")
	msgEnterpriseOnly     = msg.New("daily.enterprise_only", "只有企业本身可以填报日报", "only the enterprise itself may file its daily report")
	msgAlreadyFiled       = msg.New("daily.already_filed", "该日日报已填报，请提交更正", "the report of that day is already filed; correct it instead")
	msgNothingToCorrect   = msg.New("daily.nothing_to_correct", "该日尚未填报日报，无可更正", "no report of that day to correct")
	msgBaseVersionStale   = msg.New("daily.base_version_stale", "日报已更新到第 %d 版，请刷新后重试", "the report is now at version %d; reload and retry")
	msgNoPrevious         = msg.New("daily.no_previous", "此前没有可复制的日报", "no earlier report to copy")
	msgRangeTooLong       = msg.New("daily.range_too_long", "查询范围不能超过 %d 天", "the range may not exceed %d days")
	msgRangeOrder         = msg.New("daily.range_order", "开始日期不能晚于结束日期", "from must not be after to")
	msgNoteTooLong        = msg.New("daily.note_too_long", "更正说明不能超过 %d 字", "the correction note may not exceed %d characters")
	msgPushTooMany        = msg.New("daily.push_too_many", "一次最多推送 %d 份日报", "at most %d reports per push")
	msgPushDuplicateDate  = msg.New("daily.push_duplicate_date", "同一日期出现多次", "the same date appears twice")
)

// The messages of the rule warnings on daily reports.
var (
	msgConfirmOfficialsOnly = msg.New("daily.confirm_officials_only", "只有街道或园区工作人员可以确认提示", "only street officials and park managers confirm warnings")
	msgDeadlineFuture       = msg.New("daily.deadline_future", "整改期限应为今天或以后的日期（YYYY-MM-DD）", "the deadline must be today or later (YYYY-MM-DD)")
	msgFlagNotCurrent       = msg.New("daily.flag_not_current", "该提示属于已更正的旧版本日报", "the warning belongs to a corrected, earlier version of the report")
	msgFlagConfirmed        = msg.New("daily.flag_confirmed", "该提示已确认为台账问题", "the warning is already confirmed as a ledger problem")
	msgProblemTitle         = msg.New("daily.problem_title", "%s 日报提示：%s", "daily report warning of %s: %s")
	msgFlagConfirmedNote    = msg.New("daily.flag_confirmed_note", "%s 日报提示已由街道确认为整改问题：%s", "the street confirmed a warning of your %s report as a problem to rectify: %s")
)

// The messages of the daily rule operations.
var (
	msgNoRuleEngine      = msg.New("daily.no_rule_engine", "日报规则引擎未运行", "the daily report rule engine is not running")
	msgNoSuchRuleVersion = msg.New("daily.no_such_rule_version", "没有该日报规则版本", "no such daily rule version")
	msgBacktestTimedOut  = msg.New("daily.backtest_timed_out", "回测超时，请缩短日期范围", "the backtest timed out; shorten the range")
)
