package rules

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"fugong/internal/apperror"
)

// hostileRules are expressions that, before evaluation was bounded, ran the
// server out of memory or time (issue 18 #2): string doubling through let,
// doubling through reduce, nested any over split(s, ""), and a replace that
// multiplies its input.
func hostileRules() map[string]string {
	var b strings.Builder
	b.WriteString("let s0 = filing.plan_text + \"x\"; ")
	for i := 1; i <= 27; i++ {
		fmt.Fprintf(&b, "let s%d = s%d + s%d; ", i, i-1, i-1)
	}
	b.WriteString("len(s27) > 0")
	return map[string]string{
		"let_doubling":    b.String(),
		"reduce_doubling": `len(reduce(1..100000, #acc + #acc, "ab")) > 0`,
		"nested_split":    `any(split(filing.plan_text, ""), {any(split(filing.plan_text, ""), {# == "不"})})`,
		"replace_growth":  `len(replace(replace(replace(filing.plan_text, "", filing.plan_text), "", filing.plan_text), "", filing.plan_text)) > 0`,
		"join_growth":     `len(join(split(filing.plan_text, ""), filing.plan_text)) > 0`,
		"upper_in_loop":   `any(1..100000, {upper(filing.plan_text + filing.plan_text) == ""})`,
	}
}

func hostileSet(t *testing.T, id, when string) *Set {
	t.Helper()
	src := fmt.Sprintf("rules:\n  - id: %s\n    name: 恶意规则\n    severity: block\n    when: '%s'\n    message: x\n", id, strings.ReplaceAll(when, "'", "''"))
	set, err := LoadFiles(context.Background(), []File{{Name: "evil.yaml", Content: src}})
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return set
}

// TestEvaluationIsBounded: each hostile rule evaluates to a warn flag ("could
// not be evaluated") within the evaluation deadline, allocating a bounded
// amount. Failed before the bounds: the process ran out of memory or took
// minutes (run with `ulimit -v` to see it fail rather than swap).
func TestEvaluationIsBounded(t *testing.T) {
	in := Input{Filing: Filing{StaffTotal: 10, PlanText: strings.Repeat("复工方案，", 1000)}} // 5,000 runes
	for id, when := range hostileRules() {
		t.Run(id, func(t *testing.T) {
			set := hostileSet(t, id, when)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			flags := Evaluate(set, in)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			if len(flags) != 1 || flags[0].Severity != Warn || flags[0].RuleID != id {
				t.Fatalf("flags %+v, want one warn flag saying it could not be evaluated", flags)
			}
			if alloc > 256<<20 {
				t.Errorf("allocated %d MiB, want at most 256", alloc>>20)
			}
			if took > evalTimeout+time.Second {
				t.Errorf("took %v, want at most the %v deadline", took, evalTimeout)
			}
			t.Logf("%s: %v, %d MiB allocated: %s", id, took.Round(time.Millisecond), alloc>>20, flags[0].Message)
		})
	}
}

// TestBoundedFunctionsStillWork: the bounded versions of the string
// functions and operators give the builtins' results on ordinary input.
func TestBoundedFunctionsStillWork(t *testing.T) {
	in := Input{Filing: Filing{StaffTotal: 12, PlanText: "测温,消毒,通风", Contact: Contact{Name: "王"}}}
	for _, when := range []string{
		`filing.plan_text + "!" == "测温,消毒,通风!"`,
		`filing.staff_total + 1 == 13`,
		`len(split(filing.plan_text, ",")) == 3 && split(filing.plan_text, ",", 2)[1] == "消毒,通风"`,
		`splitAfter(filing.plan_text, ",")[0] == "测温,"`,
		`replace(filing.plan_text, ",", "、") == "测温、消毒、通风"`,
		`join(split(filing.plan_text, ","), "/") == "测温/消毒/通风"`,
		`upper("ab") == "AB" && lower("AB") == "ab"`,
		`filing.plan_text contains "消毒" && filing.plan_text startsWith "测温" && filing.plan_text endsWith "通风"`,
		`filing.plan_text matches "消.,通"`,
		`reduce(1..3, #acc + "x", "") == "xxx"`,
		`filing.contact.name + filing.contact.name == "王王"`,
		`contains_any(filing.plan_text, ["口罩", "通风"])`,
	} {
		set := hostileSet(t, "ok_rule", when)
		if flags := Evaluate(set, in); len(flags) != 1 || flags[0].Severity != Block {
			t.Errorf("%s: flags %+v, want the rule to fire", when, flags)
		}
	}
	// The budget variable is not for rule authors.
	if _, err := LoadFiles(context.Background(), []File{{Name: "a.yaml", Content: "rules:\n  - id: a\n    name: a\n    severity: warn\n    when: _budget != nil\n    message: x\n"}}); err == nil {
		t.Error("a rule naming _budget loaded")
	}
}

// TestBacktestIsBounded: a backtest of a hostile candidate stops at the
// first input it exceeds its bounds on, with a 422-kind error naming the
// rule and the bound, instead of grinding on to the backtest's deadline;
// a candidate that is merely slow stops the same way within one
// evaluation's deadline. (Before, the backtest ran each hostile evaluation
// to its budget, input after input, until its 2-minute deadline.)
func TestBacktestIsBounded(t *testing.T) {
	in := Input{Filing: Filing{PlanText: strings.Repeat("复工方案，", 60000)}}
	for id, when := range map[string]string{"nested_split": hostileRules()["nested_split"], "scan_in_loop": slowRules()["scan_in_loop"]} {
		t.Run(id, func(t *testing.T) {
			set := hostileSet(t, id, when)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			n := 0
			inputs := func(yield func(string, Input) bool) {
				for ; n < 1_000_000; n++ {
					if !yield(fmt.Sprint(n), in) {
						return
					}
				}
			}
			start := time.Now()
			_, err := Backtest(ctx, nil, set, inputs)
			took := time.Since(start)
			e := apperror.As(err)
			if e == nil || e.Code != apperror.Invalid || len(e.Details) != 1 || e.Details[0].Field != "evil.yaml#"+id || !strings.Contains(e.Message, "恶意规则") {
				t.Fatalf("err %v, want invalid naming the rule", err)
			}
			if took > evalTimeout+time.Second || n > 1 {
				t.Fatalf("stopped after %v and %d inputs, want the first input within one evaluation deadline", took, n)
			}
			t.Logf("%s: %v: %s", id, took.Round(time.Millisecond), e.Message)
		})
	}
}
