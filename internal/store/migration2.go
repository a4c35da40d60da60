package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 2: filings and everything that hangs off them. Frozen shapes,
// like migration 1; never edit once landed.

type m2Filing struct {
	ID                 int64   `gorm:"primaryKey"`
	EnterpriseID       int64   `gorm:"not null;index"`
	Street             string  `gorm:"size:32;not null;index:idx_filings_street_status,priority:1"`
	Sector             string  `gorm:"size:16;not null"`
	Status             string  `gorm:"size:16;not null;index:idx_filings_street_status,priority:2;index"`
	Version            int     `gorm:"not null;default:1"` // optimistic lock
	Revision           int     `gorm:"not null;default:0"` // number of the last frozen revision
	PlannedResumeDate  string  `gorm:"size:10;not null;default:''"`
	StaffTotal         int     `gorm:"not null;default:0"`
	StaffOnsite        int     `gorm:"not null;default:0"`
	Masks              int     `gorm:"not null;default:0"`
	Thermometers       int     `gorm:"not null;default:0"`
	DisinfectantLiters float64 `gorm:"not null;default:0"`
	IsolationRoom      bool    `gorm:"not null;default:false"`
	PlanText           string  `gorm:"type:mediumtext"`
	ContactName        string  `gorm:"size:64;not null;default:''"`
	ContactPhoneEnc    []byte  `gorm:"type:varbinary(255)"`
	PlanAttachmentID   *int64
	RosterAttachmentID *int64
	SubmittedAt        *time.Time
	ApprovedAt         *time.Time `gorm:"index"`
	DecidedAt          *time.Time
	ResumedDate        string `gorm:"size:10;not null;default:''"`
	CreatedBy          int64  `gorm:"not null"`
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (m2Filing) TableName() string { return "filings" }

type m2FilingRevision struct {
	ID             int64  `gorm:"primaryKey"`
	FilingID       int64  `gorm:"not null;uniqueIndex:idx_revisions_filing_number,priority:1"`
	Number         int    `gorm:"not null;uniqueIndex:idx_revisions_filing_number,priority:2"`
	Snapshot       string `gorm:"type:mediumtext;not null"` // JSON of the filing's fields as submitted (personal data encrypted)
	RosterSummary  string `gorm:"type:text"`
	PlanText       string `gorm:"type:mediumtext"`
	RulesetVersion string `gorm:"size:32;not null;default:''"`
	Flags          string `gorm:"type:text"`
	SubmittedBy    int64  `gorm:"not null"`
	CreatedAt      time.Time
}

func (m2FilingRevision) TableName() string { return "filing_revisions" }

type m2Attachment struct {
	ID            int64  `gorm:"primaryKey"`
	FilingID      int64  `gorm:"not null;index"`
	EnterpriseID  int64  `gorm:"not null;index"`
	Kind          string `gorm:"size:8;not null"`
	Filename      string `gorm:"size:255;not null"`
	Size          int64  `gorm:"not null"`
	SHA256        string `gorm:"column:sha256;size:64;not null;index"`
	ContentType   string `gorm:"size:128;not null"`
	ObjectKey     string `gorm:"size:255;not null;index"`
	Note          string `gorm:"size:255;not null;default:''"`
	ExtractedText string `gorm:"type:mediumtext"`
	RosterRows    int    `gorm:"not null;default:0"`
	RosterSummary string `gorm:"type:text"`
	CreatedBy     int64  `gorm:"not null"`
	CreatedAt     time.Time
}

func (m2Attachment) TableName() string { return "attachments" }

type m2RosterEntry struct {
	ID           int64  `gorm:"primaryKey"`
	AttachmentID int64  `gorm:"not null;index"`
	RowNumber    int    `gorm:"not null"`
	IDIndex      string `gorm:"size:64;not null;index"` // blind index of the ID number
	Data         []byte `gorm:"type:blob;not null"`     // AES-GCM of the row's personal and health data
}

func (m2RosterEntry) TableName() string { return "roster_entries" }

type m2Flag struct {
	ID             int64  `gorm:"primaryKey"`
	FilingID       int64  `gorm:"not null;index:idx_flags_filing_revision,priority:1"`
	Revision       int    `gorm:"not null;index:idx_flags_filing_revision,priority:2"`
	RuleID         string `gorm:"size:64;not null"`
	Severity       string `gorm:"size:8;not null"`
	Message        string `gorm:"type:text"`
	RulesetVersion string `gorm:"size:32;not null"`
	CreatedAt      time.Time
}

func (m2Flag) TableName() string { return "flags" }

type m2Problem struct {
	ID                int64     `gorm:"primaryKey"`
	FilingID          *int64    `gorm:"index"`
	EnterpriseID      *int64    `gorm:"index"`
	Street            string    `gorm:"size:32;not null;index"`
	Sector            string    `gorm:"size:16;not null;default:''"`
	Source            string    `gorm:"size:16;not null"` // rule | review | inspection
	RuleID            string    `gorm:"size:64;not null;default:''"`
	Title             string    `gorm:"size:255;not null"`
	Detail            string    `gorm:"type:text"`
	Status            string    `gorm:"size:16;not null;index"` // open | rectified | waived
	CreatedBy         int64     `gorm:"not null"`
	CreatedAt         time.Time `gorm:"index"`
	RectifiedAt       *time.Time
	RectifiedRevision *int
	RectifiedNote     string `gorm:"type:text"`
	WaivedReason      string `gorm:"type:text"`
	NoticeID          *int64 `gorm:"index"`
}

func (m2Problem) TableName() string { return "problems" }

type m2Notice struct {
	ID           int64  `gorm:"primaryKey"`
	Number       string `gorm:"size:32;not null;uniqueIndex"`
	EnterpriseID int64  `gorm:"not null;index"`
	FilingID     *int64
	Street       string `gorm:"size:32;not null"`
	Deadline     string `gorm:"size:10;not null"`
	Body         string `gorm:"type:text"`
	CreatedBy    int64  `gorm:"not null"`
	CreatedAt    time.Time
}

func (m2Notice) TableName() string { return "notices" }

type m2Notification struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index:idx_notifications_user_id_id,priority:1"`
	Kind      string `gorm:"size:32;not null"`
	FilingID  *int64
	Message   string `gorm:"type:text"`
	CreatedAt time.Time
	ReadAt    *time.Time
}

