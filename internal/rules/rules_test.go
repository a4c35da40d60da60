package rules

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
)

const shippedRules = "../../rules"

// TestShippedRules runs every case in rules/testdata against rules/*.yaml
// and checks that each shipped rule is triggered by some case.
func TestShippedRules(t *testing.T) {
	t.Parallel()
	rep, err := RunTests(context.Background(), shippedRules, filepath.Join(shippedRules, "testdata"))
	if err != nil {
		t.Fatalf("RunTests: %v", err)
	}
	if rep.Failed != 0 || rep.Passed < 30 {
		t.Fatalf("want ≥30 passing cases and none failing:\n%s", rep)
	}
	cases, err := LoadTestCases(filepath.Join(shippedRules, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	clean := false
	for _, c := range cases {
		for _, id := range c.Expect {
			covered[id] = true
		}
		if len(c.Expect) == 0 && strings.Contains(c.Name, "clean") {
			clean = true
		}
	}
	if !clean {
		t.Error("no clean-filing case expecting no flags")
	}
	set, err := Check(shippedRules)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if !covered[r.ID] {
			t.Errorf("rule %s (%s) has no test case that triggers it", r.ID, r.File)
		}
		if !strings.Contains(r.Message, " / ") {
			t.Errorf("rule %s message should be Chinese / English", r.ID)
		}
	}
	for _, id := range []string{"masks_insufficient", "thermometers_insufficient", "disinfectant_insufficient",
		"isolation_room_missing", "roster_missing", "roster_rows_mismatch", "roster_fever",
		"roster_health_code_red", "roster_health_code_yellow", "roster_hubei_in_quarantine",
		"resume_date_passed_unapproved", "resumed_before_approval", "plan_missing", "plan_near_duplicate",
		"plan_lacks_organization", "plan_lacks_screening", "plan_lacks_disinfection",
		"plan_lacks_emergency", "plan_lacks_supplies"} {
		if !covered[id] || !slices.ContainsFunc(set.Rules, func(r *Rule) bool { return r.ID == id }) {
			t.Errorf("design problem %s has no rule or no case", id)
		}
	}
}

// TestMessagesShowValues checks that a flag tells the enterprise the numbers.
func TestMessagesShowValues(t *testing.T) {
	t.Parallel()
	set := mustLoad(t, shippedRules)
	in := cleanInput(t)
	in.Filing.Supplies.Masks = 500
	flags := Evaluate(set, in)
	if len(flags) != 1 || flags[0].RuleID != "masks_insufficient" {
		t.Fatalf("flags = %+v", flags)
	}
	want := "需口罩 1120 只，仅申报 500 只"
	if !strings.Contains(flags[0].Message, want) || flags[0].Severity != Block || flags[0].RulesetVersion != set.Version {
		t.Errorf("flag = %+v, want message containing %q", flags[0], want)
	}
	if !Blocks(flags) || Blocks(nil) || Blocks([]Flag{{Severity: Warn}}) {
		t.Error("Blocks is wrong")
	}
}

func cleanInput(t *testing.T) Input {
	t.Helper()
	cases, err := LoadTestCases(filepath.Join(shippedRules, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name == "clean filing raises nothing" {
			return c.Input
		}
	}
	t.Fatal("no clean case")
	return Input{}
}

func mustLoad(t testing.TB, dir string) *Set {
	t.Helper()
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return set
}

func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const okRule = `rules:
  - id: ok_rule
    name: 正常规则
    severity: warn
    when: filing.staff_total > 10
    message: 员工 {{ filing.staff_total }} 人 / {{ filing.staff_total }} staff
`

// TestLoadErrors checks that each kind of mistake is reported with its file,
// rule id and position, and that nothing loads.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		files  map[string]string
		want   []string // substrings of one detail message each
		row    int      // line of the first detail, 0 = don't check
		column string   // column of the first detail, "" = don't check
	}{
		{
			name:  "yaml syntax",
			files: map[string]string{"a.yaml": "rules:\n  - id: x\n   name: [unclosed\n"},
			want:  []string{"a.yaml:", "YAML"},
		},
		{
			name: "unknown name",
			files: map[string]string{"a.yaml": `rules:
  - id: bad_name
    name: 坏
    severity: warn
    when: filing.staff_totl > 1
    message: m / m
`},
			want: []string{"a.yaml:5:", "bad_name", "staff_totl"},
			row:  5, column: "18",
		},
		{
			name: "wrong type",
			files: map[string]string{"a.yaml": `rules:
  - id: bad_type
    name: 坏
    severity: warn
    when: |
      roster.present
        && filing.plan_text > 3
    message: m / m
`},
			want: []string{"a.yaml:7:", "bad_type", "mismatched types"},
			row:  7,
		},
		{
			name:  "not a boolean",
			files: map[string]string{"a.yaml": "rules:\n  - id: not_bool\n    name: 坏\n    severity: warn\n    when: filing.staff_total + 1\n    message: m / m\n"},
			want:  []string{"a.yaml:5", "not_bool", "bool"},
		},
		{
			name:  "syntax error",
			files: map[string]string{"a.yaml": "rules:\n  - id: syn\n    name: 坏\n    severity: warn\n    when: \"filing.staff_total >\"\n    message: m / m\n"},
			want:  []string{"a.yaml:5:", "syn"},
		},
		{
			name:  "bad severity",
			files: map[string]string{"a.yaml": "rules:\n  - id: sev\n    name: 坏\n    severity: fatal\n    when: true\n    message: m / m\n"},
			want:  []string{"a.yaml:4:", "sev", "fatal"},
			row:   4, column: "15",
		},
		{
			name:  "unknown field",
			files: map[string]string{"a.yaml": "rules:\n  - id: fld\n    name: 坏\n    severity: warn\n    whn: true\n    when: true\n    message: m / m\n"},
			want:  []string{"a.yaml:5:", "fld", "whn"},
		},
		{
			name:  "missing field",
			files: map[string]string{"a.yaml": "rules:\n  - id: miss\n    name: 坏\n    severity: warn\n    message: m / m\n"},
			want:  []string{"a.yaml:2", "miss", "when"},
		},
		{
			name:  "bad id",
			files: map[string]string{"a.yaml": "rules:\n  - id: Bad-Id\n    name: 坏\n    severity: warn\n    when: true\n    message: m / m\n"},
			want:  []string{"a.yaml:2:", "snake_case"},
		},
		{
			name:  "duplicate id across files",
			files: map[string]string{"a.yaml": okRule, "b.yaml": okRule},
			want:  []string{"b.yaml:5", "ok_rule", "a.yaml:5"},
		},
		{
			name: "unknown param",
			files: map[string]string{"a.yaml": `rules:
  - id: par
    name: 坏
    severity: warn
    params: {limit: 3}
    when: filing.staff_total > params.limt
    message: m / m
`},
			want: []string{"a.yaml:6:", "par", "params.limt"},
		},
		{
			name: "param of the wrong type",
			files: map[string]string{"a.yaml": `rules:
  - id: partype
    name: 坏
    severity: warn
    params: {limit: "three"}
    when: filing.staff_total > params.limit
    message: m / m
`},
			want: []string{"a.yaml:6:", "partype", "mismatched types"},
		},
		{
			name:  "bad template",
			files: map[string]string{"a.yaml": "rules:\n  - id: tpl\n    name: 坏\n    severity: warn\n    when: true\n    message: \"缺 {{ roster.nope }} / x\"\n"},
			want:  []string{"a.yaml:6:", "tpl", "nope"},
		},
		{
			name:  "unclosed template",
			files: map[string]string{"a.yaml": "rules:\n  - id: tpl2\n    name: 坏\n    severity: warn\n    when: true\n    message: \"缺 {{ roster.rows / x\"\n"},
			want:  []string{"a.yaml:6:", "tpl2", "}}"},
		},
		{
			name:  "too many nodes",
			files: map[string]string{"a.yaml": "rules:\n  - id: big\n    name: 坏\n    severity: warn\n    when: " + strings.Repeat("1 + ", 3000) + "1 > 0\n    message: m / m\n"},
			want:  []string{"a.yaml:5", "big"},
		},
		{
			name:  "no rules list",
			files: map[string]string{"a.yaml": "rule:\n  - id: x\n"},
			want:  []string{"a.yaml:1:", "rule"},
		},
		{
			name: "every error in one report",
			files: map[string]string{
				"a.yaml": "rules:\n  - id: one\n    name: 坏\n    severity: bad\n    when: true\n    message: m / m\n",
				"b.yaml": "rules:\n  - id: two\n    name: 坏\n    severity: warn\n    when: nope\n    message: m / m\n",
			},
			want: []string{"a.yaml:4:", "b.yaml:5:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			set, err := Load(context.Background(), dir)
			if set != nil || err == nil {
				t.Fatalf("Load succeeded, want error")
			}
			ae := apperror.As(err)
			if ae == nil || ae.Code != apperror.Invalid || len(ae.Details) == 0 {
				t.Fatalf("err = %v, want *apperror.Error Invalid with details", err)
			}
			var all []string
			for _, d := range ae.Details {
				all = append(all, d.Message)
			}
			joined := strings.Join(all, "\n")
			for _, w := range tt.want {
				if !strings.Contains(joined, w) {
					t.Errorf("details missing %q:\n%s", w, joined)
				}
			}
			if tt.row != 0 && ae.Details[0].Row != tt.row {
				t.Errorf("row = %d, want %d (%s)", ae.Details[0].Row, tt.row, joined)
			}
			if tt.column != "" && ae.Details[0].Column != tt.column {
				t.Errorf("column = %q, want %q (%s)", ae.Details[0].Column, tt.column, joined)
			}
		})
	}
}

