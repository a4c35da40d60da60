package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Notice is a rectification notice (整改意见函): a numbered letter to an
// enterprise listing its open problems with a deadline.
type Notice struct {
	ID           int64     `json:"id"`
	Number       string    `json:"number"`
	EnterpriseID int64     `json:"enterprise_id"`
	FilingID     *int64    `json:"filing_id"`
	Street       string    `json:"street"`
	Deadline     string    `json:"deadline"`
	Body         string    `json:"body"`
	CreatedBy    int64     `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// ProblemKey identifies the set of problems the notice lists (a digest
	// of their sorted ids); unique, so issuing again for the same problems
	// finds the same notice (migration 5).
	ProblemKey *string `json:"-"`
	TargetKind string  `json:"target_kind"`
}

// ProblemSetKey is the ProblemKey of a notice listing ids.
func ProblemSetKey(ids []int64) string {
	sorted := append([]int64(nil), ids...)
	slices.Sort(sorted)
	h := sha256.New()
	for _, id := range sorted {
		fmt.Fprintf(h, "%d,", id)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// NoticeByProblemKey returns the notice listing exactly the problem set
// key, or apperror.NotFound.
func (db *DB) NoticeByProblemKey(ctx context.Context, key string) (*Notice, error) {
	var n Notice
	if err := db.orm(ctx).Where("problem_key = ?", key).Take(&n).Error; err != nil {
		return nil, dbErr(err, "notice")
	}
	return &n, nil
}

// TableName maps Notice to notices.
func (Notice) TableName() string { return "notices" }

// CreateNotice inserts n, numbers it ZG<year>-<id, 6 digits> and links the
// problems ids to it, in one transaction. The notice is keyed by its
// problem set: a notice already listing exactly these problems (issued
// before, or by a racing request) is apperror.Conflict, and the caller reads
// it back with NoticeByProblemKey.
func (db *DB) CreateNotice(ctx context.Context, n *Notice, problemIDs []int64) error {
	key := ProblemSetKey(problemIDs)
	n.ProblemKey = &key
	if n.TargetKind == "" {
		n.TargetKind = TargetEnterprise
	}
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

// NoticeByID returns notice id within scope, else apperror.NotFound. A
// department's scope holds the letters addressed to it: a department
// letter lists only that department's problems (internal/inspection), so
// the letter is its when its problems are.
func (db *DB) NoticeByID(ctx context.Context, scope Scope, id int64) (*Notice, error) {
	var n Notice
	q := scope.apply(db.orm(ctx).Model(&Notice{}), "enterprise_id", "street")
	if scope.Role == RoleDepartment {
		q = db.orm(ctx).Model(&Notice{}).Where("target_kind = ? AND EXISTS (SELECT 1 FROM problems WHERE problems.notice_id = notices.id AND problems.target_kind = ? AND problems.department = ? AND problems.department <> '')",
			TargetDepartment, TargetDepartment, scope.Department)
	}
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
