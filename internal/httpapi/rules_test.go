package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong/internal/rules"
	"fugong/internal/ruleset"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// copyRulesDir copies the shipped rules (../../rules/*.yaml) into a temp dir
// that a test may break and fix.
func copyRulesDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, err := filepath.Glob("../../rules/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no shipped rules: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editFile replaces old with new in a rule file, writing it in one go
// (temp file + rename, as editors do) so a watcher never sees half a file.
func editFile(t *testing.T, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

// lineOf returns the 1-based line of the first line of file containing s.
func lineOf(t *testing.T, name, s string) int {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line containing %q", name, s)
	return 0
}

// withRulesDir rebuilds a's server on an engine over dir that records every
// version it loads (as `fugong serve` wires it).
func (a *api) withRulesDir(dir string) *api {
	a.t.Helper()
	a.rules = rules.NewEngine(dir, ruleset.Recorder(context.Background(), a.db, nil))
	if _, err := a.rules.Reload(context.Background()); err != nil {
		a.t.Fatal(err)
	}
	return a.build(a.blob)
}

const basePlan = "一、成立疫情防控领导小组，总经理任组长，各部门负责人为责任人。" +
	"二、复工前对全体员工逐一摸排，建立健康台账，每日两次测温并登记。" +
	"三、办公区、车间、食堂每日消毒两次，保持通风。" +
	"四、发现发热员工立即送临时隔离室，联系社区并送诊，及时上报街道。" +
	"五、储备口罩、体温计、消毒液等防疫物资，专人发放。"

// filingBody is a clean filing body for POST /rules/evaluate, changed by
// edit (which may be nil).
func filingBody(edit func(m map[string]any)) map[string]any {
	m := map[string]any{
		"planned_resume_date": "2099-03-02", // ahead of any test run: no "date passed" flag
		"staff_total":         100,
		"staff_onsite":        80,
		"supplies":            map[string]any{"masks": 1200, "thermometers": 2, "disinfectant_liters": 30, "isolation_room": true},
		"plan_text":           basePlan,
		"contact":             map[string]any{"name": "张三", "phone": "13800000000"},
		"roster_summary":      map[string]any{"rows": 100, "fever": 0, "health_code_red": 0, "health_code_yellow": 0, "hubei_14d": 0, "in_quarantine": 0},
		"enterprise":          map[string]any{"sector": "industrial", "above_scale": true, "zone": "south", "street": "guixi"},
		"plan":                map[string]any{"max_similarity": 0.2},
	}
	if edit != nil {
		edit(m)
	}
	return m
}

type evaluated struct {
	Version string       `json:"ruleset_version"`
	Flags   []rules.Flag `json:"flags"`
}

func (e evaluated) ids() []string {
	out := []string{}
	for _, f := range e.Flags {
		out = append(out, f.RuleID)
	}
	return out
}

type errorDetails struct {
	Error struct {
		Code    string `json:"code"`
		Details []struct {
			Row    int    `json:"row"`
			Column string `json:"column"`
			Field  string `json:"field"`
		} `json:"details"`
	} `json:"error"`
}

func (e errorDetails) fields() []string {
	out := []string{}
	for _, d := range e.Error.Details {
		out = append(out, d.Field)
	}
	return out
}

type rulesBody struct {
	Version string `json:"version"`
	Rules   []struct {
		ID, Name, Severity, When, Message, Description string
	} `json:"rules"`
	LastError *struct {
		Message string `json:"message"`
		Details []struct {
			Row   int    `json:"row"`
			Field string `json:"field"`
		} `json:"details"`
	} `json:"last_error"`
}

func TestRulesReadAndEvaluate(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			park, admin := a.login("park"), a.login("admin")
			set := a.rules.Current()

			r := a.do(park, "GET", "/api/v1/rules", nil)
			if r.status != 200 {
				t.Fatalf("GET /rules: %d %s", r.status, r.body)
			}
			var got rulesBody
			r.json(t, &got)
			if got.Version != set.Version || len(got.Rules) != len(set.Rules) || got.LastError != nil {
				t.Fatalf("GET /rules = version %s, %d rules, last_error %v; want %s, %d, null", got.Version, len(got.Rules), got.LastError, set.Version, len(set.Rules))
			}
			var masks bool
			for _, rb := range got.Rules {
				if rb.ID == "masks_insufficient" {
					masks = rb.Severity == "block" && strings.Contains(rb.When, "filing.supplies.masks") && rb.Name != "" && rb.Message != "" && rb.Description != ""
				}
			}
			if !masks {
				t.Errorf("masks_insufficient missing or incomplete in %s", r.body)
			}

			tests := []struct {
				name   string
				body   any
				status int
				flags  []string // for 200
				fields []string // for 422
			}{
				{"clean filing trips nothing", filingBody(nil), 200, []string{}, nil},
				{"few masks and no isolation room", filingBody(func(m map[string]any) {
					m["supplies"] = map[string]any{"masks": 100, "thermometers": 2, "disinfectant_liters": 30, "isolation_room": false}
				}), 200, []string{"masks_insufficient", "isolation_room_missing"}, nil},
				{"no roster summary: roster missing", filingBody(func(m map[string]any) { delete(m, "roster_summary") }), 200, []string{"roster_missing"}, nil},
				{"copied plan", filingBody(func(m map[string]any) { m["plan"] = map[string]any{"max_similarity": 0.93} }), 200, []string{"plan_near_duplicate"}, nil},
				{"fever and onsite over total", filingBody(func(m map[string]any) {
					m["staff_onsite"] = 120
					m["supplies"] = map[string]any{"masks": 5000, "thermometers": 3, "disinfectant_liters": 50, "isolation_room": true}
					m["roster_summary"] = map[string]any{"rows": 100, "fever": 2}
				}), 200, []string{"roster_fever", "staff_onsite_exceeds_total"}, nil},
				{"roster without health columns: each unknown one warns", filingBody(func(m map[string]any) {
					m["roster_summary"] = map[string]any{"rows": 100, "unknown": []string{"temperature", "travel_14d", "temperature"}}
				}), 200, []string{"roster_temperature_unknown", "roster_travel_unknown"}, nil},
				{"unknown names a field that is not a health column", filingBody(func(m map[string]any) {
					m["roster_summary"] = map[string]any{"rows": 100, "unknown": []string{"health_code", "phone"}}
				}), 422, nil, []string{"roster_summary.unknown"}},
				{"street by Chinese name", filingBody(func(m map[string]any) {
					m["enterprise"] = map[string]any{"sector": "service", "street": "桂溪街道"}
				}), 200, []string{}, nil},
				{"bad date", filingBody(func(m map[string]any) { m["planned_resume_date"] = "2020-02-30" }), 422, nil, []string{"planned_resume_date"}},
				{"every bad field named", filingBody(func(m map[string]any) {
					m["planned_resume_date"] = "03/02/2020"
					m["staff_onsite"] = -1
					m["supplies"] = map[string]any{"masks": -5, "disinfectant_liters": -1}
					m["roster_summary"] = map[string]any{"fever": -1}
					m["enterprise"] = map[string]any{"sector": "mining", "street": "nowhere", "zone": "north"}
					m["plan"] = map[string]any{"max_similarity": 1.5}
				}), 422, nil, []string{"planned_resume_date", "staff_onsite", "supplies.masks", "supplies.disinfectant_liters",
					"roster_summary.fever", "plan.max_similarity", "enterprise.sector", "enterprise.street", "enterprise.zone"}},
				{"zone contradicts street", filingBody(func(m map[string]any) {
					m["enterprise"] = map[string]any{"street": "guixi", "zone": "east"}
				}), 422, nil, []string{"enterprise.zone"}},
				{"wrong type", `{"staff_total": "many"}`, 422, nil, []string{"staff_total"}},
				{"unknown field", `{"staff_totals": 3}`, 400, nil, nil},
				{"not JSON", `{`, 400, nil, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := a.do(admin, "POST", "/api/v1/rules/evaluate", tt.body)
					if r.status != tt.status {
						t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
					}
					switch r.status {
					case 200:
						var e evaluated
						r.json(t, &e)
						if e.Version != set.Version {
							t.Errorf("ruleset_version %s, want %s", e.Version, set.Version)
						}
						if !slices.Equal(e.ids(), tt.flags) {
							t.Errorf("flags %v, want %v: %s", e.ids(), tt.flags, r.body)
						}
						if !bytes.Contains(r.body, []byte(`"flags":[`)) {
							t.Errorf("flags should be a list, never null: %s", r.body)
						}
					case 422:
						var e errorDetails
						r.json(t, &e)
						if !slices.Equal(e.fields(), tt.fields) {
							t.Errorf("detail fields %v, want %v: %s", e.fields(), tt.fields, r.body)
						}
					}
				})
			}

			// The masks message shows the numbers.
			r = a.do(park, "POST", "/api/v1/rules/evaluate", filingBody(func(m map[string]any) {
				m["supplies"] = map[string]any{"masks": 100, "thermometers": 2, "disinfectant_liters": 30, "isolation_room": true}
			}))
			var e evaluated
			r.json(t, &e)
			if len(e.Flags) != 1 || !strings.Contains(e.Flags[0].Message, "1120") || e.Flags[0].Severity != rules.Block {
				t.Errorf("masks flag should be block and show 1120 needed: %+v", e.Flags)
			}

			// Evaluating saved nothing.
			n := 0
			if err := a.db.LatestRevisions(context.Background(), 100, func(revs []store.FilingRevision) error { n += len(revs); return nil }); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("evaluate wrote %d revisions", n)
			}
		})
	}
}

