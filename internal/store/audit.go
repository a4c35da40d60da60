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

// AuditEntry is one append-only audit record. Entries form interleaved
// chains, one segment per writer (docs/security.md §8): each entry stores
// its writer, its sequence number in that writer's segment, the MAC of the
// segment's previous entry and its own MAC over its fields, seq, writer and
// that link, keyed with a key kept outside the database (SetAuditKey), so
// an edited, inserted, deleted, reordered or moved entry — or a chain
// recomputed by someone with only database access — shows in VerifyAudit.
// Entries from before the keyed chain (Seq nil) carry plain SHA-256 links.
type AuditEntry struct {
	ID       int64     `json:"-"`
	Writer   string    `json:"writer,omitempty"` // the chain segment ('' for the chain written before segments)
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
// length-prefixed so no two different entries MAC alike. Segment "" (the
// single chain written before migration 12, and SQLite's one writer) keeps
// the v2 form, so its entries verify unchanged; every other segment's MAC
// also covers the writer (v3), so an entry cannot be moved between segments.
func (e *AuditEntry) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	var seq int64
	if e.Seq != nil {
		seq = *e.Seq
	}
	fields := []string{"fugong audit v2", strconv.FormatInt(seq, 10)}
	if e.Writer != "" {
		fields = []string{"fugong audit v3", e.Writer, strconv.FormatInt(seq, 10)}
	}
	fields = append(fields, e.PrevHash, e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Role, e.Action, e.Object, e.IP, e.Peer, e.Details)
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// auditSegment is one writer's head row (migration_audit_segments.go): the
// seq and MAC of the segment's last entry. Every append to the segment
// compares-and-sets it.
type auditSegment struct {
	Writer string `gorm:"primaryKey"`
	Seq    int64
	Hash   string
}

func (auditSegment) TableName() string { return "audit_segments" }

// SetAuditKey sets the key of the audit chain's MAC (pii.Keyring.AuditKey:
// it must not be stored in the database). Call it once after Open, before
// any append; without it AppendAudit and VerifyAudit fail.
func (db *DB) SetAuditKey(key []byte) { db.auditKey = append([]byte(nil), key...) }

// SetAuditWriter names the chain segment this process appends to, instead
// of the default: on MySQL/MariaDB the database node the append runs on
// (@@hostname:@@port, so each Galera node has its own segment and appends
// on different nodes never touch the same row), on SQLite "" (one writer,
// the chain as it was before segments). Two processes may share a name:
// the segment's head row serialises them. Call it once after Open, before
// any append; a name is cut to 128 characters.
func (db *DB) SetAuditWriter(name string) {
	db.auditWriter = Clip(name, 128)
	db.auditWriterSet = true
}

// auditNodeWriter is the default segment name on MySQL/MariaDB, computed by
// the server that runs the statement: LEFT counts characters as Clip does.
const auditNodeWriter = "LEFT(CONCAT(@@hostname, ':', @@port), 128)"

// nodeWriter reports whether appends go to the segment of the database node
// they run on (no SetAuditWriter, MySQL/MariaDB).
func (db *DB) nodeWriter() bool { return !db.auditWriterSet && db.driver == "mysql" }

// auditWriterIn names the segment an append in tx goes to.
func (db *DB) auditWriterIn(tx *gorm.DB) (string, error) {
	if !db.nodeWriter() {
		return db.auditWriter, nil
	}
	// Asked in the transaction itself: behind a database load balancer the
	// node can differ from one transaction to the next.
	var node string
	err := tx.Session(&gorm.Session{NewDB: true}).Raw("SELECT " + auditNodeWriter).Scan(&node).Error
	return node, err
}

// errAuditRace means another append moved the head between our read and
// our compare-and-set.
var errAuditRace = errors.New("store: audit head moved")

var errNoAuditKey = errors.New("store: audit key not set (SetAuditKey)")

// auditRetries bounds the whole-transaction retries of one append.
const auditRetries = 10

// AppendAudit adds e at the end of its writer's segment (SetAuditWriter):
// in one transaction it reads the segment's head row, gives e the next seq
// and the head's MAC as its link, moves the head by compare-and-set
// (UPDATE … WHERE seq = old AND hash = old; the first append of a writer
// inserts the row) and inserts e ((writer, seq) is unique). Appends on
// different writers touch different rows, so they do not conflict; the
// database decides between racing appends of one writer — InnoDB's row
// lock, or certification if two nodes share a writer name — and the loser
// is retried as a whole transaction (deadlock 1213, lock wait 1205, a lost
// compare-and-set) a bounded number of times with jitter. Called on a DB
// inside Tx, it joins that transaction and does not retry alone: a conflict
// (apperror.Conflict wrapping the cause, IsRetryable) is for the caller to
// retry as a whole. There is deliberately no update or delete of entries.
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
	var head auditSegment
	q := tx.Session(&gorm.Session{NewDB: true})
	if db.driver == "mysql" {
		// A locking read sees the latest head and holds it to the commit on
		// this node; across nodes certification decides.
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var writer string
	var err error
	if db.nodeWriter() {
		// The node names its own segment inside the locking read, so an
		// append costs no extra round trip; only a node's first append
		// (no head row yet) asks for the name.
		err = q.Where("writer = " + auditNodeWriter).Take(&head).Error
		writer = head.Writer
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if writer, err = db.auditWriterIn(tx); err == nil {
				err = gorm.ErrRecordNotFound
			}
		}
	} else {
		writer = db.auditWriter
		err = q.Where("writer = ?", writer).Take(&head).Error
	}
	first := errors.Is(err, gorm.ErrRecordNotFound)
	if err != nil && !first {
		return err
	}
	seq := head.Seq + 1
	e.Writer = writer
	e.Seq = &seq
	e.PrevHash = head.Hash
	if e.Hash, err = db.auditSeal(e, head.Hash); err != nil { // audit_keys.go
		return err
	}
	if first {
		// The writer's first entry: its head row. Another first append of
		// the same writer inserting it too is a lost race, retried.
		if err := tx.Session(&gorm.Session{NewDB: true}).Create(&auditSegment{Writer: writer, Seq: seq, Hash: e.Hash}).Error; err != nil {
			if isDuplicateKey(err) {
				return errAuditRace
			}
			return err
		}
	} else {
		res := tx.Session(&gorm.Session{NewDB: true}).Table("audit_segments").
			Where("writer = ? AND seq = ? AND hash = ?", writer, head.Seq, head.Hash).
			Updates(map[string]any{"seq": seq, "hash": e.Hash})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errAuditRace
		}
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
// of the first entry that breaks it, -1 when the break is not an entry (a
// head row disagrees with its segment's end: entries deleted from a tail),
// or 0 when the log is intact.
func (db *DB) VerifyAuditChain(ctx context.Context) (int64, error) {
	v, err := db.VerifyAudit(ctx, nil)
	if err != nil || v.OK {
		return 0, err
	}
	if v.BrokenID == 0 {
		return -1, nil
	}
	return v.BrokenID, nil
}

// AuditPoint is a position in one segment of the keyed chain: its writer,
// an entry's seq and MAC.
type AuditPoint struct {
	Writer string `json:"writer"`
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
}

// AuditPosition is a position in the whole log: one point per segment,
// ordered by writer.
type AuditPosition []AuditPoint

// Entries is the number of keyed entries up to p: the sum of its seqs.
// It only grows as entries are appended, so it orders positions of one log.
func (p AuditPosition) Entries() int64 {
	var n int64
	for _, pt := range p {
		n += pt.Seq
	}
	return n
}

// Point returns the point of writer's segment, and false when p has none.
func (p AuditPosition) Point(writer string) (AuditPoint, bool) {
	for _, pt := range p {
		if pt.Writer == writer {
			return pt, true
		}
	}
	return AuditPoint{Writer: writer}, false
}

// AuditVerification is the result of VerifyAudit.
type AuditVerification struct {
	OK       bool          `json:"ok"`
	Entries  int64         `json:"entries"`             // entries checked
	Heads    AuditPosition `json:"heads"`               // every segment's head row when the walk started
	BrokenID int64         `json:"broken_id,omitempty"` // the first bad entry's row id (0: not an entry)
	Reason   string        `json:"reason,omitempty"`
}

// VerifyAudit walks every segment of the log and reports the first break.
// The head rows are read first and each walk stops at its segment's head,
// so concurrent appends do not count; each segment must reach its head (a
// shorter one lost its tail). For a segment that from has no point for, it
// checks everything: segment "" begins with the legacy SHA-256 entries, by id;
// then the keyed entries by seq, contiguous from 1, each linked to the
// previous MAC of its segment and carrying its own valid MAC. For a segment
// from has a point for (the periodic check from the last checkpoint), only
// the entries after it, linked to it; a segment of from that no longer has
// a head row, or whose head is behind from, lost entries. Checked from the
// start (from empty), entries of a writer without a head row are a break
// too. The order across segments is only the entries' times (MACed), not a
// link. Its error is the database's, or apperror.Internal without an audit
// key.
func (db *DB) VerifyAudit(ctx context.Context, from AuditPosition) (AuditVerification, error) {
	var v AuditVerification
	if len(db.auditKey) == 0 {
		return v, dbErr(errNoAuditKey, "audit")
	}
	g := db.gorm.WithContext(ctx)
	var heads []auditSegment
	if err := g.Session(&gorm.Session{NewDB: true}).Order("writer").Find(&heads).Error; err != nil {
		return v, dbErr(err, "audit segments")
	}
	v.Heads = make(AuditPosition, len(heads))
	for i, h := range heads {
		v.Heads[i] = AuditPoint{Writer: h.Writer, Seq: h.Seq, Hash: h.Hash}
	}
	fail := func(id int64, reason string) (AuditVerification, error) {
		v.BrokenID, v.Reason = id, reason
		return v, nil
	}
	for _, p := range from {
		if _, ok := v.Heads.Point(p.Writer); !ok {
			return fail(0, fmt.Sprintf("segment %q was verified up to entry %d but has no head row: it was removed", p.Writer, p.Seq))
		}
	}
	for _, h := range v.Heads {
		start, _ := from.Point(h.Writer)
		id, reason, err := db.verifySegment(g, h, start, &v.Entries)
		if err != nil {
			return v, dbErr(err, "audit")
		}
		if reason != "" {
			return fail(id, reason)
		}
	}
	if len(from) == 0 {
		id, reason, err := db.orphanEntries(g, v.Heads)
		if err != nil {
			return v, dbErr(err, "audit")
		}
		if reason != "" {
			return fail(id, reason)
		}
	}
	v.OK = true
	return v, nil
}

// verifySegment checks head's segment after start (start.Seq 0: all of
// it) and counts the entries checked into n. It returns the first bad
// entry's id (0 when the break is not an entry) and why, or "" when the
// segment holds.
func (db *DB) verifySegment(g *gorm.DB, head AuditPoint, start AuditPoint, n *int64) (int64, string, error) {
	if start.Seq > head.Seq {
		return 0, fmt.Sprintf("segment %q: the head is at entry %d but entry %d was verified before: entries were removed", head.Writer, head.Seq, start.Seq), nil
	}
	prev := start.Hash
	if start.Seq == 0 && head.Writer == "" {
		prev = ""
		// Legacy entries: plain SHA-256 links, in id order.
		var batch []AuditEntry
		var bad *AuditEntry
		err := g.Session(&gorm.Session{NewDB: true}).Where("seq IS NULL").Order("id").FindInBatches(&batch, 1000, func(*gorm.DB, int) error {
			for i := range batch {
				e := &batch[i]
				if e.Writer != "" || e.PrevHash != prev || e.legacyHash() != e.Hash {
					bad = e
					return errStop
				}
				prev = e.Hash
				*n++
			}
			return nil
		}).Error
		if bad != nil {
			return bad.ID, "a legacy entry was changed, inserted or removed", nil
		}
		if err != nil && !errors.Is(err, errStop) {
			return 0, "", err
		}
		if start.Hash != "" && prev != start.Hash {
			// A position taken before any keyed entry of segment '' names
			// the legacy tail: the legacy entries were rewritten since.
			return 0, "the legacy entries differ from the verified position: changed, inserted or removed", nil
		}
	}
	last := start
	keys := db.auditKeyWalk(prev) // audit_keys.go: each entry's key generation, never going back
	// Pages by seq itself, not by row id (FindInBatches): ids interleave
	// across the nodes of a cluster, so they need not follow a segment's seq.
	for {
		var batch []AuditEntry
		if err := g.Session(&gorm.Session{NewDB: true}).Where("writer = ? AND seq > ? AND seq <= ?", head.Writer, last.Seq, head.Seq).
			Order("seq").Limit(1000).Find(&batch).Error; err != nil {
			return 0, "", err
		}
		for i := range batch {
			e := &batch[i]
			switch {
			case *e.Seq != last.Seq+1:
				return e.ID, fmt.Sprintf("segment %q: entry %d is missing", head.Writer, last.Seq+1), nil
			case e.PrevHash != prev:
				return e.ID, fmt.Sprintf("segment %q: the link of entry %d to the previous entry does not match", head.Writer, *e.Seq), nil
			default:
				if r := keys.check(e); r != "" {
					return e.ID, fmt.Sprintf("segment %q: entry %d: %s", head.Writer, *e.Seq, r), nil
				}
			}
			prev = e.Hash
			last = AuditPoint{Writer: head.Writer, Seq: *e.Seq, Hash: e.Hash}
			*n++
		}
		if len(batch) < 1000 {
			break
		}
	}
	if last.Seq != head.Seq {
		return 0, fmt.Sprintf("segment %q: the head is at entry %d but the log ends at entry %d", head.Writer, head.Seq, last.Seq), nil
	}
	if prev != head.Hash {
		return 0, fmt.Sprintf("segment %q: the head row's MAC is not that of entry %d", head.Writer, head.Seq), nil
	}
	return 0, "", nil
}

// orphanEntries finds entries of a writer that has no head row (a segment
// whose head was deleted to hide it). A head row committed after heads was
// read belongs to a concurrent first append, not to an orphan.
func (db *DB) orphanEntries(g *gorm.DB, heads AuditPosition) (int64, string, error) {
	var writers []string
	if err := g.Session(&gorm.Session{NewDB: true}).Model(&AuditEntry{}).Distinct("writer").Pluck("writer", &writers).Error; err != nil {
		return 0, "", err
	}
	for _, w := range writers {
		if _, ok := heads.Point(w); ok {
			continue
		}
		var n int64
		if err := g.Session(&gorm.Session{NewDB: true}).Model(&auditSegment{}).Where("writer = ?", w).Count(&n).Error; err != nil {
			return 0, "", err
		}
		if n > 0 {
			continue
		}
		var e AuditEntry
		if err := g.Session(&gorm.Session{NewDB: true}).Where("writer = ?", w).Order("id").Take(&e).Error; err != nil {
			return 0, "", err
		}
		return e.ID, fmt.Sprintf("entries of writer %q have no head row (their segment's head was removed)", w), nil
	}
	return 0, "", nil
}

var errStop = fmt.Errorf("stop")

// Page is a page of a list (package page).
type Page = page.Page

// NormalPage clamps page and size to sane values.
func NormalPage(number, size int) Page { return page.Normal(number, size) }

// AuditHashAt returns the MAC of writer's keyed entry with seq, or
// apperror.NotFound when there is none.
func (db *DB) AuditHashAt(ctx context.Context, writer string, seq int64) (string, error) {
	var e AuditEntry
	err := db.gorm.WithContext(ctx).Where("writer = ? AND seq = ?", writer, seq).Take(&e).Error
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
