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
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/config"
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
	blobs    blob.Store
	keys     *pii.Keyring
	rules    RuleEvaluator
	plans    PlanIndex
	uploads  config.Uploads
	blobCfg  config.Blob
	webhooks []config.Webhook
	now      func() time.Time
	log      *slog.Logger
	holder   string // this replica in lease and object-hold rows (objecthold.go)
}

// Deps are what a Service needs.
type Deps struct {
	DB     *store.DB
	Blobs  blob.Store
	Keys   *pii.Keyring
	Rules  RuleEvaluator
	Plans  PlanIndex // optional
	Config config.Config
	Now    func() time.Time
	Log    *slog.Logger
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d.DB, blobs: d.Blobs, keys: d.Keys, rules: d.Rules, plans: d.Plans,
		uploads: d.Config.Uploads, blobCfg: d.Config.Blob, webhooks: d.Config.Webhooks, now: d.Now, log: d.Log,
		holder: store.NewHolder()}
}

var errEnterpriseOnly = apperror.New(apperror.Forbidden, "只有企业本身可以填报备案 / only the enterprise itself may fill in its filing")

// openStatuses are the statuses of a filing still in progress.
var openStatuses = map[string]bool{store.StatusDraft: true, store.StatusSubmitted: true, store.StatusReturned: true}

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
	existing, _, err := s.db.ListFilings(ctx, scope, store.FilingFilter{Page: store.NormalPage(1, 50)})
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if openStatuses[e.Status] {
			return nil, apperror.New(apperror.Conflict, "已有进行中的备案（编号 %d），请继续填写 / a filing is already in progress (id %d)", e.ID, e.ID)
		}
	}
	row := &store.Filing{EnterpriseID: ent.ID, Street: ent.Street, Sector: ent.Sector, Status: store.StatusDraft, Version: 1, CreatedBy: p.UserID}
	if err := s.setFields(row, f); err != nil {
		return nil, err
	}
	if err := s.db.CreateFiling(ctx, row); err != nil {
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
		return nil, apperror.New(apperror.Conflict, "备案状态为「%s」，不能修改 / a %s filing cannot be edited", statusName[row.Status], row.Status)
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
	if err := s.db.UpdateFiling(ctx, row); err != nil {
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

// List returns the filings within the caller's scope.
func (s *Service) List(ctx context.Context, p *auth.Principal, f store.FilingFilter) ([]Summary, int64, error) {
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

var statusName = map[string]string{
	store.StatusDraft: "草稿", store.StatusSubmitted: "已提交", store.StatusApproved: "已通过",
	store.StatusReturned: "已退回", store.StatusRejected: "已驳回",
}

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