func TestRulesReloadAndVersions(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			dir := copyRulesDir(t)
			a.withRulesDir(dir)
			park := a.login("park")
			v1 := a.rules.Current().Version
			supplies := filepath.Join(dir, "supplies.yaml")

			// The version loaded at start was recorded by the onLoad hook.
			var list struct {
				Items []store.RuleVersionRecord `json:"items"`
				Total int                       `json:"total"`
			}
			a.do(park, "GET", "/api/v1/rules/versions", nil).json(t, &list)
			if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Version != v1 {
				t.Fatalf("versions after start = %+v, want only %s", list, v1)
			}

			// A broken edit: 422 naming file, rule, line and column; the old set stays.
			editFile(t, supplies, "filing.supplies.masks < filing.staff_onsite", "filing.supplies.maskz < filing.staff_onsite")
			badLine := lineOf(t, supplies, "maskz")
			r := a.do(park, "POST", "/api/v1/rules/reload", nil)
			if r.status != 422 {
				t.Fatalf("reload of a broken file: %d %s, want 422", r.status, r.body)
			}
			var e errorDetails
			r.json(t, &e)
			if len(e.Error.Details) != 1 {
				t.Fatalf("want one problem, got %s", r.body)
			}
			if d := e.Error.Details[0]; d.Field != "supplies.yaml#masks_insufficient" || d.Row != badLine || d.Column == "" {
				t.Errorf("problem at %+v, want supplies.yaml#masks_insufficient line %d with a column", d, badLine)
			}

			var got rulesBody
			a.do(park, "GET", "/api/v1/rules", nil).json(t, &got)
			if got.Version != v1 {
				t.Errorf("after a failed reload the version is %s, want the old %s", got.Version, v1)
			}
			if got.LastError == nil || len(got.LastError.Details) != 1 || got.LastError.Details[0].Field != "supplies.yaml#masks_insufficient" ||
				got.LastError.Details[0].Row != badLine || got.LastError.Message == "" {
				t.Errorf("last_error = %+v, want the masks problem at line %d", got.LastError, badLine)
			}
			var ev evaluated
			a.do(park, "POST", "/api/v1/rules/evaluate", filingBody(func(m map[string]any) {
				m["supplies"] = map[string]any{"masks": 100, "thermometers": 2, "disinfectant_liters": 30, "isolation_room": true}
			})).json(t, &ev)
			if ev.Version != v1 || !slices.Equal(ev.ids(), []string{"masks_insufficient"}) {
				t.Errorf("the old set should still evaluate: %+v", ev)
			}

			// Fixed, with a new parameter: a new version, recorded, and no last error.
			editFile(t, supplies, "maskz", "masks")
			editFile(t, supplies, "per_person_per_day: 2", "per_person_per_day: 3")
			r = a.do(park, "POST", "/api/v1/rules/reload", nil)
			var reloaded struct {
				Version string `json:"version"`
				Rules   int    `json:"rules"`
				Changed bool   `json:"changed"`
			}
			r.json(t, &reloaded)
			if r.status != 200 || reloaded.Version == v1 || reloaded.Rules != len(a.rules.Current().Rules) || !reloaded.Changed {
				t.Fatalf("reload after the fix: %d %s, want a new version", r.status, r.body)
			}
			v2 := reloaded.Version
			got = rulesBody{}
			a.do(park, "GET", "/api/v1/rules", nil).json(t, &got)
			if got.Version != v2 || got.LastError != nil {
				t.Errorf("GET /rules after the fix: version %s last_error %+v, want %s and null", got.Version, got.LastError, v2)
			}
			ev = evaluated{}
			a.do(park, "POST", "/api/v1/rules/evaluate", filingBody(nil)).json(t, &ev)
			if ev.Version != v2 || !slices.Equal(ev.ids(), []string{"masks_insufficient"}) {
				t.Errorf("1200 masks are short at 3 a day (1680): got %+v", ev)
			}

			// Reloading unchanged files keeps the version.
			r = a.do(park, "POST", "/api/v1/rules/reload", nil)
			if !bytes.Contains(r.body, []byte(`"changed":false`)) || !bytes.Contains(r.body, []byte(v2)) {
				t.Errorf("second reload: %s", r.body)
			}

			list.Items = nil
			a.do(park, "GET", "/api/v1/rules/versions", nil).json(t, &list)
			if list.Total != 2 || len(list.Items) != 2 {
				t.Fatalf("versions = %+v, want 2", list)
			}
			if !slices.Contains([]string{list.Items[0].Version, list.Items[1].Version}, v1) || !slices.Contains([]string{list.Items[0].Version, list.Items[1].Version}, v2) {
				t.Errorf("versions %+v, want %s and %s", list.Items, v1, v2)
			}

			// Each version's files explain its flags.
			versions := []struct {
				version, contains, lacks string
			}{
				{v1, "per_person_per_day: 2", "per_person_per_day: 3"},
				{v2, "per_person_per_day: 3", "per_person_per_day: 2"},
			}
			for _, vc := range versions {
				var rec store.RuleVersionRecord
				r := a.do(park, "GET", "/api/v1/rules/versions/"+vc.version, nil)
				r.json(t, &rec)
				if r.status != 200 || rec.Version != vc.version || len(rec.Files) != len(a.rules.Current().Files) {
					t.Fatalf("GET version %s: %d %s", vc.version, r.status, r.body)
				}
				var text string
				for _, f := range rec.Files {
					if f.Name == "supplies.yaml" {
						text = f.Text
					}
				}
				if !strings.Contains(text, vc.contains) || strings.Contains(text, vc.lacks) {
					t.Errorf("version %s supplies.yaml should contain %q, not %q", vc.version, vc.contains, vc.lacks)
				}
			}
			for _, path := range []string{"/api/v1/rules/versions/ffffffffffff", "/api/v1/rules/versions/NOT-A-VERSION", "/api/v1/rules/versions/" + strings.Repeat("a", 40)} {
				if r := a.do(park, "GET", path, nil); r.status != 404 {
					t.Errorf("GET %s: %d, want 404", path, r.status)
				}
			}

			entries, _, err := a.db.ListAudit(context.Background(), store.AuditFilter{Page: store.NormalPage(1, 50)})
			if err != nil {
				t.Fatal(err)
			}
			actions := map[string]int{}
			for _, en := range entries {
				actions[en.Action]++
			}
			if actions["rules_reload_failed"] != 1 || actions["rules_reloaded"] != 2 {
				t.Errorf("audit actions %v, want 1 rules_reload_failed and 2 rules_reloaded", actions)
			}
		})
	}
}

