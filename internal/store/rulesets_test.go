package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func TestRuleVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
		filesA := []store.RuleFile{{Name: "supplies.yaml", Text: "rules:\n  - id: masks_insufficient # 口罩\n"}, {Name: "timing.yaml", Text: "rules: []\n"}}
		filesB := []store.RuleFile{{Name: "supplies.yaml", Text: "rules:\n  - id: masks_low\n"}}

		steps := []struct {
			name    string
			version string
			files   []store.RuleFile
			at      time.Time
		}{
			{"first load of A", "aaaaaaaaaaaa", filesA, t0},
			{"B replaces A", "bbbbbbbbbbbb", filesB, t0.Add(time.Hour)},
			{"A active again", "aaaaaaaaaaaa", filesA, t0.Add(2 * time.Hour)},
			{"A recorded late with an older time", "aaaaaaaaaaaa", filesA, t0.Add(30 * time.Minute)},
		}
		for _, s := range steps {
			if err := db.SaveRuleVersion(ctx, s.version, s.files, s.at); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}

		cases := []struct {
			version     string
			files       []store.RuleFile
			first, last time.Time
		}{
			{"aaaaaaaaaaaa", filesA, t0, t0.Add(2 * time.Hour)}, // last never moves back
			{"bbbbbbbbbbbb", filesB, t0.Add(time.Hour), t0.Add(time.Hour)},
		}
		for _, c := range cases {
			got, err := db.RuleVersion(ctx, c.version)
			if err != nil {
				t.Fatalf("RuleVersion(%s): %v", c.version, err)
			}
			if fmt.Sprint(got.Files) != fmt.Sprint(c.files) {
				t.Errorf("%s files = %v, want %v", c.version, got.Files, c.files)
			}
			if !got.FirstActiveAt.Equal(c.first) || !got.LastActiveAt.Equal(c.last) {
				t.Errorf("%s active %v..%v, want %v..%v", c.version, got.FirstActiveAt, got.LastActiveAt, c.first, c.last)
			}
		}

		list, total, err := db.ListRuleVersions(ctx, store.NormalPage(1, 50))
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 || list[0].Version != "aaaaaaaaaaaa" || list[1].Version != "bbbbbbbbbbbb" {
			t.Fatalf("list = %+v (total %d), want A (most recent) then B", list, total)
		}
		if list[0].Files != nil {
			t.Errorf("list carries files: %+v", list[0].Files)
		}
		page2, total, err := db.ListRuleVersions(ctx, store.NormalPage(2, 1))
		if err != nil || total != 2 || len(page2) != 1 || page2[0].Version != "bbbbbbbbbbbb" {
			t.Fatalf("page 2 of size 1 = %+v total %d err %v, want B", page2, total, err)
		}

		errCases := []struct {
			name string
			err  error
			want apperror.Code
		}{
			{"unknown version", func() error { _, err := db.RuleVersion(ctx, "cccccccccccc"); return err }(), apperror.NotFound},
			{"over-long lookup", func() error { _, err := db.RuleVersion(ctx, strings.Repeat("a", 40)); return err }(), apperror.NotFound},
			{"empty version saved", db.SaveRuleVersion(ctx, "", filesA, t0), apperror.Invalid},
			{"over-long version saved", db.SaveRuleVersion(ctx, strings.Repeat("a", 33), filesA, t0), apperror.Invalid},
		}
		for _, c := range errCases {
			if got := apperror.CodeOf(c.err); got != c.want {
				t.Errorf("%s: code %q (%v), want %q", c.name, got, c.err, c.want)
			}
		}
	})
}

// Replicas loading the same files at once both record the version; neither
// fails on the duplicate key.
func TestSaveRuleVersionConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
		files := []store.RuleFile{{Name: "a.yaml", Text: "rules: []\n"}}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.SaveRuleVersion(ctx, "dddddddddddd", files, t0.Add(time.Duration(i)*time.Second))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		}
		got, err := db.RuleVersion(ctx, "dddddddddddd")
		if err != nil {
			t.Fatal(err)
		}
		if want := t0.Add((n - 1) * time.Second); !got.LastActiveAt.Equal(want) {
			t.Errorf("last_active_at = %v, want the latest %v", got.LastActiveAt, want)
		}
	})
}
