package report

import (
	"strings"
	"testing"
)

// The shipped catalogue reproduces the article: 35 forms cut to 8 (11
// dropped, 13 merged, 3 replaced by views built from the daily reports),
// 77.14 %, with the article's five departments.
func TestShippedFormsReproduceTheArticle(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*Config{"embedded": Default(), "file": mustLoad(t, "../../configs/reports.yaml")} {
		rf := c.ReportForms()
		if rf.Before != 35 || rf.After != 8 || rf.Dropped != 11 || rf.Merged != 13 || rf.Shared != 3 || rf.CutRate != 77.14 {
			t.Errorf("%s: report forms %+v, want 35 → 8 (11 dropped, 13 merged, 3 shared, 77.14)", name, rf)
		}
		names := map[string]bool{}
		sum := 0
		for _, d := range rf.Departments {
			names[d.Name] = d.Before > 0
			sum += d.After
		}
		for _, n := range []string{"社会事业局", "财政金融局", "市场监管局", "公园城市局", "经济运行局"} {
			if !names[n] {
				t.Errorf("%s: department %s has no forms", name, n)
			}
		}
		if sum != rf.After {
			t.Errorf("%s: departments' forms after sum to %d, not %d", name, sum, rf.After)
		}
		for _, f := range c.FormCatalogue() {
			if f.Fate == FormShared && len(f.ReplacedBy) == 0 {
				t.Errorf("%s: shared form %s names no view", name, f.ID)
			}
		}
	}
}

func mustLoad(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The figure follows the configuration: replacing one more form by a view
// lowers the forms after by one; without a catalogue the legacy
// forms_before and number of views are used.
func TestReportFormsFollowConfiguration(t *testing.T) {
	t.Parallel()
	base := "dashboard: {on_time_deadline: \"2020-02-28\"}\ndepartments:\n  - {key: jingji, name: 经济运行局}\n" +
		"forms:\n  - {id: a, department: jingji, title: A}\n  - {id: b, department: jingji, title: B}\n  - {id: c, department: jingji, title: C, dropped: true}\n  - {id: d, department: jingji, title: D, merged_into: a}\n" +
		"views:\n  - id: v1\n    department: jingji\n    title: T\n    columns: [{field: enterprise.name, title: A}]\n"
	c, err := Parse("r.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if rf := c.ReportForms(); rf.Before != 4 || rf.After != 2 || rf.Shared != 0 || rf.CutRate != 50 {
		t.Errorf("no replaces: %+v", rf)
	}
	c, err = Parse("r.yaml", []byte(base+"    replaces: [a]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rf := c.ReportForms(); rf.After != 1 || rf.Shared != 1 || rf.CutRate != 75 {
		t.Errorf("v1 replaces a: %+v", rf)
	}
	legacy, err := Parse("r.yaml", []byte("dashboard: {on_time_deadline: \"2020-02-28\", forms_before: 35}\ndepartments:\n  - {key: jingji, name: 经济运行局}\nviews:\n  - id: v1\n    department: jingji\n    title: T\n    columns: [{field: enterprise.name, title: A}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rf := legacy.ReportForms(); rf.Before != 35 || rf.After != 1 {
		t.Errorf("legacy: %+v", rf)
	}
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown form", base + "    replaces: zz\n", `view "v1" replaces "zz", which is not in forms`},
		{"dropped form", base + "    replaces: c\n", `which was dropped`},
		{"merged form", base + "    replaces: d\n", `merged into "a": replace that one`},
		{"chain", strings.Replace(base, "merged_into: a", "merged_into: c", 1), `which is itself dropped or merged`},
		{"both", strings.Replace(base, "merged_into: a", "merged_into: a, dropped: true", 1), `either dropped or merged`},
		{"forms_before with forms", strings.Replace(base, `"2020-02-28"}`, `"2020-02-28", forms_before: 3}`, 1), `forms_before is computed from forms`},
		{"daily status", base + "  - id: v2\n    department: jingji\n    title: T\n    source: daily\n    filter: {status: [approved]}\n    columns: [{field: daily.state, title: S}]\n", `a daily view has no status filter`},
		{"daily field", base + "  - id: v2\n    department: jingji\n    title: T\n    source: daily\n    columns: [{field: filing.status, title: S}]\n", `unknown column field "filing.status"`},
		{"bad source", base + "  - id: v2\n    department: jingji\n    title: T\n    source: weekly\n    columns: [{field: daily.state, title: S}]\n", `unknown source "weekly"`},
	} {
		if _, err := Parse("r.yaml", []byte(tt.yaml)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// BindDaily checks daily views against the data set: unknown, personal and
// column-less fields are errors naming the file and line.
func TestBindDailyChecksFields(t *testing.T) {
	t.Parallel()
	fields := []DailyField{{Key: "masks", Kind: DailyNumber, Column: "masks"}, {Key: "remarks", Kind: DailyText, Personal: true},
		{Key: "note", Kind: DailyNumber}, {Key: "disinfected", Kind: DailyYesNo, Column: "disinfected"}}
	view := func(cols string) string {
		return "dashboard: {on_time_deadline: \"2020-02-28\"}\ndepartments:\n  - {key: jingji, name: 经济运行局}\nviews:\n  - id: v1\n    department: jingji\n    title: T\n    source: daily\n    group_by: street\n    columns:\n      - {field: group, title: G}\n" + cols
	}
	for _, tt := range []struct{ cols, want string }{
		{"      - {agg: sum, field: daily.masks, title: M}\n", ""},
		{"      - {agg: rate, field: daily.disinfected, title: M}\n", ""},
		{"      - {agg: sum, field: daily.nothing, title: M}\n", `r.yaml:12: view "v1" column 2: "daily.nothing" is not a field`},
		{"      - {agg: sum, field: daily.note, title: M}\n", `has no column`},
		{"      - {agg: sum, field: daily.disinfected, title: M}\n", `sum needs a number field`},
		{"      - {agg: count, field: daily.remarks, title: M}\n", `may name people`},
	} {
		c, err := Parse("r.yaml", []byte(view(tt.cols)))
		if err != nil {
			t.Fatalf("%q: %v", tt.cols, err)
		}
		err = c.BindDaily(fields)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%q: error %v, want %q", tt.cols, err, tt.want)
		}
	}
}