// TestRuleVersionFallsBackToRunningSet: a running set whose record was never
// written (the database was down at load) is still explained.
func TestRuleVersionFallsBackToRunningSet(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite") // the harness engine records nothing
	set := a.rules.Current()
	var rec store.RuleVersionRecord
	r := a.do(a.login("park"), "GET", "/api/v1/rules/versions/"+set.Version, nil)
	r.json(t, &rec)
	if r.status != 200 || rec.Version != set.Version || len(rec.Files) != len(set.Files) || rec.Files[0].Text != set.Files[0].Content {
		t.Fatalf("GET running version: %d %s", r.status, r.body)
	}
}

// TestRuleVersionRecorderLogsFailure: a write that fails is logged and does
// not stop the set from loading.
func TestRuleVersionRecorderLogsFailure(t *testing.T) {
	t.Parallel()
	db := storetest.MustOpen(t, "sqlite")
	db.Close()
	var logs bytes.Buffer
	eng := rules.NewEngine("../../rules", ruleset.Recorder(context.Background(), db, slog.New(slog.NewTextHandler(&logs, nil))))
	set, err := eng.Reload(context.Background())
	if err != nil || eng.Current() != set {
		t.Fatalf("the set must load even when recording fails: %v", err)
	}
	if !strings.Contains(logs.String(), "rule version not recorded") || !strings.Contains(logs.String(), set.Version) {
		t.Errorf("failure not logged with the version: %q", logs.String())
	}
}

