package reminder

import "fugong/internal/msg"

// The messages of package reminder (see internal/msg).
var (
	msgMayNotRemind = msg.New("reminder.may_not_remind", "无权发送报送提醒", "your role may not send reporting reminders")
	msgTooMany      = msg.New("reminder.too_many", "一次最多提醒 %d 家企业", "at most %d enterprises per reminder")
	msgReminder     = msg.New("reminder.daily_missing", "贵企业尚未填报 %s 的每日防疫情况日报，请尽快填报。", "Your enterprise has not filed its daily epidemic report of %s yet; please file it.")
)
