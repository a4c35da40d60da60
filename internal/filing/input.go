package filing

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/roster"
)

// Input is the body of POST /api/v1/filings and PATCH /api/v1/filings/{id}.
// Pointer fields distinguish "not sent" (PATCH leaves it) from zero.
type Input struct {
	PlannedResumeDate *string       `json:"planned_resume_date"`
	StaffTotal        *int          `json:"staff_total"`
	StaffOnsite       *int          `json:"staff_onsite"`
	Supplies          *SuppliesIn   `json:"supplies"`
	PlanText          *string       `json:"plan_text"`
	Contact           *ContactInput `json:"contact"`
}

// SuppliesIn are the declared prevention supplies.
type SuppliesIn struct {
	Masks              *int     `json:"masks"`
	Thermometers       *int     `json:"thermometers"`
	DisinfectantLiters *float64 `json:"disinfectant_liters"`
	IsolationRoom      *bool    `json:"isolation_room"`
}

// ContactInput is the filing's contact person.
type ContactInput struct {
	Name  *string `json:"name"`
	Phone *string `json:"phone"`
}

// maxCount bounds every count and quantity of a filing: far above any
// real enterprise, low enough that rule arithmetic cannot overflow.
const maxCount = 10_000_000

// maxPlanText bounds the typed plan (about 30 pages of Chinese text).
const maxPlanText = 100_000

// fields is the editable state of a filing, after an Input is applied.
type fields struct {
	PlannedResumeDate  string
	StaffTotal         int
	StaffOnsite        int
	Masks              int
	Thermometers       int
	DisinfectantLiters float64
	IsolationRoom      bool
	PlanText           string
	ContactName        string
	ContactPhone       string
}

// apply copies the sent fields of in over f and returns every problem, one
// detail per field: the field limits of applyFields, then whether the
// fields agree with each other (a saved filing may not have more staff on
// site than in total).
func (in Input) apply(f *fields) []apperror.Detail {
	d := in.applyFields(f)
	if f.StaffOnsite > f.StaffTotal && !hasField(d, "staff_onsite") && !hasField(d, "staff_total") {
		d = append(d, apperror.FieldMsg("staff_onsite", msgOnsiteExceedsTotal, f.StaffOnsite, f.StaffTotal))
	}
	return d
}

// applyFields copies the sent fields of in over f and returns every field
// outside its limits, one detail per field. It is the one validator of a
// filing's fields: saving a filing and evaluating a draft against the rules
// (Draft.RuleInput) both use it.
func (in Input) applyFields(f *fields) []apperror.Detail {
	var d []apperror.Detail
	bad := func(field string, m msg.Message, args ...any) { d = append(d, apperror.FieldMsg(field, m, args...)) }
	count := func(field string, p *int, dst *int) {
		if p == nil {
			return
		}
		if *p < 0 || *p > maxCount {
			bad(field, msgMustWholeNumberFrom)
			return
		}
		*dst = *p
	}
	if in.PlannedResumeDate != nil {
		s := strings.TrimSpace(*in.PlannedResumeDate)
		if s == "" {
			f.PlannedResumeDate = ""
		} else if t, err := time.Parse(time.DateOnly, s); err != nil || t.Year() < 2000 || t.Year() > 2100 {
			bad("planned_resume_date", msgDateMustYyyyMmDd)
		} else {
			f.PlannedResumeDate = t.Format(time.DateOnly)
		}
	}
	count("staff_total", in.StaffTotal, &f.StaffTotal)
	count("staff_onsite", in.StaffOnsite, &f.StaffOnsite)
	if s := in.Supplies; s != nil {
		count("supplies.masks", s.Masks, &f.Masks)
		count("supplies.thermometers", s.Thermometers, &f.Thermometers)
		if s.DisinfectantLiters != nil {
			v := *s.DisinfectantLiters
			if math.IsNaN(v) || v < 0 || v > maxCount {
				bad("supplies.disinfectant_liters", msgMustNumberFrom)
			} else {
				f.DisinfectantLiters = math.Round(v*100) / 100
			}
		}
		if s.IsolationRoom != nil {
			f.IsolationRoom = *s.IsolationRoom
		}
	}
	if in.PlanText != nil {
		if utf8.RuneCountInString(*in.PlanText) > maxPlanText {
			bad("plan_text", msgPlanTextOverCharactersUpload, maxPlanText)
		} else if !utf8.ValidString(*in.PlanText) || strings.ContainsRune(*in.PlanText, 0) {
			bad("plan_text", msgContainsInvalidCharacters)
		} else {
			f.PlanText = *in.PlanText
		}
	}
	if c := in.Contact; c != nil {
		if c.Name != nil {
			n := strings.TrimSpace(*c.Name)
			if utf8.RuneCountInString(n) > 64 {
				bad("contact.name", msgNameTooLong)
			} else {
				f.ContactName = n
			}
		}
		if c.Phone != nil {
			p := strings.TrimSpace(*c.Phone)
			if p == "" {
				f.ContactPhone = ""
			} else if norm, ok := roster.NormalizePhone(p); !ok {
				bad("contact.phone", msgNotValidPhoneNumber)
			} else {
				f.ContactPhone = norm
			}
		}
	}
	return d
}

func hasField(d []apperror.Detail, field string) bool {
	for _, x := range d {
		if x.Field == field {
			return true
		}
	}
	return false
}

// complete lists what a filing still lacks before it can be submitted.
func (f fields) complete() []apperror.Detail {
	var d []apperror.Detail
	if f.PlannedResumeDate == "" {
		d = append(d, apperror.FieldMsg("planned_resume_date", msgPlannedResumptionDateRequired))
	}
	if f.StaffTotal <= 0 {
		d = append(d, apperror.FieldMsg("staff_total", msgStaffTotalRequired))
	}
	if f.ContactName == "" {
		d = append(d, apperror.FieldMsg("contact.name", msgContactNameRequired))
	}
	if f.ContactPhone == "" {
		d = append(d, apperror.FieldMsg("contact.phone", msgContactPhoneRequired))
	}
	return d
}

func invalid(d []apperror.Detail) error {
	return &apperror.Error{Code: apperror.Invalid, Text: msgFilingHasInvalidFields.With(), Details: d}
}
