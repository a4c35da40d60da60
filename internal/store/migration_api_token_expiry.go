package store

import (
	"time"

	"gorm.io/gorm"
)

// m6APIToken is the frozen shape of the column migration 6 adds.
type m6APIToken struct {
	ExpiresAt *time.Time `gorm:"index"`
}

func (m6APIToken) TableName() string { return "api_tokens" }

// apiTokenGrace is how long tokens issued before expiry existed stay valid
// after migration 6, so integrations get time to be given new ones.
const apiTokenGrace = 30 * 24 * time.Hour

// Migration 9 (API token expiry): api_tokens gains expires_at; tokens issued
// before it expire 30 days after the migration. Never edit once landed.
func migrateAPITokenExpiry(tx *gorm.DB) error {
	if !tx.Migrator().HasColumn(&m6APIToken{}, "ExpiresAt") {
		if err := tx.Migrator().AddColumn(&m6APIToken{}, "ExpiresAt"); err != nil {
			return err
		}
	}
	if !tx.Migrator().HasIndex(&m6APIToken{}, "ExpiresAt") {
		if err := tx.Migrator().CreateIndex(&m6APIToken{}, "ExpiresAt"); err != nil {
			return err
		}
	}
	return tx.Exec("UPDATE api_tokens SET expires_at = ? WHERE expires_at IS NULL", time.Now().UTC().Add(apiTokenGrace)).Error
}
