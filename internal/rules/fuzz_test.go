package rules

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzLoadRuleFile loads arbitrary rule-file text: it must never panic, and
// a set that loads must evaluate (bounded) without panicking or running
// past its deadline. Seeds are small so minimisation stays cheap.
func FuzzLoadRuleFile(f *testing.F) {
	f.Add("rules:\n  - id: a\n    name: a\n    severity: warn\n    when: filing.staff_total > 10\n    message: m {{ filing.staff_total }}\n")
	f.Add("rules:\n  - id: b\n    name: b\n    severity: block\n    when: 'len(split(filing.plan_text, \"\")) > params.n'\n    params: {n: 3}\n    message: x\n")
	f.Add("rules:\n  - id: c\n    name: c\n    severity: info\n    when: contains_any(plan.text, params.w)\n    params: {w: [口罩]}\n    message: '{{ upper(filing.contact.name) }}'\n")
	f.Add("rules: [")
	f.Add("rules:\n  - id: d\n    when: reduce(1..9, #acc + #acc, \"ab\") != \"\"\n")
	in := Input{Filing: Filing{StaffTotal: 12, StaffOnsite: 3, PlanText: strings.Repeat("复工方案，测温消毒。", 50), Contact: Contact{Name: "王", Phone: "138****5678"}},
		Roster: Roster{Present: true, Rows: 12}, Now: time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, content string) {
		if len(content) > 64<<10 {
			return
		}
		set, err := LoadFiles(context.Background(), []File{{Name: "fuzz.yaml", Content: content}})
		if err != nil {
			return
		}
		start := time.Now()
		Evaluate(set, in)
		if took := time.Since(start); took > evalTimeout+2*time.Second {
			t.Fatalf("evaluation took %v", took)
		}
	})
}

// FuzzRuleExpression compiles and evaluates one arbitrary when-expression
// (the part of a rule file most likely to be hostile).
func FuzzRuleExpression(f *testing.F) {
	for _, s := range []string{
		`filing.staff_total > 10`, `filing.plan_text + "x" != ""`, `any(split(filing.plan_text, ""), {# == "测"})`,
		`replace(filing.plan_text, "", "ab") != ""`, `filing.plan_text matches "(a+)+$"`, `days_between(now, filing.planned_resume_date) < 0`,
		`join(["a", "b"], filing.contact.name) == "a王b"`, `1..100000 | map(# * 2) | len() > 0`,
	} {
		f.Add(s)
	}
	in := Input{Filing: Filing{StaffTotal: 12, PlanText: strings.Repeat("复工方案，测温消毒。", 50), Contact: Contact{Name: "王"}}}
	f.Fuzz(func(t *testing.T, when string) {
		if len(when) > 4096 || strings.ContainsAny(when, "\n\r") {
			return
		}
		src := "rules:\n  - id: f\n    name: f\n    severity: warn\n    when: '" + strings.ReplaceAll(when, "'", "''") + "'\n    message: m\n"
		set, err := LoadFiles(context.Background(), []File{{Name: "f.yaml", Content: src}})
		if err != nil {
			return
		}
		start := time.Now()
		Evaluate(set, in)
		if took := time.Since(start); took > evalTimeout+2*time.Second {
			t.Fatalf("%q took %v", when, took)
		}
	})
}
