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
	ProblemRectified = "rectified"
	ProblemWaived    = "waived"
)

// Problem is one entry of the rectification ledger (整改台账).
type Problem struct {
	ID                int64
	FilingID          *int64
	EnterpriseID      *int64
	Street            string
	Sector            string
	Source            string
	RuleID            string
	Title             string
	Detail            string
	Status            string
	CreatedBy         int64
	CreatedAt         time.Time
	RectifiedAt       *time.Time
	RectifiedRevision *int
	RectifiedNote     string
	WaivedReason      string
	NoticeID          *int64
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
}

// ListProblems returns the problems within scope matching f, newest first.
func (db *DB) ListProblems(ctx context.Context, scope Scope, f ProblemFilter) ([]Problem, int64, error) {
	q := scope.apply(db.orm(ctx).Model(&Problem{}), "enterprise_id", "street")
	if f.FilingID != 0 {
		q = q.Where("filing_id = ?", f.FilingID)
	}
	if f.Street != "" {
		q = q.Where("street = ?", f.Street)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
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
	q := scope.apply(db.orm(ctx).Model(&Problem{}), "enterprise_id", "street")
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
	ID        int64
	UserID    int64
	Kind      string
	FilingID  *int64
	Message   string
	CreatedAt time.Time
	ReadAt    *time.Time
	Read      bool `gorm:"-"`
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
