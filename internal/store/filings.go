package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// Status is where a filing stands in its lifecycle.
type Status string

// Filing statuses.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusReturned  Status = "returned"
	StatusRejected  Status = "rejected"
)

// Statuses lists every filing status in lifecycle order.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusReturned, StatusRejected}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Filing is one enterprise's resumption filing, its current working state.
// Frozen copies live in FilingRevision. Street and Sector are copied from the
// enterprise so scoping and dashboards need no join.
type Filing struct {
	ID                 int64
	EnterpriseID       int64
	Street             string
	Sector             string
	Status             Status
	Version            int
	Revision           int
	PlannedResumeDate  string // YYYY-MM-DD
	StaffTotal         int
	StaffOnsite        int
	Masks              int
	Thermometers       int
	DisinfectantLiters float64
	IsolationRoom      bool
	PlanText           string
	ContactName        string
	ContactPhoneEnc    []byte
	PlanAttachmentID   *int64
	RosterAttachmentID *int64
	SubmittedAt        *time.Time
	ApprovedAt         *time.Time
	DecidedAt          *time.Time
	ResumedDate        string
	CreatedBy          int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// OpenKey is the enterprise id while the filing is open (draft,
	// submitted, returned) and NULL after; a unique index on it lets the
	// database refuse a second open filing (migration 5).
	OpenKey *int64 `json:"-"`
}

// OpenKeyOf is the open_key of a filing of enterprise in status: the
// enterprise id while open, nil once decided.
func OpenKeyOf(enterpriseID int64, status Status) *int64 {
	switch status {
	case StatusDraft, StatusSubmitted, StatusReturned:
		return &enterpriseID
	}
	return nil
}

// BeforeCreate keeps open_key in step with the status on every insert.
func (f *Filing) BeforeCreate(*gorm.DB) error {
	f.OpenKey = OpenKeyOf(f.EnterpriseID, f.Status)
	return nil
}

// TableName maps Filing to filings.
func (Filing) TableName() string { return "filings" }

// CreateFiling inserts f. A second open filing of the same enterprise is
// refused by the database's unique index on open_key: apperror.Conflict
// naming the open one (OpenFilingConflict).
func (db *DB) CreateFiling(ctx context.Context, f *Filing) error {
	err := db.orm(ctx).Create(f).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) && f.OpenKey != nil {
		var open Filing
		if e := db.orm(ctx).Where("open_key = ?", *f.OpenKey).Take(&open).Error; e == nil {
			return &OpenFilingConflict{FilingID: open.ID}
		}
	}
	return dbErr(err, "filing")
}

// OpenFilingConflict is the apperror.Conflict of a second open filing; it
// names the filing already open.
type OpenFilingConflict struct{ FilingID int64 }

// Error implements error.
func (e *OpenFilingConflict) Error() string {
	return fmt.Sprintf("enterprise already has open filing %d", e.FilingID)
}

// Unwrap makes apperror.CodeOf see a Conflict.
func (e *OpenFilingConflict) Unwrap() error {
	err := apperror.Msg(apperror.Conflict, msgFilingAlreadyOpen, e.FilingID)
	err.Details = []apperror.Detail{{Field: "filing_id", Code: msgFilingAlreadyOpen.Code(), Message: fmt.Sprint(e.FilingID)}}
	return err
}

// FilingByID returns filing id within scope; outside it, apperror.NotFound.
func (db *DB) FilingByID(ctx context.Context, scope Scope, id int64) (*Filing, error) {
	var f Filing
	q := scope.apply(db.orm(ctx).Model(&Filing{}), "enterprise_id", "street")
	if err := q.Where("id = ?", id).First(&f).Error; err != nil {
		return nil, dbErr(err, "filing")
	}
	return &f, nil
}

// FilingFilter selects filings.
type FilingFilter struct {
	Status Status
	Street string
	Sector string
	Page   Page
	Oldest bool // oldest submission first (review queues)
	// Severity keeps filings whose current revision raised a flag of it.
	Severity string
	// SubmittedBefore keeps filings submitted before it (queue age).
	SubmittedBefore *time.Time
	// Query keeps filings whose enterprise's name or credit code contains
	// it (the review queue's search box).
	Query string
	// Sort is one of QueueSorts ("" = the default order); Desc reverses it.
	Sort string
	Desc bool
}

