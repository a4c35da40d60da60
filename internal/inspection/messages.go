package inspection

import "fugong/internal/msg"

// The catalog entries of the rectification loop.
var (
	msgTitleRequired     = msg.New("finding_title_required", "问题标题必填，200 字以内", "a title is required, at most 200 characters")
	msgTargetRequired    = msg.New("finding_target_required", "请指定问题对象：企业、街道或部门", "give the target: an enterprise, a street or a department")
	msgTargetKind        = msg.New("finding_target_kind", "对象类型须为 enterprise、street 或 department", "target kind must be enterprise, street or department")
	msgUnknownStreet     = msg.New("inspection_unknown_street", "未知街道", "unknown street")
	msgUnknownEnterprise = msg.New("inspection_unknown_enterprise", "未知企业", "unknown enterprise")
	msgBadDepartment     = msg.New("finding_department", "部门代码无效", "invalid department key")
	msgBadSeverity       = msg.New("finding_severity", "严重程度须为 high、medium 或 low", "severity must be high, medium or low")
	msgBadDate           = msg.New("inspection_date_format", "日期格式应为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
	msgBadTime           = msg.New("inspection_time_format", "时间格式应为 RFC 3339 或 YYYY-MM-DD", "the time must be RFC 3339 or YYYY-MM-DD")
	msgDeadlinePast      = msg.New("inspection_deadline_past", "整改期限不能早于今天", "the deadline cannot be in the past")
	msgDeadlineRequired  = msg.New("deadline_required", "督查发现须设定整改期限", "an inspection finding needs a rectification deadline")
	msgTooLong           = msg.New("inspection_text_too_long", "内容过长（%d 字以内）", "text too long (at most %d characters)")
	msgMayNotRecord      = msg.New("finding_forbidden", "无权对该对象记录问题", "you may not record problems against this target")
	msgMayNotAnswer      = msg.New("answer_forbidden", "只有问题的责任方可以反馈整改", "only the party responsible may answer this problem")
	msgMayNotVerify      = msg.New("verify_forbidden", "只有问题的提出人可以核查销号", "only the owner of the problem may verify it")
	msgMayNotAttach      = msg.New("evidence_forbidden", "只有问题的提出人可以补充证据", "only the owner of the problem may add evidence")
	msgAnswerEmpty       = msg.New("answer_empty", "请填写整改情况或上传证明材料", "describe the rectification or attach evidence")
	msgReasonRequired    = msg.New("verify_reason_required", "退回整改须写明理由", "sending an answer back needs a reason")
	msgTooManyFiles      = msg.New("evidence_too_many", "一次最多上传 %d 个文件", "at most %d files at once")
	msgEvidenceType      = msg.New("evidence_type", "证明材料须为 JPEG、PNG 图片或 PDF", "evidence must be a JPEG or PNG photo or a PDF")
	msgEvidenceTooLarge  = msg.New("evidence_too_large", "文件超过 %d MB 上限", "the file exceeds the %d MB limit")
	msgStoreUnavailable  = msg.New("inspection_object_store_unavailable", "文件存储暂不可用，请稍后重试", "object store unavailable, retry later")
	msgNoOpenProblems    = msg.New("letter_no_open_problems", "该对象没有待整改的问题", "the target has no open problems")
	msgMayNotLetter      = msg.New("letter_forbidden", "无权向该对象发整改意见函", "you may not issue a letter to this target")
	msgBadPeriod         = msg.New("bulletin_period", "通报期间无效：起止日期须为 YYYY-MM-DD，且起不晚于止", "invalid period: from and to must be YYYY-MM-DD, from not after to")
	msgMayNotBulletin    = msg.New("bulletin_forbidden", "只有督查组、管委会可以制发通报", "only inspectors and the park manager may issue bulletins")
	msgGroupBy           = msg.New("overdue_group_by", "分组须为 street 或 inspector", "group_by must be street or inspector")

	// Notifications (stored rendered in Chinese, the default language).
	noteOpened    = msg.New("note_problem_opened", "督查发现问题需整改：%s（期限 %s）", "an inspection found a problem to rectify: %s (due %s)")
	noteAnswered  = msg.New("note_problem_answered", "问题「%s」已反馈整改，请核查", "problem %q was answered; please verify")
	noteRectified = msg.New("note_problem_rectified", "问题「%s」已核查销号", "problem %q was verified as rectified")
	noteReopened  = msg.New("note_problem_reopened", "问题「%s」整改未通过核查：%s", "the answer to problem %q was sent back: %s")
	noteBefore    = msg.New("note_deadline_soon", "问题「%s」整改期限 %s 将至", "problem %q is due on %s")
	noteAfter     = msg.New("note_deadline_passed", "问题「%s」已超过整改期限 %s", "problem %q is overdue since %s")
	noteLetter    = msg.New("note_letter_issued", "收到整改意见函 %s：%d 个问题，请于 %s 前整改", "rectification letter %s: %d problem(s), due %s")
	noDeadline    = msg.New("inspection_no_deadline", "未定", "none")
)

var (
	msgNotOpen        = msg.New("inspection_problem_not_open", "问题不是待整改状态，不能反馈", "the problem is not open, so it cannot be answered")
	msgAcceptRequired = msg.New("verify_accept_required", "请指明是否通过核查（accept: true 或 false）", "say whether the answer is accepted (accept: true or false)")
)

var msgMayNotFigures = msg.New("rectification_figures_forbidden", "无权查看整改统计", "your role may not read the rectification figures")

// Bulletin spreadsheet labels.
var (
	msgTotal          = msg.New("bulletin_total", "合计", "Total")
	colName           = msg.New("bulletin_col_name", "单位", "Unit")
	colKind           = msg.New("bulletin_col_kind", "类别", "Kind")
	colFound          = msg.New("bulletin_col_found", "本期发现问题", "Found in period")
	colRectified      = msg.New("bulletin_col_rectified", "本期完成整改", "Rectified in period")
	colWaived         = msg.New("bulletin_col_waived", "本期免于整改", "Waived in period")
	colWaivedTotal    = msg.New("bulletin_col_waived_total", "累计免于整改", "Waived in all")
	colOverdue        = msg.New("bulletin_col_overdue", "超期未整改", "Overdue")
	colFoundTotal     = msg.New("bulletin_col_found_total", "累计发现问题", "Found in all")
	colRectifiedTotal = msg.New("bulletin_col_rectified_total", "累计完成整改", "Rectified in all")
	colRate           = msg.New("bulletin_col_rate", "整改率", "Rectification rate")
	colStreet         = msg.New("bulletin_kind_street", "街道", "Street")
	colDepartment     = msg.New("bulletin_kind_department", "部门", "Department")
	msgQueryStatus    = msg.New("problems_unknown_status", "未知状态：应为 open、answered、rectified 或 waived", "unknown status: use open, answered, rectified or waived")
	msgQueryNumber    = msg.New("problems_bad_number", "%s 须为整数", "%s must be a whole number")
)
