// The cel-go comparison: the shipped rules written for github.com/google/cel-go,
// checked to raise what the expr rules raise (TestSameRules) and timed
// against them (BenchmarkEngines, BenchmarkEnginesInterleaved). It lives in
// the bench module so that cel-go is required there, never by the module
// that builds the binary.
package rules_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"

	"fugong/internal/rules"
)

// celRules are the shipped rules (rules/*.yaml) written in CEL, with their
// params inlined as expr's loader inlines them. Keep in step with the YAML.
var celRules = map[string]string{
	"masks_insufficient":            `filing.staff_onsite > 0 && filing.supplies.masks < filing.staff_onsite * 2 * 7`,
	"thermometers_insufficient":     `filing.staff_onsite > 0 && double(filing.supplies.thermometers) < math.ceil(double(filing.staff_onsite) / 50.0)`,
	"disinfectant_insufficient":     `filing.staff_onsite > 0 && filing.supplies.disinfectant_liters < math.greatest(5.0, double(filing.staff_onsite) * 0.05 * 7.0)`,
	"isolation_room_missing":        `filing.staff_onsite > 0 && !filing.supplies.isolation_room`,
	"staff_total_missing":           `filing.staff_total <= 0`,
	"staff_onsite_exceeds_total":    `filing.staff_onsite > filing.staff_total`,
	"roster_missing":                `!roster.present`,
	"roster_rows_mismatch":          `roster.present && roster.rows != filing.staff_total`,
	"roster_fever":                  `roster.fever > 0`,
	"roster_health_code_red":        `roster.health_code_red > 0`,
	"roster_health_code_yellow":     `roster.health_code_yellow > 0`,
	"roster_hubei_in_quarantine":    `roster.in_quarantine > 0`,
	"roster_hubei_unquarantined":    `roster.hubei_14d > roster.in_quarantine`,
	"roster_temperature_unknown":    `roster.present && "temperature" in roster.unknown`,
	"roster_health_code_unknown":    `roster.present && "health_code" in roster.unknown`,
	"roster_travel_unknown":         `roster.present && "travel_14d" in roster.unknown`,
	"planned_resume_date_missing":   `is_zero(filing.planned_resume_date)`,
	"resume_date_passed_unapproved": `!filing.approved && filing.status != "rejected" && !is_zero(filing.planned_resume_date) && days_between(filing.planned_resume_date, now) > 0`,
	"resumed_before_approval":       `!is_zero(filing.resumed_date) && (!filing.approved || is_zero(filing.approved_at) || days_between(filing.approved_at, filing.resumed_date) < 0)`,
	"plan_missing":                  `!plan.present`,
	"plan_text_unreadable":          `plan.present && plan.text.trim() == ""`,
	"plan_lacks_organization":       `plan.text.trim() != "" && !contains_any(plan.text, ["领导小组", "工作小组", "工作组", "防控小组", "组织机构", "组织架构", "责任人", "负责人", "专班"])`,
	"plan_lacks_screening":          `plan.text.trim() != "" && !contains_any(plan.text, ["排查", "摸排", "登记", "测温", "体温检测", "体温监测", "健康监测", "台账"])`,
	"plan_lacks_disinfection":       `plan.text.trim() != "" && !contains_any(plan.text, ["消毒", "消杀", "通风"])`,
	"plan_lacks_emergency":          `plan.text.trim() != "" && !contains_any(plan.text, ["应急", "隔离", "处置", "送诊", "就医", "上报"])`,
	"plan_lacks_supplies":           `plan.text.trim() != "" && !contains_any(plan.text, ["物资", "储备", "口罩", "防护用品", "消毒液", "体温计"])`,
	"plan_near_duplicate":           `plan.present && plan.max_similarity >= 0.7`,
}

// shippedRulesDir is the default rule set, relative to this package.
const shippedRulesDir = "../../rules"

type celRule struct {
	id  string
	prg cel.Program
}

func compileCEL(tb testing.TB) []celRule {
	tb.Helper()
	env, err := cel.NewEnv(
		ext.NativeTypes(reflect.TypeOf(rules.Filing{}), reflect.TypeOf(rules.Roster{}),
			reflect.TypeOf(rules.Plan{}), reflect.TypeOf(rules.Enterprise{}), types.ParseStructTag("expr")),
		ext.Math(), ext.Strings(),
		cel.Variable("filing", cel.ObjectType("rules.Filing")),
		cel.Variable("roster", cel.ObjectType("rules.Roster")),
		cel.Variable("plan", cel.ObjectType("rules.Plan")),
		cel.Variable("enterprise", cel.ObjectType("rules.Enterprise")),
		cel.Variable("now", cel.TimestampType),
		cel.Function("is_zero", cel.Overload("is_zero_ts", []*cel.Type{cel.TimestampType}, cel.BoolType,
			// cel-go's native adapter turns a zero time.Time into the Unix
			// epoch (the protobuf default), so both mean "not given".
			cel.UnaryBinding(func(a ref.Val) ref.Val {
				t := a.Value().(time.Time)
				return types.Bool(t.IsZero() || t.Unix() == 0)
			}))),
		cel.Function("days_between", cel.Overload("days_between_ts_ts",
			[]*cel.Type{cel.TimestampType, cel.TimestampType}, cel.IntType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				x := a.Value().(time.Time)
				y := b.Value().(time.Time)
				xd := time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
				yd := time.Date(y.Year(), y.Month(), y.Day(), 0, 0, 0, 0, time.UTC)
				return types.Int((yd.Unix() - xd.Unix()) / 86400)
			}))),
		cel.Function("contains_any", cel.Overload("contains_any_string_list",
			[]*cel.Type{cel.StringType, cel.ListType(cel.StringType)}, cel.BoolType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				// As the expr function does (internal/rules/functions.go): a
				// keyword wrapped across lines of a PDF is still the word.
				text := rules.JoinCJKLines(string(a.(types.String)))
				it := b.(traits.Lister).Iterator()
				for it.HasNext() == types.True {
					if w := string(it.Next().(types.String)); w != "" && strings.Contains(text, w) {
						return types.True
					}
				}
				return types.False
			}))),
	)
	if err != nil {
		tb.Fatal(err)
	}
	var out []celRule
	for id, src := range celRules {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			tb.Fatalf("%s: %v", id, iss.Err())
		}
		prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			tb.Fatalf("%s: %v", id, err)
		}
		out = append(out, celRule{id: id, prg: prg})
	}
	return out
}

