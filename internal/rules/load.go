package rules

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// Limits that keep one rule from hanging or exhausting the server: the AST
// size is capped at compile time, the VM's allocations at run time (expr has
// no loops, so bounded input and bounded allocation bound the time too).
const (
	maxNodes     = 2000
	memoryBudget = 200_000
	maxFileSize  = 1 << 20
	maxFiles     = 500
)

// Severity says what a flag does to a filing.
type Severity string

// The severities a rule may have: a block flag keeps a filing from review,
// warn shows the reviewer a problem, info is a hint.
const (
	Block Severity = "block"
	Warn  Severity = "warn"
	Info  Severity = "info"
)

// Kind is what a rule set judges: filings (rules/*.yaml, env Env) or daily
// reports (rules/daily/*.yaml, env DailyEnv). A rule is compiled against
// its kind's env, so it may name only what that env holds.
type Kind string

// The kinds of rule sets.
const (
	KindFiling Kind = "filing"
	KindDaily  Kind = "daily"
)

// kindSpec is how a kind compiles: its env, and whether a rule may block.
type kindSpec struct {
	env        any
	allowBlock bool
}

// specOf returns kind's spec; an unknown kind (the zero Kind) is a filing
// set, as every set was before kinds existed.
func specOf(kind Kind) kindSpec {
	if spec, ok := kinds[kind]; ok {
		return spec
	}
	return kinds[KindFiling]
}

var kinds = map[Kind]kindSpec{
	KindFiling: {env: Env{}, allowBlock: true},
	// A daily report is never held back: its rules warn.
	KindDaily: {env: DailyEnv{}},
}

// Rule is one compiled rule of a Set.
type Rule struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Severity    Severity       `json:"severity"`
	When        string         `json:"when"`
	Message     string         `json:"message"`
	Description string         `json:"description,omitempty"`
	Params      map[string]any `json:"params,omitempty"`
	File        string         `json:"file"` // base name of the YAML file
	Line        int            `json:"line"` // line of the rule's when in File

	when    *vm.Program
	message []segment
}

// segment is a literal piece of a message template, or (program != nil) a
// {{ expression }} whose value is shown.
type segment struct {
	text    string
	program *vm.Program
}

// File is one rule file as loaded, kept so every version ever active can be
// persisted verbatim.
type File struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// Set is an immutable, compiled rule set. It is safe for concurrent use.
type Set struct {
	// Kind is what the set judges (KindFiling for sets loaded by Load).
	Kind Kind
	// Version is the first 12 hex digits of the sha256 over the loaded
	// files' names and contents, in name order.
	Version  string
	Rules    []*Rule
	Files    []File
	Dir      string
	LoadedAt time.Time

	vms sync.Pool // *vm.VM, reused across evaluations to save allocations
	// slots bounds concurrent evaluations of the set (each may hold up to
	// its budget); backtest lets one backtest run against it at a time.
	slots    chan struct{}
	backtest chan struct{}
}

// Problem is one error found while loading a rule set, positioned in its
// file. Column is 0 when unknown.
type Problem struct {
	File   string
	RuleID string
	Line   int
	Column int
	Text   msg.Text
}

// String formats p in Chinese (see In).
func (p Problem) String() string { return p.In(msg.ZH) }

// In formats p in l as file:line:column: rule id: message; Problem is a
// msg.Localizer, so a detail renders it in the caller's language.
func (p Problem) In(l msg.Lang) string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	if p.RuleID != "" {
		b.WriteString(": ")
		b.WriteString(msgRuleLabel.In(l, p.RuleID))
	}
	b.WriteString(": ")
	b.WriteString(p.Text.In(l))
	return b.String()
}

// Check compiles the rule files in dir without activating them, for
// `fugong rules check`. It returns the set, or an *apperror.Error with code
// Invalid whose Details list every problem (see Load).
func Check(dir string) (*Set, error) {
	return Load(context.Background(), dir)
}

// Load reads every *.yaml file in dir and compiles its rules. Every problem
// — YAML syntax, unknown or missing field, bad id or severity, duplicate id,
// expression syntax, unknown name or type error, bad template — is collected;
// if there is any, Load returns an *apperror.Error with code Invalid whose
// Details hold one entry per problem: Field "file#rule_id", Row the YAML
// line, Column the column as a decimal string, Message the whole positioned
// sentence. A directory that cannot be read gives an Internal error.
func Load(ctx context.Context, dir string) (*Set, error) {
	return LoadKind(ctx, KindFiling, dir)
}