// cleanInput is the shipped rule cases' clean filing, evaluated as of its own
// time.
func cleanInput(t testing.TB) rules.Input {
	t.Helper()
	cases, err := rules.LoadTestCases("../../rules/testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name == "clean filing raises nothing" {
			return c.Input
		}
	}
	t.Fatal("no clean case in rules/testdata")
	return rules.Input{}
}

// candidateFiles is the running set with masks_insufficient dropped and a
// new rule, staff_large, added.
func candidateFiles(t testing.TB, set *rules.Set, extra string) []store.RuleFile {
	t.Helper()
	var out []store.RuleFile
	for _, f := range set.Files {
		text := f.Content
		if f.Name == "supplies.yaml" {
			i := strings.Index(text, "  - id: masks_insufficient")
			j := strings.Index(text, "  - id: thermometers_insufficient")
			if i < 0 || j < i {
				t.Fatal("supplies.yaml changed shape")
			}
			text = text[:i] + text[j:] + extra
		}
		out = append(out, store.RuleFile{Name: f.Name, Text: text})
	}
	return out
}

const staffLargeRule = `
  - id: staff_large
    name: 大型企业
    severity: warn
    when: filing.staff_total >= 100
    message: 员工 {{ filing.staff_total }} 人，须现场核查 / {{ filing.staff_total }} staff, inspect on site
`

