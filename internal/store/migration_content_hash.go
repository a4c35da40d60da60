package store

import "gorm.io/gorm"

// m13Attachment and m13ProblemFile are the frozen shape of the column
// migration 13 adds to attachments and problem_files.
type m13Attachment struct {
	ContentHash string `gorm:"size:64;not null;default:''"`
}

func (m13Attachment) TableName() string { return "attachments" }

type m13ProblemFile struct {
	ContentHash string `gorm:"size:64;not null;default:''"`
}

func (m13ProblemFile) TableName() string { return "problem_files" }

// Migration 13 (keyed content hashes): attachments and problem_files gain
// content_hash, the keyed hash (HMAC-SHA256 under a key derived from the
// data keyring) of the file's plaintext, which replaces the plain SHA-256
// in sha256: with the plain hash in the database, anyone who can read it
// could confirm a guessed file. A sealed object's key already is that
// keyed hash ("obj/xx/<hash>", internal/filing/objects.go), so rows of
// sealed objects take it from there, and those that need nothing else
// (plans, evidence: nothing is bound to their plain hash) lose the plain
// hash here. Roster rows' encrypted entries are bound to the plain hash, and
// legacy objects (sha256/…) have no keyed hash yet: `fugong objects
// reencrypt`, which holds the keyring, converts those (filing.Reencrypt).
// Never edit once landed.
func migrateContentHash(tx *gorm.DB) error {
	for _, m := range []any{&m13Attachment{}, &m13ProblemFile{}} {
		if !tx.Migrator().HasColumn(m, "ContentHash") {
			if err := tx.Migrator().AddColumn(m, "ContentHash"); err != nil {
				return err
			}
		}
	}
	for _, table := range []string{"attachments", "problem_files"} {
		if err := tx.Exec("UPDATE " + table + " SET content_hash = SUBSTR(object_key, 8) WHERE content_hash = '' AND object_key LIKE 'obj/%'").Error; err != nil {
			return err
		}
	}
	if err := tx.Exec("UPDATE attachments SET sha256 = '' WHERE content_hash <> '' AND kind <> 'roster'").Error; err != nil {
		return err
	}
	return tx.Exec("UPDATE problem_files SET sha256 = '' WHERE content_hash <> ''").Error
}
