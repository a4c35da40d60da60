package store

import "context"

// AttachmentsWithPlainHash returns up to limit attachments that still keep
// the plain SHA-256 of their file and whose keyed hash is known (migration
// 13; filing.Reencrypt converts them), oldest first.
func (db *DB) AttachmentsWithPlainHash(ctx context.Context, limit int) ([]Attachment, error) {
	var out []Attachment
	err := db.orm(ctx).Where("sha256 <> '' AND content_hash <> ''").Order("id").Limit(limit).Find(&out).Error
	return out, dbErr(err, "attachments")
}

// RehashAttachment drops the plain SHA-256 of attachment a, in one
// transaction with entries, its roster rows re-encrypted by the caller
// (bound to the keyed hash instead). It changes nothing when a was
// converted meanwhile (another replica ran it) and reports whether it did.
func (db *DB) RehashAttachment(ctx context.Context, a *Attachment, entries []RosterEntry) (bool, error) {
	done := false
	err := db.Tx(ctx, func(tx *DB) error {
		res := tx.orm(ctx).Model(&Attachment{}).Where("id = ? AND sha256 = ?", a.ID, a.SHA256).Update("sha256", "")
		if res.Error != nil {
			return dbErr(res.Error, "attachments")
		}
		if res.RowsAffected == 0 {
			return nil
		}
		for _, e := range entries {
			if err := tx.orm(ctx).Model(&RosterEntry{}).Where("id = ? AND attachment_id = ?", e.ID, a.ID).Update("data", e.Data).Error; err != nil {
				return dbErr(err, "roster entries")
			}
		}
		done = true
		return nil
	})
	return done, err
}
