package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 7: the rectification loop (docs/rectification.md). Frozen shapes;
// never edit once landed.
//
//   - filings.open_key: the enterprise id while a filing is open (draft,
//     submitted, returned), NULL once decided; a unique index makes "one open
//     filing per enterprise" a fact the database enforces, not a read.
//   - problems gain a target (enterprise | street | department), severity,
//     place and time seen, a deadline, and the answer/verification fields;
//     answers, evidence files and reminder claims get their own tables.
//   - login_throttle and login_known_addresses replace the per-address
//     failure log (compare-and-set counters; docs/security-throttling.md).
//   - activation_code_issues keeps the history of activation sheets.
//   - notices.problem_key makes issuing a letter for the same problems
//     idempotent; bulletins are numbered per period.
//   - Rule-made ledger entries that no person confirmed (raised at submit by
//     the enterprise's own submission, never put in a notice) leave the
//     ledger: the flags table keeps what the rules said.

type m5FilingOpenKey struct {
	OpenKey *int64 `gorm:"uniqueIndex:uq_filings_open_key"`
}

func (m5FilingOpenKey) TableName() string { return "filings" }

type m5Problem struct {
	TargetKind    string `gorm:"size:16;not null;default:'enterprise'"`
	Department    string `gorm:"size:64;not null;default:''"`
	Severity      string `gorm:"size:8;not null;default:''"`
	Place         string `gorm:"size:255;not null;default:''"`
	SeenAt        *time.Time
	Deadline      string `gorm:"size:10;not null;default:''"`
	AnsweredAt    *time.Time
	VerifiedBy    *int64
	VerifyComment string `gorm:"type:text"`
}

func (m5Problem) TableName() string { return "problems" }

type m5Notification struct {
	ProblemID *int64
}

func (m5Notification) TableName() string { return "notifications" }

type m5ProblemAnswer struct {
	ID            int64  `gorm:"primaryKey"`
	ProblemID     int64  `gorm:"not null;index"`
	Text          string `gorm:"type:text"`
	CreatedBy     int64  `gorm:"not null"`
	CreatedAt     time.Time
	Verdict       string `gorm:"size:16;not null;default:''"` // '' pending | accepted | returned
	VerifiedBy    *int64
	VerifiedAt    *time.Time
	VerifyComment string `gorm:"type:text"`
}

func (m5ProblemAnswer) TableName() string { return "problem_answers" }

type m5ProblemFile struct {
	ID          int64  `gorm:"primaryKey"`
	ProblemID   int64  `gorm:"not null;index"`
	AnswerID    *int64 `gorm:"index"`
	Filename    string `gorm:"size:255;not null"`
	Size        int64  `gorm:"not null"`
	SHA256      string `gorm:"column:sha256;size:64;not null"`
	ContentType string `gorm:"size:128;not null"`
	ObjectKey   string `gorm:"size:255;not null;index"`
	CreatedBy   int64  `gorm:"not null"`
	CreatedAt   time.Time
}

func (m5ProblemFile) TableName() string { return "problem_files" }

type m5ProblemReminder struct {
	ID        int64  `gorm:"primaryKey"`
	ProblemID int64  `gorm:"not null;uniqueIndex:uq_problem_reminders,priority:1"`
	Kind      string `gorm:"size:8;not null;uniqueIndex:uq_problem_reminders,priority:2"` // before | after
	Deadline  string `gorm:"size:10;not null;uniqueIndex:uq_problem_reminders,priority:3"`
	ClaimedBy string `gorm:"size:64;not null"`
	CreatedAt time.Time
}

func (m5ProblemReminder) TableName() string { return "problem_reminders" }

type m5LoginThrottle struct {
	Key           string `gorm:"primaryKey;size:200"`
	Failures      int    `gorm:"not null;default:0"`
	LastFailureMs int64  `gorm:"not null"` // Unix milliseconds: compared exactly in compare-and-set
	NextAllowedMs int64  `gorm:"not null"`
}

func (m5LoginThrottle) TableName() string { return "login_throttle" }

type m5LoginKnownAddress struct {
	ID            int64  `gorm:"primaryKey"`
	Account       string `gorm:"size:64;not null;uniqueIndex:uq_login_known,priority:1"`
	IP            string `gorm:"size:64;not null;uniqueIndex:uq_login_known,priority:2"`
	LastSuccessAt time.Time
}

func (m5LoginKnownAddress) TableName() string { return "login_known_addresses" }

type m5ActivationIssue struct {
	ID        int64  `gorm:"primaryKey"`
	Street    string `gorm:"size:32;not null;index"`
	IssuedBy  int64  `gorm:"not null"`
	Codes     int    `gorm:"not null"`
	Revoked   int    `gorm:"not null;default:0"`
	ExpiresAt time.Time
	CreatedAt time.Time
}

