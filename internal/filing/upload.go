package filing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/export"
	"fugong/internal/filetype"
	"fugong/internal/pii"
	"fugong/internal/plans"
	"fugong/internal/roster"
	"fugong/internal/sheet"
	"fugong/internal/store"
)

// Attachment kinds.
const (
	KindPlan   = "plan"
	KindRoster = "roster"
)

// MaxUploadBytes returns the configured size cap for kind (0 for an unknown
// kind).
func (s *Service) MaxUploadBytes(kind string) int64 {
	switch kind {
	case KindPlan:
		return int64(s.uploads.PlanMaxMB) << 20
	case KindRoster:
		return int64(s.uploads.RosterMaxMB) << 20
	}
	return 0
}

// UploadResult is an uploaded attachment, with the roster's row count and
// summary for rosters.
type UploadResult struct {
	AttachmentView
	Summary *roster.Summary `json:"summary,omitempty"`
	// Columns says how a roster was read: sheet, header row, the columns
	// used and ignored, rows skipped as totals or footers.
	Columns *sheet.Layout `json:"columns,omitempty"`
}

// rosterAAD binds encrypted roster rows to the file they came from: by its
// keyed content hash, or, for rows written before migration 13 and not yet
// converted by Reencrypt, by its plain SHA-256.
func rosterAAD(a *store.Attachment) []byte {
	if a.SHA256 != "" {
		return []byte("roster:" + a.SHA256)
	}
	return []byte("roster:hmac:" + a.ContentHash)
}

// ObjectKey is where earlier versions stored bytes with sha256 hex digest
// sha, in clear (legacy objects, read until `fugong objects reencrypt` moves
// them; new uploads go to SealedObjectKey).
func ObjectKey(sha string) string { return "sha256/" + sha[:2] + "/" + sha }

// File is an upload spooled for the length of a request: random access to
// its bytes (parsers of XLSX and DOCX need it) and its size. The HTTP
// layer's is an encrypted spool (internal/spool), so the upload is never on
// disk in clear.
type File interface {
	io.ReaderAt
	Size() int64
}

// Receive spools the caller's upload, refusing past max bytes, and returns
// it and its display name. Upload calls it once the caller may upload, so
// not a byte is read before access is checked; the caller removes the
// spool afterwards.
type Receive func(max int64) (file File, filename string, err error)

// Upload validates and stores the file receive spools as the filing's plan
// or roster. Order matters for consistency: the file is type-checked and
// parsed first (415/422 leave nothing behind), then stored in the object
// store, and only then is the row written, with its audit entry, in one
// transaction. If the row cannot be written the object may remain; the
// sweeper removes objects no row references. An unknown kind is
// apperror.Invalid; a filing outside the caller's scope apperror.NotFound.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, filingID int64, kind string, receive Receive) (*UploadResult, error) {
	if kind != KindPlan && kind != KindRoster {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgKindMustPlanRoster.With(),
			Details: []apperror.Detail{{Field: "kind", Message: "must be plan or roster"}}}
	}
	f, err := s.db.FilingByID(ctx, p.Scope(), filingID)
	if err != nil {
		return nil, err
	}
	if p.Role != store.RoleEnterprise {
		return nil, errEnterpriseOnly
	}
	if f.Status != store.StatusDraft && f.Status != store.StatusReturned {
		return nil, apperror.Msg(apperror.Conflict, msgNoUploads, statusName[f.Status])
	}
	file, filename, err := receive(s.MaxUploadBytes(kind))
	if err != nil {
		return nil, err
	}
	size := file.Size()
	max := s.MaxUploadBytes(kind)
	if size > max {
		return nil, apperror.Msg(apperror.TooLarge, msgFileExceedsMbLimit, max>>20)
	}
	ft, err := filetype.Detect(file, size, filetype.Limits{MaxSize: max})
	if err != nil {
		return nil, err
	}
	// A text file is a TXT plan or a CSV roster, whatever it holds.
	ft = filetype.ForPurpose(kind, ft)
	if err := filetype.Allowed(kind, ft); err != nil {
		return nil, err
	}

	mac, objectKey, err := s.contentAddress(io.NewSectionReader(file, 0, size))
	if err != nil {
		return nil, err
	}
	att := &store.Attachment{FilingID: f.ID, EnterpriseID: f.EnterpriseID, Kind: kind, Filename: filename, Size: size,
		ContentHash: mac, ContentType: filetype.ContentType(ft), ObjectKey: objectKey, CreatedBy: p.UserID, CreatedAt: s.now().UTC()}
	res := &UploadResult{}
	if kind == KindRoster {
		err = s.saveRoster(ctx, p, f, att, file, res)
	} else {
		var text plans.Text
		if text, err = plans.ExtractLimited(ctx, ft, file, size, plans.Limits{MaxSize: max, Gate: s.gate}); err != nil {
			return nil, err
		}
		att.ExtractedText = plans.Normalize(text.Text)
		att.Note = text.Note
		err = s.save(ctx, p, f, att, nil, func() error { return s.putObject(ctx, att.ObjectKey, file, size, att.ContentType) })
	}
	if err != nil {
		return nil, err
	}
	res.AttachmentView = attachmentOf(att)
	return res, nil
}

