package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Problem sources and statuses.
const (
	SourceRule       = "rule"
	SourceReview     = "review"
	SourceInspection = "inspection"

	ProblemOpen      = "open"
	ProblemAnswered  = "answered"
	ProblemRectified = "rectified"
	ProblemWaived    = "waived"
)

// Problem is one entry of the rectification ledger (整改台账).
type Problem struct {
	ID                int64      `json:"id"`
	FilingID          *int64     `json:"filing_id"`
	EnterpriseID      *int64     `json:"enterprise_id"`
	Street            string     `json:"street"`
	Sector            string     `json:"sector,omitempty"`
	Source            string     `json:"source"`
	RuleID            string     `json:"rule_id"`
	Title             string     `json:"title"`
	Detail            string     `json:"detail"`
	Status            string     `json:"status"`
	CreatedBy         int64      `json:"-"`
	CreatedAt         time.Time  `json:"created_at"`
	RectifiedAt       *time.Time `json:"rectified_at"`
	RectifiedRevision *int       `json:"rectified_revision,omitempty"`
	RectifiedNote     string     `json:"rectified_note,omitempty"`
	WaivedReason      string     `json:"waived_reason,omitempty"`
	NoticeID          *int64     `json:"notice_id,omitempty"`
	// The rectification loop (findings.go): whom the problem is against,
	// what the inspector saw, by when it must be fixed, and its answer and
	// verification.
	TargetKind    string        `json:"-"`
	Target        ProblemTarget `json:"target" gorm:"-"`
	Department    string        `json:"department,omitempty"`
	Severity      string        `json:"severity,omitempty"`
	Place         string        `json:"place,omitempty"`
	SeenAt        *time.Time    `json:"seen_at,omitempty"`
	Deadline      string        `json:"-"`
	DeadlineOut   *string       `json:"deadline" gorm:"-"`
	Overdue       bool          `json:"overdue" gorm:"-"`
	AnsweredAt    *time.Time    `json:"answered_at,omitempty"`
	VerifiedBy    *int64        `json:"-"`
	VerifyComment string        `json:"verify_comment,omitempty"`
}

// TableName maps Problem to problems.
func (Problem) TableName() string { return "problems" }

// CreateProblems inserts problems.
func (db *DB) CreateProblems(ctx context.Context, ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Create(&ps).Error, "problems")
}

// ProblemFilter selects problems.
type ProblemFilter struct {
	FilingID int64
	Street   string
	Status   string
	Page     Page
	// TargetKind, CreatedBy and OverdueOn (a date: open problems whose
	// deadline is before it) filter for the rectification loop.
	TargetKind string
	CreatedBy  int64
	OverdueOn  string
}

// ListProblems returns the problems within scope matching f, newest first.
func (db *DB) ListProblems(ctx context.Context, scope Scope, f ProblemFilter) ([]Problem, int64, error) {
	q := problemScope(db.orm(ctx).Model(&Problem{}), scope)
	if f.FilingID != 0 {
		q = q.Where("filing_id = ?", f.FilingID)
	}
	if f.Street != "" {
		q = q.Where("street = ?", f.Street)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	q = f.applyLoop(q)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "problems")
	}
	var out []Problem
	err := q.Order("id DESC").Offset(f.Page.Offset()).Limit(f.Page.Size).Find(&out).Error
	return out, total, dbErr(err, "problems")
}

// OpenProblems returns a filing's open problems, oldest first.
func (db *DB) OpenProblems(ctx context.Context, filingID int64) ([]Problem, error) {
	var out []Problem
	err := db.orm(ctx).Where("filing_id = ? AND status = ?", filingID, ProblemOpen).Order("id").Find(&out).Error
	return out, dbErr(err, "problems")
}

// ProblemByID returns problem id within scope, else apperror.NotFound.
func (db *DB) ProblemByID(ctx context.Context, scope Scope, id int64) (*Problem, error) {
	var p Problem
	q := problemScope(db.orm(ctx).Model(&Problem{}), scope)
	if err := q.Where("id = ?", id).First(&p).Error; err != nil {
		return nil, dbErr(err, "problem")
	}
	return &p, nil
}

