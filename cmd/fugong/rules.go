package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/rules"
)

const rulesUsage = "usage: fugong rules check [--dir DIR] | fugong rules test [--dir DIR] [--testdata DIR]"

// cmdRules runs `fugong rules check` and `fugong rules test`. Neither opens
// the database: they read the rule files (and test cases) only, so they run
// in CI or on an author's machine as they are.
func cmdRules(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageError{rulesUsage}
	}
	var g globalFlags
	var dir, testdata string
	fs := flag.NewFlagSet("rules "+args[0], flag.ContinueOnError)
	fs.StringVar(&dir, "dir", "", "rules directory (default: rules.dir of the configuration, FUGONG_RULES_DIR)")
	switch args[0] {
	case "check":
	case "test":
		fs.StringVar(&testdata, "testdata", "", "test case directory (default: DIR/testdata)")
	default:
		return usageError{fmt.Sprintf("unknown rules command %q; %s", args[0], rulesUsage)}
	}
	if err := parseFlags(fs, &g, args[1:], stderr); err != nil {
		return err
	}
	if dir == "" {
		// Only the configuration's rules.dir is needed; --dir skips the
		// configuration altogether, so a checkout without one still works.
		cfg, err := loadConfig(g, getenv)
		if err != nil {
			return err
		}
		dir = cfg.Rules.Dir
	}
	if args[0] == "check" {
		return rulesCheck(ctx, dir, stdout, stderr)
	}
	if testdata == "" {
		testdata = filepath.Join(dir, "testdata")
	}
	return rulesTest(ctx, dir, testdata, stdout, stderr)
}

// rulesCheck compiles dir and prints its version and rule count, or every
// problem, one a line.
// The daily report rules in DIR/daily (their cases in DIR/daily/testdata)
// are checked and tested with the filing rules when that directory exists.
func rulesCheck(ctx context.Context, dir string, stdout, stderr io.Writer) error {
	set, err := rules.Check(dir)
	if err != nil {
		return reportLoadError(err, stderr)
	}
	fmt.Fprintln(stdout, msgRulesCompiled.In(langOf(ctx), set.Version, len(set.Rules), dir))
	if daily, ok := dailyRulesDir(dir); ok {
		set, err := rules.LoadKind(ctx, rules.KindDaily, daily)
		if err != nil {
			return reportLoadError(err, stderr)
		}
		fmt.Fprintln(stdout, msgRulesCompiled.In(langOf(ctx), set.Version, len(set.Rules), daily))
	}
	return nil
}

// dailyRulesDir is DIR/daily when it is a directory.
func dailyRulesDir(dir string) (string, bool) {
	d := filepath.Join(dir, "daily")
	st, err := os.Stat(d)
	return d, err == nil && st.IsDir()
}

// rulesTest runs the cases in testdata against dir and prints each failure,
// ending with the line "rules: N passed, N failed".
func rulesTest(ctx context.Context, dir, testdata string, stdout, stderr io.Writer) error {
	if err := rulesTestOne(ctx, rules.RunTests, dir, testdata, stdout, stderr); err != nil {
		return err
	}
	if daily, ok := dailyRulesDir(dir); ok {
		return rulesTestOne(ctx, rules.RunDailyTests, daily, filepath.Join(daily, "testdata"), stdout, stderr)
	}
	return nil
}

func rulesTestOne(ctx context.Context, run func(context.Context, string, string) (rules.TestReport, error), dir, testdata string, stdout, stderr io.Writer) error {
	rep, err := run(ctx, dir, testdata)
	if err != nil {
		return reportLoadError(err, stderr)
	}
	fmt.Fprintln(stdout, msgRulesCases.In(langOf(ctx), rep.Version, dir, testdata))
	for _, f := range rep.Failures {
		fmt.Fprintf(stdout, "FAIL %s\n", f)
	}
	fmt.Fprintf(stdout, "rules: %d passed, %d failed\n", rep.Passed, rep.Failed)
	switch {
	case rep.Failed > 0:
		return errors.New(msgCasesFailed.In(langOf(ctx), rep.Failed))
	case rep.Passed == 0:
		// A misspelt --testdata must not look like a green run.
		return errors.New(msgNoCases.In(langOf(ctx), testdata))
	}
	return nil
}

// reportLoadError prints every problem of a rule or test case load error,
// one a line, and returns the error's summary for run to print last.
func reportLoadError(err error, stderr io.Writer) error {
	ae := apperror.As(err)
	if ae == nil {
		return err
	}
	for _, d := range ae.Details {
		fmt.Fprintln(stderr, problemLine(d))
	}
	if ae.Err != nil {
		return fmt.Errorf("%s: %w", ae.Message, ae.Err)
	}
	return errors.New(ae.Message)
}

var ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// problemLine formats one load problem as file:line:col: rule_id: message,
// the form editors and CI annotate. rules.Load's details carry the whole
// sentence (rules.Problem.String, with the rule label) plus the parts;
// the parts are used when they rebuild that sentence exactly, otherwise the
// sentence is printed as it is (test case problems are already
// "file: case …: message").
func problemLine(d apperror.Detail) string {
	file, id := d.Field, ""
	if i := strings.LastIndexByte(d.Field, '#'); i >= 0 && ruleIDPattern.MatchString(d.Field[i+1:]) {
		file, id = d.Field[:i], d.Field[i+1:]
	}
	col := 0
	fmt.Sscanf(d.Column, "%d", &col)
	p := rules.Problem{File: file, RuleID: id, Line: d.Row, Column: col}
	prefix := p.String() // ends with ": " and an empty message
	msg, ok := strings.CutPrefix(d.Message, prefix)
	if !ok || d.Row == 0 {
		return d.Message
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", file, d.Row)
	if col > 0 {
		fmt.Fprintf(&b, ":%d", col)
	}
	if id != "" {
		b.WriteString(": ")
		b.WriteString(id)
	}
	b.WriteString(": ")
	b.WriteString(msg)
	return b.String()
}
