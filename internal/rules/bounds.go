package rules

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Bounds of one evaluation. expr's VM memory budget counts the collections
// it builds itself (arrays, maps, ranges, predicate scopes) but not strings
// built by + or by builtins like split, replace and join, and nothing bounds
// time. So string concatenation and the growing string functions are
// rewritten at compile time into bounded functions (boundPatcher) that
// charge one per-evaluation Budget, refuse results past a size, and stop at
// the evaluation's deadline; the builtins that grow without bound and are
// not needed by rules (repeat, toJSON, …) are disabled.
const (
	maxStringBytes = 1 << 20   // longest string a rule may build
	maxItems       = 100_000   // longest list split may return
	allocBudget    = 32 << 20  // bytes the bounded functions may allocate per evaluation
	scanBudget     = 512 << 20 // bytes they may scan (contains, matches, …) per evaluation
)

// budgetName is the hidden variable the patcher passes to the bounded
// functions; rule sources may not name it.
const budgetName = "_budget"

// errBudget is the cause of every evaluation stopped by its bounds.
var errBudget = errors.New("rule evaluation budget exceeded")

// Budget is what one evaluation may still spend. It is created per
// evaluation (never shared between goroutines).
type Budget struct {
	ctx   context.Context
	alloc int64
	scan  int64
	res   map[string]*regexp.Regexp
	ticks int
}

func newBudget(ctx context.Context) *Budget {
	return &Budget{ctx: ctx, alloc: allocBudget, scan: scanBudget}
}

// charge spends alloc bytes of allocation and scan bytes of scanning, and
// fails once either is exhausted or the deadline has passed.
func (b *Budget) charge(alloc, scan int) error {
	if b == nil {
		return fmt.Errorf("%w: no budget", errBudget)
	}
	b.alloc -= int64(alloc)
	b.scan -= int64(scan)
	if b.alloc < 0 {
		return fmt.Errorf("%w: more than %d MiB allocated", errBudget, allocBudget>>20)
	}
	if b.scan < 0 {
		return fmt.Errorf("%w: more than %d MiB scanned", errBudget, scanBudget>>20)
	}
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", errBudget, err)
	}
	return nil
}

// chargeString is charge for a function returning a string of size bytes,
// which may not exceed maxStringBytes.
func (b *Budget) chargeString(size, scan int) error {
	if size > maxStringBytes {
		return fmt.Errorf("%w: a string of %d bytes exceeds the %d-byte limit", errBudget, size, maxStringBytes)
	}
	return b.charge(size, scan)
}

// boundPatcher rewrites, in a type-checked tree, string + and the string
// operators into calls of the bounded functions, and calls of the growing
// builtins into their bounded versions, passing the budget.
type boundPatcher struct{}

// boundedCalls maps a builtin to its bounded replacement.
var boundedCalls = map[string]string{
	"split": "_split", "splitAfter": "_split_after", "replace": "_replace", "join": "_join",
	"upper": "_upper", "lower": "_lower", "contains_any": "_contains_any",
}

// boundedOperators maps a binary operator to its bounded function.
var boundedOperators = map[string]string{
	"contains": "_contains", "startsWith": "_starts_with", "endsWith": "_ends_with", "matches": "_matches",
}

// disabledBuiltins can build large values from small input and are not
// needed by rules.
var disabledBuiltins = []string{"repeat", "toJSON", "fromJSON", "toBase64", "fromBase64", "concat", "flatten",
	"split", "splitAfter", "replace", "join", "upper", "lower"}

func budgetNode() ast.Node { return &ast.IdentifierNode{Value: budgetName} }

func isStringOrUnknown(n ast.Node) bool {
	t := n.Type()
	return t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.String
}

// Visit implements ast.Visitor.
func (boundPatcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if n.Operator == "+" && (isStringOrUnknown(n.Left) || isStringOrUnknown(n.Right)) {
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: "_add"}, Arguments: []ast.Node{budgetNode(), n.Left, n.Right}})
		} else if fn, ok := boundedOperators[n.Operator]; ok {
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: []ast.Node{budgetNode(), n.Left, n.Right}})
		}
	case *ast.PredicateNode:
		// Every iteration of a loop (any, all, filter, map, reduce, …)
		// passes through a tick that checks the deadline, so a loop whose
		// body costs time the budget does not see (a scan by indexOf, a
		// comparison of long strings) still stops at the deadline.
		if c, ok := n.Node.(*ast.CallNode); ok {
			if id, ok := c.Callee.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "_tick") {
				return
			}
		}
		fn := "_tick"
		if t := n.Node.Type(); t != nil {
			if name, ok := tickByKind[t.Kind()]; ok {
				fn = name
			}
		}
		n.Node = &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: []ast.Node{budgetNode(), n.Node}}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return
		}
		if fn, ok := boundedCalls[id.Value]; ok {
			args := append([]ast.Node{budgetNode()}, n.Arguments...)
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: args})
		}
	}
}

