package httpapi_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"fugong/internal/roster"
)

// rosterWith builds a 10-row roster whose last rows carry the given extra
// columns (health code, travel, return date, quarantine end).
func rosterWith(rows int, special ...[4]string) []byte {
	var b strings.Builder
	b.WriteString("姓名,身份证号,体温,健康码,近14日旅居史,返回日期,隔离结束日期\n")
	for i := 0; i < rows; i++ {
		code, travel, ret, qend := "绿码", "无", "", ""
		if j := i - (rows - len(special)); j >= 0 {
			code, travel, ret, qend = special[j][0], special[j][1], special[j][2], special[j][3]
		}
		fmt.Fprintf(&b, "员工%d,%s,36.6,%s,%s,%s,%s\n", i, roster.MakeIDNumber(i), code, travel, ret, qend)
	}
	return []byte(b.String())
}

// TestSubmitFlagsEachProblem: every problem of docs/design.md §1 and §3 is
// flagged by the API at submit, and a clean filing raises nothing.
func TestSubmitFlagsEachProblem(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	ent := a.login("ent-guixi")
	cases := []struct {
		name   string
		mutate func(map[string]any)
		roster []byte // nil: no roster uploaded
		want   []string
	}{
		{"clean filing", nil, rosterWith(10), nil},
		{"masks", func(b map[string]any) { b["supplies"].(map[string]any)["masks"] = 1 }, rosterWith(10), []string{"masks_insufficient"}},
		{"thermometers", func(b map[string]any) { b["supplies"].(map[string]any)["thermometers"] = 0 }, rosterWith(10), []string{"thermometers_insufficient"}},
		{"disinfectant", func(b map[string]any) { b["supplies"].(map[string]any)["disinfectant_liters"] = 0 }, rosterWith(10), []string{"disinfectant_insufficient"}},
		{"isolation room", func(b map[string]any) { b["supplies"].(map[string]any)["isolation_room"] = false }, rosterWith(10), []string{"isolation_room_missing"}},
		{"roster missing", nil, nil, []string{"roster_missing"}},
		{"roster rows differ from staff", nil, rosterWith(7), []string{"roster_rows_mismatch"}},
		{"fever", nil, rosterCSV(10, 2), []string{"roster_fever"}},
		{"red health code", nil, rosterWith(10, [4]string{"红码", "无", "", ""}), []string{"roster_health_code_red"}},
		{"yellow health code", nil, rosterWith(10, [4]string{"黄码", "无", "", ""}), []string{"roster_health_code_yellow"}},
		{"Hubei arrival in quarantine", nil, rosterWith(10, [4]string{"绿码", "湖北武汉", "2020-02-25", "2020-03-10"}), []string{"roster_hubei_in_quarantine"}},
		{"Hubei arrival not quarantined", nil, rosterWith(10, [4]string{"绿码", "孝感", "2020-02-25", ""}), []string{"roster_hubei_unquarantined"}},
		{"resumption date passed before approval", func(b map[string]any) { b["planned_resume_date"] = "2020-02-15" }, rosterWith(10), []string{"resume_date_passed_unapproved"}},
		{"plan missing its sections", func(b map[string]any) { b["plan_text"] = "我们会注意防疫工作，请领导放心。" }, rosterWith(10),
			[]string{"plan_lacks_disinfection", "plan_lacks_emergency", "plan_lacks_organization", "plan_lacks_screening", "plan_lacks_supplies"}},
		{"plan missing", func(b map[string]any) { b["plan_text"] = "" }, rosterWith(10), []string{"plan_missing"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.db.Gorm().Exec("UPDATE filings SET status = 'rejected', open_key = NULL") // one open filing per enterprise
			body := newFilingBody(10)
			if tc.mutate != nil {
				tc.mutate(body)
			}
			var f filingResp
			if r := a.do(ent, "POST", "/api/v1/filings", body); r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			} else {
				r.json(t, &f)
			}
			if tc.roster != nil {
				if r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", tc.roster)); r.status != 201 {
					t.Fatalf("roster: %d %s", r.status, r.body)
				}
			}
			r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), nil)
			var sub struct {
				Flags []struct {
					RuleID  string `json:"rule_id"`
					Message string
				}
			}
			r.json(t, &sub)
			var got []string
			for _, fl := range sub.Flags {
				got = append(got, fl.RuleID)
				if !strings.Contains(fl.Message, "/") {
					t.Errorf("%s: message not bilingual: %q", fl.RuleID, fl.Message)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("flags %v, want %v (%s)", got, tc.want, r.body)
			}
		})
	}
}
