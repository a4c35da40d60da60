package store

import "gorm.io/gorm"

// Migration 17 (roster entries without a blind-index B-tree): drops the
// index on roster_entries.id_index. Never edit once landed.
//
// Why: no query reads roster entries by their blind index (they are read
// by attachment, in row order), yet every roster upload paid for it. The
// blind index is an HMAC, so one roster's 50,000 values land at 50,000
// random places of an index that holds every roster ever uploaded: each
// upload dirtied nearly every leaf page, and the cost grew with the table
// (docs/benchmarks.md, issue 11: a 50,000-row upload's transaction took
// 0.44 s on an empty SQLite table and 0.69 s once it held 150,000 rows;
// 0.38 s flat without the index). The column stays, so equal ID numbers
// can still be matched without decrypting; a feature that looks people up
// by it adds the index that feature's query needs.
func migrateRosterIndex(tx *gorm.DB) error {
	if m := tx.Migrator(); m.HasIndex("roster_entries", "idx_roster_entries_id_index") {
		return m.DropIndex("roster_entries", "idx_roster_entries_id_index")
	}
	return nil
}
