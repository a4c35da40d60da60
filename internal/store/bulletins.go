package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Bulletin is a numbered bulletin (通报) on the ledger over a period; its
// figures are frozen as JSON when it is issued.
type Bulletin struct {
	ID         int64     `json:"id"`
	Number     string    `json:"number"`
	PeriodFrom string    `json:"from"`
	PeriodTo   string    `json:"to"`
	Figures    string    `json:"-"`
	CreatedBy  int64     `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName maps Bulletin to bulletins.
func (Bulletin) TableName() string { return "bulletins" }

// CreateBulletin inserts b numbered TB<year>-<id, 6 digits>; a bulletin for
// the same period already issued (or issued by a racing request) is
// returned instead, with created false.
func (db *DB) CreateBulletin(ctx context.Context, b *Bulletin) (created bool, err error) {
	err = db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		var r [8]byte
		rand.Read(r[:])
		b.Number = "tmp-" + hex.EncodeToString(r[:]) // unique until numbered below
		if err := tx.Create(b).Error; err != nil {
			return err
		}
		b.Number = fmt.Sprintf("TB%d-%06d", b.CreatedAt.Year(), b.ID)
		return tx.Model(&Bulletin{}).Where("id = ?", b.ID).Update("number", b.Number).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		if e := db.orm(ctx).Where("period_from = ? AND period_to = ?", b.PeriodFrom, b.PeriodTo).Take(b).Error; e != nil {
			return false, dbErr(e, "bulletin")
		}
		return false, nil
	}
	return err == nil, dbErr(err, "bulletin")
}

// BulletinByPeriod returns the bulletin of the period, or apperror.NotFound.
func (db *DB) BulletinByPeriod(ctx context.Context, from, to string) (*Bulletin, error) {
	var b Bulletin
	if err := db.orm(ctx).Where("period_from = ? AND period_to = ?", from, to).Take(&b).Error; err != nil {
		return nil, dbErr(err, "bulletin")
	}
	return &b, nil
}

// BulletinByID returns bulletin id, or apperror.NotFound.
func (db *DB) BulletinByID(ctx context.Context, id int64) (*Bulletin, error) {
	var b Bulletin
	if err := db.orm(ctx).Where("id = ?", id).Take(&b).Error; err != nil {
		return nil, dbErr(err, "bulletin")
	}
	return &b, nil
}

// LedgerRow is what the ledger's figures need of one problem.
type LedgerRow struct {
	ID          int64
	Street      string
	TargetKind  string
	Department  string
	CreatedBy   int64
	Deadline    string
	CreatedAt   time.Time
	AnsweredAt  *time.Time
	RectifiedAt *time.Time
	Status      string
}

// LedgerRows returns the problems created before `before`, within scope
// (street "" = all), for figures computed in one pass.
func (db *DB) LedgerRows(ctx context.Context, scope Scope, street string, before time.Time) ([]LedgerRow, error) {
	q := problemScope(db.orm(ctx).Model(&Problem{}), scope).Where("created_at < ?", before)
	if street != "" {
		q = q.Where("street = ?", street)
	}
	var out []LedgerRow
	err := q.Select("id, street, target_kind, department, created_by, deadline, created_at, answered_at, rectified_at, status").Order("id").Find(&out).Error
	return out, dbErr(err, "problems")
}

// OpenProblemsOfTarget returns the open problems against a target, oldest
// first: an enterprise (enterpriseID), a street's own problems, or a
// department's.
func (db *DB) OpenProblemsOfTarget(ctx context.Context, scope Scope, kind, street, department string, enterpriseID int64) ([]Problem, error) {
	q := problemScope(db.orm(ctx).Model(&Problem{}), scope).Where("status = ? AND target_kind = ?", ProblemOpen, kind)
	switch kind {
	case TargetEnterprise:
		q = q.Where("enterprise_id = ?", enterpriseID)
	case TargetStreet:
		q = q.Where("street = ?", street)
	default:
		q = q.Where("department = ?", department)
	}
	var out []Problem
	err := q.Order("id").Find(&out).Error
	return out, dbErr(err, "problems")
}
