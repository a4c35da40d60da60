package store

import "context"

// RepointObject moves every attachment and evidence-file row from object key from to key to
// (the object was re-stored under a new key, e.g. sealed). It returns the
// database's error mapped by dbErr.
func (db *DB) RepointObject(ctx context.Context, from, to string) error {
	return db.Tx(ctx, func(tx *DB) error {
		if err := tx.orm(ctx).Model(&Attachment{}).Where("object_key = ?", from).Update("object_key", to).Error; err != nil {
			return dbErr(err, "attachments")
		}
		// Evidence of findings and answers (internal/inspection) too.
		return dbErr(tx.orm(ctx).Model(&ProblemFile{}).Where("object_key = ?", from).Update("object_key", to).Error, "problem files")
	})
}
