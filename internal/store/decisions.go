package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// FilingDecision is the one decision taken on one revision of a filing
// (table filing_decisions, migration_cluster.go).
type FilingDecision struct {
	FilingID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Revision  int   `gorm:"primaryKey;autoIncrement:false"`
	Decision  string
	DecidedBy int64
	DecidedAt time.Time
}

// TableName maps FilingDecision to filing_decisions.
func (FilingDecision) TableName() string { return "filing_decisions" }

// RecordDecision inserts the decision on (filingID, revision) in the
// caller's transaction. The primary key is the condition two decisions
// racing on two Galera nodes collide on (certification) and two on one node
// collide on (the unique key), whatever each read before: the second is
// apperror.Conflict. A conflict found only at COMMIT is retried by the
// service (store.Retry), whose re-read then sees the filing decided.
func (db *DB) RecordDecision(ctx context.Context, d FilingDecision) error {
	err := db.gorm.WithContext(ctx).Create(&d).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) || isDuplicateKey(err) {
		return apperror.WrapMsg(err, apperror.Conflict, msgAlreadyDecided)
	}
	return dbErr(err, "filing decision")
}

// Decisions returns the decisions taken on a filing, oldest revision first.
func (db *DB) Decisions(ctx context.Context, filingID int64) ([]FilingDecision, error) {
	var out []FilingDecision
	err := db.gorm.WithContext(ctx).Where("filing_id = ?", filingID).Order("revision").Find(&out).Error
	return out, dbErr(err, "filing decisions")
}
