package rules

import "time"

// DailyInput is everything a daily report rule (rules/daily/*.yaml) may
// read about one report: the report, the enterprise's previous report, its
// last seven days, what its approved filing declared, the enterprise and
// the time. The daily package builds it; every zero value is safe (no
// previous report is previous.present == false).
type DailyInput struct {
	Report     DailyReport  `json:"report" yaml:"report"`
	Previous   DailyReport  `json:"previous" yaml:"previous"`
	History    DailyHistory `json:"history" yaml:"history"`
	Filing     DailyFiling  `json:"filing" yaml:"filing"`
	Enterprise Enterprise   `json:"enterprise" yaml:"enterprise"`
	Now        time.Time    `json:"now" yaml:"now"`
}

// DailyEnv is the typed environment daily rules are compiled against and
// run on: report, previous, history, filing, enterprise, params, now. Any
// other name, or a field used with the wrong type, fails at load time.
type DailyEnv struct {
	Report     DailyReport    `expr:"report"`
	Previous   DailyReport    `expr:"previous"`
	History    DailyHistory   `expr:"history"`
	Filing     DailyFiling    `expr:"filing"`
	Enterprise Enterprise     `expr:"enterprise"`
	Params     map[string]any `expr:"params"`
	Now        time.Time      `expr:"now"`
	Budget     *Budget        `expr:"_budget"`
}

// DailyReport is one daily report as rules read it: the default data set's
// fields by key (configs/daily.yaml), unanswered ones zero. Numbers holds
// the numeric answers of fields without a typed name here (a field added
// to the data set later: report.numbers["gloves"]). Zero values are left
// out of its JSON: the input is kept with every report version for
// backtests, and most counts are zero.
type DailyReport struct {
	Present                 bool               `expr:"present" json:"present,omitempty" yaml:"present"`
	Date                    time.Time          `expr:"date" json:"date,omitempty" yaml:"date"`
	Late                    bool               `expr:"late" json:"late,omitempty" yaml:"late"`
	StaffOnsite             int                `expr:"staff_onsite" json:"staff_onsite,omitempty" yaml:"staff_onsite"`
	ReturnedToday           int                `expr:"returned_today" json:"returned_today,omitempty" yaml:"returned_today"`
	ReturnedOutsideProvince int                `expr:"returned_outside_province" json:"returned_outside_province,omitempty" yaml:"returned_outside_province"`
	ReturnedHubei           int                `expr:"returned_hubei" json:"returned_hubei,omitempty" yaml:"returned_hubei"`
	QuarantineHome          int                `expr:"quarantine_home" json:"quarantine_home,omitempty" yaml:"quarantine_home"`
	QuarantineCentral       int                `expr:"quarantine_central" json:"quarantine_central,omitempty" yaml:"quarantine_central"`
	Fever                   int                `expr:"fever" json:"fever,omitempty" yaml:"fever"`
	FeverHandling           string             `expr:"fever_handling" json:"fever_handling,omitempty" yaml:"fever_handling"`
	RedCode                 int                `expr:"red_code" json:"red_code,omitempty" yaml:"red_code"`
	YellowCode              int                `expr:"yellow_code" json:"yellow_code,omitempty" yaml:"yellow_code"`
	Masks                   int                `expr:"masks" json:"masks,omitempty" yaml:"masks"`
	DisinfectantLiters      float64            `expr:"disinfectant_liters" json:"disinfectant_liters,omitempty" yaml:"disinfectant_liters"`
	Thermometers            int                `expr:"thermometers" json:"thermometers,omitempty" yaml:"thermometers"`
	Disinfected             bool               `expr:"disinfected" json:"disinfected,omitempty" yaml:"disinfected"`
	Canteen                 string             `expr:"canteen" json:"canteen,omitempty" yaml:"canteen"`
	Numbers                 map[string]float64 `expr:"numbers" json:"numbers,omitempty" yaml:"numbers"`
}

