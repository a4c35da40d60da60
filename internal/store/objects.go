package store

import "context"

// RepointObject moves every attachment and evidence-file row from object key from to key to
// (the object was re-stored under a new key, e.g. sealed). It returns the
// database's error mapped by dbErr.
func (db *DB) RepointObject(ctx context.Context, from, to string) error {
	return db.RepointObjectHashed(ctx, from, to, "")
}

// RepointObjectHashed is RepointObject that also records contentHash, the
// keyed hash of the object's plaintext, on the rows it repoints; evidence
// rows then drop their plain SHA-256 (nothing is bound to it), attachment
// rows keep it until RehashAttachment (their roster entries are bound to
// it). An empty contentHash changes only the key.
func (db *DB) RepointObjectHashed(ctx context.Context, from, to, contentHash string) error {
	att := map[string]any{"object_key": to}
	ev := map[string]any{"object_key": to}
	if contentHash != "" {
		att["content_hash"] = contentHash
		ev["content_hash"], ev["sha256"] = contentHash, ""
	}
	return db.Tx(ctx, func(tx *DB) error {
		if err := tx.orm(ctx).Model(&Attachment{}).Where("object_key = ?", from).Updates(att).Error; err != nil {
			return dbErr(err, "attachments")
		}
		// Evidence of findings and answers (internal/inspection) too.
		return dbErr(tx.orm(ctx).Model(&ProblemFile{}).Where("object_key = ?", from).Updates(ev).Error, "problem files")
	})
}
