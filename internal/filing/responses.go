package filing

import (
	"encoding/json"
	"time"

	"fugong/internal/store"
)

// The shapes the API answers (docs/openapi.yaml), kept apart from the
// store's rows so that a column added or renamed cannot change the contract
// unseen; TestResponseTypesMatchOpenAPI in internal/httpapi compares them
// with the document.

// AttachmentView is an uploaded plan or roster (schema Attachment), with
// its roster summary, if any.
type AttachmentView struct {
	ID          int64            `json:"id"`
	FilingID    int64            `json:"filing_id"`
	Kind        string           `json:"kind"`
	Filename    string           `json:"filename"`
	Size        int64            `json:"size"`
	SHA256      string           `json:"sha256"`
	ContentType string           `json:"content_type"`
	Note        string           `json:"note,omitempty"`
	Rows        int              `json:"rows,omitempty"`
	CreatedAt   time.Time        `json:"created_at"`
	Summary     *json.RawMessage `json:"summary,omitempty"`
}

func attachmentOf(a *store.Attachment) AttachmentView {
	return AttachmentView{ID: a.ID, FilingID: a.FilingID, Kind: a.Kind, Filename: a.Filename, Size: a.Size, SHA256: a.ContentHash,
		ContentType: a.ContentType, Note: a.Note, Rows: a.RosterRows, CreatedAt: a.CreatedAt, Summary: rawJSON(a.RosterSummary)}
}

// FlagView is a rule's finding on a filing's current revision (schema Flag).
type FlagView struct {
	Revision       int    `json:"revision"`
	RuleID         string `json:"rule_id"`
	Severity       string `json:"severity"`
	Message        string `json:"message"`
	RulesetVersion string `json:"ruleset_version"`
}

func flagsOf(rows []store.Flag) []FlagView {
	out := make([]FlagView, len(rows))
	for i, f := range rows {
		out[i] = FlagView{Revision: f.Revision, RuleID: f.RuleID, Severity: f.Severity, Message: f.Message, RulesetVersion: f.RulesetVersion}
	}
	return out
}

// ProblemView is one entry of the rectification ledger (schema Problem).
type ProblemView struct {
	ID                int64      `json:"id"`
	FilingID          *int64     `json:"filing_id"`
	EnterpriseID      *int64     `json:"enterprise_id"`
	Street            string     `json:"street"`
	Sector            string     `json:"sector,omitempty"`
	Source            string     `json:"source"`
	RuleID            string     `json:"rule_id"`
	Title             string     `json:"title"`
	Detail            string     `json:"detail"`
	Status            string     `json:"status"`
	CreatedAt         time.Time  `json:"created_at"`
	RectifiedAt       *time.Time `json:"rectified_at"`
	RectifiedRevision *int       `json:"rectified_revision,omitempty"`
	RectifiedNote     string     `json:"rectified_note,omitempty"`
	WaivedReason      string     `json:"waived_reason,omitempty"`
	NoticeID          *int64     `json:"notice_id,omitempty"`
	// The rectification loop (internal/inspection): whom the problem is
	// against, what was seen where, by when it must be fixed, its answer
	// and verification.
	Target        store.ProblemTarget `json:"target"`
	Department    string              `json:"department,omitempty"`
	Severity      string              `json:"severity,omitempty"`
	Place         string              `json:"place,omitempty"`
	SeenAt        *time.Time          `json:"seen_at,omitempty"`
	Deadline      *string             `json:"deadline"`
	Overdue       bool                `json:"overdue"`
	AnsweredAt    *time.Time          `json:"answered_at,omitempty"`
	VerifyComment string              `json:"verify_comment,omitempty"`
}

func problemOf(p *store.Problem) ProblemView {
	return ProblemView{ID: p.ID, FilingID: p.FilingID, EnterpriseID: p.EnterpriseID, Street: p.Street, Sector: p.Sector,
		Source: p.Source, RuleID: p.RuleID, Title: p.Title, Detail: p.Detail, Status: p.Status, CreatedAt: p.CreatedAt,
		RectifiedAt: p.RectifiedAt, RectifiedRevision: p.RectifiedRevision, RectifiedNote: p.RectifiedNote,
		WaivedReason: p.WaivedReason, NoticeID: p.NoticeID, Target: p.Target, Department: p.Department, Severity: p.Severity,
		Place: p.Place, SeenAt: p.SeenAt, Deadline: p.DeadlineOut, Overdue: p.Overdue, AnsweredAt: p.AnsweredAt,
		VerifyComment: p.VerifyComment}
}

func problemsOf(rows []store.Problem) []ProblemView {
	out := make([]ProblemView, len(rows))
	for i := range rows {
		out[i] = problemOf(&rows[i])
	}
	return out
}

// NotificationView is an in-app message (schema Notification).
type NotificationView struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	FilingID *int64 `json:"filing_id"`
	// NoticeID is the notice or letter a notice_issued message announces
	// (null otherwise): the addressee's way to it without a filing.
	NoticeID  *int64    `json:"notice_id"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// NoticeView is a rectification notice with the problems it lists (schema
// Notice).
type NoticeView struct {
	ID             int64         `json:"id"`
	Number         string        `json:"number"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	FilingID       *int64        `json:"filing_id"`
	Street         string        `json:"street"`
	Deadline       string        `json:"deadline"`
	Body           string        `json:"body"`
	CreatedAt      time.Time     `json:"created_at"`
	Problems       []ProblemView `json:"problems"`
	TargetKind     string        `json:"target_kind"` // enterprise, street or department (a letter, internal/inspection)
}