// DailyTotals are sums or maxima of the numeric fields over days.
type DailyTotals struct {
	StaffOnsite             int     `expr:"staff_onsite" json:"staff_onsite,omitempty" yaml:"staff_onsite"`
	ReturnedToday           int     `expr:"returned_today" json:"returned_today,omitempty" yaml:"returned_today"`
	ReturnedOutsideProvince int     `expr:"returned_outside_province" json:"returned_outside_province,omitempty" yaml:"returned_outside_province"`
	ReturnedHubei           int     `expr:"returned_hubei" json:"returned_hubei,omitempty" yaml:"returned_hubei"`
	QuarantineHome          int     `expr:"quarantine_home" json:"quarantine_home,omitempty" yaml:"quarantine_home"`
	QuarantineCentral       int     `expr:"quarantine_central" json:"quarantine_central,omitempty" yaml:"quarantine_central"`
	Fever                   int     `expr:"fever" json:"fever,omitempty" yaml:"fever"`
	RedCode                 int     `expr:"red_code" json:"red_code,omitempty" yaml:"red_code"`
	YellowCode              int     `expr:"yellow_code" json:"yellow_code,omitempty" yaml:"yellow_code"`
	Masks                   int     `expr:"masks" json:"masks,omitempty" yaml:"masks"`
	DisinfectantLiters      float64 `expr:"disinfectant_liters" json:"disinfectant_liters,omitempty" yaml:"disinfectant_liters"`
	Thermometers            int     `expr:"thermometers" json:"thermometers,omitempty" yaml:"thermometers"`
}

// DailyHistory is the enterprise's reports of the Days days before the
// report's day (the report itself excluded): how many days it reported,
// and the sums and maxima of the numeric fields over them.
type DailyHistory struct {
	Days         int         `expr:"days" json:"days,omitempty" yaml:"days"`
	DaysReported int         `expr:"days_reported" json:"days_reported,omitempty" yaml:"days_reported"`
	Sum          DailyTotals `expr:"sum" json:"sum,omitempty" yaml:"sum"`
	Max          DailyTotals `expr:"max" json:"max,omitempty" yaml:"max"`
}

// DailyFiling is what the enterprise's approved filing declared (its
// latest approved one); Approved is false when it has none.
type DailyFiling struct {
	Approved           bool    `expr:"approved" json:"approved,omitempty" yaml:"approved"`
	StaffTotal         int     `expr:"staff_total" json:"staff_total,omitempty" yaml:"staff_total"`
	StaffOnsite        int     `expr:"staff_onsite" json:"staff_onsite,omitempty" yaml:"staff_onsite"`
	Masks              int     `expr:"masks" json:"masks,omitempty" yaml:"masks"`
	Thermometers       int     `expr:"thermometers" json:"thermometers,omitempty" yaml:"thermometers"`
	DisinfectantLiters float64 `expr:"disinfectant_liters" json:"disinfectant_liters,omitempty" yaml:"disinfectant_liters"`
	IsolationRoom      bool    `expr:"isolation_room" json:"isolation_room,omitempty" yaml:"isolation_room"`
}

func dailyEnv(in DailyInput) DailyEnv {
	return DailyEnv{Report: in.Report, Previous: in.Previous, History: in.History, Filing: in.Filing,
		Enterprise: in.Enterprise, Now: in.Now}
}

// EvaluateDaily runs a daily rule set on in, with the bounds, slots and
// never-failing contract of Evaluate. A set of another kind raises nothing.
func EvaluateDaily(set *Set, in DailyInput) []Flag {
	if set == nil || set.Kind != KindDaily {
		return nil
	}
	e := dailyEnv(in)
	return evaluate(set, &e)
}

// EvaluateDaily runs the engine's active daily set on in.
func (e *Engine) EvaluateDaily(in DailyInput) []Flag { return EvaluateDaily(e.Current(), in) }