// saveRoster parses the roster file of att and saves it, its rows sealed
// and inserted while the file is still being parsed (rosterStream). A file
// the parse refuses leaves nothing behind: the transaction that held its
// first rows rolls back and no object is stored.
func (s *Service) saveRoster(ctx context.Context, p *auth.Principal, f *store.Filing, att *store.Attachment, file File, res *UploadResult) error {
	planned := time.Time{}
	if f.PlannedResumeDate != "" {
		planned, _ = time.Parse(time.DateOnly, f.PlannedResumeDate)
	}
	ctx, stop := context.WithCancel(ctx) // stops the sealing if the upload fails
	defer stop()
	stream := s.newRosterStream(ctx, att)
	return s.save(ctx, p, f, att, stream, func() error {
		r, err := roster.ParseUpload(ctx, file, planned, roster.Options{Sheet: sheet.Options{Gate: s.gate}, OnRow: stream.add})
		if err == nil && len(r.Rows) == 0 {
			err = &apperror.Error{Code: apperror.Invalid, Text: msgRosterHasNoRows.With(),
				Details: []apperror.Detail{{Row: 2, Text: msgNoStaffRowsBelowHeader.With()}}}
		}
		stream.end(err)
		if err != nil {
			return err
		}
		sum, _ := json.Marshal(r.Summary)
		att.RosterRows, att.RosterSummary = len(r.Rows), string(sum)
		res.Summary, res.Columns = &r.Summary, &r.Layout
		return s.putObject(ctx, att.ObjectKey, file, file.Size(), att.ContentType)
	})
}

// save writes att, with the roster rows of rows (nil for a plan), points
// the filing at it and audits the upload, in one transaction that commits
// only once ready has returned nil. ready finishes the upload's own work
// and stores its object: nothing is committed before the object is stored,
// and the object is stored only once the file has been accepted. With rows
// the transaction starts at once, in another goroutine, and inserts the
// rows while ready is still parsing them (from the first sealed chunk on);
// without, it starts after ready.
// The object is held against the sweeper (objecthold.go) until the
// transaction has ended. Errors are ready's, else the hold's or the
// transaction's.
func (s *Service) save(ctx context.Context, p *auth.Principal, f *store.Filing, att *store.Attachment, rows store.RosterSource, ready func() error) error {
	release, err := s.holdForUpload(ctx, att.ObjectKey)
	if err != nil {
		return err
	}
	defer release()
	tmpl := *att // what is known before ready: the transaction's own copy
	readyErr, txErr := make(chan error, 1), make(chan error, 1)
	var saved store.Attachment
	txn := func() {
		var awaited, failed bool
		var final store.Attachment
		if rows != nil {
			// Not before the first rows are sealed: the parse may first
			// wait its turn at the parse gate, and on SQLite an open write
			// transaction would stop every other writer meanwhile.
			if _, err := rows.Batch(ctx, 0, 1); err != nil {
				txErr <- err
				return
			}
		}
		txErr <- s.db.TxRetry(ctx, func(tx *store.DB) error {
			a := tmpl // an aborted attempt's id is gone
			var err error
			if rows == nil {
				err = tx.CreateAttachment(ctx, &a, nil)
			} else {
				err = tx.CreateAttachmentFrom(ctx, &a, rows)
			}
			if err != nil {
				return err
			}
			if !awaited { // once: a retried attempt keeps the answer
				select {
				case rerr := <-readyErr:
					awaited, failed = true, rerr != nil
					if !failed {
						final = *att // ready's writes happen before its send
					}
				case <-ctx.Done(): // ready never returned (a panic): give up
					return ctx.Err()
				}
			}
			if failed {
				return errReadyFailed
			}
			if rows != nil {
				if err := tx.SetAttachmentRoster(ctx, a.ID, final.RosterRows, final.RosterSummary); err != nil {
					return err
				}
				a.RosterRows, a.RosterSummary = final.RosterRows, final.RosterSummary
			}
			if err := tx.SetFilingAttachment(ctx, f.ID, a.Kind, a.ID); err != nil {
				return err
			}
			saved = a
			return tx.AppendAudit(ctx, p.Entry("attachment_uploaded", fmt.Sprintf("filing:%d", f.ID),
				fmt.Sprintf("kind=%s attachment=%d content=%s size=%d", a.Kind, a.ID, a.ContentHash, a.Size)))
		})
	}
	if rows != nil {
		go txn()
	}
	rerr := ready()
	readyErr <- rerr
	if rows == nil {
		if rerr != nil {
			return rerr
		}
		txn()
	}
	err = <-txErr
	if rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	*att = saved
	return nil
}