// ListFilings returns the filings within scope matching f, and the total.
func (db *DB) ListFilings(ctx context.Context, scope Scope, f FilingFilter) ([]Filing, int64, error) {
	if err := checkFilter("sector", f.Sector, filterSectors); err != nil {
		return nil, 0, err
	}
	if err := checkFilter("severity", f.Severity, filterSeverities); err != nil {
		return nil, 0, err
	}
	q := scope.apply(db.orm(ctx).Model(&Filing{}), "enterprise_id", "street")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Street != "" {
		q = q.Where("street = ?", f.Street)
	}
	if f.Sector != "" {
		q = q.Where("sector = ?", f.Sector)
	}
	if f.Severity != "" {
		q = q.Where("EXISTS (SELECT 1 FROM flags WHERE flags.filing_id = filings.id AND flags.revision = filings.revision AND flags.severity = ?)", f.Severity)
	}
	if f.SubmittedBefore != nil {
		q = q.Where("submitted_at < ?", *f.SubmittedBefore)
	}
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("enterprise_id IN (SELECT id FROM enterprises WHERE name LIKE ? ESCAPE '!' OR credit_code LIKE ? ESCAPE '!')", like, like)
	}
	order, err := f.order()
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, dbErr(err, "filings")
	}
	var out []Filing
	err = q.Order(order).Offset(f.Page.Offset()).Limit(f.Page.Size).Find(&out).Error
	return out, total, dbErr(err, "filings")
}

// UpdateFiling writes every field of f if its version is still f.Version,
// and bumps the version. Another writer having changed the filing first is
// apperror.Conflict: of two racing writers exactly one wins.
func (db *DB) UpdateFiling(ctx context.Context, f *Filing) error {
	now := time.Now().UTC()
	res := db.orm(ctx).Model(&Filing{}).Where("id = ? AND version = ?", f.ID, f.Version).Updates(map[string]any{
		"status": f.Status, "version": f.Version + 1, "revision": f.Revision,
		"planned_resume_date": f.PlannedResumeDate, "staff_total": f.StaffTotal, "staff_onsite": f.StaffOnsite,
		"masks": f.Masks, "thermometers": f.Thermometers, "disinfectant_liters": f.DisinfectantLiters,
		"isolation_room": f.IsolationRoom, "plan_text": f.PlanText, "contact_name": f.ContactName,
		"contact_phone_enc": f.ContactPhoneEnc, "plan_attachment_id": f.PlanAttachmentID,
		"roster_attachment_id": f.RosterAttachmentID, "submitted_at": f.SubmittedAt, "approved_at": f.ApprovedAt,
		"decided_at": f.DecidedAt, "resumed_date": f.ResumedDate, "updated_at": now,
		"open_key": OpenKeyOf(f.EnterpriseID, f.Status),
	})
	if res.Error != nil {
		return dbErr(res.Error, "filing")
	}
	if res.RowsAffected != 1 {
		return apperror.Msg(apperror.Conflict, msgFilingWasChangedSomeoneElse)
	}
	f.Version++
	f.UpdatedAt = now
	return nil
}