type backtestBody struct {
	Current   string `json:"current_version"`
	Candidate string `json:"candidate_version"`
	Filings   int    `json:"filings"`
	Skipped   int    `json:"skipped"`
	Total     int    `json:"changed_total"`
	Truncated bool   `json:"truncated"`
	Changed   []struct {
		FilingID  int64    `json:"filing_id"`
		Appear    []string `json:"appear"`
		Disappear []string `json:"disappear"`
	} `json:"changed"`
	Rules []rules.RuleDelta `json:"rules"`
}

func TestRulesBacktest(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			ctx := context.Background()
			park := a.login("park")
			current := a.rules.Current()
			clean := cleanInput(t)

			fewMasks := func(staff int) rules.Input {
				in := clean
				in.Filing.StaffTotal, in.Filing.StaffOnsite, in.Roster.Rows = staff, staff*4/5, staff
				in.Filing.Supplies.Masks = 10
				return in
			}
			small := clean
			small.Filing.StaffTotal, small.Filing.StaffOnsite, small.Roster.Rows = 10, 10, 10
			revisions := []struct {
				filing int64
				number int
				input  *rules.Input // nil: a snapshot that is not an input
			}{
				{101, 1, ptr(fewMasks(100))}, // superseded by revision 2
				{101, 2, ptr(clean)},         // 100 staff, clean: staff_large appears
				{102, 1, ptr(fewMasks(50))},  // masks_insufficient disappears
				{103, 1, ptr(fewMasks(100))}, // both
				{104, 1, ptr(small)},         // unchanged
				{105, 1, nil},                // skipped
			}
			for _, rv := range revisions {
				snap := "not json"
				if rv.input != nil {
					b, _ := json.Marshal(*rv.input)
					snap = string(b)
				}
				if err := a.db.CreateRevision(ctx, &store.FilingRevision{FilingID: rv.filing, Number: rv.number, Snapshot: snap,
					RulesetVersion: current.Version, SubmittedBy: 1, CreatedAt: time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			// Sanity: the inputs raise under the current set what the table says.
			if got := rules.Evaluate(current, clean); len(got) != 0 {
				t.Fatalf("clean input raises %+v", got)
			}

			r := a.do(park, "POST", "/api/v1/rules/backtest", map[string]any{"files": candidateFiles(t, current, staffLargeRule)})
			if r.status != 200 {
				t.Fatalf("backtest: %d %s", r.status, r.body)
			}
			var bt backtestBody
			r.json(t, &bt)
			if bt.Current != current.Version || bt.Candidate == "" || bt.Candidate == current.Version {
				t.Errorf("versions %s → %s", bt.Current, bt.Candidate)
			}
			if bt.Filings != 4 || bt.Skipped != 1 || bt.Total != 3 || bt.Truncated {
				t.Errorf("filings %d skipped %d changed %d truncated %v, want 4, 1, 3, false", bt.Filings, bt.Skipped, bt.Total, bt.Truncated)
			}
			want := []string{
				"101 +[staff_large] -[]",
				"102 +[] -[masks_insufficient]",
				"103 +[staff_large] -[masks_insufficient]",
			}
			var gotChanges []string
			for _, c := range bt.Changed {
				gotChanges = append(gotChanges, fmt.Sprintf("%d +%v -%v", c.FilingID, c.Appear, c.Disappear))
			}
			if !slices.Equal(gotChanges, want) {
				t.Errorf("changes\n got %v\nwant %v", gotChanges, want)
			}
			wantRules := []rules.RuleDelta{{RuleID: "masks_insufficient", Disappear: 2}, {RuleID: "staff_large", Appear: 2}}
			if !slices.Equal(bt.Rules, wantRules) {
				t.Errorf("rule deltas %+v, want %+v", bt.Rules, wantRules)
			}
			if a.rules.Current().Version != current.Version {
				t.Error("a backtest must not change the running set")
			}

			bad := []struct {
				name   string
				body   any
				fields []string
			}{
				{"candidate does not compile", map[string]any{"files": candidateFiles(t, current, strings.Replace(staffLargeRule, "staff_total >= 100", "staff_totl >= 100", 1))},
					[]string{"supplies.yaml#staff_large"}},
				{"path in a file name", map[string]any{"files": []store.RuleFile{{Name: "../x.yaml", Text: "rules: []"}}}, []string{"files[0].name"}},
				{"no files", `{"files": []}`, []string{"files"}},
			}
			for _, b := range bad {
				r := a.do(park, "POST", "/api/v1/rules/backtest", b.body)
				var e errorDetails
				r.json(t, &e)
				if r.status != 422 || !slices.Equal(e.fields(), b.fields) {
					t.Errorf("%s: %d fields %v, want 422 %v: %s", b.name, r.status, e.fields(), b.fields, r.body)
				}
			}
			var e errorDetails
			a.do(park, "POST", "/api/v1/rules/backtest", map[string]any{"files": candidateFiles(t, current, strings.Replace(staffLargeRule, "staff_total >= 100", "staff_totl >= 100", 1))}).json(t, &e)
			if d := e.Error.Details; len(d) != 1 || d[0].Row == 0 || d[0].Column == "" {
				t.Errorf("a compile error should carry line and column: %+v", d)
			}

			entries, _, err := a.db.ListAudit(ctx, store.AuditFilter{Action: "rules_backtest", Page: store.NormalPage(1, 10)})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, "changed=3") || entries[0].Actor != "park" {
				t.Errorf("audit of the backtest: %+v %v", entries, err)
			}
			// Each attempt is audited before it runs (issue 18 #2), so one
			// that never finishes is still on record.
			starts, _, err := a.db.ListAudit(ctx, store.AuditFilter{Action: "rules_backtest_start", Page: store.NormalPage(1, 10)})
			if err != nil || len(starts) != 1 || starts[0].Actor != "park" || len(entries) != 1 || starts[0].ID >= entries[0].ID {
				t.Errorf("audit before the backtest: %+v %v", starts, err)
			}
		})
	}
}

