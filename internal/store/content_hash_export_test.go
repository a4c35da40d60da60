package store

import "gorm.io/gorm"

// MigrateContentHash runs migration 13 again, for tests of what it does to
// rows written before it.
func MigrateContentHash(tx *gorm.DB) error { return migrateContentHash(tx) }
