package report

import (
	"strings"
	"testing"
)

func TestEmbeddedEqualsConfig(t *testing.T) {
	t.Parallel()
	c, err := Load("../../configs/reports.yaml")
	if err != nil {
		t.Fatal(err)
	}
	depts := map[string]int{}
	for _, v := range c.Views {
		depts[v.Department]++
	}
	for _, d := range []string{"jingji", "shichang", "shehui", "caijin", "gongyuan"} {
		if depts[d] == 0 {
			t.Errorf("department %s has no view", d)
		}
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	t.Parallel()
	base := "dashboard: {on_time_deadline: \"2020-02-28\"}\ndepartments:\n  - {key: jingji, name: 经济运行局}\nviews:\n  - id: v1\n    department: jingji\n    title: T\n"
	tests := []struct{ name, yaml, want string }{
		{"unknown column", base + "    columns:\n      - {field: enterprise.name, title: A}\n      - {field: filing.contact_phone, title: B}\n", `r.yaml:10: view "v1" column 2: unknown column field "filing.contact_phone"`},
		{"bad yaml", base + "    columns: [\n", "r.yaml:"},
		{"unknown key", base + "    colums: []\n", "r.yaml:8:"},
		{"unknown department", strings.Replace(base, "department: jingji", "department: nobody", 1) + "    columns: [{field: enterprise.name, title: A}]\n", `r.yaml:5: view "v1": unknown department "nobody"`},
		{"agg without group", base + "    columns:\n      - {agg: count, title: N}\n", `r.yaml:9: view "v1" column 1: agg "count" needs group_by`},
		{"sum of text", base + "    group_by: street\n    columns:\n      - {agg: sum, field: enterprise.name, title: N}\n", `r.yaml:10:`},
		{"bad group", base + "    group_by: planet\n    columns: [{field: group, title: A}]\n", `unknown group_by "planet"`},
		{"bad deadline", strings.Replace(base, "2020-02-28", "2020-02-30", 1) + "    columns: [{field: enterprise.name, title: A}]\n", "r.yaml:1: dashboard.on_time_deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("r.yaml", []byte(base+"    columns: [{field: enterprise.name, title: A}]\n")); err != nil {
		t.Fatalf("valid config: %v", err)
	}
}

func TestPercentRoundsHalfUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		num, den int64
		want     float64
	}{
		{303, 354, 85.59}, {737, 1234, 59.72}, {16948, 37687, 44.97}, {258, 417, 61.87}, {53, 73, 72.60},
		{252, 267, 94.38}, {27, 35, 77.14}, {1, 8, 12.5}, {1, 80000, 0}, {1, 20000, 0.01}, {0, 5, 0}, {5, 0, 0}, {7, 7, 100},
	}
	for _, tt := range tests {
		if got := Percent(tt.num, tt.den); got != tt.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tt.num, tt.den, got, tt.want)
		}
	}
}

func TestNeutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=1+1": "'=1+1", "+86": "'+86", "-2": "'-2", "@SUM": "'@SUM", "\tx": "'\tx", "桂溪": "桂溪", "": ""} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}
