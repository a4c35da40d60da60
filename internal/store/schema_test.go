package store_test

import (
	"testing"

	"gorm.io/gorm/schema"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestModelsMatchMigratedSchema keeps the repositories' models and the
// frozen migration shapes in step: every column a model reads or writes must
// exist after Migrate, on both databases.
func TestModelsMatchMigratedSchema(t *testing.T) {
	t.Parallel()
	models := []any{
		&store.User{}, &store.Enterprise{}, &store.Session{}, &store.APIToken{}, &store.ActivationCode{},
		&store.AuditEntry{}, &store.LoginThrottle{}, &store.Filing{}, &store.FilingRevision{}, &store.Attachment{},
		&store.RosterEntry{}, &store.Flag{}, &store.IdempotencyKey{},
		&store.PlanSignature{}, &store.PlanBand{}, &store.PlanTemplate{}, &store.PlanBoilerplateShingle{}, &store.PlanDedupState{},
		&store.Problem{}, &store.Notice{}, &store.Notification{}, &store.ProblemFile{}, &store.ProblemAnswer{}, &store.ProblemReminder{},
		&store.ActivationIssue{}, &store.Bulletin{},
		&store.DailyTally{}, &store.DailyReminder{},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := db.Gorm().Migrator()
		for _, model := range models {
			st := &schema.Schema{}
			stmt := db.Gorm().Model(model).Statement
			if err := stmt.Parse(model); err != nil {
				t.Fatal(err)
			}
			st = stmt.Schema
			if !m.HasTable(model) {
				t.Errorf("table %s missing", st.Table)
				continue
			}
			for _, f := range st.Fields {
				if f.DBName == "" {
					continue
				}
				if !m.HasColumn(model, f.DBName) {
					t.Errorf("%s.%s is in the model but not in the migrated schema", st.Table, f.DBName)
				}
			}
		}
	})
}
