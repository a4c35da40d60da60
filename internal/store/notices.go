package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Notice is a rectification notice (整改意见函): a numbered letter to an
// enterprise listing its open problems with a deadline.
type Notice struct {
	ID           int64
	Number       string
	EnterpriseID int64
	FilingID     *int64
	Street       string
	Deadline     string
	Body         string
	CreatedBy    int64
	CreatedAt    time.Time
}

// TableName maps Notice to notices.
func (Notice) TableName() string { return "notices" }

// CreateNotice inserts n, numbers it ZG<year>-<id, 6 digits> and links the
// problems ids to it, in one transaction.
func (db *DB) CreateNotice(ctx context.Context, n *Notice, problemIDs []int64) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		n.Number = fmt.Sprintf("tmp-%d", time.Now().UnixNano())
		if err := tx.Create(n).Error; err != nil {
			return dbErr(err, "notice")
		}
		n.Number = fmt.Sprintf("ZG%d-%06d", n.CreatedAt.Year(), n.ID)
		if err := tx.Model(&Notice{}).Where("id = ?", n.ID).Update("number", n.Number).Error; err != nil {
			return dbErr(err, "notice")
		}
		return dbErr(tx.Model(&Problem{}).Where("id IN ?", problemIDs).Update("notice_id", n.ID).Error, "problems")
	})
}

// NoticeByID returns notice id within scope, else apperror.NotFound.
func (db *DB) NoticeByID(ctx context.Context, scope Scope, id int64) (*Notice, error) {
	var n Notice
	q := scope.apply(db.orm(ctx).Model(&Notice{}), "enterprise_id", "street")
	if err := q.Where("id = ?", id).First(&n).Error; err != nil {
		return nil, dbErr(err, "notice")
	}
	return &n, nil
}

// NoticeProblems returns the problems a notice lists.
func (db *DB) NoticeProblems(ctx context.Context, noticeID int64) ([]Problem, error) {
	var out []Problem
	err := db.orm(ctx).Where("notice_id = ?", noticeID).Order("id").Find(&out).Error
	return out, dbErr(err, "problems")
}
