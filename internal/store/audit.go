package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"fugong/internal/page"
)

// AuditEntry is one append-only audit record. Each entry stores the hash of
// the previous one, so a deleted or edited entry breaks the chain and shows.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string
	Role     string
	Action   string
	Object   string
	IP       string
	Details  string
	PrevHash string
	Hash     string
}

// TableName maps AuditEntry to audit_log.
func (AuditEntry) TableName() string { return "audit_log" }

func (e *AuditEntry) computeHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Role, e.Action, e.Object, e.IP, e.Details)
	return hex.EncodeToString(h.Sum(nil))
}

// auditHead is the single row holding the hash of the last audit entry
// (migration 5); appends lock it until their transaction commits.
type auditHead struct {
	ID   int64
	Hash string
	At   time.Time
}

func (auditHead) TableName() string { return "audit_head" }

// AppendAudit adds e at the end of the chain. Called on a transaction (the
// tx of DB.Tx), the entry commits or rolls back with the change it records;
// called on the DB itself it is a transaction of its own. Appends are
// serialised by a lock on the chain's head row, held until commit, so the
// chain never forks (on SQLite the IMMEDIATE write transaction already
// serialises writers). Append it last in a transaction, so the head is
// locked as briefly as possible. Actor and Object are cut to their columns
// (in characters, never inside one). There is deliberately no update or
// delete of audit entries.
func (db *DB) AppendAudit(ctx context.Context, e *AuditEntry) error {
	if !db.inTx {
		return db.Tx(ctx, func(tx *DB) error { return tx.AppendAudit(ctx, e) })
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	// Milliseconds: MySQL stores datetime(3), and the hash must survive the round trip.
	e.At = e.At.UTC().Truncate(time.Millisecond)
	e.Actor, e.Object, e.Role, e.Action, e.IP = Clip(e.Actor, 64), Clip(e.Object, 128), Clip(e.Role, 32), Clip(e.Action, 64), Clip(e.IP, 64)
	g := db.orm(ctx)
	var head auditHead
	q := g.Where("id = 1")
	if db.driver == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Limit(1).Find(&head).Error; err != nil {
		return dbErr(err, "audit")
	}
	if head.ID != 1 {
		return fmt.Errorf("store: audit: the chain head row is missing (migration 5 not applied?)")
	}
	e.PrevHash = head.Hash
	e.Hash = e.computeHash()
	if err := g.Create(e).Error; err != nil {
		return dbErr(err, "audit")
	}
	return dbErr(g.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"hash": e.Hash, "at": e.At}).Error, "audit")
}

// Clip cuts s to at most n characters (runes, never bytes: a utf8mb4
// column of size n holds n characters, and a cut inside a character would
// be invalid UTF-8).
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
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
	q := db.orm(ctx).Model(&AuditEntry{})
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
	err := db.orm(ctx).Order("id").FindInBatches(&batch, 1000, func(tx *gorm.DB, _ int) error {
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

// Page is a page of a list (package page).
type Page = page.Page

// NormalPage clamps page and size to sane values.
func NormalPage(number, size int) Page { return page.Normal(number, size) }
