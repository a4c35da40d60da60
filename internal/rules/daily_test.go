package rules_test

import (
	"context"
	"strings"
	"testing"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/rules"
)

// TestShippedDailyRules runs rules/daily/testdata against rules/daily: the
// six shipped daily rules raise exactly what each case expects.
func TestShippedDailyRules(t *testing.T) {
	rep, err := rules.RunDailyTests(context.Background(), "../../rules/daily", "../../rules/daily/testdata")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed > 0 || rep.Passed < 16 {
		t.Fatalf("%s", rep)
	}
	set, err := rules.LoadKind(context.Background(), rules.KindDaily, "../../rules/daily")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range set.Rules {
		ids[r.ID] = true
	}
	for _, id := range []string{"daily_staff_over_approved", "daily_masks_low", "daily_fever_unhandled", "daily_fever_jump",
		"daily_hubei_not_quarantined", "daily_missed_days"} {
		if !ids[id] {
			t.Errorf("rule %s not shipped", id)
		}
	}
}

// TestDailyEnvIsTyped: a daily rule may name only the daily env, with the
// right types, and may not block; a filing rule may not name report.
func TestDailyEnvIsTyped(t *testing.T) {
	cases := []struct {
		name string
		kind rules.Kind
		when string
		sev  string
		want string
	}{
		{"daily reads report", rules.KindDaily, "report.fever > history.max.fever", "warn", ""},
		{"daily reads numbers", rules.KindDaily, `report.numbers["gloves"] < 1.5`, "warn", ""},
		{"daily has no roster", rules.KindDaily, "roster.fever > 0", "warn", "roster"},
		{"wrong type", rules.KindDaily, `report.canteen > 3`, "warn", "invalid operation"},
		{"daily cannot block", rules.KindDaily, "report.fever > 0", "block", "cannot block"},
		{"filing has no report", rules.KindFiling, "report.fever > 0", "warn", "report"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := "rules:\n  - id: r\n    name: r\n    severity: " + c.sev + "\n    when: '" + c.when + "'\n    message: m\n"
			_, err := rules.CompileKind(c.kind, []rules.File{{Name: "r.yaml", Content: file}})
			if c.want == "" {
				if err != nil {
					t.Fatalf("compile: %v", err)
				}
				return
			}
			ae := apperror.As(err)
			if ae == nil || len(ae.Details) == 0 || !strings.Contains(ae.Details[0].Text.In(msg.EN), c.want) {
				t.Fatalf("got %v, want a problem naming %q", err, c.want)
			}
		})
	}
}

// TestEvaluateDailyIsBounded: a daily rule that divides by zero raises a
// warn flag under its own id (the same never-failing evaluation as filing
// rules), and a filing set raises nothing on a daily input.
func TestEvaluateDailyIsBounded(t *testing.T) {
	set, err := rules.CompileKind(rules.KindDaily, []rules.File{{Name: "r.yaml", Content: "rules:\n  - id: div\n    name: d\n    severity: warn\n    when: report.masks % report.staff_onsite == 0\n    message: m\n"}})
	if err != nil {
		t.Fatal(err)
	}
	flags := rules.EvaluateDaily(set, rules.DailyInput{})
	if len(flags) != 1 || flags[0].RuleID != "div" || flags[0].Severity != rules.Warn {
		t.Fatalf("flags %+v", flags)
	}
	filingSet, err := rules.Compile([]rules.File{{Name: "r.yaml", Content: "rules:\n  - id: f\n    name: f\n    severity: warn\n    when: 'true'\n    message: m\n"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rules.EvaluateDaily(filingSet, rules.DailyInput{}); got != nil {
		t.Errorf("a filing set ran on a daily input: %+v", got)
	}
}
