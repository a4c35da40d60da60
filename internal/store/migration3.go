package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 3: the near-duplicate plan index (package dedup). Frozen copies
// of dedup_models.go as first landed; never edit once landed.

type m3PlanSignature struct {
	RevisionID   int64  `gorm:"primaryKey;autoIncrement:false"`
	FilingID     int64  `gorm:"not null;index"`
	EnterpriseID int64  `gorm:"not null;index"`
	Text         string `gorm:"not null"`
	Signature    []byte
	ShingleCount int       `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

func (m3PlanSignature) TableName() string { return "plan_signatures" }

type m3PlanBand struct {
	RevisionID int64 `gorm:"primaryKey;autoIncrement:false"`
	Band       int   `gorm:"primaryKey;autoIncrement:false"`
	Hash       int64 `gorm:"not null;index:idx_plan_bands_hash"`
}

func (m3PlanBand) TableName() string { return "plan_bands" }

type m3PlanTemplate struct {
	ID        int64     `gorm:"primaryKey"`
	Name      string    `gorm:"size:200;not null"`
	Text      string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (m3PlanTemplate) TableName() string { return "plan_templates" }

type m3PlanBoilerplateShingle struct {
	Hash   int64  `gorm:"primaryKey;autoIncrement:false"`
	Source string `gorm:"primaryKey;size:16"`
}

func (m3PlanBoilerplateShingle) TableName() string { return "plan_boilerplate_shingles" }

type m3PlanDedupState struct {
	ID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Generation int64 `gorm:"not null"`
	Plans      int64 `gorm:"not null"`
	UpdatedAt  time.Time
}

func (m3PlanDedupState) TableName() string { return "plan_dedup_states" }

func migrate3(tx *gorm.DB) error {
	return createTables(tx, &m3PlanSignature{}, &m3PlanBand{}, &m3PlanTemplate{}, &m3PlanBoilerplateShingle{}, &m3PlanDedupState{})
}
