package httpapi_test

import (
	"context"
	"encoding/json"
	"time"

	"fugong/internal/auth"
	"fugong/internal/daily"
	"fugong/internal/store"
)

// dailyValues is a complete, valid set of answers of the default data set
// with staff on site.
func dailyValues(staff int) map[string]any {
	return map[string]any{"staff_onsite": staff, "returned_today": 0, "returned_outside_province": 0, "returned_hubei": 0,
		"quarantine_home": 0, "quarantine_central": 0, "fever": 0, "red_code": 0, "yellow_code": 0, "masks": 200,
		"disinfectant_liters": 5.5, "thermometers": 2, "disinfected": true, "canteen": "boxed_meals"}
}

// rawValues turns answers into the Input's raw JSON members.
func rawValues(tb interface{ Fatal(...any) }, v map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, x := range v {
		b, err := json.Marshal(x)
		if err != nil {
			tb.Fatal(err)
		}
		out[k] = b
	}
	return out
}

// approveForDaily marks ent approved on day (YYYY-MM-DD, park time) in
// its registry versions, so it must report from the day after.
func (a *api) approveForDaily(ent store.Enterprise, day string) {
	a.t.Helper()
	t, err := time.ParseInLocation(time.DateOnly, day, time.FixedZone("CST", 8*3600))
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.db.Gorm().Exec("UPDATE enterprise_versions SET approved_at = ? WHERE enterprise_id = ?", t.Add(12*time.Hour).UTC(), ent.ID).Error; err != nil {
		a.t.Fatal(err)
	}
}

// seedDailyReport files ent's report of day through the service, as its
// enterprise account would, after approving it well before.
func (a *api) seedDailyReport(ent store.Enterprise, day string) *daily.Report {
	a.t.Helper()
	a.approveForDaily(ent, "2020-02-01")
	id := ent.ID
	p := &auth.Principal{Username: "seed-" + ent.CreditCode, Role: store.RoleEnterprise, EnterpriseID: &id, Street: ent.Street}
	r, err := a.daily.Submit(context.Background(), p, day, daily.Input{Values: rawValues(a.t, dailyValues(5))})
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

// seedDailyFlag files ent's report of day with too few masks, so the
// daily_masks_low rule flags it, and returns the flag's id.
func (a *api) seedDailyFlag(ent store.Enterprise, day string) int64 {
	a.t.Helper()
	a.approveForDaily(ent, "2020-02-01")
	id := ent.ID
	p := &auth.Principal{Username: "seed-" + ent.CreditCode, Role: store.RoleEnterprise, EnterpriseID: &id, Street: ent.Street}
	v := dailyValues(5)
	v["masks"] = 1
	r, err := a.daily.Submit(context.Background(), p, day, daily.Input{Values: rawValues(a.t, v)})
	if err != nil {
		a.t.Fatal(err)
	}
	if len(r.Flags) == 0 {
		a.t.Fatalf("no flag on %+v", r)
	}
	return r.Flags[0].ID
}
