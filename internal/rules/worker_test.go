package rules

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// slowRules spend their time in loops whose bodies the string budget does
// not see (a scan by indexOf, a comparison of two long strings): before each
// predicate iteration checked the deadline, they ran for minutes on one
// request goroutine (issue 18 #2, second round).
func slowRules() map[string]string {
	return map[string]string{
		"scan_in_loop":    `any(1..150000, {indexOf(filing.plan_text, "不存在的词") + lastIndexOf(filing.plan_text, "不存在") + indexOf(filing.plan_text, "不在") > 5})`,
		"compare_in_loop": `let a = filing.plan_text + "a"; let b = filing.plan_text + "b"; any(1..150000, {a == b})`,
		"prefix_in_loop":  `let a = filing.plan_text + "a"; let b = filing.plan_text + "b"; any(1..150000, {hasPrefix(a, b) || hasSuffix(a, b)})`,
	}
}

// TestSlowRulesStopAtTheDeadline: each slow rule gives a warn flag within
// the evaluation deadline (plus a margin for a loaded machine), and the
// evaluation it started has ended, slot released, shortly after.
func TestSlowRulesStopAtTheDeadline(t *testing.T) {
	in := Input{Filing: Filing{PlanText: strings.Repeat("复工方案，", 60000)}} // 900 KB
	for id, when := range slowRules() {
		t.Run(id, func(t *testing.T) {
			set := hostileSet(t, id, when)
			start := time.Now()
			flags := Evaluate(set, in)
			took := time.Since(start)
			if len(flags) != 1 || flags[0].Severity != Warn || flags[0].RuleID != id {
				t.Fatalf("flags %+v, want one warn flag saying it could not be evaluated", flags)
			}
			if took > evalTimeout+time.Second {
				t.Errorf("took %v, want at most the %v deadline", took, evalTimeout)
			}
			// The worker stopped too: every slot is free again soon.
			set.waitIdle(t, 2*time.Second)
			t.Logf("%s: %v: %s", id, took.Round(time.Millisecond), flags[0].Message)
		})
	}
}

// TestEvaluationsRunInBoundedWorkers: many requests evaluating a slow rule
// at once all answer within about one deadline (the workers stop at it, and
// callers without a slot give up at theirs) instead of queueing behind each
// other, and no worker outlives them.
func TestEvaluationsRunInBoundedWorkers(t *testing.T) {
	set := hostileSet(t, "scan_in_loop", slowRules()["scan_in_loop"])
	in := Input{Filing: Filing{PlanText: strings.Repeat("复工方案，", 60000)}}
	n := 3 * cap(set.slots)
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if flags := Evaluate(set, in); len(flags) != 1 || flags[0].Severity != Warn {
				t.Errorf("flags %+v, want one warn flag", flags)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > evalTimeout+2*time.Second {
		t.Errorf("%d concurrent slow evaluations took %v, want about one %v deadline", n, took, evalTimeout)
	}
	set.waitIdle(t, 2*time.Second)
}

// waitIdle fails t unless every evaluation slot of set is free within d.
func (set *Set) waitIdle(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for len(set.slots) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d evaluations still running %v after their deadline", len(set.slots), d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