// LoadKind is Load for a set of kind (KindDaily: rules/daily).
func LoadKind(ctx context.Context, kind Kind, dir string) (*Set, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotReadRulesDirectory, dir)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotReadRulesDirectory, dir)
	}
	sort.Strings(names)
	if len(names) > maxFiles {
		return nil, apperror.Msg(apperror.Invalid, msgTooManyRuleFiles, len(names), maxFiles)
	}
	files := make([]File, 0, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		content, err := readLimited(name)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: filepath.Base(name), Content: content})
	}
	set, problems := compileFiles(kind, files)
	if len(problems) > 0 {
		return nil, problemsError(problems)
	}
	set.Dir = dir
	return set, nil
}

func readLimited(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", apperror.WrapMsg(err, apperror.Internal, msgCannotReadRuleFile, filepath.Base(name))
	}
	defer f.Close()
	buf := make([]byte, maxFileSize+1)
	n, err := readFull(f, buf)
	if err != nil {
		return "", apperror.WrapMsg(err, apperror.Internal, msgCannotReadRuleFile, filepath.Base(name))
	}
	if n > maxFileSize {
		return "", apperror.Msg(apperror.Invalid, msgRuleFileTooLarge, filepath.Base(name))
	}
	return string(buf[:n]), nil
}

func readFull(f *os.File, buf []byte) (int, error) {
	n, err := io.ReadFull(f, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return n, nil
	}
	return n, err
}

// problemsError turns load problems into the client-facing error.
func problemsError(problems []Problem) *apperror.Error {
	details := make([]apperror.Detail, len(problems))
	for i, p := range problems {
		field := p.File
		if p.RuleID != "" {
			field += "#" + p.RuleID
		}
		d := apperror.Detail{Row: p.Line, Field: field, Code: msgProblem.Code(), Message: p.String(), Text: msgProblem.With(p)}
		if p.Column > 0 {
			d.Column = strconv.Itoa(p.Column)
		}
		details[i] = d
	}
	return apperror.WithText(apperror.Invalid, msgRuleSetNotLoaded.With(len(problems)), details)
}

