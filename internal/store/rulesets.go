package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// RuleFile is one rule file of a rule set version, kept verbatim so a flag's
// ruleset_version can be explained long after the files changed.
type RuleFile struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// RuleVersionRecord is a rule set version that was active at some time:
// FirstActiveAt is when it was first recorded active, LastActiveAt the last
// time it was (re)recorded active. Files is empty in lists.
type RuleVersionRecord struct {
	Version       string     `json:"version"`
	Files         []RuleFile `json:"files,omitempty"`
	FirstActiveAt time.Time  `json:"first_active_at"`
	LastActiveAt  time.Time  `json:"last_active_at"`
}

// ruleVersionRow is a row of rule_versions (see migration 2); Files is the
// JSON of []RuleFile.
type ruleVersionRow struct {
	Version       string `gorm:"primaryKey"`
	Kind          string // filing or daily (migration_daily.go)
	Files         string
	FirstActiveAt time.Time
	LastActiveAt  time.Time
}

func (ruleVersionRow) TableName() string { return "rule_versions" }

// maxRuleVersionLen is the width of rule_versions.version.
const maxRuleVersionLen = 32

// SaveRuleVersion records that version, made of files, was active at at. A
// version not yet stored is inserted with both times set to at; a version
// already stored keeps its files and first time and only has last_active_at
// moved forward to at (never back). The upsert is portable (insert, and on a
// duplicate key an update), so replicas recording the same version at once
// both succeed. An empty or over-long version is apperror.Invalid; a dead
// database apperror.Unavailable.
func (db *DB) SaveRuleVersion(ctx context.Context, version string, files []RuleFile, at time.Time) error {
	return db.saveRuleVersion(ctx, ruleKindFiling, version, files, at)
}

func (db *DB) saveRuleVersion(ctx context.Context, kind, version string, files []RuleFile, at time.Time) error {
	if version == "" || len(version) > maxRuleVersionLen {
		return apperror.Msg(apperror.Invalid, msgInvalidRulesetVersion, version)
	}
	if files == nil {
		files = []RuleFile{}
	}
	data, err := json.Marshal(files)
	if err != nil {
		return fmt.Errorf("store: encode rule files: %w", err)
	}
	at = at.UTC().Truncate(time.Millisecond) // MySQL DATETIME(3)
	row := ruleVersionRow{Version: version, Kind: kind, Files: string(data), FirstActiveAt: at, LastActiveAt: at}
	err = db.orm(ctx).Create(&row).Error
	if err == nil {
		return nil
	}
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		return dbErr(err, "rule version")
	}
	err = db.orm(ctx).Model(&ruleVersionRow{}).
		Where("version = ? AND kind = ? AND last_active_at < ?", version, kind, at).
		Update("last_active_at", at).Error
	return dbErr(err, "rule version")
}

// RuleVersion returns a stored version with its files; a version never
// recorded is apperror.NotFound.
func (db *DB) RuleVersion(ctx context.Context, version string) (*RuleVersionRecord, error) {
	return db.ruleVersion(ctx, ruleKindFiling, version)
}

func (db *DB) ruleVersion(ctx context.Context, kind, version string) (*RuleVersionRecord, error) {
	if version == "" || len(version) > maxRuleVersionLen {
		return nil, apperror.Msg(apperror.NotFound, msgRulesetVersionNotFound, version)
	}
	var row ruleVersionRow
	if err := db.orm(ctx).Where("version = ? AND kind = ?", version, kind).First(&row).Error; err != nil {
		return nil, dbErr(err, "rule version")
	}
	rec := &RuleVersionRecord{Version: row.Version, FirstActiveAt: row.FirstActiveAt.UTC(), LastActiveAt: row.LastActiveAt.UTC()}
	if err := json.Unmarshal([]byte(row.Files), &rec.Files); err != nil {
		return nil, fmt.Errorf("store: rule version %s: decode files: %w", version, err)
	}
	return rec, nil
}

// ListRuleVersions returns a page of stored versions, most recently active
// first, without their files, and the total number of versions. Errors are
// apperror.Unavailable when the database is down, internal otherwise.
func (db *DB) ListRuleVersions(ctx context.Context, page Page) ([]RuleVersionRecord, int64, error) {
	return db.listRuleVersions(ctx, ruleKindFiling, page)
}

func (db *DB) listRuleVersions(ctx context.Context, kind string, page Page) ([]RuleVersionRecord, int64, error) {
	q := db.orm(ctx).Model(&ruleVersionRow{}).Where("kind = ?", kind)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "rule versions")
	}
	var rows []ruleVersionRow
	err := q.Select("version", "first_active_at", "last_active_at").
		Order("last_active_at DESC").Order("version").
		Offset(page.Offset()).Limit(page.Size).Find(&rows).Error
	if err != nil {
		return nil, 0, dbErr(err, "rule versions")
	}
	out := make([]RuleVersionRecord, len(rows))
	for i, r := range rows {
		out[i] = RuleVersionRecord{Version: r.Version, FirstActiveAt: r.FirstActiveAt.UTC(), LastActiveAt: r.LastActiveAt.UTC()}
	}
	return out, total, nil
}
