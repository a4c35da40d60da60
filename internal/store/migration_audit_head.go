package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 5: the audit chain's head. Audit entries are written inside the
// transaction of the change they record (a crash loses both or neither), so
// appends can no longer be serialised by a named lock held around a
// transaction of their own. Instead every append locks the single head row,
// which holds the hash of the last entry, and updates it: the lock is held
// until the change commits, so the chain never forks, on MySQL as on
// SQLite. The head is seeded from the last entry already written. Never edit
// once landed.
type m5AuditHead struct {
	ID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Hash string `gorm:"size:64;not null"`
	At   time.Time
}

func (m5AuditHead) TableName() string { return "audit_head" }

func migrate5(tx *gorm.DB) error {
	if err := createTables(tx, &m5AuditHead{}); err != nil {
		return err
	}
	var n int64
	if err := tx.Model(&m5AuditHead{}).Where("id = 1").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	var last m1AuditEntry
	if err := tx.Order("id DESC").Limit(1).Find(&last).Error; err != nil {
		return err
	}
	return tx.Create(&m5AuditHead{ID: 1, Hash: last.Hash, At: time.Now().UTC()}).Error
}