// version hashes the files' names and contents (already in name order).
func version(files []File) string {
	h := sha256.New()
	for _, f := range files {
		// Length-prefixed so no two different file lists hash alike.
		fmt.Fprintf(h, "%d:%s%d:", len(f.Name), f.Name, len(f.Content))
		h.Write([]byte(f.Content))
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// compileFiles parses and compiles files; the set is valid only when no
// problem is returned.
func compileFiles(kind Kind, files []File) (*Set, []Problem) {
	set := &Set{Kind: kind, Version: version(files), Files: files, LoadedAt: time.Now()}
	set.vms.New = func() any { return &vm.VM{MemoryBudget: memoryBudget} }
	set.slots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	set.backtest = make(chan struct{}, 1)
	var problems []Problem
	seen := map[string]string{} // id → file:line of its first definition
	for _, f := range files {
		rules, ps := parseFile(kind, f)
		problems = append(problems, ps...)
		for _, r := range rules {
			where := fmt.Sprintf("%s:%d", r.File, r.Line)
			if first, dup := seen[r.ID]; dup {
				problems = append(problems, Problem{File: f.Name, RuleID: r.ID, Line: r.Line,
					Text: msgDuplicateRuleID.With(first)})
				continue
			}
			seen[r.ID] = where
			set.Rules = append(set.Rules, r)
		}
	}
	return set, problems
}

// ruleKeys are the fields a rule may have.
var ruleKeys = map[string]bool{"id": true, "name": true, "severity": true, "when": true,
	"message": true, "description": true, "params": true}

// parseFile parses one YAML file and compiles each well-formed rule.
func parseFile(kind Kind, f File) ([]*Rule, []Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(f.Content), &doc); err != nil {
		return nil, []Problem{{File: f.Name, Line: yamlErrorLine(err), Text: msgYamlSyntaxError.With(err.Error())}}
	}
	if len(doc.Content) == 0 {
		return nil, []Problem{{File: f.Name, Line: 1, Text: msgEmptyFileTopLevelRules.With()}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, []Problem{{File: f.Name, Line: root.Line, Column: root.Column, Text: msgTopLevelMustMappingRules.With()}}
	}
	var list *yaml.Node
	var problems []Problem
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "rules" {
			problems = append(problems, Problem{File: f.Name, Line: k.Line, Column: k.Column,
				Text: msgUnknownTopLevelField.With(k.Value)})
			continue
		}
		list = v
	}
	if list == nil {
		return nil, append(problems, Problem{File: f.Name, Line: root.Line, Text: msgMissingTopLevelRulesList.With()})
	}
	if list.Kind != yaml.SequenceNode {
		return nil, append(problems, Problem{File: f.Name, Line: list.Line, Column: list.Column, Text: msgRulesMustList.With()})
	}
	lines := strings.Split(f.Content, "\n")
	var rules []*Rule
	for _, item := range list.Content {
		r, ps := parseRule(kind, f.Name, lines, item)
		problems = append(problems, ps...)
		if r != nil && len(ps) == 0 {
			rules = append(rules, r)
		}
	}
	return rules, problems
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// parseRule decodes and compiles one rule node; it returns problems instead
// of a rule when anything is wrong.
func parseRule(kind Kind, fileName string, lines []string, item *yaml.Node) (*Rule, []Problem) {
	if item.Kind != yaml.MappingNode {
		return nil, []Problem{{File: fileName, Line: item.Line, Column: item.Column, Text: msgRuleMustMapping.With()}}
	}
	r := &Rule{File: fileName, Line: item.Line}
	var problems []Problem
	add := func(n *yaml.Node, m msg.Message, args ...any) {
		problems = append(problems, Problem{File: fileName, RuleID: r.ID, Line: n.Line, Column: n.Column, Text: m.With(args...)})
	}
	nodes := map[string]*yaml.Node{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if !ruleKeys[k.Value] {
			add(k, msgUnknownField, k.Value)
			continue
		}
		if _, dup := nodes[k.Value]; dup {
			add(k, msgFieldGivenTwice, k.Value)
			continue
		}
		nodes[k.Value] = v
	}
	str := func(key string, required bool) string {
		n := nodes[key]
		if n == nil {
			if required {
				add(item, msgMissingField, key)
			}
			return ""
		}
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			add(n, msgFieldMustString, key)
			return ""
		}
		if required && strings.TrimSpace(n.Value) == "" {
			add(n, msgFieldMustNotEmpty, key)
		}
		return n.Value
	}
	r.ID = str("id", true)
	if r.ID != "" && !idPattern.MatchString(r.ID) {
		add(nodes["id"], msgIdMustSnakeCase, r.ID)
	}
	// Problems found before the id was known carry no id; name them now.
	for i := range problems {
		problems[i].RuleID = r.ID
	}
	r.Name = str("name", true)
	sev := str("severity", true)
	switch Severity(sev) {
	case Block:
		if !specOf(kind).allowBlock {
			add(nodes["severity"], msgBlockNotAllowed, kind)
		}
		r.Severity = Block
	case Warn, Info:
		r.Severity = Severity(sev)
	case "":
	default:
		add(nodes["severity"], msgBadSeverityUseBlockWarn, sev)
	}
	r.When = str("when", true)
	r.Message = str("message", true)
	r.Description = str("description", false)
	if n := nodes["params"]; n != nil {
		params, problem := decodeParams(n)
		if !problem.IsZero() {
			add(n, msgAsIs, problem)
		}
		r.Params = params
	}
	if len(problems) > 0 {
		return nil, problems
	}

	prog, errs := compileExpr(kind, r.When, r.Params, expr.AsBool())
	for _, e := range errs {
		problems = append(problems, exprProblem(fileName, r.ID, lines, nodes["when"], e))
	}
	r.when = prog
	segs, errs := compileTemplate(kind, r.Message, r.Params)
	for _, e := range errs {
		problems = append(problems, exprProblem(fileName, r.ID, lines, nodes["message"], e))
	}
	r.message = segs
	r.Line = nodes["when"].Line
	if len(problems) > 0 {
		return nil, problems
	}
	return r, nil
}

// decodeParams accepts numbers, strings, booleans and lists of strings,
// returning a message when anything else is given.
func decodeParams(n *yaml.Node) (map[string]any, msg.Text) {
	if n.Kind != yaml.MappingNode {
		return nil, msgParamsNotMapping.With()
	}
	var raw map[string]any
	if err := n.Decode(&raw); err != nil {
		return nil, msgParamsUndecodable.With(err.Error())
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case int, float64, string, bool:
			out[k] = v
		case []any:
			words := make([]string, 0, len(v))
			for _, w := range v {
				s, ok := w.(string)
				if !ok {
					return nil, msgParamListNotStrings.With(k)
				}
				words = append(words, s)
			}
			out[k] = words
		default:
			return nil, msgParamBadType.With(k)
		}
	}
	return out, msg.Text{}
}

// exprError is an expression error positioned within the expression text
// (line 1-based, column 0-based in runes) plus the offset of the expression
// within its YAML value (for template segments).
type exprError struct {
	line, column int
	offset       int // runes before the expression in the YAML value, on its first line
	known        bool
	text         msg.Text
}