// TestRulesBacktestCapsList: past 200 changed filings the list is cut, the
// totals are not.
func TestRulesBacktestCapsList(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	current := a.rules.Current()
	in := cleanInput(t)
	b, _ := json.Marshal(in)
	const n = 230
	revs := make([]store.FilingRevision, n)
	for i := range revs {
		revs[i] = store.FilingRevision{FilingID: int64(1000 + i), Number: 1, Snapshot: string(b), SubmittedBy: 1, CreatedAt: time.Now()}
	}
	if err := a.db.Gorm().CreateInBatches(&revs, 100).Error; err != nil {
		t.Fatal(err)
	}
	r := a.do(a.login("park"), "POST", "/api/v1/rules/backtest", map[string]any{"files": candidateFiles(t, current, staffLargeRule)})
	var bt backtestBody
	r.json(t, &bt)
	if r.status != 200 || bt.Filings != n || bt.Total != n || len(bt.Changed) != 200 || !bt.Truncated || bt.Changed[0].FilingID != 1000 {
		t.Fatalf("got %d: filings %d, total %d, listed %d, truncated %v", r.status, bt.Filings, bt.Total, len(bt.Changed), bt.Truncated)
	}
	if len(bt.Rules) != 1 || bt.Rules[0] != (rules.RuleDelta{RuleID: "staff_large", Appear: n}) {
		t.Errorf("rule deltas %+v", bt.Rules)
	}
}

