package daily_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/daily"
	"fugong/internal/parktime"
	"fugong/internal/pii"
	"fugong/internal/registry"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func at(day, hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, parktime.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a service over a real database with one enterprise in guixi,
// approved on 2020-02-10 (so it reports from 2020-02-11), and one in hezuo
// never approved.
type fixture struct {
	db       *store.DB
	keys     *pii.Keyring
	svc      *daily.Service
	clock    *clock
	ent      store.Enterprise
	other    store.Enterprise
	owner    *auth.Principal
	street   *auth.Principal
	stranger *auth.Principal
}

func mustFixture(t *testing.T, db *store.DB, def *daily.Definition) *fixture {
	t.Helper()
	f := mustFixtureTB(t, db)
	f.svc = daily.New(daily.Deps{DB: db, Keys: f.keys, Definition: def, Now: f.clock.Now})
	return f
}

func mustFixtureTB(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	rows := []store.Enterprise{
		{CreditCode: registry.MakeCreditCode(11), Name: "桂溪日报公司", Sector: "industrial", Zone: "south", Street: "guixi", Supervised: true},
		{CreditCode: registry.MakeCreditCode(12), Name: "合作日报公司", Sector: "service", Zone: "west", Street: "hezuo", Supervised: true},
	}
	if _, err := db.UpsertEnterprises(ctx, rows, false); err != nil {
		t.Fatal(err)
	}
	ent, err := db.EnterpriseByCode(ctx, rows[0].CreditCode)
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.EnterpriseByCode(ctx, rows[1].CreditCode)
	if err != nil {
		t.Fatal(err)
	}
	approved := at("2020-02-10", "15:00").UTC()
	if err := db.Gorm().Exec("UPDATE enterprise_versions SET approved_at = ? WHERE enterprise_id = ?", approved, ent.ID).Error; err != nil {
		t.Fatal(err)
	}
	keys, err := pii.ParseKeyring(pii.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: at("2020-02-12", "09:00")}
	id, oid := ent.ID, other.ID
	return &fixture{db: db, clock: clk, ent: *ent, other: *other, keys: keys,
		svc:      daily.New(daily.Deps{DB: db, Keys: keys, Now: clk.Now}),
		owner:    &auth.Principal{UserID: 1, Username: "ent-guixi", Role: store.RoleEnterprise, EnterpriseID: &id, Street: "guixi"},
		street:   &auth.Principal{UserID: 2, Username: "street-guixi", Role: store.RoleStreetOfficial, Street: "guixi"},
		stranger: &auth.Principal{UserID: 3, Username: "ent-hezuo", Role: store.RoleEnterprise, EnterpriseID: &oid, Street: "hezuo"},
	}
}

// values is a complete valid report with staff on site and fever.
func values(staff, fever int, extra map[string]any) daily.Input {
	v := map[string]any{"staff_onsite": staff, "returned_today": 1, "returned_outside_province": 1, "returned_hubei": 0,
		"quarantine_home": 1, "quarantine_central": 0, "fever": fever, "red_code": 0, "yellow_code": 0, "masks": 300,
		"disinfectant_liters": 12.345, "thermometers": 3, "disinfected": true, "canteen": "staggered"}
	for k, x := range extra {
		v[k] = x
	}
	raw := map[string]json.RawMessage{}
	for k, x := range v {
		b, _ := json.Marshal(x)
		raw[k] = b
	}
	return daily.Input{Values: raw}
}

func codeOf(err error) apperror.Code { return apperror.CodeOf(err) }

func fields(err error) []string {
	var out []string
	if ae := apperror.As(err); ae != nil {
		for _, d := range ae.Details {
			out = append(out, d.Field)
		}
	}
	return out
}

func TestSubmitLateCorrectAndRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustFixture(t, db, nil)

		// On time: today before 10:00.
		r, err := f.svc.Submit(ctx, f.owner, "2020-02-12", values(20, 0, map[string]any{"remarks": "张三 今日在家办公"}))
		if err != nil {
			t.Fatal(err)
		}
		if !r.OnTime || r.Late || r.Version != 1 || r.Values["staff_onsite"] != int64(20) || r.Values["disinfectant_liters"] != 12.35 {
			t.Fatalf("first report: %+v", r)
		}
		if r.Values["remarks"] != "张三 今日在家办公" || len(r.Masked) != 0 {
			t.Errorf("the owner sees its remarks: %+v", r)
		}
		// A second filing of the day is a conflict; Put corrects instead.
		if _, err := f.svc.Submit(ctx, f.owner, "2020-02-12", values(20, 0, nil)); codeOf(err) != apperror.Conflict {
			t.Errorf("second submit: %v, want conflict", err)
		}

		// A missed day filed later is late.
		f.clock.Set(at("2020-02-12", "11:30"))
		late, created, err := f.svc.Put(ctx, f.owner, "2020-02-11", values(18, 0, nil))
		if err != nil || !created {
			t.Fatalf("late put: %v created=%v", err, created)
		}
		if late.OnTime || !late.Late {
			t.Errorf("a report of yesterday filed today is late: %+v", late)
		}

		// Correct today's after the deadline: a new version; on-time stays.
		c, created, err := f.svc.Put(ctx, f.owner, "2020-02-12", daily.Input{Values: values(25, 2, map[string]any{"fever_handling": "fever_clinic"}).Values, Note: "补报发热"})
		if err != nil || created {
			t.Fatalf("correct: %v created=%v", err, created)
		}
		if c.Version != 2 || !c.OnTime || c.Values["fever"] != int64(2) || c.Values["remarks"] != nil {
			t.Errorf("corrected: %+v", c)
		}
		// The same values again change nothing.
		again, _, err := f.svc.Put(ctx, f.owner, "2020-02-12", daily.Input{Values: values(25, 2, map[string]any{"fever_handling": "fever_clinic"}).Values})
		if err != nil || again.Version != 2 {
			t.Errorf("identical put: version %v, %v", again, err)
		}
		// A stale base version is refused.
		one := 1
		if _, err := f.svc.Correct(ctx, f.owner, "2020-02-12", daily.Input{Values: values(1, 0, nil).Values, BaseVersion: &one}); codeOf(err) != apperror.Conflict {
			t.Errorf("stale base: %v", err)
		}

		vs, err := f.svc.Versions(ctx, f.street, f.ent.ID, "2020-02-12")
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Late || !vs[1].Late || vs[1].Note != "补报发热" || vs[0].Values["staff_onsite"] != int64(20) {
			t.Errorf("versions: %+v", vs)
		}
		if vs[0].Values["remarks"] != nil || len(vs[0].Masked) != 1 || vs[0].Masked[0] != "remarks" {
			t.Errorf("the street must not see remarks: %+v", vs[0])
		}

		// The value columns hold what the aggregations sum.
		row, err := db.DailyReportOf(ctx, store.ScopeAll, f.ent.ID, "2020-02-12")
		if err != nil {
			t.Fatal(err)
		}
		if row.StaffOnsite == nil || *row.StaffOnsite != 25 || row.Fever == nil || *row.Fever != 2 || row.FeverHandling == nil ||
			*row.FeverHandling != "fever_clinic" || row.DisinfectantLiters == nil || *row.DisinfectantLiters != 12.35 ||
			row.Street != "guixi" || row.Sector != "industrial" || !row.OnTime {
			t.Errorf("columns: %+v", row)
		}
		if len(row.PersonalEnc) != 0 {
			t.Errorf("the corrected version has no remarks, so nothing sealed")
		}
		first, err := db.DailyReportVersions(ctx, row.ID)
		if err != nil || len(first) != 2 || len(first[0].PersonalEnc) == 0 || strings.Contains(first[0].ValuesJSON, "张三") {
			t.Errorf("remarks are sealed, not in the JSON: %+v %v", first, err)
		}

		// Reads within scope only.
		if _, err := f.svc.Get(ctx, f.stranger, f.ent.ID, "2020-02-12"); codeOf(err) != apperror.NotFound {
			t.Errorf("another enterprise reads: %v", err)
		}
		list, err := f.svc.List(ctx, f.street, f.ent.ID, "2020-02-01", "2020-02-12")
		if err != nil || len(list) != 2 || list[0].Date != "2020-02-12" || list[1].Late != true {
			t.Errorf("list: %+v %v", list, err)
		}

		// Prefill copies what carries over.
		f.clock.Set(at("2020-02-13", "08:00"))
		pre, err := f.svc.Prefill(ctx, f.owner, "2020-02-13")
		if err != nil {
			t.Fatal(err)
		}
		if pre.FromDate != "2020-02-12" || pre.Values["masks"] != int64(300) || pre.Values["fever"] != nil || pre.Values["returned_today"] != nil {
			t.Errorf("prefill: %+v", pre)
		}

		// The audit log has both the filing and the correction.
		entries, _, err := db.ListAudit(ctx, store.AuditFilter{Page: store.NormalPage(1, 50)})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
		}
		if seen["daily_report_filed"] != 2 || seen["daily_report_corrected"] != 1 {
			t.Errorf("audit actions: %v", seen)
		}
	})
}

func TestSubmitRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustFixture(t, db, nil)
		cases := []struct {
			name   string
			p      *auth.Principal
			day    string
			in     daily.Input
			code   apperror.Code
			fields []string
		}{
			{"street official", f.street, "2020-02-12", values(1, 0, nil), apperror.Forbidden, nil},
			{"future day", f.owner, "2020-02-13", values(1, 0, nil), apperror.Invalid, []string{"date"}},
			{"bad date", f.owner, "2020-2-1", values(1, 0, nil), apperror.Invalid, []string{"date"}},
			{"before the late window", f.owner, "2020-01-01", values(1, 0, nil), apperror.Invalid, []string{"date"}},
			{"approval day itself", f.owner, "2020-02-10", values(1, 0, nil), apperror.Invalid, []string{"date"}},
			{"never approved", f.stranger, "2020-02-12", values(1, 0, nil), apperror.Invalid, []string{"date"}},
			{"fever without handling", f.owner, "2020-02-12", values(1, 3, nil), apperror.Invalid, []string{"values.fever_handling"}},
			{"bad values", f.owner, "2020-02-12", values(-1, 0, map[string]any{"disinfected": "yes", "canteen": "open", "bogus": 1, "masks": 1.5}),
				apperror.Invalid, []string{"values.bogus", "values.canteen", "values.disinfected", "values.masks", "values.staff_onsite"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.svc.Submit(ctx, c.p, c.day, c.in)
				if codeOf(err) != c.code {
					t.Fatalf("got %v, want %s", err, c.code)
				}
				got := fields(err)
				if len(got) != len(c.fields) {
					t.Fatalf("fields %v, want %v", got, c.fields)
				}
				for i := range got {
					if got[i] != c.fields[i] {
						t.Errorf("fields %v, want %v", got, c.fields)
					}
				}
			})
		}
		// Nothing was written by any of them.
		if _, err := db.DailyReportOf(ctx, store.ScopeAll, f.ent.ID, "2020-02-12"); codeOf(err) != apperror.NotFound {
			t.Errorf("a refused report was stored: %v", err)
		}
	})
}