// errReadyFailed rolls back a save whose ready failed; save returns ready's
// error instead.
var errReadyFailed = errors.New("filing: upload refused before commit")

// putObject stores the file under key unless an object of that size is
// already there (content addressed: same key, same bytes).
func (s *Service) putObject(ctx context.Context, key string, file io.ReaderAt, size int64, contentType string) error {
	ctx, cancel := context.WithTimeout(ctx, s.blobCfg.Timeout)
	defer cancel()
	if info, err := s.blobs.Stat(ctx, key); err == nil && info.Size == size {
		return nil
	} else if err != nil && !blob.IsNotFound(err) && !errors.Is(err, blob.ErrNotSealed) {
		return err
	}
	if _, err := s.blobs.Put(ctx, key, io.NewSectionReader(file, 0, size), size, contentType); err != nil {
		if apperror.CodeOf(err) == apperror.Internal {
			return apperror.WrapMsg(err, apperror.Unavailable, msgObjectStoreUnavailableRetryLater)
		}
		return err
	}
	return nil
}

// Download is what the HTTP layer streams back.
type Download struct {
	Filename    string
	ContentType string
	Size        int64 // -1 when generated
	Body        io.ReadCloser
	Masked      bool // a generated, masked view rather than the original file
}

// Open returns an attachment's content for the caller. The enterprise gets
// its original file; everyone else in scope gets, for a roster, a generated
// CSV with ID numbers, phones and names masked (the original holds them in
// clear), and for a plan the original. Outside scope: apperror.NotFound.
// Every download is audited before a byte is returned; an original roster
// (ID numbers in clear) as personal_data_viewed. If the entry cannot be
// written the download is refused.
func (s *Service) Open(ctx context.Context, p *auth.Principal, attachmentID int64) (*Download, *store.Attachment, error) {
	d, a, err := s.open(ctx, p, attachmentID)
	if err != nil {
		return nil, nil, err
	}
	action := "attachment_downloaded"
	if a.Kind == KindRoster && !d.Masked {
		action = "personal_data_viewed"
	}
	if err := s.db.AppendAudit(ctx, p.Entry(action, fmt.Sprintf("filing:%d", a.FilingID), fmt.Sprintf("attachment=%d masked=%v", a.ID, d.Masked))); err != nil {
		d.Body.Close()
		return nil, nil, err
	}
	return d, a, nil
}

func (s *Service) open(ctx context.Context, p *auth.Principal, attachmentID int64) (*Download, *store.Attachment, error) {
	a, err := s.db.AttachmentByID(ctx, p.Scope(), attachmentID)
	if err != nil {
		return nil, nil, err
	}
	if a.Kind == KindRoster && !p.Scope().UnmasksPersonalData(a.EnterpriseID) {
		body, err := s.maskedRoster(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		return &Download{Filename: DownloadName("脱敏-"+a.Filename, "text/csv"), ContentType: "text/csv; charset=utf-8", Size: int64(len(body)),
			Body: io.NopCloser(bytes.NewReader(body)), Masked: true}, a, nil
	}
	rc, info, err := s.objectStore(a.ObjectKey).Get(ctx, a.ObjectKey)
	if err != nil {
		return nil, nil, err
	}
	return &Download{Filename: DownloadName(a.Filename, a.ContentType), ContentType: a.ContentType, Size: info.Size, Body: rc}, a, nil
}

func trimExt(name string) string {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '.' {
			return name[:i]
		}
	}
	return name
}

// maskedRoster renders the roster rows with personal data masked, as a CSV
// in UTF-8 with BOM (Excel on Chinese Windows).
func (s *Service) maskedRoster(ctx context.Context, a *store.Attachment) ([]byte, error) {
	entries, err := s.db.RosterEntries(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := export.NewCSV(&buf)
	w.Write([]string{"行号 row", "姓名 name", "身份证号 id_number", "手机号 phone", "部门 department", "体温 temperature",
		"健康码 health_code", "近14日旅居史 travel_14d", "返回日期 return_date", "隔离结束日期 quarantine_end"})
	for _, e := range entries {
		plain, err := s.keys.Decrypt(e.Data, rosterAAD(a))
		if err != nil {
			return nil, fmt.Errorf("filing: roster row %d: %w", e.RowNumber, err)
		}
		var r roster.Row
		if err := json.Unmarshal(plain, &r); err != nil {
			return nil, err
		}
		temp := ""
		if r.Temperature > 0 {
			temp = strconv.FormatFloat(r.Temperature, 'f', 1, 64)
		}
		w.Write([]string{strconv.Itoa(e.RowNumber), pii.MaskName(r.Name), pii.MaskID(r.IDNumber), pii.MaskPhone(r.Phone),
			r.Department, temp, r.HealthCode, r.Travel, dateOrEmpty(r.ReturnDate), dateOrEmpty(r.QuarantineEnd)})
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
