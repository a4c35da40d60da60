package dedup

import (
	"context"
	"strings"
	"testing"

	"fugong/internal/apperror"
	"fugong/internal/dedup/plangen"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// openTestDB returns an empty database for one test on driver ("sqlite"
// or "mysql"), migrated by the store's versioned migrations (migration 3
// creates the dedup tables), closed and dropped at cleanup. The mysql runs
// skip, or fail under FUGONG_REQUIRE_SERVICES, when MariaDB is not there.
func openTestDB(tb testing.TB, driver string) *store.DB {
	tb.Helper()
	return storetest.MustOpen(tb, driver)
}

// eachDriver runs fn as a subtest on a fresh database of every driver; the
// subtest names are the driver names (`-run /mysql` selects MariaDB).
func eachDriver(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range storetest.Drivers {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, openTestDB(t, d))
		})
	}
}

func newTestIndex(tb testing.TB, db *store.DB, opt Options) *Index {
	tb.Helper()
	x, err := New(db, opt)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return x
}

func mustAdd(tb testing.TB, x *Index, rev, ent int64, text string) {
	tb.Helper()
	if err := x.Add(context.Background(), PlanDoc{RevisionID: rev, FilingID: rev, EnterpriseID: ent, Text: text}); err != nil {
		tb.Fatalf("Add(%d): %v", rev, err)
	}
}

func revisions(ms []Match) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.RevisionID
	}
	return out
}

func TestCopiedPlanMatchesWithPassages(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newTestIndex(t, db, Options{})
		g := plangen.NewGenerator(11)
		src := g.Plan("成都甲乙电子科技有限公司", false, 3000, 3000)
		cp := g.Copy(src, "天府丙丁软件有限公司", 0.1, true)
		other := g.Plan("锦城戊己商贸有限公司", false, 3000, 3000)
		mustAdd(t, x, 1, 100, src.Text())
		mustAdd(t, x, 2, 200, other.Text())

		// Light punctuation and width changes must not matter either.
		query := strings.NewReplacer("，", ",", "。", ". ", "1", "１").Replace(cp.Text())
		ms, err := x.Query(ctx, query, 300)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].RevisionID != 1 || ms[0].EnterpriseID != 100 {
			t.Fatalf("matches %v, want revision 1 only", revisions(ms))
		}
		if ms[0].Similarity < 0.7 || ms[0].Similarity > 1 {
			t.Errorf("similarity %.3f outside [0.7, 1]", ms[0].Similarity)
		}
		if len(ms[0].Passages) == 0 {
			t.Fatal("no shared passages")
		}
		srcText := src.Text()
		for _, p := range ms[0].Passages {
			if p.Length < 20 {
				t.Errorf("passage of %d characters, want ≥ 20", p.Length)
			}
			q, m := query[p.QueryStart:p.QueryEnd], srcText[p.MatchStart:p.MatchEnd]
			if q != p.Text {
				t.Errorf("passage text %q is not the query slice %q", p.Text, q)
			}
			if string(Normalize(q).Runes) != string(Normalize(m).Runes) {
				t.Errorf("passage sides differ after normalisation:\n%s\n%s", q, m)
			}
		}
		// An enterprise's own plans are not reported.
		if ms, err := x.Query(ctx, query, 100); err != nil || len(ms) != 0 {
			t.Errorf("excluding enterprise 100 gave %v, %v", revisions(ms), err)
		}
		// Similar on an indexed revision skips its own enterprise.
		mustAdd(t, x, 3, 300, query)
		if ms, err := x.Similar(ctx, 3); err != nil || len(ms) != 1 || ms[0].RevisionID != 1 {
			t.Errorf("Similar(3) = %v, %v; want [1]", revisions(ms), err)
		}
	})
}

func TestTemplateOnlyOverlapNeverMatches(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newTestIndex(t, db, Options{})
		tmpl := plangen.OfficialTemplate()
		g := plangen.NewGenerator(5)
		// Short own content: the template dominates each plan.
		a := tmpl + "甲公司由行政部王建国负责落实，每日上午九时向街道报告员工健康情况。"
		b := tmpl + "乙公司在一号车间设置体温检测点两处，员工进厂前一律测量体温并登记。"
		own := tmpl + g.Plan("丁公司", false, 1500, 1500).Text()
		raw := Jaccard(Shingles(Normalize(a).Runes, 5), Shingles(Normalize(b).Runes, 5))
		if raw < 0.7 {
			t.Fatalf("test is vacuous: raw similarity of the two template plans is only %.2f", raw)
		}
		if _, err := x.AddTemplate(ctx, nil, "成都高新区复工方案模板", tmpl); err != nil {
			t.Fatal(err)
		}
		mustAdd(t, x, 1, 1, a)
		mustAdd(t, x, 2, 2, tmpl) // a plan that is nothing but the template
		mustAdd(t, x, 3, 3, own)
		for _, q := range []string{b, tmpl} {
			if ms, err := x.Query(ctx, q, 99); err != nil || len(ms) != 0 {
				t.Errorf("template overlap matched %v (err %v)", revisions(ms), err)
			}
		}
		// Own content copied on top of the template still matches.
		if ms, err := x.Query(ctx, strings.ReplaceAll(own, "丁公司", "丙公司"), 99); err != nil || len(ms) != 1 || ms[0].RevisionID != 3 {
			t.Errorf("copied own content gave %v, %v; want [3]", revisions(ms), err)
		}
		ts, err := x.ListTemplates(ctx)
		if err != nil || len(ts) != 1 || ts[0].Text != tmpl {
			t.Errorf("ListTemplates = %d templates, %v", len(ts), err)
		}
		if _, err := x.AddTemplate(ctx, nil, "", "x"); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("a template without a name gave %v, want invalid", err)
		}
	})
}