func (m2Notification) TableName() string { return "notifications" }

type m2RuleVersion struct {
	Version       string `gorm:"primaryKey;size:32"`
	Files         string `gorm:"type:mediumtext;not null"` // JSON: [{"name","text"}]
	FirstActiveAt time.Time
	LastActiveAt  time.Time
}

func (m2RuleVersion) TableName() string { return "rule_versions" }

type m2IdempotencyKey struct {
	ID          int64  `gorm:"primaryKey"`
	UserID      int64  `gorm:"not null;uniqueIndex:idx_idempotency_user_key,priority:1"`
	Key         string `gorm:"size:128;not null;uniqueIndex:idx_idempotency_user_key,priority:2"`
	RequestHash string `gorm:"size:64;not null"`
	Status      int    `gorm:"not null;default:0"` // 0 while the first request runs
	Response    string `gorm:"type:mediumtext"`
	CreatedAt   time.Time
}

func (m2IdempotencyKey) TableName() string { return "idempotency_keys" }

type m2WebhookDelivery struct {
	ID            int64     `gorm:"primaryKey"`
	Subscriber    string    `gorm:"size:64;not null"`
	Event         string    `gorm:"size:64;not null"`
	Payload       string    `gorm:"type:mediumtext;not null"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null;index"`
	DeliveredAt   *time.Time
	LastError     string `gorm:"type:text"`
	CreatedAt     time.Time
}

func (m2WebhookDelivery) TableName() string { return "webhook_outbox" }

func migrate2(tx *gorm.DB) error {
	return createTables(tx, &m2Filing{}, &m2FilingRevision{}, &m2Attachment{}, &m2RosterEntry{}, &m2Flag{},
		&m2Problem{}, &m2Notice{}, &m2Notification{}, &m2RuleVersion{}, &m2IdempotencyKey{}, &m2WebhookDelivery{})
}
