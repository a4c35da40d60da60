package dedup

import (
	"cmp"
	"context"
	"fmt"
	"fugong/internal/testenv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong/internal/dedup/plangen"
	"fugong/internal/store/storetest"
)

// corpusIndex is an index over a plangen corpus together with the
// in-memory shingle sets the brute-force baseline scans.
type corpusIndex struct {
	x       *Index
	corpus  *plangen.Corpus
	sets    [][]uint64 // sets[i-1] is doc i's non-boilerplate shingle set
	bp      map[uint64]struct{}
	queries []plangen.Doc
	build   time.Duration
}

// buildCorpusIndex indexes docs 1..n the way a deployment would: the
// official template registered first, the first 5000 plans added, the
// frequent shingles learnt from them and those plans reindexed, then the
// rest added, on a fresh database of driver. Queries are up to nq copies
// and as many originals.
func buildCorpusIndex(tb testing.TB, driver string, n, nq int) *corpusIndex {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	x := newTestIndex(tb, openTestDB(tb, driver), Options{})
	if _, err := x.AddTemplate(ctx, nil, "official", plangen.OfficialTemplate()); err != nil {
		tb.Fatal(err)
	}
	ci := &corpusIndex{x: x, corpus: plangen.NewCorpus(2020, plangen.CorpusOptions{})}
	addRange := func(from, to int) {
		batch := make([]PlanDoc, 0, 500)
		for i := from; i <= to; i++ {
			d := ci.corpus.Doc(i)
			batch = append(batch, PlanDoc{RevisionID: d.ID, FilingID: d.ID, EnterpriseID: d.EnterpriseID, Text: d.Text})
			if len(batch) == cap(batch) || i == to {
				if err := x.AddBatch(ctx, batch); err != nil {
					tb.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	warm := min(n, 5000)
	addRange(1, warm)
	if _, err := x.RefreshBoilerplate(ctx); err != nil {
		tb.Fatal(err)
	}
	if _, err := x.Reindex(ctx); err != nil {
		tb.Fatal(err)
	}
	if n > warm {
		addRange(warm+1, n)
	}
	ci.build = time.Since(start)
	bp, err := x.boilerplate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ci.bp = bp
	ci.sets = make([][]uint64, n)
	var originals []plangen.Doc
	for i := 1; i <= n; i++ {
		d := ci.corpus.Doc(i)
		ci.sets[i-1] = subtract(Shingles(Normalize(d.Text).Runes, x.opt.ShingleSize), bp)
		switch {
		case d.SourceID != 0 && len(ci.queries) < nq:
			ci.queries = append(ci.queries, d)
		case d.SourceID == 0 && len(originals) < nq && i%7 == 0:
			originals = append(originals, d)
		}
	}
	ci.queries = append(ci.queries, originals...)
	return ci
}

// bruteForce returns the docs other than the query's enterprise whose exact
// Jaccard similarity is at least the threshold: the baseline and the truth.
func (ci *corpusIndex) bruteForce(d plangen.Doc) []int64 {
	q := subtract(Shingles(Normalize(d.Text).Runes, ci.x.opt.ShingleSize), ci.bp)
	var out []int64
	for i, s := range ci.sets {
		if int64(i+1) != d.EnterpriseID && Jaccard(q, s) >= ci.x.opt.Threshold {
			out = append(out, int64(i+1))
		}
	}
	return out
}

type measurement struct {
	n, queries, truePairs, found, correct int
	indexMedian, indexP95, bruteMedian    time.Duration
	build                                 time.Duration
}

func (m measurement) recall() float64 {
	if m.truePairs == 0 {
		return 1
	}
	return float64(m.correct) / float64(m.truePairs)
}

func (m measurement) precision() float64 {
	if m.found == 0 {
		return 1
	}
	return float64(m.correct) / float64(m.found)
}

func median(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func measure(t *testing.T, driver string, n, nq, nBrute int) measurement {
	ctx := context.Background()
	ci := buildCorpusIndex(t, driver, n, nq)
	m := measurement{n: n, queries: len(ci.queries), build: ci.build}
	var idxTimes, bruteTimes []time.Duration
	for qi, d := range ci.queries {
		start := time.Now()
		ms, err := ci.x.Query(ctx, d.Text, d.EnterpriseID)
		idxTimes = append(idxTimes, time.Since(start))
		if err != nil {
			t.Fatal(err)
		}
		// Every query gets its truth from a full scan; only the first
		// nBrute scans are timed, to keep the timing samples comparable.
		start = time.Now()
		truth := ci.bruteForce(d)
		if qi < nBrute {
			bruteTimes = append(bruteTimes, time.Since(start))
		}
		m.truePairs += len(truth)
		m.found += len(ms)
		for _, mt := range ms {
			if slices.Contains(truth, mt.RevisionID) {
				m.correct++
			}
		}
	}
	m.indexMedian, m.indexP95 = median(idxTimes, 0.5), median(idxTimes, 0.95)
	m.bruteMedian = median(bruteTimes, 0.5)
	return m
}

func (m measurement) String() string {
	return fmt.Sprintf("n=%d queries=%d pairs≥t=%d found=%d recall=%.4f precision=%.4f index median=%v p95=%v brute median=%v ratio=%.0f× build=%v",
		m.n, m.queries, m.truePairs, m.found, m.recall(), m.precision(), m.indexMedian, m.indexP95, m.bruteMedian,
		float64(m.bruteMedian)/float64(m.indexMedian), m.build.Round(time.Second))
}

// scales returns the corpus sizes to measure: FUGONG_DEDUP_SCALE (comma
// separated, e.g. "10000,100000") or 1500 for the default suite.
func scales(t *testing.T) []int {
	env := os.Getenv("FUGONG_DEDUP_SCALE")
	if env == "" {
		return []int{1500}
	}
	var out []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			t.Fatalf("FUGONG_DEDUP_SCALE: bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

// measureDrivers returns the databases to measure on: FUGONG_DEDUP_DRIVERS
// (comma separated, e.g. "mysql") or every driver of storetest.Drivers.
func measureDrivers(t *testing.T) []string {
	env := os.Getenv("FUGONG_DEDUP_DRIVERS")
	if env == "" {
		return storetest.Drivers
	}
	var out []string
	for _, f := range strings.Split(env, ",") {
		d := strings.TrimSpace(f)
		if !slices.Contains(storetest.Drivers, d) {
			t.Fatalf("FUGONG_DEDUP_DRIVERS: unknown driver %q (want one of %v)", d, storetest.Drivers)
		}
		out = append(out, d)
	}
	return out
}

// TestVolumeRecallPrecisionAgainstBruteForce measures the index against exact
// brute force on the same corpus: every query's true pairs (exact Jaccard
// ≥ threshold, own enterprise excluded) come from a full scan. Subtests
// are driver/size (`-run Recall/mysql/10000`); the drivers run in parallel
// (the MariaDB run mostly waits on the server), keeping the default suite
// near half a minute.
func TestVolumeRecallPrecisionAgainstBruteForce(t *testing.T) {
	testenv.Volume(t)
	for _, driver := range measureDrivers(t) {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			for _, n := range scales(t) {
				t.Run(strconv.Itoa(n), func(t *testing.T) {
					m := measure(t, driver, n, 100, 40)
					t.Log(m)
					if m.truePairs < 20 {
						t.Errorf("only %d true pairs: the corpus does not exercise the index", m.truePairs)
					}
					if m.recall() < 0.98 {
						t.Errorf("recall %.4f < 0.98", m.recall())
					}
					if m.precision() != 1 {
						t.Errorf("precision %.4f, want 1", m.precision())
					}
				})
			}
		})
	}
}

// TestShingleSizeSeparation is the measurement behind DefaultShingleSize:
// for each k, the similarity of copies (≤ 30% of sentences rewritten,
// sections possibly reordered, template removed) against that of unrelated
// plans. k = 5 must separate them with a wide margin around 0.7.
func TestShingleSizeSeparation(t *testing.T) {
	t.Parallel()
	c := plangen.NewCorpus(2020, plangen.CorpusOptions{})
	const n = 400
	docs := make([]plangen.Doc, n)
	for i := range docs {
		docs[i] = c.Doc(i + 1)
	}
	for _, k := range []int{3, 4, 5, 6, 7} {
		tmpl := make(map[uint64]struct{})
		for _, h := range Shingles(Normalize(plangen.OfficialTemplate()).Runes, k) {
			tmpl[h] = struct{}{}
		}
		sets := make([][]uint64, n)
		for i, d := range docs {
			sets[i] = subtract(Shingles(Normalize(d.Text).Runes, k), tmpl)
		}
		var copyJ, otherJ []float64
		for i, d := range docs {
			if d.SourceID != 0 {
				copyJ = append(copyJ, Jaccard(sets[i], sets[d.SourceID-1]))
			}
			for j := i + 1; j < min(n, i+20); j++ {
				if docs[j].SourceID != d.ID && d.SourceID != docs[j].ID && (d.SourceID == 0 || d.SourceID != docs[j].SourceID) {
					otherJ = append(otherJ, Jaccard(sets[i], sets[j]))
				}
			}
		}
		slices.Sort(copyJ)
		slices.Sort(otherJ)
		lowCopy, highOther := copyJ[0], otherJ[len(otherJ)-1]
		t.Logf("k=%d copies: min %.3f median %.3f; unrelated: median %.4f max %.4f (%d copies, %d unrelated pairs)",
			k, lowCopy, copyJ[len(copyJ)/2], otherJ[len(otherJ)/2], highOther, len(copyJ), len(otherJ))
		if k == DefaultShingleSize && (lowCopy < 0.4 || highOther > 0.2) {
			t.Errorf("k=%d does not separate copies (min %.3f) from unrelated plans (max %.3f)", k, lowCopy, highOther)
		}
	}
}

// BenchmarkQuery times one query on an index of FUGONG_DEDUP_BENCH_N plans
// (default 2000) against the brute-force scan of the same corpus, in one run,
// on the database FUGONG_DEDUP_BENCH_DRIVER names (default sqlite).
func BenchmarkQuery(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("FUGONG_DEDUP_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	driver := cmp.Or(os.Getenv("FUGONG_DEDUP_BENCH_DRIVER"), "sqlite")
	ci := buildCorpusIndex(b, driver, n, 50)
	ctx := context.Background()
	b.Run(fmt.Sprintf("index/n=%d", n), func(b *testing.B) {
		i := 0
		for b.Loop() {
			d := ci.queries[i%len(ci.queries)]
			if _, err := ci.x.Query(ctx, d.Text, d.EnterpriseID); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run(fmt.Sprintf("brute/n=%d", n), func(b *testing.B) {
		i := 0
		for b.Loop() {
			ci.bruteForce(ci.queries[i%len(ci.queries)])
			i++
		}
	})
}
