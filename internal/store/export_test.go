package store

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// MigrateBefore applies, in order, the migration steps before version (a
// database as an older release left it), recording them as Migrate does,
// so that a later Migrate applies only the rest: for tests of a step
// against existing data.
func (db *DB) MigrateBefore(ctx context.Context, version int) error {
	for _, m := range migrations {
		if m.version >= version {
			break
		}
		err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
				return err
			}
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// AuditMAC is the keyed MAC an entry carries, for tests that write entries
// as an older release did.
func AuditMAC(e *AuditEntry, key []byte) string { return e.mac(key) }

// MigrationSteps is how many steps Migrate applies to an empty database:
// the versions are numbered by landing order and need not be contiguous
// while branches are being merged, so tests count steps, not versions.
func MigrationSteps() int { return len(migrations) }

// CountStatements counts, from now on, the statements db runs whose SQL
// contains substr (gorm's query and row callbacks: Find, Take, Raw.Scan).
func CountStatements(db *DB, substr string) *atomic.Int64 {
	var n atomic.Int64
	count := func(g *gorm.DB) {
		if strings.Contains(g.Statement.SQL.String(), substr) {
			n.Add(1)
		}
	}
	name := "test:count:" + substr
	_ = db.gorm.Callback().Query().After("gorm:query").Register(name, count)
	_ = db.gorm.Callback().Row().After("gorm:row").Register(name, count)
	return &n
}
