package store

import (
	"context"
	"time"
)

// The kinds of rule sets in rule_versions.kind, and their rows of
// rule_publication: filing rules (rules/*.yaml) are row 1, as before the
// daily rules existed; the daily report rules (rules/daily) row 2.
const (
	ruleKindFiling    = "filing"
	ruleKindDaily     = "daily"
	publicationFiling = 1
	publicationDaily  = 2
)

// RuleKindStore is the rule-version history and publication of one kind of
// rule set. *DB's own SaveRuleVersion and friends are the filing rules';
// DailyRules returns the daily report rules'. It implements
// rules.Publications.
type RuleKindStore struct {
	db    *DB
	kind  string
	pubID int
}

// DailyRules is the store of the daily report rules' versions and
// publication.
func (db *DB) DailyRules() *RuleKindStore {
	return &RuleKindStore{db: db, kind: ruleKindDaily, pubID: publicationDaily}
}

// SaveRuleVersion is DB.SaveRuleVersion for this kind.
func (s *RuleKindStore) SaveRuleVersion(ctx context.Context, version string, files []RuleFile, at time.Time) error {
	return s.db.saveRuleVersion(ctx, s.kind, version, files, at)
}

// PublishRuleVersion is DB.PublishRuleVersion for this kind.
func (s *RuleKindStore) PublishRuleVersion(ctx context.Context, version string, at time.Time) error {
	return s.db.publishRuleVersion(ctx, s.pubID, version, at)
}

// PublishedRuleVersion is DB.PublishedRuleVersion for this kind.
func (s *RuleKindStore) PublishedRuleVersion(ctx context.Context) (string, time.Time, error) {
	return s.db.publishedRuleVersion(ctx, s.pubID)
}

// RuleVersion is DB.RuleVersion for this kind (a version of another kind
// is apperror.NotFound).
func (s *RuleKindStore) RuleVersion(ctx context.Context, version string) (*RuleVersionRecord, error) {
	return s.db.ruleVersion(ctx, s.kind, version)
}

// ListRuleVersions is DB.ListRuleVersions for this kind.
func (s *RuleKindStore) ListRuleVersions(ctx context.Context, page Page) ([]RuleVersionRecord, int64, error) {
	return s.db.listRuleVersions(ctx, s.kind, page)
}

// WithTx returns the same kind's store over tx (a transaction's *DB).
func (s *RuleKindStore) WithTx(tx *DB) *RuleKindStore {
	return &RuleKindStore{db: tx, kind: s.kind, pubID: s.pubID}
}