var debugErr func(string, error)

func evalCEL(rs []celRule, in rules.Input) []string {
	act := map[string]any{"filing": in.Filing, "roster": in.Roster, "plan": plan(in),
		"enterprise": in.Enterprise, "now": in.Now}
	var ids []string
	for _, r := range rs {
		v, _, err := r.prg.Eval(act)
		if err != nil && debugErr != nil {
			debugErr(r.id, err)
		}
		if err != nil || v == types.True {
			ids = append(ids, r.id)
		}
	}
	return ids
}

// plan mirrors rules' own filling of the plan from the typed plan text.
func plan(in rules.Input) rules.Plan {
	p := in.Plan
	if p.Text == "" && in.Filing.PlanText != "" {
		p.Text = in.Filing.PlanText
	}
	if p.Text != "" {
		p.Present = true
	}
	return p
}

func loadCases(tb testing.TB) (*rules.Set, []rules.TestCase) {
	tb.Helper()
	set, err := rules.Load(context.Background(), shippedRulesDir)
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := rules.LoadTestCases(filepath.Join(shippedRulesDir, "testdata"))
	if err != nil {
		tb.Fatal(err)
	}
	return set, cases
}

// TestSameRules checks the CEL rules raise what the expr rules raise on
// every shipped case, so the benchmark compares equal work.
func TestSameRules(t *testing.T) {
	set, cases := loadCases(t)
	if len(cases) == 0 {
		t.Fatal("no shipped test cases")
	}
	if len(celRules) != len(set.Rules) {
		t.Fatalf("%d CEL rules, %d expr rules", len(celRules), len(set.Rules))
	}
	rs := compileCEL(t)
	debugErr = func(id string, err error) { t.Logf("%s: %v", id, err) }
	defer func() { debugErr = nil }()
	for _, c := range cases {
		var want []string
		for _, f := range rules.Evaluate(set, c.Input) {
			want = append(want, f.RuleID)
		}
		got := evalCEL(rs, c.Input)
		if !sameSet(want, got) {
			t.Errorf("%s: expr %v, cel %v", c.Name, want, got)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

func pick(tb testing.TB, cases []rules.TestCase, name string) rules.Input {
	for _, c := range cases {
		if c.Name == name {
			return c.Input
		}
	}
	tb.Fatalf("no case %q", name)
	return rules.Input{}
}

// BenchmarkEngines runs the full default set on one clean filing (every
// rule evaluated, none firing) with expr and with cel-go, in the same run.
func BenchmarkEngines(b *testing.B) {
	set, cases := loadCases(b)
	in := pick(b, cases, "clean filing raises nothing")
	b.Run("expr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if f := rules.Evaluate(set, in); len(f) != 0 {
				b.Fatal(f)
			}
		}
	})
	rs := compileCEL(b)
	b.Run("cel-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ids := evalCEL(rs, in); len(ids) != 0 {
				b.Fatal(ids)
			}
		}
	})
}

// BenchmarkEnginesInterleaved alternates expr and cel-go on every iteration
// so both see the same machine load (the shared CI box is noisy), and
// reports each engine's ns per filing and their ratio.
func BenchmarkEnginesInterleaved(b *testing.B) {
	set, cases := loadCases(b)
	in := pick(b, cases, "clean filing raises nothing")
	rs := compileCEL(b)
	var exprTime, celTime time.Duration
	for b.Loop() {
		t0 := time.Now()
		rules.Evaluate(set, in)
		t1 := time.Now()
		evalCEL(rs, in)
		t2 := time.Now()
		exprTime += t1.Sub(t0)
		celTime += t2.Sub(t1)
	}
	b.ReportMetric(float64(exprTime.Nanoseconds())/float64(b.N), "expr-ns/op")
	b.ReportMetric(float64(celTime.Nanoseconds())/float64(b.N), "cel-ns/op")
	b.ReportMetric(float64(exprTime)/float64(celTime), "expr/cel")
}
