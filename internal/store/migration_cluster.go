package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 5 (the lead renumbers at merge): what several replicas on
// several database nodes need to agree on, as rows a Galera certification
// or a unique key sees, never a process's memory or a node-local lock.
//   - filing_decisions: one row per decided revision of a filing, so of two
//     decisions racing on two nodes exactly one commits (decisions.go);
//   - leases: named, expiring claims (the sweeper's elected replica, ...)
//     (leases.go);
//   - object_holds: an upload holding an object key it is about to
//     reference, or the sweeper holding one it is about to delete
//     (objectholds.go);
//   - rule_publication: the rule set version every replica runs
//     (rulepublication.go).
// Never edit once landed.

type m5FilingDecision struct {
	FilingID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Revision  int       `gorm:"primaryKey;autoIncrement:false"`
	Decision  string    `gorm:"size:16;not null"`
	DecidedBy int64     `gorm:"not null"`
	DecidedAt time.Time `gorm:"not null"`
}

func (m5FilingDecision) TableName() string { return "filing_decisions" }

type m5Lease struct {
	Name      string    `gorm:"primaryKey;size:64"`
	Holder    string    `gorm:"size:64;not null"`
	ExpiresAt time.Time `gorm:"not null;type:datetime(6)"`
}

func (m5Lease) TableName() string { return "leases" }

type m5ObjectHold struct {
	ObjectKey string    `gorm:"primaryKey;size:128"`
	Holder    string    `gorm:"primaryKey;size:64"`
	Kind      string    `gorm:"size:16;not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (m5ObjectHold) TableName() string { return "object_holds" }

type m5RulePublication struct {
	ID          int       `gorm:"primaryKey;autoIncrement:false"`
	Version     string    `gorm:"size:32;not null"`
	PublishedAt time.Time `gorm:"not null"`
}

func (m5RulePublication) TableName() string { return "rule_publication" }

func migrate10(tx *gorm.DB) error {
	return createTables(tx, &m5FilingDecision{}, &m5Lease{}, &m5ObjectHold{}, &m5RulePublication{})
}
