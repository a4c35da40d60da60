package store

import "gorm.io/gorm"

// m15Notification is the frozen shape of the column migration 15 adds.
type m15Notification struct {
	NoticeID *int64
}

func (m15Notification) TableName() string { return "notifications" }

// Migration 15 (notification → letter): a notification about a notice or a
// rectification letter carries the notice's id, so the party it is addressed
// to — a department above all, which reads no filing — opens the letter from
// its notifications. Existing notice_issued notifications are backfilled:
// a letter's through the problem it names, a filing notice's through the
// notice issued on that filing at the same instant (both are written in one
// transaction with one clock reading). Never edit once landed.
func migrateNotificationNotice(tx *gorm.DB) error {
	if !tx.Migrator().HasColumn(&m15Notification{}, "NoticeID") {
		if err := tx.Migrator().AddColumn(&m15Notification{}, "NoticeID"); err != nil {
			return err
		}
	}
	if err := tx.Exec(`UPDATE notifications SET notice_id = (SELECT p.notice_id FROM problems p WHERE p.id = notifications.problem_id)
		WHERE kind = 'notice_issued' AND notice_id IS NULL AND problem_id IS NOT NULL`).Error; err != nil {
		return err
	}
	return tx.Exec(`UPDATE notifications SET notice_id = (SELECT MIN(n.id) FROM notices n WHERE n.filing_id = notifications.filing_id AND n.created_at = notifications.created_at)
		WHERE kind = 'notice_issued' AND notice_id IS NULL AND filing_id IS NOT NULL`).Error
}
