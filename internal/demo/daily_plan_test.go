package demo

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"fugong/internal/daily"
	"fugong/internal/parktime"
	"fugong/internal/store"
)

// testReporters are n enterprises approved on 2026-11-01, one of them (id
// 1) also the demo account's.
func testReporters(n int) []reporter {
	approved := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	out := make([]reporter, n)
	for i := range out {
		out[i] = reporter{ent: store.Enterprise{ID: int64(i + 1), Street: "fangcaojie", Sector: "service", Zone: "south", CreditCode: "X"},
			approvedAt: &approved, staff: 20 + i%200, masks: 400, thermo: 2, disinfect: 10}
	}
	return out
}

// TestPlanDailyIsDeterministicAndRealistic: the same clock plans the same
// reports whatever the order of the enterprises; about 5% are missed and
// 8% late; nothing is filed after now; the demo account misses three days
// ago and has not filed today; a few fever cases and mask shortages
// appear; and every planned report passes the data set's checks.
func TestPlanDailyIsDeterministicAndRealistic(t *testing.T) {
	t.Parallel()
	def := daily.DefaultDefinition()
	now := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC) // 21:00 in the park: today's deadline has passed
	rs := testReporters(3000)
	plan := planDaily(def, rs, now, 1)
	reversed := make([]reporter, len(rs))
	for i := range rs {
		reversed[len(rs)-1-i] = rs[i]
	}
	again := planDaily(def, reversed, now, 1)
	if len(plan) != len(again) {
		t.Fatalf("plan depends on order: %d vs %d reports", len(plan), len(again))
	}
	key := func(p []plannedReport) map[string][]plannedVersion {
		m := map[string][]plannedVersion{}
		for _, x := range p {
			m[fmt.Sprint(x.ent.ID, x.day)] = x.versions
		}
		return m
	}
	if !reflect.DeepEqual(key(plan), key(again)) {
		t.Fatal("the same clock planned different reports")
	}

	expected := len(rs) * DailyDays
	late, fever, short, corrected := 0, 0, 0, 0
	demoDays := map[string]bool{}
	ver := def.VersionOn("2026-11-30")
	for _, p := range plan {
		first := p.versions[0]
		for _, v := range p.versions {
			if v.at.After(now) {
				t.Fatalf("%s: a version filed after now (%v)", p.day, v.at)
			}
			raw, err := rawValues(v.values)
			if err != nil {
				t.Fatal(err)
			}
			if _, ds := daily.ParseValues(ver, raw); len(ds) > 0 {
				t.Fatalf("%s: planned values fail the checks: %+v", p.day, ds)
			}
		}
		if first.at.After(def.DeadlineOf(parseDay(p.day))) {
			late++
		}
		if len(p.versions) > 1 {
			corrected++
		}
		if p.versions[0].values["fever"].(int) > 0 {
			fever++
			if !p.featured {
				t.Errorf("fever case of %d on %s is not filed through the service's own path", p.ent.ID, p.day)
			}
		}
		if v := p.versions[0].values; v["masks"].(int) < v["staff_onsite"].(int)*2*3 {
			short++
		}
		if p.ent.ID == 1 {
			demoDays[p.day] = true
		}
	}
	missing := expected - len(plan)
	rate := func(n int) float64 { return float64(n) / float64(expected) * 100 }
	// Today's reports are all filed by 21:00, so every day counts in full.
	t.Logf("%d expected: %.2f%% missing, %.2f%% late, %d fever, %d short of masks, %d corrected", expected, rate(missing), rate(late), fever, short, corrected)
	if r := rate(missing); r < 3 || r > 9 {
		t.Errorf("missing %.1f%%, want about 5%%", r)
	}
	if r := rate(late); r < 4 || r > 12 {
		t.Errorf("late %.1f%%, want about 8%%", r)
	}
	if fever < 1 || fever > 10 || short < 10 || corrected < 100 {
		t.Errorf("fever %d, masks short %d, corrected %d: want a few, some, about one in a hundred", fever, short, corrected)
	}
	today := parktime.In(now).Format(time.DateOnly)
	for d := 0; d < DailyDays; d++ {
		day := parktime.In(now).AddDate(0, 0, d-DailyDays+1).Format(time.DateOnly)
		want := d != DailyDays-4 && day != today
		if demoDays[day] != want {
			t.Errorf("demo account on %s: reported %v, want %v", day, demoDays[day], want)
		}
	}

	// At 09:00 today only reports filed by then exist: today is partly filed.
	morning := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	todays := 0
	for _, p := range planDaily(def, rs, morning, 1) {
		if p.day == today {
			todays++
		}
	}
	if todays == 0 || todays >= len(rs)*9/10 {
		t.Errorf("at 09:00, %d of %d reports of today are filed: want some, not most", todays, len(rs))
	}
}
