package store

import "gorm.io/gorm"

// Exports for the tests of migration 13 and audit key rotation.

// MigrateContentHash runs migration 13 again, for tests of what it does to
// rows written before it.
func MigrateContentHash(tx *gorm.DB) error { return migrateContentHash(tx) }

// SealAuditEntry is e's chain value under audit key generation gen, as an
// attacker holding that key would compute it.
func SealAuditEntry(e *AuditEntry, gen int, key []byte) string { return sealWith(e, gen, key) }