// TestRulesWatchSeesEdit: a rule file edited while the server runs changes
// what POST /rules/evaluate answers, without a restart or a reload call.
func TestRulesWatchSeesEdit(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	dir := copyRulesDir(t)
	a.withRulesDir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.rules.Watch(ctx, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	park := a.login("park")
	v1 := a.rules.Current().Version

	evaluate := func() evaluated {
		var e evaluated
		r := a.do(park, "POST", "/api/v1/rules/evaluate", filingBody(nil))
		if r.status != 200 {
			t.Fatalf("evaluate: %d %s", r.status, r.body)
		}
		r.json(t, &e)
		return e
	}
	if e := evaluate(); len(e.Flags) != 0 {
		t.Fatalf("clean filing flagged before the edit: %+v", e.Flags)
	}
	time.Sleep(100 * time.Millisecond) // let the watcher start
	// 100 staff now counts as too few to be true: a new block flag.
	editFile(t, filepath.Join(dir, "staff.yaml"), "when: filing.staff_total <= 0", "when: filing.staff_total <= 100")

	var e evaluated
	deadline := time.Now().Add(10 * time.Second)
	for {
		e = evaluate()
		if e.Version != v1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if e.Version == v1 || !slices.Equal(e.ids(), []string{"staff_total_missing"}) {
		t.Fatalf("after the edit: version %s flags %v, want a new version raising staff_total_missing", e.Version, e.ids())
	}
	// The watcher's load was recorded too.
	if r := a.do(park, "GET", "/api/v1/rules/versions/"+e.Version, nil); r.status != 200 {
		t.Errorf("watched version not retrievable: %d %s", r.status, r.body)
	}
	var list struct {
		Total int `json:"total"`
	}
	for range 100 { // onLoad runs just after the swap
		a.do(park, "GET", "/api/v1/rules/versions", nil).json(t, &list)
		if list.Total == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if list.Total != 2 {
		t.Errorf("versions recorded: %d, want 2", list.Total)
	}
}

func ptr[T any](v T) *T { return &v }

// BenchmarkRulesBacktest measures POST /rules/backtest over 20,000 filings
// on each database (docs/benchmarks.md):
//
//	go test ./internal/httpapi/ -run '^$' -bench RulesBacktest -benchtime 3x
func BenchmarkRulesBacktest(b *testing.B) {
	const n = 20_000
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			a := mustAPI(b, driver)
			current := a.rules.Current()
			base := cleanInput(b)
			revs := make([]store.FilingRevision, n)
			for i := range revs {
				in := base
				in.Filing.Supplies.Masks = i % 2000 // about half short of masks
				js, _ := json.Marshal(in)
				revs[i] = store.FilingRevision{FilingID: int64(i + 1), Number: 1, Snapshot: string(js), SubmittedBy: 1, CreatedAt: time.Now()}
			}
			if err := a.db.Gorm().CreateInBatches(&revs, 200).Error; err != nil {
				b.Fatal(err)
			}
			park := a.login("park")
			body := map[string]any{"files": candidateFiles(b, current, staffLargeRule)}
			b.ResetTimer()
			for b.Loop() {
				r := a.do(park, "POST", "/api/v1/rules/backtest", body)
				var bt backtestBody
				r.json(b, &bt)
				if r.status != 200 || bt.Filings != n {
					b.Fatalf("%d %s", r.status, r.body[:min(len(r.body), 300)])
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "filings/s")
		})
	}
}
