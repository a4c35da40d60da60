package rules

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkEvaluate runs the full shipped set on one filing: a clean one
// (every rule runs, none fires) and one raising 16 flags with messages.
func BenchmarkEvaluate(b *testing.B) {
	set := mustLoad(b, shippedRules)
	cases, err := LoadTestCases(filepath.Join(shippedRules, "testdata"))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"clean filing raises nothing", "everything wrong at once"} {
		var in Input
		for _, c := range cases {
			if c.Name == name {
				in = c.Input
			}
		}
		b.Run(strings.Fields(name)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(set, in)
			}
		})
	}
}

// generatedRules writes n rules (in files of 20) of the shapes the shipped
// rules use, with params and templates.
func generatedRules(b *testing.B, n int) string {
	dir := b.TempDir()
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			sb.Reset()
			sb.WriteString("rules:\n")
		}
		fmt.Fprintf(&sb, `  - id: generated_rule_%d
    name: 生成规则 %d
    severity: warn
    params:
      per_person: %d
      keywords: [消毒, 通风, 第%d条]
    when: |-
      filing.staff_onsite > 0
        && filing.supplies.masks < filing.staff_onsite * params.per_person
        && not contains_any(plan.text, params.keywords)
        && days_between(filing.planned_resume_date, now) < 30
    message: >-
      需 {{ filing.staff_onsite * params.per_person }} 只，仅 {{ filing.supplies.masks }} 只
      / need {{ filing.staff_onsite * params.per_person }}
`, i, i, i%5+1, i)
		if i%20 == 19 || i == n-1 {
			name := filepath.Join(dir, fmt.Sprintf("gen_%03d.yaml", i/20))
			if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

// BenchmarkReload200 loads and compiles 200 generated rules (goal < 100 ms).
func BenchmarkReload200(b *testing.B) {
	dir := generatedRules(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		set, err := Load(context.Background(), dir)
		if err != nil || len(set.Rules) != 200 {
			b.Fatalf("%v", err)
		}
	}
}

// BenchmarkBacktest40k compares the shipped set with a candidate (plan
// threshold 0.5 instead of 0.7) over 40,000 varied inputs (goal < 5 s).
func BenchmarkBacktest40k(b *testing.B) {
	current := mustLoad(b, shippedRules)
	dir := copyRules(b)
	replaceInFile(b, filepath.Join(dir, "plan.yaml"), "threshold: 0.7", "threshold: 0.5")
	candidate := mustLoad(b, dir)
	cases, err := LoadTestCases(filepath.Join(shippedRules, "testdata"))
	if err != nil {
		b.Fatal(err)
	}
	const n = 40_000
	inputs := make([]Input, n)
	for i := range inputs {
		in := cases[i%len(cases)].Input
		in.Plan.MaxSimilarity = float64(i%100) / 100
		in.Filing.Supplies.Masks = i % 2000
		inputs[i] = in
	}
	seq := iter.Seq2[string, Input](func(yield func(string, Input) bool) {
		for i, in := range inputs {
			if !yield(fmt.Sprint("f", i), in) {
				return
			}
		}
	})
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Backtest(context.Background(), current, candidate, seq)
		if err != nil || rep.Inputs != n || len(rep.Changed) == 0 {
			b.Fatalf("%v %d %d", err, rep.Inputs, len(rep.Changed))
		}
	}
}
