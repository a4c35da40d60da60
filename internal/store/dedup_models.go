package store

import "time"

// The tables of near-duplicate plan detection (package dedup). They hold the
// whole index, so every replica sees every plan and nothing is rebuilt at
// start. Hashes are 64-bit values stored as BIGINT (int64, bit for bit).

// PlanSignature is one indexed plan revision: its MinHash signature and the
// text it was computed from (kept so that a match can be verified exactly
// and its shared passages shown, and so signatures can be recomputed after
// the boilerplate changes).
type PlanSignature struct {
	RevisionID   int64  `gorm:"primaryKey;autoIncrement:false"`
	FilingID     int64  `gorm:"not null;index"`
	EnterpriseID int64  `gorm:"not null;index"`
	Text         string `gorm:"not null"`
	// Signature is the MinHash signature, little-endian uint64 words; empty
	// when nothing but boilerplate is left of the plan.
	Signature []byte
	// ShingleCount is the number of distinct non-boilerplate shingles the
	// signature was computed from.
	ShingleCount int       `gorm:"not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

// PlanBand is one LSH band key of a plan revision. Hash mixes the band
// number in, so one index on hash answers "which revisions share any band".
type PlanBand struct {
	RevisionID int64 `gorm:"primaryKey;autoIncrement:false"`
	Band       int   `gorm:"primaryKey;autoIncrement:false"`
	Hash       int64 `gorm:"not null;index:idx_plan_bands_hash"`
}

// PlanTemplate is an official template text that enterprises may share
// freely; its shingles never count toward similarity.
type PlanTemplate struct {
	ID        int64     `gorm:"primaryKey"`
	Name      string    `gorm:"size:200;not null"`
	Text      string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

// PlanBoilerplateShingle is a shingle removed before plans are compared.
// Source is "template" (from a PlanTemplate) or "frequent" (in more than
// the configured share of plans at the last document-frequency refresh).
type PlanBoilerplateShingle struct {
	Hash   int64  `gorm:"primaryKey;autoIncrement:false"`
	Source string `gorm:"primaryKey;size:16"`
}

// PlanDedupState is a single row (ID 1) whose Generation changes whenever
// the boilerplate set changes, so replicas know to reload their copy.
type PlanDedupState struct {
	ID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Generation int64 `gorm:"not null"`
	// Plans is the number of plans sampled at the last refresh of the
	// frequent shingles, 0 if never refreshed.
	Plans     int64 `gorm:"not null"`
	UpdatedAt time.Time
}