// RectifyProblems marks the open problems ids rectified by revision (or a
// note) at time at.
func (db *DB) RectifyProblems(ctx context.Context, ids []int64, revision *int, note string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Model(&Problem{}).Where("id IN ? AND status = ?", ids, ProblemOpen).
		Updates(map[string]any{"status": ProblemRectified, "rectified_at": at, "rectified_revision": revision, "rectified_note": note}).Error, "problems")
}

// WaiveProblem marks an open problem waived with a reason; a problem that is
// not open is apperror.Conflict.
func (db *DB) WaiveProblem(ctx context.Context, id int64, reason string, at time.Time) error {
	res := db.orm(ctx).Model(&Problem{}).Where("id = ? AND status = ?", id, ProblemOpen).
		Updates(map[string]any{"status": ProblemWaived, "waived_reason": reason, "rectified_at": at})
	if res.Error != nil {
		return dbErr(res.Error, "problem")
	}
	if res.RowsAffected != 1 {
		return conflict(msgProblemNotOpen)
	}
	return nil
}

// SetProblemsNotice links problems to a rectification notice.
func (db *DB) SetProblemsNotice(ctx context.Context, ids []int64, noticeID int64) error {
	return dbErr(db.orm(ctx).Model(&Problem{}).Where("id IN ?", ids).Update("notice_id", noticeID).Error, "problems")
}

// Notification is an in-app message to one user.
type Notification struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"-"`
	Kind      string `json:"kind"`
	FilingID  *int64 `json:"filing_id"`
	ProblemID *int64 `json:"problem_id,omitempty"`
	// NoticeID is the notice or letter a notice_issued notification announces.
	NoticeID  *int64     `json:"notice_id,omitempty"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"-"`
	Read      bool       `json:"read" gorm:"-"`
}

// TableName maps Notification to notifications.
func (Notification) TableName() string { return "notifications" }

// CreateNotifications inserts ns.
func (db *DB) CreateNotifications(ctx context.Context, ns []Notification) error {
	if len(ns) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Create(&ns).Error, "notifications")
}

// Notifications returns a user's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, p Page) ([]Notification, int64, error) {
	q := db.orm(ctx).Model(&Notification{}).Where("user_id = ?", userID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "notifications")
	}
	var out []Notification
	if err := q.Order("id DESC").Offset(p.Offset()).Limit(p.Size).Find(&out).Error; err != nil {
		return nil, 0, dbErr(err, "notifications")
	}
	for i := range out {
		out[i].Read = out[i].ReadAt != nil
	}
	return out, total, nil
}

// MarkNotificationRead marks one of the user's notifications read; another
// user's notification is apperror.NotFound.
func (db *DB) MarkNotificationRead(ctx context.Context, userID, id int64, at time.Time) error {
	res := db.orm(ctx).Model(&Notification{}).Where("id = ? AND user_id = ?", id, userID).Update("read_at", at)
	if res.Error != nil {
		return dbErr(res.Error, "notification")
	}
	if res.RowsAffected == 0 {
		return dbErr(gorm.ErrRecordNotFound, "notification")
	}
	return nil
}

// MarkAllNotificationsRead marks the user's unread messages read in one
// statement, those up to id upTo when upTo > 0 (so a message that arrived
// after the list the user saw stays unread), and returns how many it marked.
func (db *DB) MarkAllNotificationsRead(ctx context.Context, userID, upTo int64, at time.Time) (int64, error) {
	q := db.orm(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if upTo > 0 {
		q = q.Where("id <= ?", upTo)
	}
	res := q.Update("read_at", at)
	return res.RowsAffected, dbErr(res.Error, "notifications")
}

// UserIDsOfEnterprise returns the accounts of an enterprise.
func (db *DB) UserIDsOfEnterprise(ctx context.Context, enterpriseID int64) ([]int64, error) {
	var ids []int64
	err := db.orm(ctx).Model(&User{}).Where("enterprise_id = ? AND disabled = ?", enterpriseID, false).Pluck("id", &ids).Error
	return ids, dbErr(err, "users")
}

// UserIDsOfStreet returns the street officials of a street.
func (db *DB) UserIDsOfStreet(ctx context.Context, street string) ([]int64, error) {
	var ids []int64
	err := db.orm(ctx).Model(&User{}).Where("role = ? AND street = ? AND disabled = ?", RoleStreetOfficial, street, false).Pluck("id", &ids).Error
	return ids, dbErr(err, "users")
}
