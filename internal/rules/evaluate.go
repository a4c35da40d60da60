package rules

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"

	"fugong/internal/msg"
)

// Flag is the result of one rule that found a problem in a filing.
type Flag struct {
	RuleID         string   `json:"rule_id"`
	Severity       Severity `json:"severity"`
	Message        string   `json:"message"`
	RulesetVersion string   `json:"ruleset_version"`
}

// Blocks reports whether any flag has severity block, which keeps a filing
// from reaching review.
func Blocks(flags []Flag) bool {
	for _, f := range flags {
		if f.Severity == Block {
			return true
		}
	}
	return false
}

// evalTimeout is the deadline of one Evaluate: a filing's rules normally
// run in well under a millisecond.
const evalTimeout = 2 * time.Second

// Evaluate runs every rule of set on in and returns the flags raised, in the
// set's rule order. It never fails and never panics: a rule that cannot be
// evaluated on this input (say, a modulo by a zero count, or one that
// exceeds its budget of size, allocation or time: see bounds.go) raises a
// warn flag saying so under its own id, so a broken rule is seen rather than
// silently passing. At most a few evaluations of a set run at once (the
// others wait for a slot until their deadline). A nil set raises nothing.
func Evaluate(set *Set, in Input) []Flag {
	e := env(in)
	return evaluate(set, &e)
}

// ruleEnv is the env a rule runs on (*Env, *DailyEnv): each rule sets its
// params, each evaluation its budget.
type ruleEnv interface {
	setParams(map[string]any)
	setBudget(*Budget)
}

func (e *Env) setParams(p map[string]any)      { e.Params = p }
func (e *Env) setBudget(b *Budget)             { e.Budget = b }
func (e *DailyEnv) setParams(p map[string]any) { e.Params = p }
func (e *DailyEnv) setBudget(b *Budget)        { e.Budget = b }

// evaluate is Evaluate on a built env: the one bounded evaluation of every
// kind of rule set (slots, budget, deadline, pooled VMs).
func evaluate(set *Set, e ruleEnv) []Flag {
	if set == nil || len(set.Rules) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), evalTimeout)
	defer cancel()
	if !set.acquire(ctx) {
		return []Flag{{RuleID: set.Rules[0].ID, Severity: Warn, RulesetVersion: set.Version,
			Message: msgEngineBusy.In(msg.ZH)}}
	}
	defer set.release()
	e.setBudget(newBudget(ctx))
	m := set.vms.Get().(*vm.VM)
	defer set.vms.Put(m)
	var flags []Flag
	for _, r := range set.Rules {
		e.setParams(r.Params)
		out, err := m.Run(r.when, e)
		if err != nil {
			flags = append(flags, Flag{RuleID: r.ID, Severity: Warn, RulesetVersion: set.Version,
				Message: msgNotEvaluated.In(msg.ZH, r.Name) + "：" + firstLine(err.Error())})
			continue
		}
		if hit, _ := out.(bool); !hit {
			continue
		}
		flags = append(flags, Flag{RuleID: r.ID, Severity: r.Severity, RulesetVersion: set.Version,
			Message: render(m, r.message, e)})
	}
	return flags
}

// acquire takes an evaluation slot of set, waiting until ctx ends.
func (set *Set) acquire(ctx context.Context) bool {
	if set.slots == nil {
		return true
	}
	select {
	case set.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (set *Set) release() {
	if set.slots != nil {
		<-set.slots
	}
}

// fired returns the ids of the rules raising a flag on in, for backtests;
// it is Evaluate without building messages. e carries the budget.
func fired(set *Set, m *vm.VM, e ruleEnv, dst []string) []string {
	for _, r := range set.Rules {
		e.setParams(r.Params)
		out, err := m.Run(r.when, e)
		if hit, _ := out.(bool); hit || err != nil {
			dst = append(dst, r.ID)
		}
	}
	return dst
}

// render fills a message template; a segment that fails shows "?" so the
// rest of the message still reaches the enterprise.
func render(m *vm.VM, segs []segment, e ruleEnv) string {
	if len(segs) == 1 && segs[0].program == nil {
		return segs[0].text
	}
	var b strings.Builder
	for _, s := range segs {
		if s.program == nil {
			b.WriteString(s.text)
			continue
		}
		v, err := m.Run(s.program, e)
		if err != nil {
			b.WriteString("?")
			continue
		}
		b.WriteString(formatValue(v))
	}
	return b.String()
}

// formatValue shows a value the way a person reads it: whole numbers without
// decimals, others with at most two, dates as YYYY-MM-DD.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return formatFloat(v)
	case float32:
		return formatFloat(float64(v))
	case bool:
		if v {
			return msgYes.In(msg.ZH)
		}
		return msgNo.In(msg.ZH)
	case time.Time:
		if v.IsZero() {
			return msgNotGiven.In(msg.ZH)
		}
		return v.Format("2006-01-02")
	case []string:
		return strings.Join(v, "、")
	default:
		return fmt.Sprint(v)
	}
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
