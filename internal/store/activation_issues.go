package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// ActivationIssue is one activation sheet a street handed out: who, when,
// how many codes, until when, and how many were revoked since.
type ActivationIssue struct {
	ID           int64     `json:"id"`
	Street       string    `json:"street"`
	IssuedBy     int64     `json:"-"`
	IssuedByName string    `json:"issued_by" gorm:"-"`
	Codes        int       `json:"codes"`
	Revoked      int       `json:"revoked"`
	ExpiresAt    time.Time `json:"expires_at"`
	CreatedAt    time.Time `json:"created_at"`
}

// TableName maps ActivationIssue to activation_code_issues.
func (ActivationIssue) TableName() string { return "activation_code_issues" }

// EnterprisesNeedingCode returns the enterprises of street with neither an
// account nor an unused, unrevoked code still valid at now: issuing is
// additive, codes already handed out keep working.
func (db *DB) EnterprisesNeedingCode(ctx context.Context, street string, now time.Time) ([]Enterprise, error) {
	var out []Enterprise
	err := db.orm(ctx).Where("street = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = enterprises.id)", street).
		Where("NOT EXISTS (SELECT 1 FROM activation_codes c WHERE c.enterprise_id = enterprises.id AND c.used_at IS NULL AND c.revoked_at IS NULL AND c.expires_at > ?)", now).
		Order("id").Find(&out).Error
	return out, dbErr(err, "enterprises")
}

// IssueActivationCodes records the issue and inserts its codes in one
// transaction; no earlier code is touched.
func (db *DB) IssueActivationCodes(ctx context.Context, is *ActivationIssue, codes []ActivationCode) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		is.Codes = len(codes)
		if err := tx.Create(is).Error; err != nil {
			return dbErr(err, "activation issue")
		}
		if len(codes) == 0 {
			return nil
		}
		for i := range codes {
			codes[i].IssueID = &is.ID
		}
		return dbErr(tx.CreateInBatches(&codes, 200).Error, "activation codes")
	})
}

// ActivationIssues returns the issue history of street, newest first.
func (db *DB) ActivationIssues(ctx context.Context, street string, p Page) ([]ActivationIssue, int64, error) {
	q := db.orm(ctx).Model(&ActivationIssue{}).Where("street = ?", street)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "activation issues")
	}
	var out []ActivationIssue
	if err := q.Order("id DESC").Offset(p.Offset()).Limit(p.Size).Find(&out).Error; err != nil {
		return nil, 0, dbErr(err, "activation issues")
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].IssuedBy
	}
	names, err := db.UsernamesByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].IssuedByName = names[out[i].IssuedBy]
	}
	return out, total, nil
}

// RevokeActivationCodes revokes the unused codes of street's enterprises
// (only those of issue issueID when it is not 0) and returns how many.
func (db *DB) RevokeActivationCodes(ctx context.Context, street string, issueID int64, at time.Time) (int64, error) {
	var n int64
	err := db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&ActivationCode{}).Where("used_at IS NULL AND revoked_at IS NULL").
			Where("enterprise_id IN (SELECT id FROM enterprises WHERE street = ?)", street)
		if issueID != 0 {
			q = q.Where("issue_id = ?", issueID)
		}
		res := q.Update("revoked_at", at)
		if res.Error != nil {
			return dbErr(res.Error, "activation codes")
		}
		n = res.RowsAffected
		if issueID != 0 && n > 0 {
			return dbErr(tx.Model(&ActivationIssue{}).Where("id = ?", issueID).Update("revoked", gorm.Expr("revoked + ?", n)).Error, "activation issue")
		}
		return nil
	})
	return n, err
}
