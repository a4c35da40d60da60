package store

import "gorm.io/gorm"

// Migration 12 (audit segments; the lead renumbers at merge): the audit
// chain becomes a set of interleaved chains, one segment per writer (the
// database node an append runs on, or a name the process sets), because one
// head row that every writer compares-and-sets made every audited
// transaction of a multi-writer Galera cluster certify against the same row
// (docs/security.md §8). audit_log gains writer (the segment of an entry;
// "" for the chain written so far) and its seq becomes unique per writer
// instead of globally; audit_segments holds each segment's head (seq and
// MAC of its last entry). The single head of migrations 5 and 8 becomes
// the head of segment "", so the existing chain, legacy entries included,
// keeps verifying unchanged, and audit_head is dropped: a process of an
// older release still appending through it fails instead of forking
// segment "". Never edit once landed.
func migrateAuditSegments(tx *gorm.DB) error {
	m := tx.Migrator()
	if !m.HasColumn("audit_log", "writer") {
		if err := tx.Exec("ALTER TABLE audit_log ADD COLUMN writer VARCHAR(128) NOT NULL DEFAULT ''").Error; err != nil {
			return err
		}
	}
	if !m.HasIndex("audit_log", "idx_audit_log_writer_seq") {
		if err := tx.Exec("CREATE UNIQUE INDEX idx_audit_log_writer_seq ON audit_log (writer, seq)").Error; err != nil {
			return err
		}
	}
	if m.HasIndex("audit_log", "idx_audit_log_seq") {
		if err := m.DropIndex("audit_log", "idx_audit_log_seq"); err != nil {
			return err
		}
	}
	if !m.HasTable("audit_segments") {
		if err := tx.Exec("CREATE TABLE audit_segments (writer VARCHAR(128) NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL)").Error; err != nil {
			return err
		}
	}
	if m.HasTable("audit_head") {
		var n int64
		if err := tx.Table("audit_segments").Where("writer = ''").Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			if err := tx.Exec("INSERT INTO audit_segments (writer, seq, hash) SELECT '', seq, hash FROM audit_head WHERE id = 1").Error; err != nil {
				return err
			}
		}
		if err := m.DropTable("audit_head"); err != nil {
			return err
		}
	}
	return nil
}