// TestEvaluateOddInput checks evaluation never panics and fails visibly.
func TestEvaluateOddInput(t *testing.T) {
	t.Parallel()
	shipped := mustLoad(t, shippedRules)
	odd := []Input{
		{},
		{Filing: Filing{StaffTotal: -5, StaffOnsite: -10, Supplies: Supplies{DisinfectantLiters: math.NaN()}}},
		{Filing: Filing{StaffTotal: math.MaxInt, StaffOnsite: math.MaxInt}, Plan: Plan{MaxSimilarity: math.Inf(1)}},
		{Roster: Roster{Rows: -1, Fever: math.MinInt}, Now: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for i, in := range odd {
		flags := Evaluate(shipped, in)
		if len(flags) == 0 {
			t.Errorf("odd input %d raised nothing", i)
		}
	}
	if Evaluate(nil, Input{}) != nil {
		t.Error("nil set should raise nothing")
	}

	dir := writeFiles(t, map[string]string{"a.yaml": `rules:
  - id: modulo
    name: 取模
    severity: block
    when: filing.staff_total % roster.rows == 0
    message: m / m
  - id: huge
    name: 大数组
    severity: block
    when: "len(map(1..10000000, # * 2)) > 0" # quoted: a bare " #" starts a YAML comment
    message: m / m
`})
	set := mustLoad(t, dir)
	// Unbounded, "huge" would evaluate to true and raise a block with its own
	// message; a warn saying it could not be evaluated proves the budget
	// stopped it (how fast is a benchmark's question).
	flags := Evaluate(set, Input{})
	if len(flags) != 2 {
		t.Fatalf("flags = %+v", flags)
	}
	for _, f := range flags {
		if f.Severity != Warn || !strings.Contains(f.Message, "无法评估") {
			t.Errorf("a failing rule should raise a warn saying so, got %+v", f)
		}
	}
}

func TestVersionAndFiles(t *testing.T) {
	t.Parallel()
	a := mustLoad(t, writeFiles(t, map[string]string{"a.yaml": okRule}))
	b := mustLoad(t, writeFiles(t, map[string]string{"a.yaml": okRule}))
	c := mustLoad(t, writeFiles(t, map[string]string{"b.yaml": okRule}))
	if a.Version != b.Version || len(a.Version) != 12 {
		t.Errorf("same files, versions %q %q", a.Version, b.Version)
	}
	if a.Version == c.Version {
		t.Error("a renamed file must change the version")
	}
	if len(a.Files) != 1 || a.Files[0].Name != "a.yaml" || a.Files[0].Content != okRule {
		t.Errorf("files = %+v", a.Files)
	}
}

func TestDaysBetweenAndFormat(t *testing.T) {
	t.Parallel()
	sh := time.FixedZone("CST", 8*3600)
	tests := []struct {
		a, b time.Time
		want int
	}{
		{time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 28, 9, 0, 0, 0, sh), 8},
		// 01:00 in Shanghai is still the previous day in UTC; civil dates count.
		{time.Date(2020, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 28, 1, 0, 0, 0, sh), 0},
		{time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 28, 0, 0, 0, 0, time.UTC), -2},
		{time.Time{}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 737424},
	}
	for _, tt := range tests {
		if got := daysBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("daysBetween(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	for v, want := range map[any]string{1120: "1120", 28.000000001: "28", 0.05: "0.05", 2.5: "2.5", "x": "x"} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
	if got := formatValue(time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)); got != "2020-02-01" {
		t.Errorf("date formatted %q", got)
	}
}

func TestBacktest(t *testing.T) {
	t.Parallel()
	current := mustLoad(t, shippedRules)
	dir := copyRules(t)
	replaceInFile(t, filepath.Join(dir, "plan.yaml"), "threshold: 0.7", "threshold: 0.5")
	candidate := mustLoad(t, dir)

	clean := cleanInput(t)
	sim := clean
	sim.Plan.MaxSimilarity = 0.6 // flagged only by the candidate
	dup := clean
	dup.Plan.MaxSimilarity = 0.9 // flagged by both
	inputs := map[string]Input{"f1": clean, "f2": sim, "f3": dup}

	rep, err := Backtest(context.Background(), current, candidate, Inputs(inputs))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inputs != 3 || rep.FlaggedBefore != 1 || rep.FlaggedAfter != 2 || rep.BlockedAfter != 0 {
		t.Errorf("totals = %+v", rep)
	}
	if len(rep.Changed) != 1 || rep.Changed[0].Key != "f2" || !slices.Equal(rep.Changed[0].Appear, []string{"plan_near_duplicate"}) {
		t.Errorf("changed = %+v", rep.Changed)
	}
	if len(rep.Rules) != 1 || rep.Rules[0] != (RuleDelta{RuleID: "plan_near_duplicate", Appear: 1}) {
		t.Errorf("rules = %+v", rep.Rules)
	}
	// Reversed, the same filing loses the flag.
	rev, _ := Backtest(context.Background(), candidate, current, Inputs(inputs))
	if len(rev.Changed) != 1 || !slices.Equal(rev.Changed[0].Disappear, []string{"plan_near_duplicate"}) {
		t.Errorf("reverse changed = %+v", rev.Changed)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Backtest(ctx, current, candidate, Inputs(inputs)); err == nil {
		t.Error("cancelled backtest should return ctx error")
	}
}

func copyRules(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	names, _ := filepath.Glob(filepath.Join(shippedRules, "*.yaml"))
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

func replaceInFile(t testing.TB, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(name, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEngineReload(t *testing.T) {
	t.Parallel()
	dir := copyRules(t)
	var loaded []string
	e := NewEngine(dir, func(s *Set) { loaded = append(loaded, s.Version) })
	if e.Current() != nil || e.Evaluate(Input{}) != nil {
		t.Fatal("engine should start empty")
	}
	first, err := e.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Reload(context.Background()); err != nil || len(loaded) != 1 {
		t.Fatalf("reload of unchanged files: err %v, onLoad calls %v", err, loaded)
	}
	if err := os.WriteFile(filepath.Join(dir, "zz.yaml"), []byte("rules:\n  - id: x\n    name: x\n    severity: warn\n    when: nonsense\n    message: m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Reload(context.Background()); err == nil {
		t.Fatal("broken file reloaded")
	}
	if e.Current() != first || e.LastError() == nil || len(loaded) != 1 {
		t.Fatalf("a failed reload must keep the running set and record the error")
	}
	os.Remove(filepath.Join(dir, "zz.yaml"))
	replaceInFile(t, filepath.Join(dir, "supplies.yaml"), "days: 7", "days: 14")
	second, err := e.Reload(context.Background())
	if err != nil || second == first || e.LastError() != nil || !slices.Equal(loaded, []string{first.Version, second.Version}) {
		t.Fatalf("reload after fix: err %v, loaded %v", err, loaded)
	}
}

// TestConcurrentEvaluateDuringReload is meant for -race: evaluations run
// while the set is swapped and must each see one whole set.
func TestConcurrentEvaluateDuringReload(t *testing.T) {
	t.Parallel()
	dir := copyRules(t)
	e := NewEngine(dir, nil)
	if _, err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := cleanInput(t)
	in.Filing.Supplies.Masks = 0
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				flags := e.Evaluate(in)
				if len(flags) != 1 || flags[0].RuleID != "masks_insufficient" {
					t.Errorf("flags = %+v", flags)
					return
				}
			}
		}()
	}
	for i := 0; i < 10; i++ {
		replaceInFile(t, filepath.Join(dir, "supplies.yaml"), fmt.Sprintf("days: %d", 7+i), fmt.Sprintf("days: %d", 8+i))
		if _, err := e.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

// TestWatch edits the rules under a running watcher: a good edit takes effect
// without restart, a bad one keeps the running set and names the problem.
func TestWatch(t *testing.T) {
	t.Parallel()
	dir := copyRules(t)
	e := NewEngine(dir, nil)
	if _, err := e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { done <- e.Watch(ctx, newTestLogger(logs)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	// The watcher is ready once rewriting a rule file (same bytes) reloads
	// the set; rewrite until it does, rather than sleeping and hoping.
	supplies := filepath.Join(dir, "supplies.yaml")
	same, err := os.ReadFile(supplies)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the watcher to notice a write", func() bool {
		if err := os.WriteFile(supplies, same, 0o644); err != nil {
			t.Fatal(err)
		}
		return eventually(time.Second, func() bool { return strings.Contains(logs.String(), "rules reloaded") })
	})

	in := cleanInput(t)
	if flags := e.Evaluate(in); len(flags) != 0 {
		t.Fatalf("clean input flagged: %+v", flags)
	}
	before := e.Current()
	replaceInFile(t, filepath.Join(dir, "supplies.yaml"), "days: 7\n    when: filing.staff_onsite > 0 && filing.supplies.masks",
		"days: 14\n    when: filing.staff_onsite > 0 && filing.supplies.masks")
	waitFor(t, "edited rule to take effect", func() bool {
		flags := e.Evaluate(in)
		return len(flags) == 1 && flags[0].RuleID == "masks_insufficient" && strings.Contains(flags[0].Message, "2240")
	})
	if e.Current().Version == before.Version {
		t.Error("version did not change")
	}

	running := e.Current()
	bad := "rules:\n  - id: broken_rule\n    name: 坏规则\n    severity: block\n    when: filing.masks > 1\n    message: m / m\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bad edit to be reported", func() bool { return e.LastError() != nil })
	if e.Current() != running {
		t.Error("a bad edit replaced the running set")
	}
	msg := strings.Join(detailMessages(e.LastError()), "\n")
	for _, w := range []string{"broken.yaml:5:", "broken_rule", "masks"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not name %q", msg, w)
		}
	}
	waitFor(t, "the bad edit to be logged", func() bool { return strings.Contains(logs.String(), "broken.yaml:5:") })
}

func detailMessages(err error) []string {
	var out []string
	if ae := apperror.As(err); ae != nil {
		for _, d := range ae.Details {
			out = append(out, d.Message)
		}
	}
	return out
}

// waitFor polls cond until it holds, failing the test after 10 s (a bound
// for a hung watcher, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !eventually(10*time.Second, cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// eventually reports whether cond held within d, polling it.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJoinCJKLines(t *testing.T) {
	for in, want := range map[string]string{
		"保持通\n风":       "保持通风",
		"保持通 \r\n 风":   "保持通风",
		"第一段。\n第二段":    "第一段。\n第二段",
		"ABC\nDEF":     "ABC\nDEF",
		"一、组织\n\n\n领导": "一、组织\n\n\n领导",
	} {
		if got := JoinCJKLines(in); got != want {
			t.Errorf("JoinCJKLines(%q) = %q, want %q", in, got, want)
		}
	}
}
