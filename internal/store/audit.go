package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditEntry is one append-only audit record. Each entry stores the hash of
// the previous one, so a deleted or edited entry breaks the chain and shows.
type AuditEntry struct {
	ID       int64     `json:"-"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	IP       string    `json:"ip"`
	Details  string    `json:"details"`
	PrevHash string    `json:"-"`
	Hash     string    `json:"-"`
}

// TableName maps AuditEntry to audit_log.
func (AuditEntry) TableName() string { return "audit_log" }

func (e *AuditEntry) computeHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Role, e.Action, e.Object, e.IP, e.Details)
	return hex.EncodeToString(h.Sum(nil))
}

// AppendAudit adds e at the end of the chain. Appends are serialised so the
// chain never forks: on MySQL by a named lock held across the read of the
// last hash and the insert (row locks alone deadlock on the insert's gap
// lock), on SQLite by its IMMEDIATE write transaction. There is deliberately
// no update or delete of audit entries.
func (db *DB) AppendAudit(ctx context.Context, e *AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	// Milliseconds: MySQL stores datetime(3), and the hash must survive the round trip.
	e.At = e.At.UTC().Truncate(time.Millisecond)
	return db.gorm.WithContext(ctx).Connection(func(pinned *gorm.DB) error {
		conn := pinned.Session(&gorm.Session{NewDB: true})
		if db.driver == "mysql" {
			var got int
			if err := conn.Raw("SELECT GET_LOCK('fugong_audit', 10)").Scan(&got).Error; err != nil || got != 1 {
				return dbErr(fmt.Errorf("audit lock: %v", err), "audit")
			}
			defer conn.Exec("SELECT RELEASE_LOCK('fugong_audit')")
		}
		return conn.Transaction(func(tx *gorm.DB) error {
			return appendAuditLocked(tx, e)
		})
	})
}

// appendAuditLocked appends e in transaction tx after locking the audit head
// row, which every append takes first (see AppendAuditTx).
func appendAuditLocked(tx *gorm.DB, e *AuditEntry) error {
	if err := tx.Exec("UPDATE audit_heads SET seq = seq + 1 WHERE id = 1").Error; err != nil {
		return dbErr(err, "audit")
	}
	var last AuditEntry
	if err := tx.Order("id DESC").Limit(1).Find(&last).Error; err != nil {
		return dbErr(err, "audit")
	}
	e.PrevHash = last.Hash
	e.Hash = e.computeHash()
	return dbErr(tx.Create(e).Error, "audit")
}

// AppendAuditTx appends e inside the caller's transaction (db must come from
// Tx), so the entry commits exactly when the change it records does. The
// head row lock it takes is held to the commit, which serialises it with
// every other append (AppendAudit takes the same lock) on both databases.
func (db *DB) AppendAuditTx(ctx context.Context, e *AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	e.At = e.At.UTC().Truncate(time.Millisecond)
	return appendAuditLocked(db.gorm.WithContext(ctx), e)
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Object string
	Actor  string
	Action string
	Page   Page
}

// ListAudit returns entries matching f, newest first, and the total.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, int64, error) {
	q := db.gorm.WithContext(ctx).Model(&AuditEntry{})
	if f.Object != "" {
		q = q.Where("object = ?", f.Object)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "audit")
	}
	var out []AuditEntry
	err := q.Order("id DESC").Offset(f.Page.Offset()).Limit(f.Page.Size).Find(&out).Error
	return out, total, dbErr(err, "audit")
}

// VerifyAuditChain walks the whole log and returns the id of the first entry
// whose hash or link does not match, or 0 when the chain is intact.
func (db *DB) VerifyAuditChain(ctx context.Context) (int64, error) {
	var prev string
	var bad int64
	var batch []AuditEntry
	err := db.gorm.WithContext(ctx).Order("id").FindInBatches(&batch, 1000, func(tx *gorm.DB, _ int) error {
		for i := range batch {
			e := &batch[i]
			if e.PrevHash != prev || e.computeHash() != e.Hash {
				bad = e.ID
				return errStop
			}
			prev = e.Hash
		}
		return nil
	}).Error
	if err != nil && err != errStop && !strings.Contains(err.Error(), errStop.Error()) {
		return 0, dbErr(err, "audit")
	}
	return bad, nil
}

var errStop = fmt.Errorf("stop")

// Page is a page of a list: 1-based number and size (1..500, default 50).
type Page struct {
	Number int
	Size   int
}

// NormalPage clamps page and size to sane values.
func NormalPage(number, size int) Page {
	if number < 1 {
		number = 1
	}
	if size < 1 {
		size = 50
	}
	if size > 500 {
		size = 500
	}
	return Page{Number: number, Size: size}
}

// Offset is the number of rows before the page.
func (p Page) Offset() int {
	if p.Size == 0 {
		return 0
	}
	return (p.Number - 1) * p.Size
}