// tickByKind names the tick of a predicate body by its type, so the body
// keeps its type through the tick (a filter's predicate stays bool, a map's
// result stays []string); other bodies pass through _tick as any.
var tickByKind = map[reflect.Kind]string{
	reflect.Bool: "_tick_bool", reflect.Int: "_tick_int", reflect.Float64: "_tick_float", reflect.String: "_tick_string",
}

// tickEvery is how many loop iterations pass between two deadline checks.
const tickEvery = 16

// tick counts one loop iteration and fails once the deadline has passed.
func (b *Budget) tick() error {
	if b == nil {
		return fmt.Errorf("%w: no budget", errBudget)
	}
	b.ticks++
	if b.ticks%tickEvery != 0 {
		return nil
	}
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", errBudget, err)
	}
	return nil
}

func str(v any) (string, bool) { s, ok := v.(string); return s, ok }

func budgetOf(params []any) *Budget { b, _ := params[0].(*Budget); return b }

// boundedFunctions are the bounded functions the patcher calls. They panic
// with their error (the VM turns it into the rule's evaluation error), like
// expr's own functions.
func boundedFunctions() []expr.Option {
	fail := func(err error) (any, error) { return nil, err }
	tick := func(p ...any) (any, error) {
		if err := budgetOf(p).tick(); err != nil {
			return fail(err)
		}
		return p[1], nil
	}
	return []expr.Option{
		expr.Function("_tick", tick, new(func(*Budget, any) any)),
		expr.Function("_tick_bool", tick, new(func(*Budget, bool) bool)),
		expr.Function("_tick_int", tick, new(func(*Budget, int) int)),
		expr.Function("_tick_float", tick, new(func(*Budget, float64) float64)),
		expr.Function("_tick_string", tick, new(func(*Budget, string) string)),
		expr.Function("_add", func(p ...any) (any, error) {
			a, aok := str(p[1])
			b, bok := str(p[2])
			if !aok || !bok {
				return runtime.Add(p[1], p[2]), nil
			}
			if err := budgetOf(p).chargeString(len(a)+len(b), 0); err != nil {
				return fail(err)
			}
			return a + b, nil
		}, new(func(*Budget, string, string) string), new(func(*Budget, any, any) any)),
		expr.Function("_contains", stringPredicate(strings.Contains), new(func(*Budget, string, string) bool), new(func(*Budget, any, any) bool)),
		expr.Function("_starts_with", stringPredicate(strings.HasPrefix), new(func(*Budget, string, string) bool), new(func(*Budget, any, any) bool)),
		expr.Function("_ends_with", stringPredicate(strings.HasSuffix), new(func(*Budget, string, string) bool), new(func(*Budget, any, any) bool)),
		expr.Function("_matches", func(p ...any) (any, error) {
			s, _ := str(p[1])
			pat, _ := str(p[2])
			b := budgetOf(p)
			if err := b.charge(len(pat), len(s)+len(pat)); err != nil {
				return fail(err)
			}
			re := b.res[pat]
			if re == nil {
				var err error
				if re, err = regexp.Compile(pat); err != nil {
					return fail(err)
				}
				if b.res == nil {
					b.res = map[string]*regexp.Regexp{}
				}
				b.res[pat] = re
			}
			return re.MatchString(s), nil
		}, new(func(*Budget, string, string) bool), new(func(*Budget, any, any) bool)),
		expr.Function("_split", func(p ...any) (any, error) { return boundedSplit(p, 0) },
			new(func(*Budget, string, string) []string), new(func(*Budget, string, string, int) []string)),
		expr.Function("_split_after", func(p ...any) (any, error) { return boundedSplit(p, len(p[2].(string))) },
			new(func(*Budget, string, string) []string), new(func(*Budget, string, string, int) []string)),
		expr.Function("_replace", func(p ...any) (any, error) {
			s, old, repl := p[1].(string), p[2].(string), p[3].(string)
			n := -1
			if len(p) > 4 {
				n = p[4].(int)
			}
			count := strings.Count(s, old)
			if n >= 0 && n < count {
				count = n
			}
			if err := budgetOf(p).chargeString(len(s)+count*(len(repl)-len(old)), len(s)); err != nil {
				return fail(err)
			}
			return strings.Replace(s, old, repl, n), nil
		}, new(func(*Budget, string, string, string) string), new(func(*Budget, string, string, string, int) string)),
		expr.Function("_join", func(p ...any) (any, error) {
			var parts []string
			switch v := p[1].(type) {
			case []string:
				parts = v
			case []any:
				parts = make([]string, len(v))
				for i, x := range v {
					parts[i] = fmt.Sprint(x)
				}
			}
			sep := ""
			if len(p) > 2 {
				sep, _ = str(p[2])
			}
			size := len(sep) * max(0, len(parts)-1)
			for _, s := range parts {
				size += len(s)
			}
			if err := budgetOf(p).chargeString(size, size); err != nil {
				return fail(err)
			}
			return strings.Join(parts, sep), nil
		}, new(func(*Budget, []string, string) string), new(func(*Budget, []any, string) string),
			new(func(*Budget, []string) string), new(func(*Budget, []any) string)),
		expr.Function("_upper", caseFunc(strings.ToUpper), new(func(*Budget, string) string)),
		expr.Function("_lower", caseFunc(strings.ToLower), new(func(*Budget, string) string)),
		expr.Function("_contains_any", func(p ...any) (any, error) {
			text, _ := str(p[1])
			words := toWords(p[2])
			if err := budgetOf(p).charge(0, len(text)*max(1, len(words))); err != nil {
				return fail(err)
			}
			// The same words as the unbounded contains_any (functions.go): a
			// keyword wrapped across two PDF lines ("通\n风") is still the
			// word (docs/rules.md).
			return containsAny(JoinCJKLines(text), words), nil
		}, new(func(*Budget, string, []string) bool), new(func(*Budget, string, []any) bool)),
	}
}