// FilingRevision is an immutable snapshot frozen at a submit.
type FilingRevision struct {
	ID             int64     `json:"id"`
	FilingID       int64     `json:"filing_id"`
	Number         int       `json:"number"`
	Snapshot       string    `json:"-"`
	RosterSummary  string    `json:"-"`
	PlanText       string    `json:"-"`
	RulesetVersion string    `json:"ruleset_version"`
	Flags          string    `json:"-"`
	SubmittedBy    int64     `json:"submitted_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// TableName maps FilingRevision to filing_revisions.
func (FilingRevision) TableName() string { return "filing_revisions" }

// CreateRevision inserts r; a revision number used twice is apperror.Conflict.
// There is no update path for revisions.
func (db *DB) CreateRevision(ctx context.Context, r *FilingRevision) error {
	return dbErr(db.orm(ctx).Create(r).Error, "revision")
}

// Revisions returns the revisions of a filing, oldest first. The caller has
// already checked the filing is within scope.
func (db *DB) Revisions(ctx context.Context, filingID int64) ([]FilingRevision, error) {
	var out []FilingRevision
	err := db.orm(ctx).Where("filing_id = ?", filingID).Order("number").Find(&out).Error
	return out, dbErr(err, "revisions")
}

// LatestRevisions calls fn with the latest revision of every filing, in
// pages of batch filings ordered by filing id (keyset paging, so a full pass
// is linear), for backtests and reports. Only the columns a backtest needs
// are read: id, filing_id, number, snapshot, ruleset_version, created_at.
func (db *DB) LatestRevisions(ctx context.Context, batch int, fn func([]FilingRevision) error) error {
	if batch <= 0 {
		batch = 500
	}
	after := int64(0)
	for {
		latest := db.gorm.Model(&FilingRevision{}).Select("filing_id, MAX(number) AS n").
			Where("filing_id > ?", after).Group("filing_id").Order("filing_id").Limit(batch)
		var rows []FilingRevision
		err := db.orm(ctx).Table("filing_revisions AS r").
			Select("r.id, r.filing_id, r.number, r.snapshot, r.ruleset_version, r.created_at").
			Joins("JOIN (?) AS m ON r.filing_id = m.filing_id AND r.number = m.n", latest).
			Order("r.filing_id").Find(&rows).Error
		if err != nil {
			return dbErr(err, "revisions")
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].FilingID
		if len(rows) < batch {
			return nil
		}
	}
}

// Attachment is an uploaded plan or roster, stored content-addressed in the
// object store under ObjectKey.
type Attachment struct {
	ID            int64
	FilingID      int64
	EnterpriseID  int64
	Kind          string
	Filename      string
	Size          int64
	SHA256        string `gorm:"column:sha256"` // plain SHA-256 of rows not yet converted (migration 13), else ""
	ContentHash   string // keyed hash of the plaintext (pii.Keyring.ContentHash), hex
	ContentType   string
	ObjectKey     string
	Note          string
	ExtractedText string
	RosterRows    int
	RosterSummary string
	CreatedBy     int64
	CreatedAt     time.Time
}

// TableName maps Attachment to attachments.
func (Attachment) TableName() string { return "attachments" }

// RosterEntry is one encrypted roster row.
type RosterEntry struct {
	ID           int64
	AttachmentID int64
	RowNumber    int
	IDIndex      string
	Data         []byte
}

// TableName maps RosterEntry to roster_entries.
func (RosterEntry) TableName() string { return "roster_entries" }

// RosterSource is where CreateAttachmentFrom takes a roster's entries
// from. Batch waits until the entries from index from on are ready (filing
// seals them while the file is still being parsed) and returns up to max
// of them; none once the roster has ended; or the error that ended it (the
// parse's, the sealing's, ctx's). A retried transaction asks again from 0.
type RosterSource interface {
	Batch(ctx context.Context, from, max int) ([]RosterEntry, error)
}

// readyEntries is a RosterSource whose entries are all there.
type readyEntries []RosterEntry

func (e readyEntries) Batch(_ context.Context, from, max int) ([]RosterEntry, error) {
	return e[min(from, len(e)):min(from+max, len(e))], nil
}

// CreateAttachment inserts a and its roster entries in one transaction;
// see CreateAttachmentFrom.
func (db *DB) CreateAttachment(ctx context.Context, a *Attachment, entries []RosterEntry) error {
	return db.CreateAttachmentFrom(ctx, a, readyEntries(entries))
}

// CreateAttachmentFrom inserts a and the roster entries of src in one
// transaction, each batch as soon as src has it ready. The entries go in as
// multi-row INSERTs with a's id (their AttachmentID is not read) and their
// ids are not read back: nothing needs them, and reading them back row by
// row was ~70 % of a 50,000-row roster upload (docs/benchmarks.md). Errors
// are dbErr's codes, or src's error wrapped.
func (db *DB) CreateAttachmentFrom(ctx context.Context, a *Attachment, src RosterSource) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(a).Error; err != nil {
			return dbErr(err, "attachment")
		}
		return dbErr(insertRosterEntries(ctx, tx, db.driver, a.ID, src), "roster entries")
	})
}

// SetAttachmentRoster records a roster attachment's row count and summary
// (JSON), known once its file has been parsed to the end. Errors are
// dbErr's codes.
func (db *DB) SetAttachmentRoster(ctx context.Context, id int64, rows int, summary string) error {
	err := db.orm(ctx).Model(&Attachment{}).Where("id = ?", id).
		Updates(map[string]any{"roster_rows": rows, "roster_summary": summary}).Error
	return dbErr(err, "attachment")
}

// rosterInsertBatch is the rows per INSERT on driver. On MySQL, 1,000 rows
// (4 placeholders each, far below the 65,535 allowed; ≈ 0.3 MiB, below
// MariaDB's default max_allowed_packet) save round trips. The SQLite driver
// binds each placeholder by searching the argument list (quadratic in the
// placeholders of one statement), so there a statement takes 100 rows.
func rosterInsertBatch(driver string) int {
	if driver == "sqlite" {
		return 100
	}
	return 1000
}

// rosterBigInsert is the number of rows inserted after which a SQLite
// insert gets a larger page cache (insertRosterEntries).
const rosterBigInsert = 5000

// insertRosterEntries writes src's entries with multi-row INSERTs straight
// on the transaction's connection, bypassing gorm's per-statement
// reflection. Every full batch runs one prepared statement, so MySQL
// prepares it once instead of once a batch; a short batch runs its own.
func insertRosterEntries(ctx context.Context, tx *gorm.DB, driver string, attachmentID int64, src RosterSource) error {
	rows := rosterInsertBatch(driver)
	conn := tx.Statement.ConnPool
	args := make([]any, 0, 4*rows)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; ; {
		batch, err := src.Batch(ctx, start, rows)
		if err != nil || len(batch) == 0 {
			return err
		}
		if driver == "sqlite" && start < rosterBigInsert && start+len(batch) >= rosterBigInsert {
			restore, err := growPageCache(ctx, conn)
			if err != nil {
				return err
			}
			defer restore()
		}
		args = args[:0]
		for _, e := range batch {
			args = append(args, attachmentID, e.RowNumber, e.IDIndex, e.Data)
		}
		switch {
		case len(batch) < rows:
			_, err = conn.ExecContext(ctx, rosterInsertSQL(driver, len(batch)), args...)
		case full == nil:
			if full, err = conn.PrepareContext(ctx, rosterInsertSQL(driver, rows)); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return err
		}
		start += len(batch)
	}
}

// growPageCache gives a SQLite connection a 64 MiB page cache until restore
// is called. A large roster dirties more pages (≈ 15 MB for 50,000 rows)
// than SQLite's default 2 MiB cache holds, which then spills to the WAL
// before the commit. restore gives the pages back (a smaller cache_size
// frees those above it), so idle pool connections do not each keep one.
func growPageCache(ctx context.Context, conn gorm.ConnPool) (restore func(), err error) {
	var was int64
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&was); err != nil {
		return nil, err
	}
	kib := -was // cache_size is in KiB when negative, in pages (4 KiB by default) when positive
	if was > 0 {
		kib = was * 4
	}
	if kib >= 65536 {
		return func() {}, nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -65536"); err != nil {
		return nil, err
	}
	return func() {
		conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = "+strconv.FormatInt(was, 10))
	}, nil
}

// rosterInsertSQL is an INSERT of n roster entries. On SQLite it is INSERT
// OR FAIL: a multi-row INSERT that may abort needs a statement journal, and
// writing and truncating it cost more than the rows (docs/benchmarks.md);
// FAIL keeps the rows before a failing one, and the whole transaction is
// rolled back on any error anyway.
func rosterInsertSQL(driver string, n int) string {
	head := "INSERT INTO roster_entries (attachment_id, `row_number`, id_index, data) VALUES "
	if driver == "sqlite" {
		head = "INSERT OR FAIL INTO roster_entries (attachment_id, `row_number`, id_index, data) VALUES "
	}
	const row = "(?, ?, ?, ?)"
	var sb strings.Builder
	sb.Grow(len(head) + n*(len(row)+2))
	sb.WriteString(head)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// AttachmentByID returns attachment id if its filing is within scope.
func (db *DB) AttachmentByID(ctx context.Context, scope Scope, id int64) (*Attachment, error) {
	var a Attachment
	q := scope.apply(db.orm(ctx).Model(&Attachment{}).Joins("JOIN filings ON filings.id = attachments.filing_id"),
		"attachments.enterprise_id", "filings.street")
	if err := q.Where("attachments.id = ?", id).Select("attachments.*").First(&a).Error; err != nil {
		return nil, dbErr(err, "attachment")
	}
	return &a, nil
}

// Attachments returns a filing's attachments, newest first.
func (db *DB) Attachments(ctx context.Context, filingID int64) ([]Attachment, error) {
	var out []Attachment
	err := db.orm(ctx).Where("filing_id = ?", filingID).Order("id DESC").Find(&out).Error
	return out, dbErr(err, "attachments")
}

// RosterEntries returns the rows of a roster attachment in file order.
func (db *DB) RosterEntries(ctx context.Context, attachmentID int64) ([]RosterEntry, error) {
	var out []RosterEntry
	err := db.orm(ctx).Where("attachment_id = ?", attachmentID).Order("`row_number`").Find(&out).Error
	return out, dbErr(err, "roster entries")
}

// ObjectKeyReferenced reports whether any attachment or evidence file row
// points at key.
func (db *DB) ObjectKeyReferenced(ctx context.Context, key string) (bool, error) {
	var n int64
	err := db.orm(ctx).Model(&Attachment{}).Where("object_key = ?", key).Limit(1).Count(&n).Error
	if err != nil || n > 0 {
		return n > 0, dbErr(err, "attachments")
	}
	return db.ProblemFileKeyReferenced(ctx, key) // evidence of findings and answers
}

// Flag is a rule's finding on a filing revision.
type Flag struct {
	ID             int64
	FilingID       int64
	Revision       int
	RuleID         string
	Severity       string
	Message        string
	RulesetVersion string
	CreatedAt      time.Time
}

// TableName maps Flag to flags.
func (Flag) TableName() string { return "flags" }

// Flags returns the flags of a filing's revision.
func (db *DB) Flags(ctx context.Context, filingID int64, revision int) ([]Flag, error) {
	var out []Flag
	err := db.orm(ctx).Where("filing_id = ? AND revision = ?", filingID, revision).Order("id").Find(&out).Error
	return out, dbErr(err, "flags")
}

// CreateFlags inserts flags.
func (db *DB) CreateFlags(ctx context.Context, flags []Flag) error {
	if len(flags) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Create(&flags).Error, "flags")
}

// SetFilingAttachment points a draft or returned filing's plan or roster at
// attachment id and bumps its version. It does not compare versions: an
// upload replaces the file whatever else was edited meanwhile, so two uploads
// don't conflict; a filing that left draft/returned is apperror.Conflict.
func (db *DB) SetFilingAttachment(ctx context.Context, filingID int64, kind string, id int64) error {
	col := "plan_attachment_id"
	if kind == "roster" {
		col = "roster_attachment_id"
	}
	res := db.orm(ctx).Model(&Filing{}).Where("id = ? AND status IN ?", filingID, []Status{StatusDraft, StatusReturned}).
		Updates(map[string]any{col: id, "version": gorm.Expr("version + 1"), "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return dbErr(res.Error, "filing")
	}
	if res.RowsAffected != 1 {
		return apperror.Msg(apperror.Conflict, msgFilingCanNoLongerChanged)
	}
	return nil
}
