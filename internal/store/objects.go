package store

import "context"

// RepointObject moves every attachment row from object key from to key to
// (the object was re-stored under a new key, e.g. sealed). It returns the
// database's error mapped by dbErr.
func (db *DB) RepointObject(ctx context.Context, from, to string) error {
	err := db.gorm.WithContext(ctx).Model(&Attachment{}).Where("object_key = ?", from).Update("object_key", to).Error
	return dbErr(err, "attachments")
}