func (m5ActivationIssue) TableName() string { return "activation_code_issues" }

type m5ActivationCode struct {
	IssueID   *int64 `gorm:"index"`
	RevokedAt *time.Time
}

func (m5ActivationCode) TableName() string { return "activation_codes" }

type m5Notice struct {
	ProblemKey *string `gorm:"size:64;uniqueIndex:uq_notices_problem_key"`
	TargetKind string  `gorm:"size:16;not null;default:'enterprise'"`
}

func (m5Notice) TableName() string { return "notices" }

type m5Bulletin struct {
	ID         int64  `gorm:"primaryKey"`
	Number     string `gorm:"size:32;not null;uniqueIndex"`
	PeriodFrom string `gorm:"size:10;not null;uniqueIndex:uq_bulletins_period,priority:1"`
	PeriodTo   string `gorm:"size:10;not null;uniqueIndex:uq_bulletins_period,priority:2"`
	Figures    string `gorm:"type:mediumtext"`
	CreatedBy  int64  `gorm:"not null"`
	CreatedAt  time.Time
}

func (m5Bulletin) TableName() string { return "bulletins" }

func migrate7(tx *gorm.DB) error {
	m := tx.Migrator()
	addCols := func(model any, fields ...string) error {
		for _, f := range fields {
			if m.HasColumn(model, f) {
				continue // a step that failed half-way on MySQL, where DDL commits
			}
			if err := m.AddColumn(model, f); err != nil {
				return err
			}
		}
		return nil
	}
	if err := addCols(&m5FilingOpenKey{}, "OpenKey"); err != nil {
		return err
	}
	// Before the unique index: at most one open filing per enterprise keeps
	// the key (the newest); older duplicates made by the read-then-insert race
	// stay open but unkeyed, so the index can be built.
	var open []struct {
		ID           int64
		EnterpriseID int64
	}
	if err := tx.Table("filings").Select("id, enterprise_id").Where("status IN ?", []string{"draft", "submitted", "returned"}).
		Order("enterprise_id, id DESC").Scan(&open).Error; err != nil {
		return err
	}
	var keep []int64
	for i, f := range open {
		if i == 0 || open[i-1].EnterpriseID != f.EnterpriseID {
			keep = append(keep, f.ID)
		}
	}
	for start := 0; start < len(keep); start += 500 {
		end := min(start+500, len(keep))
		if err := tx.Exec("UPDATE filings SET open_key = enterprise_id WHERE id IN ?", keep[start:end]).Error; err != nil {
			return err
		}
	}
	if !m.HasIndex(&m5FilingOpenKey{}, "uq_filings_open_key") {
		if err := m.CreateIndex(&m5FilingOpenKey{}, "uq_filings_open_key"); err != nil {
			return err
		}
	}

	if err := addCols(&m5Problem{}, "TargetKind", "Department", "Severity", "Place", "SeenAt", "Deadline", "AnsweredAt", "VerifiedBy", "VerifyComment"); err != nil {
		return err
	}
	if err := tx.Exec("UPDATE problems SET target_kind = 'street' WHERE enterprise_id IS NULL").Error; err != nil {
		return err
	}
	if err := addCols(&m5Notification{}, "ProblemID"); err != nil {
		return err
	}
	if err := addCols(&m5ActivationCode{}, "IssueID", "RevokedAt"); err != nil {
		return err
	}
	if !m.HasIndex(&m5ActivationCode{}, "idx_activation_codes_issue_id") {
		if err := m.CreateIndex(&m5ActivationCode{}, "IssueID"); err != nil {
			return err
		}
	}
	if err := addCols(&m5Notice{}, "ProblemKey", "TargetKind"); err != nil {
		return err
	}
	if !m.HasIndex(&m5Notice{}, "uq_notices_problem_key") {
		if err := m.CreateIndex(&m5Notice{}, "uq_notices_problem_key"); err != nil {
			return err
		}
	}
	if err := createTables(tx, &m5ProblemAnswer{}, &m5ProblemFile{}, &m5ProblemReminder{}, &m5LoginThrottle{},
		&m5LoginKnownAddress{}, &m5ActivationIssue{}, &m5Bulletin{}); err != nil {
		return err
	}
	// The ledger holds what a person raised or confirmed. Rule problems
	// opened by an enterprise's own submit and never listed in a notice were
	// neither; "resumed without approval" is the enterprise's own declaration
	// and stays.
	return tx.Exec(`DELETE FROM problems WHERE source = 'rule' AND rule_id <> 'resumed_without_approval' AND notice_id IS NULL
  AND created_by IN (SELECT id FROM users WHERE role = 'enterprise')`).Error
}
