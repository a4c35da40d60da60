package rules

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// TestReport is the outcome of RunTests.
type TestReport struct {
	Version  string        `json:"version"` // of the rule set tested
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Failures []TestFailure `json:"failures,omitempty"`
}

// TestFailure is one case whose flags differ from what it expects.
type TestFailure struct {
	File       string   `json:"file"`
	Case       string   `json:"case"`
	Want       []string `json:"want"`
	Got        []string `json:"got"`
	Missing    []string `json:"missing,omitempty"`    // expected, not raised
	Unexpected []string `json:"unexpected,omitempty"` // raised, not expected
}

// String describes the failure in one line for a terminal.
func (f TestFailure) String() string {
	return fmt.Sprintf("%s: %q: missing %v, unexpected %v (want %v, got %v)",
		f.File, f.Case, f.Missing, f.Unexpected, f.Want, f.Got)
}

// String summarises the report, one line per failure.
func (r TestReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ruleset %s: %d passed, %d failed\n", r.Version, r.Passed, r.Failed)
	for _, f := range r.Failures {
		b.WriteString("FAIL ")
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// testFile is the shape of rules/testdata/*.yaml: a base input that every
// case starts from, and cases that override parts of it (maps merge deeply,
// anything else replaces) and list exactly the rule ids they expect.
type testFile struct {
	Base  map[string]any `yaml:"base"`
	Cases []testCase     `yaml:"cases"`
}

type testCase struct {
	Name   string         `yaml:"name"`
	Input  map[string]any `yaml:"input"`
	Expect []string       `yaml:"expect"`
}

// TestCase is one decoded case, ready to evaluate.
type TestCase struct {
	File   string
	Name   string
	Input  Input
	Expect []string
}

// LoadTestCases reads every *.yaml case file in dir. Malformed files, cases
// without a name, and input fields that Input does not have give an
// *apperror.Error with code Invalid naming file and case.
func LoadTestCases(dir string) ([]TestCase, error) {
	raw, err := loadCases(dir, decodeInput)
	out := make([]TestCase, len(raw))
	for i, c := range raw {
		out[i] = TestCase{File: c.file, Name: c.name, Input: c.input, Expect: c.expect}
	}
	return out, err
}

// rawCase is one decoded case of any kind.
type rawCase[T any] struct {
	file, name string
	input      T
	expect     []string
}

// loadCases reads the case files of dir, decoding each merged input with
// decode (strict: a misspelt field is an error).
func loadCases[T any](dir string, decode func(map[string]any) (T, error)) ([]rawCase[T], error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotReadTestDirectory, dir)
	}
	sort.Strings(names)
	var cases []rawCase[T]
	var details []apperror.Detail
	bad := func(file, c, msg string) {
		details = append(details, apperror.Detail{Field: file + "#" + c, Message: fmt.Sprintf("%s: case %q: %s", file, c, msg)})
	}
	for _, name := range names {
		base := filepath.Base(name)
		content, err := os.ReadFile(name)
		if err != nil {
			return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotReadTestFile, base)
		}
		var tf testFile
		dec := yaml.NewDecoder(bytes.NewReader(content))
		dec.KnownFields(true)
		if err := dec.Decode(&tf); err != nil {
			bad(base, "", "YAML: "+err.Error())
			continue
		}
		for i, c := range tf.Cases {
			if c.Name == "" {
				bad(base, fmt.Sprint(i+1), msgMissingName.In(msg.ZH))
				continue
			}
			merged := mergeMaps(tf.Base, c.Input)
			in, err := decode(merged)
			if err != nil {
				bad(base, c.Name, err.Error())
				continue
			}
			cases = append(cases, rawCase[T]{file: base, name: c.Name, input: in, expect: c.Expect})
		}
	}
	if len(details) > 0 {
		return nil, apperror.WithText(apperror.Invalid, msgInvalidRuleTestCases.With(), details)
	}
	return cases, nil
}

// decodeInput decodes a generic map into Input strictly, so a misspelt
// field in a case is an error rather than a silent zero.
func decodeInput(m map[string]any) (Input, error) { return decodeStrict[Input](m) }

func decodeStrict[T any](m map[string]any) (T, error) {
	var in T
	raw, err := yaml.Marshal(m)
	if err != nil {
		return in, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&in); err != nil && err.Error() != "EOF" {
		return in, err
	}
	return in, nil
}

// mergeMaps returns base with over laid on top, recursing into maps.
func mergeMaps(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if bm, ok := out[k].(map[string]any); ok {
			if om, ok := v.(map[string]any); ok {
				out[k] = mergeMaps(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// RunTests loads the rules in rulesDir and runs every case in testdataDir
// against them, for `fugong rules test`. A case passes when the set of rule
// ids raised equals the expected set exactly. It returns an error (see Load
// and LoadTestCases) when the rules or the cases cannot be loaded; failing
// cases are not an error but counted in the report.
func RunTests(ctx context.Context, rulesDir, testdataDir string) (TestReport, error) {
	set, err := Load(ctx, rulesDir)
	if err != nil {
		return TestReport{}, err
	}
	cases, err := LoadTestCases(testdataDir)
	if err != nil {
		return TestReport{}, err
	}
	rep := TestReport{Version: set.Version}
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if f, ok := runCase(set, c); ok {
			rep.Passed++
		} else {
			rep.Failed++
			rep.Failures = append(rep.Failures, f)
		}
	}
	return rep, nil
}

// runCase evaluates one case and compares the raised ids with the expected.
func runCase(set *Set, c TestCase) (TestFailure, bool) {
	if c.Input.Now.IsZero() {
		// A case without now must not depend on the clock of the day it runs.
		c.Input.Now = time.Date(2020, 2, 28, 9, 0, 0, 0, time.UTC)
	}
	return compareCase(c.File, c.Name, c.Expect, Evaluate(set, c.Input))
}

// compareCase compares the rule ids raised with those a case expects.
func compareCase(file, name string, expect []string, flags []Flag) (TestFailure, bool) {
	var got []string
	for _, f := range flags {
		got = append(got, f.RuleID)
	}
	want := slices.Clone(expect)
	slices.Sort(got)
	slices.Sort(want)
	f := TestFailure{File: file, Case: name, Want: want, Got: got}
	for _, id := range want {
		if !slices.Contains(got, id) {
			f.Missing = append(f.Missing, id)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			f.Unexpected = append(f.Unexpected, id)
		}
	}
	return f, f.Missing == nil && f.Unexpected == nil
}

// RunDailyTests is RunTests for the daily report rules: the set in
// rulesDir (rules/daily) against the cases in testdataDir, whose inputs are
// DailyInput (report, previous, history, filing, enterprise, now).
func RunDailyTests(ctx context.Context, rulesDir, testdataDir string) (TestReport, error) {
	set, err := LoadKind(ctx, KindDaily, rulesDir)
	if err != nil {
		return TestReport{}, err
	}
	cases, err := loadCases(testdataDir, decodeStrict[DailyInput])
	if err != nil {
		return TestReport{}, err
	}
	rep := TestReport{Version: set.Version}
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if c.input.Now.IsZero() {
			c.input.Now = time.Date(2020, 2, 28, 9, 0, 0, 0, time.UTC)
		}
		if f, ok := compareCase(c.file, c.name, c.expect, EvaluateDaily(set, c.input)); ok {
			rep.Passed++
		} else {
			rep.Failed++
			rep.Failures = append(rep.Failures, f)
		}
	}
	return rep, nil
}
