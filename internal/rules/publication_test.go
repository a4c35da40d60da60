package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fugong/internal/rules"
	"fugong/internal/store/storetest"
)

const ruleA = `rules:
  - id: staff_positive
    name: 员工人数
    severity: block
    when: filing.staff_total <= 0
    message: 员工人数须大于 0 / staff total must be positive
`

const ruleB = `rules:
  - id: staff_positive
    name: 员工人数
    severity: warn
    when: filing.staff_total <= 1
    message: 员工人数过少 / very few staff
`

func ruleDir(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "staff.yaml"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReplicasRunThePublishedRuleSet: two replicas with different rule
// directories on one database run one rule set, the published one; a
// reload on one replica publishes its directory and the other switches on
// its next sync.
func TestReplicasRunThePublishedRuleSet(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			dbs := storetest.MustOpenReplicas(t, driver, 2)
			dirA, dirB := ruleDir(t, ruleA), ruleDir(t, ruleB)
			a, b := rules.NewEngine(dirA, nil), rules.NewEngine(dirB, nil)
			setA, err := a.Start(ctx, dbs[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Start(ctx, dbs[1]); err != nil {
				t.Fatal(err)
			}
			if b.Current().Version != setA.Version {
				t.Fatalf("replica B runs %s from its own directory, want the published %s", b.Current().Version, setA.Version)
			}
			// An operator reloads on B (POST /rules/reload): B's directory
			// is published, and A follows.
			setB, err := b.Reload(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if setB.Version == setA.Version {
				t.Fatal("the two directories compiled to one version")
			}
			if v, _, _ := dbs[0].PublishedRuleVersion(ctx); v != setB.Version {
				t.Fatalf("published %s after the reload, want %s", v, setB.Version)
			}
			changed, err := a.Sync(ctx, dbs[0])
			if err != nil || !changed || a.Current().Version != setB.Version {
				t.Fatalf("replica A after sync: changed=%v version %s (%v), want %s", changed, a.Current().Version, err, setB.Version)
			}
			if changed, _ := a.Sync(ctx, dbs[0]); changed {
				t.Fatal("a second sync switched again")
			}
		})
	}
}