func TestDefinitionVersionsKeepPastReports(t *testing.T) {
	def, err := daily.ParseDefinition("two.yaml", []byte(twoVersions))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustFixture(t, db, def)
		f.clock.Set(at("2020-02-13", "09:00"))
		only := func(kv ...any) daily.Input {
			raw := map[string]json.RawMessage{}
			for i := 0; i < len(kv); i += 2 {
				b, _ := json.Marshal(kv[i+1])
				raw[kv[i].(string)] = b
			}
			return daily.Input{Values: raw}
		}
		// 2020-02-12 is under version 1 (no gloves field).
		old, err := f.svc.Submit(ctx, f.owner, "2020-02-12", only("staff_onsite", 3))
		if err != nil || old.DefinitionVersion != 1 {
			t.Fatalf("version 1 report: %+v %v", old, err)
		}
		// 2020-02-13 needs gloves (version 2).
		if _, err := f.svc.Submit(ctx, f.owner, "2020-02-13", only("staff_onsite", 3)); codeOf(err) != apperror.Invalid {
			t.Errorf("version 2 requires gloves: %v", err)
		}
		if r, err := f.svc.Submit(ctx, f.owner, "2020-02-13", only("staff_onsite", 3, "gloves", 10)); err != nil || r.DefinitionVersion != 2 {
			t.Errorf("version 2 report: %+v %v", r, err)
		}
		// Correcting the old report still follows version 1.
		if r, err := f.svc.Correct(ctx, f.owner, "2020-02-12", only("staff_onsite", 4)); err != nil || r.DefinitionVersion != 1 || r.Version != 2 {
			t.Errorf("correcting a version 1 report: %+v %v", r, err)
		}
		// Prefill into version 2 copies staff but not a field version 1 lacks.
		pre, err := f.svc.Prefill(ctx, f.owner, "2020-02-13")
		if err != nil || pre.Values["staff_onsite"] != int64(4) || len(pre.Values) != 1 {
			t.Errorf("prefill across versions: %+v %v", pre, err)
		}
	})
}

const twoVersions = `
data_set: test_daily
title: {zh: 测试日报, en: Test daily}
deadline: "10:00"
late_window_days: 7
expected: {from_days_after_approval: 1}
definitions:
  - version: 1
    from: "2020-01-01"
    fields:
      - {key: staff_onsite, label: {zh: 在岗人数, en: Staff on site}, type: integer, required: true, column: staff_onsite}
  - version: 2
    from: "2020-02-13"
    fields:
      - {key: staff_onsite, label: {zh: 在岗人数, en: Staff on site}, type: integer, required: true, column: staff_onsite}
      - {key: gloves, label: {zh: 手套, en: Gloves}, type: integer, required: true}
`