func TestFrequentShinglesAreBoilerplate(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newTestIndex(t, db, Options{MinFrequentPlans: 5, FrequentShare: 0.3})
		g := plangen.NewGenerator(9)
		// Unregistered common text that every plan carries.
		common := g.Plan("某公司", false, 2500, 2500).Text()
		for i := int64(1); i <= 12; i++ {
			mustAdd(t, x, i, i, common+g.Plan("公司", false, 400, 400).Text())
		}
		query := common + g.Plan("公司", false, 400, 400).Text()
		if ms, _ := x.Query(ctx, query, 99); len(ms) != 12 {
			t.Fatalf("before the refresh the common text matched %d plans, want 12 (test premise)", len(ms))
		}
		n, err := x.RefreshBoilerplate(ctx)
		if err != nil || n == 0 {
			t.Fatalf("RefreshBoilerplate = %d, %v", n, err)
		}
		if ms, err := x.Query(ctx, query, 99); err != nil || len(ms) != 0 {
			t.Errorf("after the refresh the common text matched %v, %v", revisions(ms), err)
		}
		// Another replica (a fresh Index on the same database) sees it too.
		if ms, err := newTestIndex(t, db, Options{}).Query(ctx, query, 99); err != nil || len(ms) != 0 {
			t.Errorf("second replica matched %v, %v", revisions(ms), err)
		}
		if got, err := x.Reindex(ctx); err != nil || got != 12 {
			t.Errorf("Reindex = %d, %v; want 12", got, err)
		}
	})
}

func countRows(tb testing.TB, db *store.DB, model any, rev int64) int64 {
	tb.Helper()
	var n int64
	if err := db.Gorm().Model(model).Where("revision_id = ?", rev).Count(&n).Error; err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestRemoveAndReplaceKeepIndexExact(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newTestIndex(t, db, Options{})
		g := plangen.NewGenerator(3)
		a := g.Plan("甲公司", false, 2000, 2000)
		b := g.Copy(a, "乙公司", 0.05, false)
		c := g.Plan("丙公司", false, 2000, 2000)
		mustAdd(t, x, 1, 1, a.Text())
		mustAdd(t, x, 2, 2, b.Text())
		if got := countRows(t, db, &store.PlanBand{}, 2); got != int64(x.Banding().Bands) {
			t.Errorf("revision 2 has %d band rows, want %d", got, x.Banding().Bands)
		}

		if ms, _ := x.Query(ctx, a.Text(), 1); len(ms) != 1 || ms[0].RevisionID != 2 {
			t.Fatalf("before removal: %v, want [2]", revisions(ms))
		}
		if err := x.Add(ctx, PlanDoc{RevisionID: 2, FilingID: 2, EnterpriseID: 2, Text: "x"}); apperror.CodeOf(err) != apperror.Conflict {
			t.Errorf("adding an indexed revision again gave %v, want conflict", err)
		}
		if err := x.Remove(ctx, 2); err != nil {
			t.Fatal(err)
		}
		if ms, _ := x.Query(ctx, a.Text(), 1); len(ms) != 0 {
			t.Errorf("after removal: %v, want none", revisions(ms))
		}
		if countRows(t, db, &store.PlanBand{}, 2)+countRows(t, db, &store.PlanSignature{}, 2) != 0 {
			t.Error("removal left rows behind")
		}
		if err := x.Remove(ctx, 2); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("removing twice gave %v, want not_found", err)
		}

		// Filing 2 files again, unrelated content: revision 3 replaces revision 2
		// (absent now; not an error), then revision 4 replaces 3 with a copy.
		if err := x.Replace(ctx, 2, PlanDoc{RevisionID: 3, FilingID: 2, EnterpriseID: 2, Text: c.Text()}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := x.Query(ctx, a.Text(), 1); len(ms) != 0 {
			t.Errorf("unrelated replacement matched %v", revisions(ms))
		}
		if err := x.Replace(ctx, 3, PlanDoc{RevisionID: 4, FilingID: 2, EnterpriseID: 2, Text: b.Text()}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := x.Query(ctx, a.Text(), 1); len(ms) != 1 || ms[0].RevisionID != 4 || ms[0].FilingID != 2 {
			t.Errorf("after replacing with a copy: %v, want [4]", revisions(ms))
		}
		if ms, _ := x.Query(ctx, c.Text(), 99); len(ms) != 0 {
			t.Errorf("replaced revision 3 still matches: %v", revisions(ms))
		}
		if countRows(t, db, &store.PlanBand{}, 3)+countRows(t, db, &store.PlanSignature{}, 3) != 0 {
			t.Error("replace left rows of the old revision")
		}
		if err := x.Add(ctx, PlanDoc{RevisionID: 0, FilingID: 1, EnterpriseID: 1}); apperror.CodeOf(err) != apperror.Invalid {
			t.Errorf("revision 0 gave %v, want invalid", err)
		}
		if _, err := x.Similar(ctx, 99); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("Similar on an unknown revision gave %v, want not_found", err)
		}
	})
}
