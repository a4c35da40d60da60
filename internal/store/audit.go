package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"fugong/internal/apperror"
	"fugong/internal/page"
)

// AuditEntry is one append-only audit record. Entries form a chain: each
// stores the MAC of the previous one and its own MAC over its fields, its
// sequence number and that link, keyed with a key kept outside the database
// (SetAuditKey), so an edited, inserted or deleted entry — or a chain
// recomputed by someone with only database access — shows in VerifyAudit.
// Entries from before the keyed chain (Seq nil) carry plain SHA-256 links.
type AuditEntry struct {
	ID       int64     `json:"-"`
	Seq      *int64    `json:"seq,omitempty"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	IP       string    `json:"ip"`   // the client's address (right-most untrusted X-Forwarded-For entry behind a proxy)
	Peer     string    `json:"peer"` // the connection's address (the proxy, or the client itself)
	Details  string    `json:"details"`
	PrevHash string    `json:"-"`
	Hash     string    `json:"-"`
}

// TableName maps AuditEntry to audit_log.
func (AuditEntry) TableName() string { return "audit_log" }

// legacyHash is the unkeyed hash of entries written before migration 5.
func (e *AuditEntry) legacyHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Role, e.Action, e.Object, e.IP, e.Details)
	return hex.EncodeToString(h.Sum(nil))
}

// mac is the keyed chain value: HMAC-SHA256 over every field,
// length-prefixed so no two different entries MAC alike.
func (e *AuditEntry) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	var seq int64
	if e.Seq != nil {
		seq = *e.Seq
	}
	var n [8]byte
	for _, f := range []string{"fugong audit v2", strconv.FormatInt(seq, 10), e.PrevHash, e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Role, e.Action, e.Object, e.IP, e.Peer, e.Details} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// auditHead is the chain's single head row (id 1): the seq and MAC of the
// last entry. Every append compares-and-sets it.
type auditHead struct {
	ID   int64
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// SetAuditKey sets the key of the audit chain's MAC (pii.Keyring.AuditKey:
// it must not be stored in the database). Call it once after Open, before
// any append; without it AppendAudit and VerifyAudit fail.
func (db *DB) SetAuditKey(key []byte) { db.auditKey = append([]byte(nil), key...) }

// errAuditRace means another append moved the head between our read and
// our compare-and-set.
var errAuditRace = errors.New("store: audit head moved")

var errNoAuditKey = errors.New("store: audit key not set (SetAuditKey)")

// auditRetries bounds the whole-transaction retries of one append.
const auditRetries = 10

// AppendAudit adds e at the end of the chain: in one transaction it reads
// the head row, gives e the next seq and the head's MAC as its link, moves
// the head by compare-and-set (UPDATE … WHERE seq = old AND hash = old) and
// inserts e (seq is unique). The database decides between racing appends —
// InnoDB's row lock on one node, certification across Galera nodes — and
// the loser is retried as a whole transaction (deadlock 1213, lock wait
// 1205, a lost compare-and-set) a bounded number of times with jitter.
// Called on a DB inside Tx, it joins that transaction and does not retry
// alone: a conflict (apperror.Conflict wrapping the cause) is for the caller
// to retry as a whole. There is deliberately no update or delete of entries.
func (db *DB) AppendAudit(ctx context.Context, e *AuditEntry) error {
	if len(db.auditKey) == 0 {
		return dbErr(errNoAuditKey, "audit")
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	// Milliseconds: MySQL stores datetime(3), and the MAC must survive the round trip.
	e.At = e.At.UTC().Truncate(time.Millisecond)
	e.Actor, e.Object, e.Role, e.Action, e.IP, e.Peer = Clip(e.Actor, 64), Clip(e.Object, 128), Clip(e.Role, 32), Clip(e.Action, 64), Clip(e.IP, 64), Clip(e.Peer, 64)
	if db.joinsTx(ctx) {
		err := db.appendAuditTx(db.orm(ctx), e)
		if errors.Is(err, errAuditRace) || isRetryable(err) {
			return apperror.Wrap(err, apperror.Conflict, "audit chain moved, retry")
		}
		return dbErr(err, "audit")
	}
	var err error
	for attempt := 0; attempt < auditRetries; attempt++ {
		e.ID, e.Seq = 0, nil
		err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return db.appendAuditTx(tx, e) })
		if err == nil || !(errors.Is(err, errAuditRace) || isRetryable(err)) {
			break
		}
		// Jitter: racing appenders should not retry in lockstep.
		t := time.NewTimer(time.Duration(1+mrand.IntN(5<<attempt)) * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return dbErr(ctx.Err(), "audit")
		case <-t.C:
		}
	}
	if errors.Is(err, errAuditRace) {
		return apperror.Wrap(err, apperror.Unavailable, "audit chain busy")
	}
	return dbErr(err, "audit")
}

func (db *DB) appendAuditTx(tx *gorm.DB, e *AuditEntry) error {
	var head auditHead
	var err error
	q := tx.Session(&gorm.Session{NewDB: true})
	if db.driver == "mysql" {
		// A locking read sees the latest head and holds it to the commit on
		// this node; across nodes certification decides.
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err = q.Where("id = ?", 1).Take(&head).Error; err != nil {
		return err
	}
	seq := head.Seq + 1
	e.Seq = &seq
	e.PrevHash = head.Hash
	if e.Hash, err = db.auditSeal(e, head.Hash); err != nil { // audit_keys.go
		return err
	}
	res := tx.Session(&gorm.Session{NewDB: true}).Table("audit_head").
		Where("id = ? AND seq = ? AND hash = ?", 1, head.Seq, head.Hash).
		Updates(map[string]any{"seq": seq, "hash": e.Hash})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errAuditRace
	}
	return tx.Session(&gorm.Session{NewDB: true}).Create(e).Error
}

// isRetryable reports a transaction the database aborted for a conflict:
// MySQL/MariaDB deadlock (1213, also Galera's certification failure) or lock
// wait timeout (1205); SQLite's busy database.
func isRetryable(err error) bool {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	return err != nil && (strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY"))
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

// VerifyAuditChain verifies the whole log (VerifyAudit) and returns the id
// of the first entry that breaks it, -1 when the break is not an entry (the
// head row disagrees with the log's end: entries deleted from the tail), or
// 0 when the chain is intact.
func (db *DB) VerifyAuditChain(ctx context.Context) (int64, error) {
	v, err := db.VerifyAudit(ctx, AuditPoint{})
	if err != nil || v.OK {
		return 0, err
	}
	if v.BrokenID == 0 {
		return -1, nil
	}
	return v.BrokenID, nil
}

// AuditPoint is a position in the keyed chain: an entry's seq and MAC.
type AuditPoint struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// AuditVerification is the result of VerifyAudit.
type AuditVerification struct {
	OK       bool       `json:"ok"`
	Entries  int64      `json:"entries"`             // entries checked
	Head     AuditPoint `json:"head"`                // the head row when the walk started
	Last     AuditPoint `json:"last"`                // the last entry checked
	BrokenID int64      `json:"broken_id,omitempty"` // the first bad entry's row id (0: not an entry)
	Reason   string     `json:"reason,omitempty"`
}

// VerifyAudit walks the chain and reports the first break. From the zero
// point it checks everything: the legacy SHA-256 entries by id, then the
// keyed entries by seq (contiguous from 1, each linked to the previous MAC
// and carrying its own valid MAC). From a point it checks only entries
// after it, linked to it (the periodic check from the last checkpoint). The
// head row is read first and the walk stops at it, so concurrent appends do
// not count; the log must reach the head (a shorter log lost its tail). Its
// error is the database's, or apperror.Internal without an audit key.
func (db *DB) VerifyAudit(ctx context.Context, from AuditPoint) (AuditVerification, error) {
	var v AuditVerification
	if len(db.auditKey) == 0 {
		return v, dbErr(errNoAuditKey, "audit")
	}
	g := db.gorm.WithContext(ctx)
	var head auditHead
	if err := g.Session(&gorm.Session{NewDB: true}).Where("id = ?", 1).Take(&head).Error; err != nil {
		return v, dbErr(err, "audit head")
	}
	v.Head = AuditPoint{Seq: head.Seq, Hash: head.Hash}
	fail := func(id int64, reason string) (AuditVerification, error) {
		v.BrokenID, v.Reason = id, reason
		return v, nil
	}
	prev := from.Hash
	if from.Seq == 0 {
		// Legacy entries: plain SHA-256 links, in id order.
		var batch []AuditEntry
		var bad *AuditEntry
		err := g.Session(&gorm.Session{NewDB: true}).Where("seq IS NULL").Order("id").FindInBatches(&batch, 1000, func(*gorm.DB, int) error {
			for i := range batch {
				e := &batch[i]
				if e.PrevHash != prev || e.legacyHash() != e.Hash {
					bad = e
					return errStop
				}
				prev = e.Hash
				v.Entries++
			}
			return nil
		}).Error
		if bad != nil {
			return fail(bad.ID, "a legacy entry was changed, inserted or removed")
		}
		if err != nil && !errors.Is(err, errStop) {
			return v, dbErr(err, "audit")
		}
	}
	next := from.Seq + 1
	var batch []AuditEntry
	var bad *AuditEntry
	reason := ""
	keys := db.auditKeyWalk(prev) // audit_keys.go: each entry's key generation, never going back
	err := g.Session(&gorm.Session{NewDB: true}).Where("seq > ? AND seq <= ?", from.Seq, head.Seq).Order("seq").
		FindInBatches(&batch, 1000, func(*gorm.DB, int) error {
			for i := range batch {
				e := &batch[i]
				switch {
				case *e.Seq != next:
					bad, reason = e, fmt.Sprintf("entry %d is missing", next)
				case e.PrevHash != prev:
					bad, reason = e, "the link to the previous entry does not match"
				default:
					if r := keys.check(e); r != "" {
						bad, reason = e, r
					}
				}
				if bad != nil {
					return errStop
				}
				prev = e.Hash
				v.Last = AuditPoint{Seq: *e.Seq, Hash: e.Hash}
				next++
				v.Entries++
			}
			return nil
		}).Error
	if bad != nil {
		return fail(bad.ID, reason)
	}
	if err != nil && !errors.Is(err, errStop) {
		return v, dbErr(err, "audit")
	}
	if from.Seq > 0 && v.Last.Seq == 0 {
		v.Last = from
	}
	if v.Last.Seq != head.Seq || (head.Seq > 0 && v.Last.Hash != head.Hash) {
		return fail(0, fmt.Sprintf("the head is at entry %d but the log ends at entry %d", head.Seq, v.Last.Seq))
	}
	v.OK = true
	return v, nil
}

var errStop = fmt.Errorf("stop")

// Page is a page of a list (package page).
type Page = page.Page

// NormalPage clamps page and size to sane values.
func NormalPage(number, size int) Page { return page.Normal(number, size) }

// AuditHashAt returns the MAC of the keyed entry with seq, or
// apperror.NotFound when there is none.
func (db *DB) AuditHashAt(ctx context.Context, seq int64) (string, error) {
	var e AuditEntry
	err := db.gorm.WithContext(ctx).Where("seq = ?", seq).Take(&e).Error
	return e.Hash, dbErr(err, "audit entry")
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