// compileExpr compiles one expression against the env of kind with the
// rule's params inlined as constants, so params are typed and unknown ones
// are caught.
func compileExpr(kind Kind, src string, params map[string]any, extra ...expr.Option) (*vm.Program, []exprError) {
	if strings.Contains(src, budgetName) {
		return nil, []exprError{{text: msgReservedName.With(budgetName)}}
	}
	pp := &paramPatcher{params: params, src: src}
	opts := []expr.Option{
		expr.Env(specOf(kind).env),
		expr.MaxNodes(maxNodes),
		expr.Patch(pp),
		// now is our variable, not the clock: rules must be reproducible.
		expr.DisableBuiltin("now"),
		// repeat can build huge strings from tiny input.
		expr.DisableBuiltin("repeat"),
	}
	opts = append(opts, functionOptions()...)
	opts = append(opts, boundedFunctions()...)
	opts = append(opts, disabledBuiltinOptions()...)
	// After paramPatcher, so the params it inlines are typed constants.
	opts = append(opts, expr.Patch(boundPatcher{}))
	opts = append(opts, extra...)
	prog, err := expr.Compile(src, opts...)
	var errs []exprError
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			errs = append(errs, exprError{line: fe.Line, column: fe.Column, known: fe.Line > 0, text: msgAsIs.With(firstLine(fe.Message))})
		} else {
			errs = append(errs, exprError{text: msgAsIs.With(firstLine(err.Error()))})
		}
	}
	for _, u := range pp.unknown {
		errs = append(errs, exprError{line: u.line, column: u.column, known: true,
			text: msgUnknownParam.With(u.name)})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return prog, nil
}

// paramPatcher replaces params.NAME with the rule's value for NAME, and
// records names the rule does not define.
type paramPatcher struct {
	params  map[string]any
	src     string
	unknown []unknownParam
}

type unknownParam struct {
	name         string
	line, column int
}

// Visit implements ast.Visitor.
func (p *paramPatcher) Visit(node *ast.Node) {
	m, ok := (*node).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != "params" {
		return
	}
	name, ok := m.Property.(*ast.StringNode)
	if !ok {
		return
	}
	v, ok := p.params[name.Value]
	if !ok {
		line, col := lineColumn(p.src, m.Location().From)
		p.unknown = append(p.unknown, unknownParam{name: name.Value, line: line, column: col})
		return
	}
	ast.Patch(node, &ast.ConstantNode{Value: v})
}

// compileTemplate splits a message on {{ … }} and compiles each expression.
func compileTemplate(kind Kind, msg string, params map[string]any) ([]segment, []exprError) {
	var segs []segment
	var errs []exprError
	rest := msg
	consumed := 0 // runes of msg before rest, for error columns
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if rest != "" {
				segs = append(segs, segment{text: rest})
			}
			return segs, errs
		}
		if i > 0 {
			segs = append(segs, segment{text: rest[:i]})
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			errs = append(errs, exprError{offset: consumed + runeLen(rest[:i]), known: true, line: 1,
				text: msgUnclosedTemplate.With()})
			return segs, errs
		}
		src := rest[i+2 : i+2+j]
		if strings.TrimSpace(src) == "" {
			errs = append(errs, exprError{offset: consumed + runeLen(rest[:i]), known: true, line: 1,
				text: msgEmptyTemplate.With()})
		} else {
			prog, es := compileExpr(kind, src, params)
			for _, e := range es {
				e.offset = consumed + runeLen(rest[:i+2])
				errs = append(errs, e)
			}
			segs = append(segs, segment{program: prog, text: src})
		}
		consumed += runeLen(rest[:i+2+j+2])
		rest = rest[i+2+j+2:]
	}
}

func runeLen(s string) int { return len([]rune(s)) }

// exprProblem positions an expression error in the YAML file: the line of
// the value node (plus the expression's own line for block scalars) and,
// where known, the column.
func exprProblem(fileName, id string, lines []string, n *yaml.Node, e exprError) Problem {
	p := Problem{File: fileName, RuleID: id, Line: n.Line, Text: msgExpressionError.With(e.text)}
	if !e.known {
		return p
	}
	line := e.line
	if line < 1 {
		line = 1
	}
	col := e.column
	if line == 1 {
		col += e.offset
	}
	switch n.Style {
	case yaml.LiteralStyle:
		p.Line = n.Line + line
		if p.Line-1 < len(lines) {
			text := lines[p.Line-1]
			p.Column = len(text) - len(strings.TrimLeft(text, " ")) + col + 1
		}
	case yaml.FoldedStyle:
		// Folding joins lines, so only the first line is certain.
		p.Line = n.Line + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		p.Line = n.Line + line - 1
		if line == 1 {
			p.Column = n.Column + 1 + col
		}
	default:
		p.Line = n.Line + line - 1
		if line == 1 {
			p.Column = n.Column + col
		}
	}
	return p
}

// lineColumn turns a rune offset in src into a 1-based line and a 0-based
// rune column, as expr's own errors report them.
func lineColumn(src string, offset int) (int, int) {
	line, col, i := 1, 0, 0
	for _, r := range src {
		if i == offset {
			break
		}
		if r == '\n' {
			line++
			col = 0
		} else {
			col++
		}
		i++
	}
	return line, col
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
