package httpapi_test

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"fugong/internal/auth"
	"fugong/internal/daily"
	"fugong/internal/filing"
	"fugong/internal/registry"
	"fugong/internal/reminder"
	"fugong/internal/report"
	"fugong/internal/ruleset"
)

// TestResponseTypesMatchOpenAPI keeps the API's response types honest: the
// JSON fields of each Go type the handlers answer are exactly the
// properties of its schema in docs/openapi.yaml. The types are the
// services' own (not the store's rows), so a column change cannot change
// the contract unseen, and a contract change must touch both.
func TestResponseTypesMatchOpenAPI(t *testing.T) {
	doc := openAPIDoc(t)
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	types := map[string]any{
		"Enterprise":          registry.Enterprise{},
		"EnterpriseListItem":  registry.EnterpriseListItem{},
		"AuditEntry":          auth.AuditEntry{},
		"Attachment":          filing.AttachmentView{},
		"Flag":                filing.FlagView{},
		"Problem":             filing.ProblemView{},
		"Notification":        filing.NotificationView{},
		"Notice":              filing.NoticeView{},
		"FilingSummary":       filing.Summary{},
		"Filing":              filing.View{},
		"SubmitResult":        filing.SubmitResult{},
		"SimilarFiling":       filing.Similar{},
		"PlanTemplate":        filing.Template{},
		"RuleSet":             ruleset.Overview{},
		"Rule":                ruleset.Rule{},
		"RuleVersion":         ruleset.Version{},
		"BacktestReport":      ruleset.BacktestResult{},
		"DailyDefinition":     daily.DefinitionOn{},
		"DailyField":          daily.Field{},
		"DailyReport":         daily.Report{},
		"DailyReportSummary":  daily.Summary{},
		"DailyReportVersion":  daily.VersionView{},
		"DailyPrefill":        daily.Prefill{},
		"DailyPushResult":     daily.PushResult{},
		"DailyFlag":           daily.FlagView{},
		"DailyRule":           daily.RuleView{},
		"DailyRules":          daily.RulesOverview{},
		"DailyBacktestReport": daily.BacktestResult{},
		"ReportForms":         report.ReportForms{},
		"FormCount":           report.FormCount{},
		"FormEntry":           report.FormEntry{},
		"DailyFigures":        report.DailyFigures{},
		"DailyDashboard":      report.DailyDashboard{},
		"DailyTrend":          report.DailyTrend{},
		"DailyReporter":       report.ReporterItem{},
		"DailyReporterPage":   report.ReporterList{},
		"ReminderResult":      reminder.Result{},
		"ReportView":          report.ViewInfo{},
	}
	for name, v := range types {
		t.Run(name, func(t *testing.T) {
			want := schemaProperties(t, schemas, name)
			got := jsonFields(reflect.TypeOf(v))
			sort.Strings(want)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%T answers %v;\nschema %s documents %v", v, got, name, want)
			}
		})
	}
}

// schemaProperties returns the property names of a schema, through allOf
// and $ref.
func schemaProperties(t *testing.T, schemas map[string]any, name string) []string {
	t.Helper()
	s, ok := schemas[name].(map[string]any)
	if !ok {
		t.Fatalf("schema %s missing", name)
	}
	var out []string
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			next, _ := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
			walk(next)
			return
		}
		for _, part := range anyList(s["allOf"]) {
			if m, ok := part.(map[string]any); ok {
				walk(m)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for p := range props {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	walk(s)
	return out
}

func anyList(v any) []any { l, _ := v.([]any); return l }

// jsonFields returns the JSON names encoding/json gives a struct's fields,
// through embedded structs.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, n := range jsonFields(f.Type) {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
