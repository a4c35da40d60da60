package filing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/filetype"
	"fugong/internal/pii"
	"fugong/internal/plans"
	"fugong/internal/roster"
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
	store.Attachment
	Rows    int             `json:"rows,omitempty"`
	Summary *roster.Summary `json:"summary,omitempty"`
}

// rosterAAD binds encrypted roster rows to the object they came from.
func rosterAAD(sha string) []byte { return []byte("roster:" + sha) }

// ObjectKey is where bytes with sha256 hex digest sha live: content
// addressed, so the same file uploaded twice is stored once, and never
// derived from a user's filename.
func ObjectKey(sha string) string { return "sha256/" + sha[:2] + "/" + sha }

// Upload validates and stores the file at path (already on local disk,
// spooled by the HTTP layer) as the filing's plan or roster. Order matters
// for consistency: the file is type-checked and parsed first (415/422 leave
// nothing behind), then stored in the object store, and only then is the row
// written. If the row cannot be written the object may remain; the sweeper
// removes objects no row references.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, filingID int64, kind, path, filename string) (*UploadResult, error) {
	if kind != KindPlan && kind != KindRoster {
		return nil, &apperror.Error{Code: apperror.Invalid, Message: "kind 须为 plan 或 roster / kind must be plan or roster",
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
		return nil, apperror.New(apperror.Conflict, "备案状态为「%s」，不能上传 / a %s filing cannot take uploads", statusName[f.Status], f.Status)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	max := s.MaxUploadBytes(kind)
	if size > max {
		return nil, apperror.New(apperror.TooLarge, "文件超过 %d MB 上限 / file exceeds the %d MB limit", max>>20, max>>20)
	}
	ft, err := filetype.Detect(file, size, filetype.Limits{MaxSize: max})
	if err != nil {
		return nil, err
	}
	if kind == KindRoster && ft == filetype.TXT {
		// A one-column or header-only CSV has no delimiter to recognise it
		// by; let the roster parser judge it (it answers 422 with the row).
		ft = filetype.CSV
	}
	if err := filetype.Allowed(kind, ft); err != nil {
		return nil, err
	}

	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(file, 0, size)); err != nil {
		return nil, err
	}
	sha := hex.EncodeToString(h.Sum(nil))
	att := &store.Attachment{FilingID: f.ID, EnterpriseID: f.EnterpriseID, Kind: kind, Filename: filename, Size: size,
		SHA256: sha, ContentType: filetype.ContentType(ft), ObjectKey: ObjectKey(sha), CreatedBy: p.UserID, CreatedAt: s.now().UTC()}
	res := &UploadResult{}
	var entries []store.RosterEntry

	switch kind {
	case KindPlan:
		text, err := plans.ExtractLimited(ctx, ft, file, size, plans.Limits{MaxSize: max})
		if err != nil {
			return nil, err
		}
		att.ExtractedText = plans.Normalize(text.Text)
		att.Note = text.Note
	case KindRoster:
		planned := time.Time{}
		if f.PlannedResumeDate != "" {
			planned, _ = time.Parse(time.DateOnly, f.PlannedResumeDate)
		}
		r, err := roster.Parse(ctx, path, planned, roster.Options{})
		if err != nil {
			return nil, err
		}
		if len(r.Rows) == 0 {
			return nil, &apperror.Error{Code: apperror.Invalid, Message: "花名册没有数据行 / the roster has no rows",
				Details: []apperror.Detail{{Row: 2, Message: "表头下没有员工记录 / no staff rows below the header"}}}
		}
		sum, _ := json.Marshal(r.Summary)
		att.RosterRows, att.RosterSummary = len(r.Rows), string(sum)
		res.Rows, res.Summary = len(r.Rows), &r.Summary
		entries = make([]store.RosterEntry, len(r.Rows))
		for i, row := range r.Rows {
			data, _ := json.Marshal(row)
			enc, err := s.keys.Encrypt(data, rosterAAD(sha))
			if err != nil {
				return nil, fmt.Errorf("filing: encrypt roster row: %w", err)
			}
			entries[i] = store.RosterEntry{RowNumber: row.Line, IDIndex: s.keys.BlindIndex(row.IDNumber), Data: enc}
		}
	}

	release, err := s.holdForUpload(ctx, att.ObjectKey) // objecthold.go: the sweeper keeps off
	if err != nil {
		return nil, err
	}
	defer release()
	if err := s.putObject(ctx, att.ObjectKey, file, size, att.ContentType); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateAttachment(ctx, att, entries); err != nil {
			return err
		}
		return tx.SetFilingAttachment(ctx, f.ID, kind, att.ID)
	})
	if err != nil {
		return nil, err
	}
	res.Attachment = *att
	return res, nil
}

// putObject stores the file under key unless an object of that size is
// already there (content addressed: same key, same bytes).
func (s *Service) putObject(ctx context.Context, key string, file *os.File, size int64, contentType string) error {
	ctx, cancel := context.WithTimeout(ctx, s.blobCfg.Timeout)
	defer cancel()
	if info, err := s.blobs.Stat(ctx, key); err == nil && info.Size == size {
		return nil
	} else if err != nil && !blob.IsNotFound(err) {
		return err
	}
	if _, err := s.blobs.Put(ctx, key, io.NewSectionReader(file, 0, size), size, contentType); err != nil {
		if apperror.CodeOf(err) == apperror.Internal {
			return apperror.Wrap(err, apperror.Unavailable, "文件存储暂不可用，请稍后重试 / object store unavailable, retry later")
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
func (s *Service) Open(ctx context.Context, p *auth.Principal, attachmentID int64) (*Download, *store.Attachment, error) {
	a, err := s.db.AttachmentByID(ctx, p.Scope(), attachmentID)
	if err != nil {
		return nil, nil, err
	}
	if a.Kind == KindRoster && !p.Scope().UnmasksPersonalData(a.EnterpriseID) {
		body, err := s.maskedRoster(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		return &Download{Filename: "脱敏-" + trimExt(a.Filename) + ".csv", ContentType: "text/csv; charset=utf-8", Size: int64(len(body)),
			Body: io.NopCloser(bytes.NewReader(body)), Masked: true}, a, nil
	}
	rc, info, err := s.blobs.Get(ctx, a.ObjectKey)
	if err != nil {
		return nil, nil, err
	}
	return &Download{Filename: a.Filename, ContentType: a.ContentType, Size: info.Size, Body: rc}, a, nil
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
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Write([]string{"行号 row", "姓名 name", "身份证号 id_number", "手机号 phone", "部门 department", "体温 temperature",
		"健康码 health_code", "近14日旅居史 travel_14d", "返回日期 return_date", "隔离结束日期 quarantine_end"})
	for _, e := range entries {
		plain, err := s.keys.Decrypt(e.Data, rosterAAD(a.SHA256))
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
			csvSafe(r.Department), temp, r.HealthCode, csvSafe(r.Travel), dateOrEmpty(r.ReturnDate), dateOrEmpty(r.QuarantineEnd)})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// csvSafe neutralises spreadsheet formulas in user text.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