func disabledBuiltinOptions() []expr.Option {
	out := make([]expr.Option, len(disabledBuiltins))
	for i, name := range disabledBuiltins {
		out[i] = expr.DisableBuiltin(name)
	}
	return out
}

func stringPredicate(f func(s, sub string) bool) func(p ...any) (any, error) {
	return func(p ...any) (any, error) {
		s, aok := str(p[1])
		sub, bok := str(p[2])
		if !aok || !bok {
			return nil, fmt.Errorf("string operator on %T and %T", p[1], p[2])
		}
		if err := budgetOf(p).charge(0, len(s)); err != nil {
			return nil, err
		}
		return f(s, sub), nil
	}
}

func caseFunc(f func(string) string) func(p ...any) (any, error) {
	return func(p ...any) (any, error) {
		s := p[1].(string)
		if err := budgetOf(p).chargeString(len(s), len(s)); err != nil {
			return nil, err
		}
		return f(s), nil
	}
}

// boundedSplit is split (keep = 0) or splitAfter (keep = len(sep)) with the
// number of parts checked before any is made.
func boundedSplit(p []any, keep int) (any, error) {
	s, sep := p[1].(string), p[2].(string)
	n := -1
	if len(p) > 3 {
		n = p[3].(int)
	}
	parts := strings.Count(s, sep) + 1
	if sep == "" {
		parts = utf8.RuneCountInString(s)
	}
	if n >= 0 && n < parts {
		parts = n
	}
	if parts > maxItems {
		return nil, fmt.Errorf("%w: split into %d parts (limit %d)", errBudget, parts, maxItems)
	}
	// Each part is a string header (16 bytes) pointing into s.
	if err := budgetOf(p).charge(16*parts, len(s)); err != nil {
		return nil, err
	}
	if keep > 0 {
		return strings.SplitAfterN(s, sep, n), nil
	}
	return strings.SplitN(s, sep, n), nil
}

func toWords(v any) []string {
	switch w := v.(type) {
	case []string:
		return w
	case []any:
		out := make([]string, 0, len(w))
		for _, x := range w {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
