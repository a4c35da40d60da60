// Package filing owns the filing lifecycle: drafts, uploads of plans and
// rosters, submission through the rule engine into immutable revisions, and
// the views each caller may see (personal data masked for everyone but the
// owning enterprise).
package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/dedup"
	"fugong/internal/msg"
	"fugong/internal/parsegate"
	"fugong/internal/pii"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// RuleEvaluator runs the current rule set (rules.Engine implements it).
type RuleEvaluator interface {
	Evaluate(in rules.Input) []rules.Flag
}

// PlanIndex finds near-duplicate plans (the dedup package implements it). It
// may be nil, in which case plan.max_similarity is 0.
type PlanIndex interface {
	// MaxSimilarity is the highest similarity of text to a plan of another
	// enterprise than enterpriseID (0 when none is close).
	MaxSimilarity(ctx context.Context, text string, enterpriseID int64) (float64, error)
	// Add indexes the plan of a revision.
	Add(ctx context.Context, doc PlanDoc) error
}

// PlanDoc is one plan revision for the index.
type PlanDoc struct {
	// PrevRevisionID is the filing's previous indexed revision, replaced by
	// this one so a resubmitted filing counts once, with its current plan.
	PrevRevisionID int64
	RevisionID     int64
	FilingID       int64
	EnterpriseID   int64
	Text           string
}

// Service runs the filing lifecycle.
type Service struct {
	db       *store.DB
	blobs    blob.Store // sealed: what filing writes is encrypted (see objects.go)
	raw      blob.Store // the store under blobs, for legacy plaintext objects
	keys     *pii.Keyring
	rules    RuleEvaluator
	plans    PlanIndex
	uploads  config.Uploads
	blobCfg  config.Blob
	webhooks []config.Webhook
	now      func() time.Time
	log      *slog.Logger
	areas    *areas.Areas
	dedup    *dedup.Index
	holder   string // this replica in lease and object-hold rows (objecthold.go)
	gate     *parsegate.Gate
}

// Deps are what a Service needs.
type Deps struct {
	DB    *store.DB
	Blobs blob.Store
	Keys  *pii.Keyring
	Rules RuleEvaluator
	Plans PlanIndex // optional; DedupIndex(Dedup) when nil and Dedup is set
	// Dedup is the near-duplicate plan index behind similarity and
	// templates; nil disables them (apperror.Unavailable).
	Dedup *dedup.Index
	// Areas resolves the streets callers type; nil takes them as codes.
	Areas  *areas.Areas
	Config config.Config
	Now    func() time.Time
	Log    *slog.Logger
	// ParseGate caps the rosters and plans parsed at once; nil →
	// parsegate.Process(), the cap of the whole process.
	ParseGate *parsegate.Gate
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Plans == nil && d.Dedup != nil {
		d.Plans = DedupIndex(d.Dedup)
	}
	blobs := d.Blobs
	if d.Keys != nil && d.Blobs != nil {
		blobs = blob.NewSealed(d.Blobs, d.Keys)
	}
	return &Service{db: d.DB, blobs: blobs, raw: d.Blobs, keys: d.Keys, rules: d.Rules, plans: d.Plans,
		uploads: d.Config.Uploads, blobCfg: d.Config.Blob, webhooks: d.Config.Webhooks, now: d.Now, log: d.Log,
		areas: d.Areas, dedup: d.Dedup, holder: store.NewHolder(), gate: d.ParseGate}
}

var errEnterpriseOnly = apperror.Msg(apperror.Forbidden, msgOnlyEnterpriseItselfMayFill)

// openStatuses are the statuses of a filing still in progress.
var openStatuses = map[store.Status]bool{store.StatusDraft: true, store.StatusSubmitted: true, store.StatusReturned: true}

// Create starts a draft filing for the caller's enterprise. An enterprise
// with a filing still in progress gets apperror.Conflict; bad fields are
// apperror.Invalid with one detail per field.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*View, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	var f fields
	if d := in.apply(&f); len(d) > 0 {
		return nil, invalid(d)
	}
	scope := p.Scope()
	ent, err := s.db.EnterpriseByID(ctx, scope, *p.EnterpriseID)
	if err != nil {
		return nil, err
	}
	// One open filing per enterprise is the database's unique index on
	// open_key, not a read here: two simultaneous creates cannot both pass.
	row := &store.Filing{EnterpriseID: ent.ID, Street: ent.Street, Sector: ent.Sector, Status: store.StatusDraft, Version: 1, CreatedBy: p.UserID}
	if err := s.setFields(row, f); err != nil {
		return nil, err
	}
	err = s.db.TxRetry(ctx, func(tx *store.DB) error {
		row.ID = 0 // an aborted attempt's id
		if err := tx.CreateFiling(ctx, row); err != nil {
			return err // a second open filing: apperror.Conflict naming the open one
		}
		return tx.AppendAudit(ctx, p.Entry("filing_created", fmt.Sprintf("filing:%d", row.ID), ""))
	})
	if err != nil {
		return nil, err
	}
	// A new filing has no flags, attachments or revisions: answer without
	// reading them back, so a database failing right after the commit can't
	// turn a created filing into a 503 the client would retry.
	return s.freshView(row, f.ContactPhone), nil
}

