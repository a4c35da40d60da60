package ruleset_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/filing"
	"fugong/internal/msg"
	"fugong/internal/rules"
	"fugong/internal/ruleset"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// copyRules copies the shipped rule files into a temp dir the test may edit.
func copyRules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../rules/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("shipped rules: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReloadRecordsAndAudits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := copyRules(t)
		engine := rules.NewEngine(dir, ruleset.Recorder(ctx, db, nil))
		if _, err := engine.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		svc := ruleset.New(engine, db, nil, nil, nil)
		park := &auth.Principal{UserID: 1, Username: "park", Role: auth.RoleParkManager, IP: "10.0.0.5"}
		v1 := engine.Current().Version

		r, err := svc.Reload(ctx, park)
		if err != nil || r.Version != v1 || r.Changed {
			t.Fatalf("reload of an unchanged dir: %v %+v", err, r)
		}
		if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("rules:\n  - id: Bad Id\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Reload(ctx, park)
		if apperror.CodeOf(err) != apperror.Invalid || engine.Current().Version != v1 {
			t.Fatalf("a broken edit: %v, running %s", err, engine.Current().Version)
		}
		for _, l := range []msg.Lang{msg.ZH, msg.EN} {
			o, err := svc.Overview(l)
			if err != nil || o.Version != v1 || o.LastError == nil || len(o.LastError.Details) == 0 {
				t.Fatalf("overview: %v %+v", err, o)
			}
			zh := strings.ContainsAny(o.LastError.Message+o.LastError.Details[0].Message, "规则集错误")
			if zh != (l == msg.ZH) || o.LastError.Details[0].Code == "" {
				t.Errorf("last error in %s: %q / %+v", l, o.LastError.Message, o.LastError.Details[0])
			}
		}
		es, _, err := db.ListAudit(ctx, store.AuditFilter{Actor: "park", Page: store.NormalPage(1, 10)})
		if err != nil || len(es) != 2 || es[0].Action != "rules_reload_failed" || es[1].Action != "rules_reloaded" || es[0].IP != "10.0.0.5" {
			t.Errorf("audit: %v %+v", err, es)
		}
		if _, err := svc.Version(ctx, "NOT-HEX"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("malformed version: %v", err)
		}
		got, err := svc.Version(ctx, v1)
		if err != nil || got.Version != v1 || len(got.Files) == 0 {
			t.Errorf("recorded version: %v %+v", err, got)
		}
	})
}

func TestEvaluateUsesTheFilingValidator(t *testing.T) {
	engine := rules.NewEngine("../../rules", nil)
	if _, err := engine.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := ruleset.New(engine, nil, nil, func() time.Time { return time.Date(2020, 2, 20, 1, 0, 0, 0, time.UTC) }, nil)
	n := 10_000_001
	_, err := svc.Evaluate(context.Background(), filing.Draft{Input: filing.Input{StaffTotal: &n}})
	if ae := apperror.As(err); ae == nil || ae.Code != apperror.Invalid || len(ae.Details) != 1 || ae.Details[0].Field != "staff_total" {
		t.Fatalf("over the filing's limit: %v", err)
	}
	n = 100
	e, err := svc.Evaluate(context.Background(), filing.Draft{Input: filing.Input{StaffTotal: &n}})
	if err != nil || e.RulesetVersion != engine.Current().Version || e.Flags == nil {
		t.Fatalf("evaluate: %v %+v", err, e)
	}
	if _, err := ruleset.New(nil, nil, nil, nil, nil).Evaluate(context.Background(), filing.Draft{}); apperror.CodeOf(err) != apperror.Unavailable {
		t.Errorf("without an engine: %v", err)
	}
}
