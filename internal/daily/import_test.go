package daily_test

import (
	"context"
	"testing"
	"time"

	"fugong/internal/daily"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestImportWritesWhatSubmitWould: imported reports read back as filed
// ones do (values, on time from the first version's time, every version
// kept), the aggregate columns hold the values, and one bad item leaves
// nothing written.
func TestImportWritesWhatSubmitWould(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := mustFixture(t, db, nil)
		e := f.ent
		item := func(day string, versions ...daily.ImportVersion) daily.ImportItem {
			return daily.ImportItem{EnterpriseID: e.ID, Date: day, Street: e.Street, Sector: e.Sector, Zone: e.Zone, Versions: versions}
		}
		v := func(at time.Time, staff int, note string) daily.ImportVersion {
			return daily.ImportVersion{At: at, By: "ent-guixi", Values: values(staff, 0, nil).Values, Note: note}
		}
		bad := values(10, 2, nil).Values // fever without its handling
		err := f.svc.Import(ctx, "seed", []daily.ImportItem{
			item("2020-02-11", v(at("2020-02-11", "09:00"), 40, "")),
			item("2020-02-12", daily.ImportVersion{At: at("2020-02-12", "09:00"), Values: bad}),
		})
		if codeOf(err) != "invalid" || len(fields(err)) != 1 || fields(err)[0] != "items[1].versions[0].values.fever_handling" {
			t.Fatalf("bad item: %v %v", err, fields(err))
		}
		if _, err := f.svc.Get(ctx, f.owner, e.ID, "2020-02-11"); codeOf(err) != "not_found" {
			t.Fatalf("a rejected import wrote a report: %v", err)
		}

		err = f.svc.Import(ctx, "seed", []daily.ImportItem{
			item("2020-02-11", v(at("2020-02-11", "09:00"), 40, "")),
			item("2020-02-12", v(at("2020-02-12", "11:30"), 41, ""), v(at("2020-02-12", "12:00"), 39, "更正在岗人数")),
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Get(ctx, f.owner, e.ID, "2020-02-11")
		if err != nil || !r.OnTime || r.Version != 1 || r.Values.Num("staff_onsite") != 40 {
			t.Fatalf("on-time import: %+v %v", r, err)
		}
		r, err = f.svc.Get(ctx, f.owner, e.ID, "2020-02-12")
		if err != nil || r.OnTime || !r.Late || r.Version != 2 || r.Values.Num("staff_onsite") != 39 || r.Street != "guixi" {
			t.Fatalf("late corrected import: %+v %v", r, err)
		}
		vs, err := f.svc.Versions(ctx, f.street, e.ID, "2020-02-12")
		if err != nil || len(vs) != 2 || vs[0].Values.Num("staff_onsite") != 41 || vs[1].Note != "更正在岗人数" || !vs[0].Late {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		var sum int64
		if err := db.Gorm().Model(&store.DailyReport{}).Select("COALESCE(SUM(staff_onsite), 0)").Scan(&sum).Error; err != nil || sum != 79 {
			t.Fatalf("staff_onsite column sums to %d (%v), want 79", sum, err)
		}
		// The dashboards' tallies count the imported reports as filed ones.
		var tally struct{ Reported, OnTime int64 }
		if err := db.Gorm().Table("daily_tallies").Select("COALESCE(SUM(reported), 0) AS reported, COALESCE(SUM(on_time), 0) AS on_time").Scan(&tally).Error; err != nil || tally.Reported != 2 || tally.OnTime != 1 {
			t.Fatalf("tallies %+v (%v), want 2 reported, 1 on time", tally, err)
		}
		// Importing a day already filed is a conflict, and writes nothing.
		err = f.svc.Import(ctx, "seed", []daily.ImportItem{item("2020-02-13", v(at("2020-02-13", "09:00"), 1, "")), item("2020-02-11", v(at("2020-02-11", "09:30"), 1, ""))})
		if codeOf(err) != "conflict" {
			t.Fatalf("re-import: %v", err)
		}
		if _, err := f.svc.Get(ctx, f.owner, e.ID, "2020-02-13"); codeOf(err) != "not_found" {
			t.Fatalf("a failed import left a report behind: %v", err)
		}
	})
}