// Update edits a draft or returned filing; any other status is
// apperror.Conflict, another tenant's filing apperror.NotFound.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Input) (*View, error) {
	row, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if p.Role != store.RoleEnterprise {
		return nil, errEnterpriseOnly
	}
	if row.Status != store.StatusDraft && row.Status != store.StatusReturned {
		return nil, apperror.Msg(apperror.Conflict, msgNotEditable, statusName[row.Status])
	}
	f, err := s.fieldsOf(row)
	if err != nil {
		return nil, err
	}
	if d := in.apply(&f); len(d) > 0 {
		return nil, invalid(d)
	}
	if err := s.setFields(row, f); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.UpdateFiling(ctx, row); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("filing_updated", fmt.Sprintf("filing:%d", id), ""))
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, row)
}

// Get returns the filing with its flags, attachments and revisions, or
// apperror.NotFound outside the caller's scope.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*View, error) {
	row, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, row)
}

// list returns the filings within the caller's scope.
func (s *Service) list(ctx context.Context, p *auth.Principal, f store.FilingFilter) ([]Summary, int64, error) {
	rows, total, err := s.db.ListFilings(ctx, p.Scope(), f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].EnterpriseID
	}
	names, err := s.db.EnterpriseNames(ctx, ids) // one query for the page, not one per row
	if err != nil {
		return nil, 0, err
	}
	out := make([]Summary, len(rows))
	for i := range rows {
		out[i] = summaryOf(&rows[i])
		out[i].EnterpriseName = names[rows[i].EnterpriseID]
	}
	return out, total, nil
}

// statusName names each status in both languages, for messages.
var statusName = map[store.Status]msg.Message{
	store.StatusDraft: msgStatusDraft, store.StatusSubmitted: msgStatusSubmitted, store.StatusApproved: msgStatusApproved,
	store.StatusReturned: msgStatusReturned, store.StatusRejected: msgStatusRejected,
}

// stored renders m in Chinese for a text the database keeps (a
// notification, a problem's title or note): stored texts are in the park's
// language, and their kind or source code lets a client label them in
// another.
func stored(m msg.Message, args ...any) string { return m.In(msg.ZH, args...) }

// phoneAAD binds an encrypted contact phone to its purpose.
var phoneAAD = []byte("filing.contact_phone")

func (s *Service) setFields(row *store.Filing, f fields) error {
	row.PlannedResumeDate, row.StaffTotal, row.StaffOnsite = f.PlannedResumeDate, f.StaffTotal, f.StaffOnsite
	row.Masks, row.Thermometers, row.DisinfectantLiters, row.IsolationRoom = f.Masks, f.Thermometers, f.DisinfectantLiters, f.IsolationRoom
	row.PlanText, row.ContactName = f.PlanText, f.ContactName
	row.ContactPhoneEnc = nil
	if f.ContactPhone != "" {
		enc, err := s.keys.Encrypt([]byte(f.ContactPhone), phoneAAD)
		if err != nil {
			return fmt.Errorf("filing: encrypt phone: %w", err)
		}
		row.ContactPhoneEnc = enc
	}
	return nil
}

func (s *Service) fieldsOf(row *store.Filing) (fields, error) {
	f := fields{PlannedResumeDate: row.PlannedResumeDate, StaffTotal: row.StaffTotal, StaffOnsite: row.StaffOnsite,
		Masks: row.Masks, Thermometers: row.Thermometers, DisinfectantLiters: row.DisinfectantLiters,
		IsolationRoom: row.IsolationRoom, PlanText: row.PlanText, ContactName: row.ContactName}
	phone, err := s.phone(row)
	f.ContactPhone = phone
	return f, err
}

func (s *Service) phone(row *store.Filing) (string, error) {
	if len(row.ContactPhoneEnc) == 0 {
		return "", nil
	}
	b, err := s.keys.Decrypt(row.ContactPhoneEnc, phoneAAD)
	if err != nil {
		return "", fmt.Errorf("filing %d: decrypt phone: %w", row.ID, err)
	}
	return string(b), nil
}

// snapshotOf is the rules.Input frozen into a revision, with the contact
// phone masked: revisions are read by officials and backtests.
func snapshotOf(in rules.Input) (string, error) {
	in.Filing.Contact.Phone = pii.MaskPhone(in.Filing.Contact.Phone)
	b, err := json.Marshal(in)
	return string(b), err
}
