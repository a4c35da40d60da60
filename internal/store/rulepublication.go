package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// rulePublication is the one row of rule_publication (migration_cluster.go):
// the rule set version every replica runs. The files of each version are in
// rule_versions (SaveRuleVersion), so a replica switches by reading them
// from the database, not from its own directory.
type rulePublication struct {
	ID          int `gorm:"primaryKey;autoIncrement:false"`
	Version     string
	PublishedAt time.Time
}

func (rulePublication) TableName() string { return "rule_publication" }

// PublishRuleVersion makes version, already saved with SaveRuleVersion, the
// one every replica runs. Publishing is last-writer-wins: two publications
// racing on two nodes leave one of the two versions (the loser of a
// certification conflict is retried once, then apperror.Conflict).
func (db *DB) PublishRuleVersion(ctx context.Context, version string, at time.Time) error {
	return db.publishRuleVersion(ctx, publicationFiling, version, at)
}

func (db *DB) publishRuleVersion(ctx context.Context, row int, version string, at time.Time) error {
	if version == "" || len(version) > maxRuleVersionLen {
		return apperror.Msg(apperror.Invalid, msgBadRuleVersion, version)
	}
	_, err := RetryWith(ctx, RetryPolicy{Attempts: 3, Base: 20 * time.Millisecond, Max: 100 * time.Millisecond}, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, db.Tx(ctx, func(tx *DB) error {
			at := at.UTC().Truncate(time.Millisecond)
			res := tx.gorm.WithContext(ctx).Model(&rulePublication{}).Where("id = ?", row).
				Updates(map[string]any{"version": version, "published_at": at})
			if res.Error != nil {
				return dbErr(res.Error, "rule publication")
			}
			if res.RowsAffected == 1 {
				return nil
			}
			err := tx.gorm.WithContext(ctx).Create(&rulePublication{ID: row, Version: version, PublishedAt: at}).Error
			if isDuplicateKey(err) {
				return nil // published by another replica at the same time with the same version
			}
			return dbErr(err, "rule publication")
		})
	})
	return err
}

// PublishedRuleVersion returns the published version and when it was
// published; nothing published yet is "" and no error.
func (db *DB) PublishedRuleVersion(ctx context.Context) (string, time.Time, error) {
	return db.publishedRuleVersion(ctx, publicationFiling)
}

func (db *DB) publishedRuleVersion(ctx context.Context, id int) (string, time.Time, error) {
	var row rulePublication
	err := db.gorm.WithContext(ctx).Where("id = ?", id).First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, dbErr(err, "rule publication")
	}
	return row.Version, row.PublishedAt.UTC(), nil
}
