package report_test

import (
	"context"
	"encoding/json"
	"fugong/internal/auth"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// importCSV writes lines (a header and rows) to a CSV file and imports it
// dated on day.
func importCSV(t *testing.T, db *store.DB, a *areas.Areas, day string, lines ...string) store.UpsertResult {
	t.Helper()
	path := filepath.Join(t.TempDir(), "registry.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at, _ := time.ParseInLocation(time.DateOnly, day, sh)
	res, _, err := registry.New(db, a).ImportOn(context.Background(), auth.CLI(), path, "registry.csv", at.Add(10*time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// snapshot is every sector and street figure on every day from 2020-01-01
// to 2020-03-31, as JSON per day.
func snapshot(t *testing.T, svc *report.Service) map[string]string {
	t.Helper()
	ctx := context.Background()
	admin := store.Scope{Role: store.RoleAdmin}
	out := map[string]string{}
	for d := time.Date(2020, 1, 1, 0, 0, 0, 0, sh); d.Month() <= 3; d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		s, err := svc.Sectors(ctx, admin, report.Params{AsOf: day})
		if err != nil {
			t.Fatal(err)
		}
		st, err := svc.Streets(ctx, admin, report.Params{AsOf: day, Sector: "industrial_above_scale"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal([]any{s, st})
		out[day] = string(b)
	}
	return out
}

// TestDatedImports: an import dated today leaves every past day's figures
// unchanged, and an import stating an earlier closing date changes exactly
// the days after it, on SQLite and MariaDB.
func TestDatedImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := areas.Default()
		svc := report.New(db, nil, a, nil).WithoutCache()
		c := func(n int) string { return registry.MakeCreditCode(500 + n) }
		head := "统一社会信用代码,企业名称,行业,规上,街道,成立/注册日期,注销/迁出日期"
		if res := importCSV(t, db, a, "2020-01-20", head,
			c(1)+",甲,工业,是,guixi,2020-01-01,",
			c(2)+",乙,工业,是,guixi,2020/1/5,",
			c(3)+",丙,工业,否,hezuo,,",
			c(4)+",丁,服务业,否,hezuo,2020年1月3日,",
		); res.Created != 4 {
			t.Fatalf("first import: %+v", res)
		}
		// Approvals on 2020-02-05 for 甲 and 丙.
		for _, n := range []int{1, 3} {
			e, err := db.EnterpriseByCode(ctx, c(n))
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2020, 2, 5, 3, 0, 0, 0, time.UTC)
			f := &store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: store.StatusApproved, Version: 1, CreatedBy: 1,
				SubmittedAt: &at, ApprovedAt: &at, DecidedAt: &at}
			if err := db.CreateFiling(ctx, f); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkTimeline(ctx, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, svc)
		if !strings.Contains(before["2020-01-02"], `"key":"industrial_above_scale","name":"规上工业企业","total":1,`) {
			t.Fatalf("甲 entered on 2020-01-01, 乙 on 2020-01-05: %s", before["2020-01-02"])
		}

		// "Today" is 2020-03-01: three new enterprises, 乙 moves to hezuo, 丙
		// becomes above scale. Nothing before today changes; today does.
		if res := importCSV(t, db, a, "2020-03-01", head,
			c(1)+",甲,工业,是,guixi,,",
			c(2)+",乙,工业,是,hezuo,,",
			c(3)+",丙,工业,是,hezuo,,",
			c(4)+",丁,服务业,否,hezuo,,",
			c(5)+",戊,工业,是,guixi,,",
			c(6)+",己,工业,是,guixi,,",
			c(7)+",庚,服务业,否,guixi,,",
		); res.Created != 3 || res.Updated != 2 || res.Unchanged != 2 {
			t.Fatalf("today's import: %+v", res)
		}
		after := snapshot(t, svc)
		for day, want := range before {
			if day < "2020-03-01" && after[day] != want {
				t.Fatalf("%s changed after an import dated 2020-03-01:\n was %s\n now %s", day, want, after[day])
			}
			if day >= "2020-03-01" && after[day] == want {
				t.Fatalf("%s did not change after an import dated 2020-03-01", day)
			}
		}
		v, _ := db.EnterpriseByCode(ctx, c(2))
		if vs, err := db.EnterpriseVersions(ctx, v.ID); err != nil || len(vs) != 2 || vs[0].Street != "guixi" || vs[0].ValidTo != "2020-03-01" || vs[1].Street != "hezuo" {
			t.Fatalf("乙's versions: %+v %v", vs, err)
		}

		// A later import states that 丙 closed on 2020-02-10: the days up to
		// it stay, every day after it changes (丙 left: one approval and one
		// enterprise fewer).
		before = after
		if res := importCSV(t, db, a, "2020-03-20", head, c(3)+",丙,工业,是,hezuo,,2020-02-10"); res.Updated != 1 {
			t.Fatalf("closing import: %+v", res)
		}
		after = snapshot(t, svc)
		for day, want := range before {
			if day <= "2020-02-10" && after[day] != want {
				t.Fatalf("%s changed by a closing on 2020-02-10:\n was %s\n now %s", day, want, after[day])
			}
			if day > "2020-02-10" && after[day] == want {
				t.Fatalf("%s did not change after a closing on 2020-02-10", day)
			}
		}
		s, err := svc.Sectors(ctx, store.Scope{Role: store.RoleAdmin}, report.Params{AsOf: "2020-02-11"})
		if err != nil {
			t.Fatal(err)
		}
		if r := s.Sectors[0]; r.Total != 2 || r.Approved != 1 || *r.Rate != 50 {
			t.Fatalf("industrial on 2020-02-11 without 丙: %s", show(r))
		}

		// A closing date before the entry date, or a date that does not
		// parse, is refused with the row and column.
		path := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(path, []byte(head+"\n"+c(8)+",辛,工业,否,guixi,2020-02-01,2020-01-01\n"+c(9)+",壬,工业,否,guixi,去年,\n"), 0o600)
		_, _, err = registry.New(db, a).ImportOn(ctx, auth.CLI(), path, "registry.csv", time.Now(), false)
		if ae := asApp(err); ae == nil || len(ae) != 2 || ae[0] != "注销/迁出日期@2" || ae[1] != "成立/注册日期@3" {
			t.Fatalf("bad dates: %v (%v)", err, ae)
		}
	})
}

// asApp lists an apperror's details as "column@row".
func asApp(err error) []string {
	ae := apperror.As(err)
	if ae == nil || ae.Code != apperror.Invalid {
		return nil
	}
	var out []string
	for _, d := range ae.Details {
		out = append(out, d.Column+"@"+strconv.Itoa(d.Row))
	}
	return out
}
