package filing

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"fugong/internal/auth"
	"fugong/internal/pii"
	"fugong/internal/store"
)

// View is a filing as the API shows it (schema Filing).
type View struct {
	ID                int64            `json:"id"`
	EnterpriseID      int64            `json:"enterprise_id"`
	Street            string           `json:"street"`
	Sector            string           `json:"sector"`
	Status            Status           `json:"status"`
	Version           int              `json:"version"`
	Revision          int              `json:"revision"`
	PlannedResumeDate string           `json:"planned_resume_date"`
	StaffTotal        int              `json:"staff_total"`
	StaffOnsite       int              `json:"staff_onsite"`
	Supplies          SuppliesView     `json:"supplies"`
	PlanText          string           `json:"plan_text"`
	PlanFile          *PlanFileView    `json:"plan_file"`
	Contact           ContactView      `json:"contact"`
	SubmittedAt       *time.Time       `json:"submitted_at"`
	ApprovedAt        *time.Time       `json:"approved_at"`
	ResumedDate       string           `json:"resumed_date,omitempty"`
	Flags             []FlagView       `json:"flags"`
	RulesetVersion    string           `json:"ruleset_version,omitempty"`
	Attachments       []AttachmentView `json:"attachments"`
	Revisions         []RevisionView   `json:"revisions"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
}

// PlanFileView is the text read from the current plan file (TXT, DOCX,
// ODT or PDF): with the typed plan_text it is what the rules read
// (submit.go), so a reviewer sees what a plan flag points at.
type PlanFileView struct {
	AttachmentID int64  `json:"attachment_id"`
	Filename     string `json:"filename"`
	Text         string `json:"text"`
	// Unreadable is true when no text could be read (a scan): the rules
	// raise plan_text_unreadable and the reviewer reads the file itself.
	Unreadable bool `json:"unreadable"`
}

// SuppliesView is the supplies block.
type SuppliesView struct {
	Masks              int     `json:"masks"`
	Thermometers       int     `json:"thermometers"`
	DisinfectantLiters float64 `json:"disinfectant_liters"`
	IsolationRoom      bool    `json:"isolation_room"`
}

// ContactView is the contact block; the phone is masked unless the caller
// is the enterprise itself.
type ContactView struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// RevisionView is one frozen revision in the history.
type RevisionView struct {
	Number         int              `json:"number"`
	RulesetVersion string           `json:"ruleset_version"`
	CreatedAt      time.Time        `json:"created_at"`
	Flags          *json.RawMessage `json:"flags,omitempty"`
	RosterSummary  *json.RawMessage `json:"roster_summary,omitempty"`
}

// Summary is a filing in a list.
type Summary struct {
	ID                int64      `json:"id"`
	EnterpriseID      int64      `json:"enterprise_id"`
	EnterpriseName    string     `json:"enterprise_name"`
	Street            string     `json:"street"`
	Sector            string     `json:"sector"`
	Status            Status     `json:"status"`
	Revision          int        `json:"revision"`
	PlannedResumeDate string     `json:"planned_resume_date"`
	StaffTotal        int        `json:"staff_total"`
	SubmittedAt       *time.Time `json:"submitted_at"`
	ApprovedAt        *time.Time `json:"approved_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

func summaryOf(f *store.Filing) Summary {
	return Summary{ID: f.ID, EnterpriseID: f.EnterpriseID, Street: f.Street, Sector: f.Sector, Status: f.Status,
		Revision: f.Revision, PlannedResumeDate: f.PlannedResumeDate, StaffTotal: f.StaffTotal,
		SubmittedAt: f.SubmittedAt, ApprovedAt: f.ApprovedAt, UpdatedAt: f.UpdatedAt}
}

func rawJSON(s string) *json.RawMessage {
	if s == "" {
		return nil
	}
	m := json.RawMessage(s)
	return &m
}

// freshView is the view of a filing just created by its own enterprise.
func (s *Service) freshView(f *store.Filing, phone string) *View {
	return &View{ID: f.ID, EnterpriseID: f.EnterpriseID, Street: f.Street, Sector: f.Sector, Status: f.Status,
		Version: f.Version, Revision: f.Revision, PlannedResumeDate: f.PlannedResumeDate,
		StaffTotal: f.StaffTotal, StaffOnsite: f.StaffOnsite,
		Supplies: SuppliesView{Masks: f.Masks, Thermometers: f.Thermometers, DisinfectantLiters: f.DisinfectantLiters, IsolationRoom: f.IsolationRoom},
		PlanText: f.PlanText, Contact: ContactView{Name: f.ContactName, Phone: phone},
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, Flags: []FlagView{}, Attachments: []AttachmentView{}, Revisions: []RevisionView{}}
}

func (s *Service) view(ctx context.Context, p *auth.Principal, f *store.Filing) (*View, error) {
	phone, err := s.phone(f)
	if err != nil {
		return nil, err
	}
	if !p.Scope().UnmasksPersonalData(f.EnterpriseID) {
		phone = pii.MaskPhone(phone)
	}
	v := &View{ID: f.ID, EnterpriseID: f.EnterpriseID, Street: f.Street, Sector: f.Sector, Status: f.Status,
		Version: f.Version, Revision: f.Revision, PlannedResumeDate: f.PlannedResumeDate,
		StaffTotal: f.StaffTotal, StaffOnsite: f.StaffOnsite,
		Supplies: SuppliesView{Masks: f.Masks, Thermometers: f.Thermometers, DisinfectantLiters: f.DisinfectantLiters, IsolationRoom: f.IsolationRoom},
		PlanText: f.PlanText, Contact: ContactView{Name: f.ContactName, Phone: phone},
		SubmittedAt: f.SubmittedAt, ApprovedAt: f.ApprovedAt, ResumedDate: f.ResumedDate,
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, Flags: []FlagView{}, Attachments: []AttachmentView{}, Revisions: []RevisionView{}}
	// The flags shown are the latest attempt's: a blocked attempt's (kept
	// under the next revision's number, submit.go) while the filing is being
	// fixed, else the current revision's.
	for _, n := range []int{f.Revision + 1, f.Revision} {
		if n == 0 || (n > f.Revision && f.Status != store.StatusDraft && f.Status != store.StatusReturned) {
			continue
		}
		flags, err := s.db.Flags(ctx, f.ID, n)
		if err != nil {
			return nil, err
		}
		if len(flags) == 0 {
			continue
		}
		v.Flags = flagsOf(flags)
		v.RulesetVersion = flags[0].RulesetVersion
		break
	}
	atts, err := s.db.Attachments(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		v.Attachments = append(v.Attachments, attachmentOf(&a))
		if f.PlanAttachmentID != nil && a.ID == *f.PlanAttachmentID {
			v.PlanFile = &PlanFileView{AttachmentID: a.ID, Filename: a.Filename, Text: a.ExtractedText, Unreadable: strings.TrimSpace(a.ExtractedText) == ""}
		}
	}
	revs, err := s.db.Revisions(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		v.Revisions = append(v.Revisions, RevisionView{Number: r.Number, RulesetVersion: r.RulesetVersion, CreatedAt: r.CreatedAt,
			Flags: rawJSON(r.Flags), RosterSummary: rawJSON(r.RosterSummary)})
		if r.Number == f.Revision && v.RulesetVersion == "" {
			v.RulesetVersion = r.RulesetVersion
		}
	}
	return v, nil
}
