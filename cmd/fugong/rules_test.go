package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fugong/internal/rules"
)

const shippedRulesPath = "../../rules"

// runRules runs the CLI with env as the whole environment.
// english is the environment of an operator with an English locale.
var english = map[string]string{"LANG": "en_US.UTF-8"}

func runRules(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func writeRulesFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRulesCheckShipped(t *testing.T) {
	t.Parallel()
	set, err := rules.Check(shippedRulesPath)
	if err != nil {
		t.Fatalf("shipped rules do not load: %v", err)
	}
	code, out, errOut := runRules(t, english, "rules", "check", "--dir", shippedRulesPath)
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(out, set.Version) || !strings.Contains(out, fmt.Sprintf("%d rules", len(set.Rules))) {
		t.Errorf("stdout %q lacks version %s and count %d", out, set.Version, len(set.Rules))
	}
}

var rulesSummaryLine = regexp.MustCompile(`(?m)^rules: (\d+) passed, (\d+) failed\n\z`)

func TestRulesTestShipped(t *testing.T) {
	t.Parallel()
	code, out, errOut := runRules(t, nil, "rules", "test", "--dir", shippedRulesPath)
	if code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	m := rulesSummaryLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stdout does not end with the summary line: %q", out)
	}
	if m[1] == "0" || m[2] != "0" {
		t.Errorf("summary %q: want some passed, none failed", m[0])
	}
	if strings.Contains(out, "FAIL") {
		t.Errorf("stdout reports a failure: %q", out)
	}
}

// TestRulesDirFromEnvironment: without --dir the directory comes from the
// configuration (FUGONG_RULES_DIR), and no database is needed.
func TestRulesDirFromEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"FUGONG_RULES_DIR": shippedRulesPath}
	if code, out, errOut := runRules(t, env, "rules", "check"); code != 0 || !strings.Contains(out, shippedRulesPath) {
		t.Fatalf("check: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, errOut := runRules(t, env, "rules", "test"); code != 0 || !rulesSummaryLine.MatchString(out) {
		t.Fatalf("test: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The default (rules, relative to the working directory) does not exist here.
	if code, _, errOut := runRules(t, nil, "rules", "check"); code != 1 || errOut == "" {
		t.Fatalf("check without a rules directory: exit %d, stderr %q; want 1 with a message", code, errOut)
	}
}

const rulesGoodRule = `rules:
  - id: staff_missing
    name: 未填写员工人数
    severity: block
    when: filing.staff_total <= 0
    message: 未填写员工人数 / staff total missing
`

func TestRulesCheckBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeRulesFile(t, filepath.Join(dir, "a_good.yaml"), rulesGoodRule)
	writeRulesFile(t, filepath.Join(dir, "b_bad.yaml"), `# 第 1 行 / line 1
rules:
  - id: misspelt_field
    name: 拼错字段
    severity: warn
    when: filing.staff_totl > 0
    message: x
  - id: bad_severity
    name: 错误级别
    severity: fatal
    when: "true"
    message: x
`)
	for _, sub := range []string{"check", "test"} {
		code, out, errOut := runRules(t, nil, "rules", sub, "--dir", dir)
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1; stdout %q, stderr %q", sub, code, out, errOut)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if len(lines) != 3 {
			t.Fatalf("%s: want two problem lines and a summary, got %q", sub, errOut)
		}
		if !regexp.MustCompile(`^b_bad\.yaml:6:\d+: misspelt_field: .*staff_totl`).MatchString(lines[0]) {
			t.Errorf("%s: first problem %q does not name file, line 6, rule and field", sub, lines[0])
		}
		if !regexp.MustCompile(`^b_bad\.yaml:10:\d+: bad_severity: .*fatal`).MatchString(lines[1]) {
			t.Errorf("%s: second problem %q does not name file, line 10, rule and severity", sub, lines[1])
		}
		if !strings.Contains(lines[2], "2 处错误") {
			t.Errorf("%s: summary %q does not count 2 errors", sub, lines[2])
		}
		if strings.Contains(out, "compiled") || strings.Contains(out, "passed") {
			t.Errorf("%s: stdout %q claims success", sub, out)
		}
	}
}

func TestRulesTestWrongExpectation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeRulesFile(t, filepath.Join(dir, "staff.yaml"), rulesGoodRule)
	writeRulesFile(t, filepath.Join(dir, "testdata", "cases.yaml"), `base:
  filing: {staff_total: 10}
cases:
  - name: staff given
    expect: []
  - name: staff missing
    input: {filing: {staff_total: 0}}
    expect: [staff_total_missing]
`)
	code, out, errOut := runRules(t, nil, "rules", "test", "--dir", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.HasSuffix(out, "rules: 1 passed, 1 failed\n") {
		t.Errorf("stdout does not end with the summary: %q", out)
	}
	if !strings.Contains(out, `FAIL cases.yaml: "staff missing"`) ||
		!strings.Contains(out, "missing [staff_total_missing]") || !strings.Contains(out, "unexpected [staff_missing]") {
		t.Errorf("stdout does not describe the failing case: %q", out)
	}

	// The same cases from another directory, through --testdata.
	other := t.TempDir()
	content, err := os.ReadFile(filepath.Join(dir, "testdata", "cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeRulesFile(t, filepath.Join(other, "cases.yaml"), strings.ReplaceAll(string(content), "staff_total_missing", "staff_missing"))
	if code, out, errOut := runRules(t, nil, "rules", "test", "--dir", dir, "--testdata", other); code != 0 || !strings.HasSuffix(out, "rules: 2 passed, 0 failed\n") {
		t.Errorf("--testdata with correct cases: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestRulesTestNoCases(t *testing.T) {
	t.Parallel()
	code, out, errOut := runRules(t, english, "rules", "test", "--dir", shippedRulesPath, "--testdata", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "no test cases") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and a message", code, out, errOut)
	}
}

func TestRulesTestBadCaseFile(t *testing.T) {
	t.Parallel()
	td := t.TempDir()
	writeRulesFile(t, filepath.Join(td, "cases.yaml"), "cases:\n  - name: typo\n    input: {filing: {staff_totl: 3}}\n    expect: []\n")
	code, _, errOut := runRules(t, nil, "rules", "test", "--dir", shippedRulesPath, "--testdata", td)
	if code != 1 || !strings.Contains(errOut, `cases.yaml: case "typo"`) || !strings.Contains(errOut, "staff_totl") {
		t.Fatalf("exit %d, stderr %q; want 1 naming file, case and field", code, errOut)
	}
}

func TestRulesUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"rules"},
		{"rules", "lint"},
		{"rules", "check", "--testdata", "x"}, // --testdata belongs to test only
		{"rules", "check", "extra"},
	} {
		if code, _, errOut := runRules(t, nil, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 with usage", args, code, errOut)
		}
	}
}
