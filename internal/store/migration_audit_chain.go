package store

import "gorm.io/gorm"

// Migration 8 (audit chain): the audit log becomes a keyed MAC chain
// appended through a replicated head row. audit_log gains seq, the chain's
// own sequence (row ids interleave across the nodes of a multi-writer
// cluster, so they cannot order the chain), unique so a fork cannot commit;
// audit_head holds the chain's one head (seq and MAC of the last entry),
// which every append compares-and-sets in its transaction, so the database
// itself (row lock, or Galera certification) decides between racing appends
// rather than a node-local lock. Entries written before this step keep a
// NULL seq and their plain SHA-256 links; the first keyed entry's MAC covers
// the last of them. audit_log also gains peer, the connection's address
// beside the client address (which may come from X-Forwarded-For). Never
// edit once landed.
func migrateAuditChain(tx *gorm.DB) error {
	m := tx.Migrator()
	if !m.HasColumn("audit_log", "seq") {
		if err := tx.Exec("ALTER TABLE audit_log ADD COLUMN seq BIGINT NULL").Error; err != nil {
			return err
		}
	}
	if !m.HasColumn("audit_log", "peer") {
		// The address of the connection's peer (a proxy, or the client),
		// beside the client address taken from X-Forwarded-For.
		if err := tx.Exec("ALTER TABLE audit_log ADD COLUMN peer VARCHAR(64) NOT NULL DEFAULT ''").Error; err != nil {
			return err
		}
	}
	if !m.HasIndex("audit_log", "idx_audit_log_seq") {
		if err := tx.Exec("CREATE UNIQUE INDEX idx_audit_log_seq ON audit_log (seq)").Error; err != nil {
			return err
		}
	}
	if m.HasTable("audit_head") && !m.HasColumn("audit_head", "seq") {
		// Migration 5's head (id, hash, at) gains the chain's sequence; its
		// row already holds the last legacy entry's hash.
		if err := tx.Exec("ALTER TABLE audit_head ADD COLUMN seq BIGINT NOT NULL DEFAULT 0").Error; err != nil {
			return err
		}
	}
	if !m.HasTable("audit_head") {
		if err := tx.Exec("CREATE TABLE audit_head (id INTEGER NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL)").Error; err != nil {
			return err
		}
	}
	var n int64
	if err := tx.Table("audit_head").Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	var last struct{ Hash string }
	if err := tx.Table("audit_log").Select("hash").Order("id DESC").Limit(1).Scan(&last).Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?)", last.Hash).Error
}
