// Package rules owns fugong's rule engine: rule files (rules/*.yaml) are
// loaded and compiled with expr-lang once, evaluated against a filing many
// times, swapped atomically on reload, and backtested before they go live.
//
// A set has a kind: filing rules (rules/*.yaml) are compiled against Env
// and judge filings; daily report rules (rules/daily/*.yaml, KindDaily)
// against DailyEnv and judge daily reports (daily_env.go). Both run through
// the same bounded evaluation, publication and backtest.
//
// The package never talks to the database or to HTTP: the filing and daily
// packages build an Input or DailyInput from their own models, and the
// caller persists what it wants (flags, every ruleset version) through the
// hooks offered here.
package rules

import "time"

// Input is everything a rule may read about one filing. The caller builds it
// from its own model; every zero value is safe to evaluate (a rule sees an
// absent roster as roster.present == false, an unset date as the zero time).
//
// Dates (Filing.PlannedResumeDate, Filing.ResumedDate) are civil dates: put
// them at midnight of that day in any location; days_between compares the
// year/month/day of each value in its own location. Now should carry the
// park's local zone (Asia/Shanghai) so "today" is the park's today.
type Input struct {
	Filing     Filing     `json:"filing" yaml:"filing"`
	Roster     Roster     `json:"roster" yaml:"roster"`
	Plan       Plan       `json:"plan" yaml:"plan"`
	Enterprise Enterprise `json:"enterprise" yaml:"enterprise"`
	Now        time.Time  `json:"now" yaml:"now"`
}

// Env is the environment a rule's expressions are type-checked against and
// run on. Its expr names are exactly those rule authors may use: filing,
// roster, plan, enterprise, params and now. Any other name, or a field used
// with the wrong type, fails at load time.
type Env struct {
	Filing     Filing         `expr:"filing"`
	Roster     Roster         `expr:"roster"`
	Plan       Plan           `expr:"plan"`
	Enterprise Enterprise     `expr:"enterprise"`
	Params     map[string]any `expr:"params"`
	Now        time.Time      `expr:"now"`
	// Budget bounds one evaluation (see bounds.go); the compiler passes it
	// to the bounded functions and rejects rules that name it.
	Budget *Budget `expr:"_budget"`
}

// Filing is the part of a filing rules read. Status is one of draft,
// submitted, approved, returned, rejected; Approved is true once a reviewer
// approved it, at ApprovedAt. ResumedDate is the declared date the enterprise
// actually resumed (zero when it has not said so).
type Filing struct {
	StaffTotal        int       `expr:"staff_total" json:"staff_total" yaml:"staff_total"`
	StaffOnsite       int       `expr:"staff_onsite" json:"staff_onsite" yaml:"staff_onsite"`
	PlannedResumeDate time.Time `expr:"planned_resume_date" json:"planned_resume_date" yaml:"planned_resume_date"`
	Supplies          Supplies  `expr:"supplies" json:"supplies" yaml:"supplies"`
	PlanText          string    `expr:"plan_text" json:"plan_text" yaml:"plan_text"`
	Contact           Contact   `expr:"contact" json:"contact" yaml:"contact"`
	Status            string    `expr:"status" json:"status" yaml:"status"`
	Approved          bool      `expr:"approved" json:"approved" yaml:"approved"`
	ApprovedAt        time.Time `expr:"approved_at" json:"approved_at" yaml:"approved_at"`
	ResumedDate       time.Time `expr:"resumed_date" json:"resumed_date" yaml:"resumed_date"`
}

// Supplies are the prevention supplies a filing declares.
type Supplies struct {
	Masks              int     `expr:"masks" json:"masks" yaml:"masks"`
	Thermometers       int     `expr:"thermometers" json:"thermometers" yaml:"thermometers"`
	DisinfectantLiters float64 `expr:"disinfectant_liters" json:"disinfectant_liters" yaml:"disinfectant_liters"`
	IsolationRoom      bool    `expr:"isolation_room" json:"isolation_room" yaml:"isolation_room"`
}

// Contact is the filing's contact person.
type Contact struct {
	Name  string `expr:"name" json:"name" yaml:"name"`
	Phone string `expr:"phone" json:"phone" yaml:"phone"`
}

// Roster is the summary of the filing's staff health roster (the roster
// package computes it); Present is false when no roster was uploaded, and
// then every count is zero.
type Roster struct {
	Present          bool `expr:"present" json:"present" yaml:"present"`
	Rows             int  `expr:"rows" json:"rows" yaml:"rows"`
	Fever            int  `expr:"fever" json:"fever" yaml:"fever"`
	HealthCodeRed    int  `expr:"health_code_red" json:"health_code_red" yaml:"health_code_red"`
	HealthCodeYellow int  `expr:"health_code_yellow" json:"health_code_yellow" yaml:"health_code_yellow"`
	Hubei14d         int  `expr:"hubei_14d" json:"hubei_14d" yaml:"hubei_14d"`
	InQuarantine     int  `expr:"in_quarantine" json:"in_quarantine" yaml:"in_quarantine"`
	// Unknown lists the health fields the roster file has no column for
	// (temperature, health_code, travel_14d): their counts above are not
	// zero but unknown.
	Unknown []string `expr:"unknown" json:"unknown" yaml:"unknown"`
}

// Plan describes the filing's resumption plan. Text is the plan text rules
// read (the uploaded plan's extracted text, or the typed plan_text);
// MaxSimilarity (0–1) is the highest similarity to another enterprise's plan,
// templates excluded. Evaluate fills Text and Present from Filing.PlanText
// when the caller left them empty.
type Plan struct {
	Present       bool    `expr:"present" json:"present" yaml:"present"`
	MaxSimilarity float64 `expr:"max_similarity" json:"max_similarity" yaml:"max_similarity"`
	Text          string  `expr:"text" json:"text" yaml:"text"`
}

// Enterprise is the registry entry of the filing enterprise. Sector is
// industrial, service or construction; Zone is south, west or east; Street
// is the street code (e.g. guixi).
type Enterprise struct {
	Sector     string `expr:"sector" json:"sector" yaml:"sector"`
	AboveScale bool   `expr:"above_scale" json:"above_scale" yaml:"above_scale"`
	RealEstate bool   `expr:"real_estate" json:"real_estate" yaml:"real_estate"`
	Zone       string `expr:"zone" json:"zone" yaml:"zone"`
	Street     string `expr:"street" json:"street" yaml:"street"`
}

// env returns the environment for in, with the plan filled from the typed
// plan text when the caller gave no separate plan.
func env(in Input) Env {
	p := in.Plan
	if p.Text == "" && in.Filing.PlanText != "" {
		p.Text = in.Filing.PlanText
	}
	if p.Text != "" {
		p.Present = true
	}
	return Env{Filing: in.Filing, Roster: in.Roster, Plan: p, Enterprise: in.Enterprise, Now: in.Now}
}
