package dedup

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// Options configures an Index. Zero fields take the defaults named beside
// them. ShingleSize, Permutations, RecallTarget, Threshold and Seed decide
// what is stored: changing any of them requires Reindex.
type Options struct {
	Threshold    float64 // DefaultThreshold: least Jaccard similarity reported
	ShingleSize  int     // DefaultShingleSize
	Permutations int     // DefaultPermutations
	RecallTarget float64 // DefaultRecallTarget: candidate probability at Threshold
	Seed         uint64  // seed of the MinHash functions; 0 means a fixed built-in seed

	// FrequentShare is the document-frequency cut: a shingle in more than
	// this share of the sampled plans is boilerplate (default 0.05).
	FrequentShare float64
	// MinFrequentPlans is the least number of sampled plans a shingle must
	// occur in to be boilerplate (default 30), so that in a small corpus a
	// ring of a few copied plans is not mistaken for boilerplate.
	MinFrequentPlans int
	// SampleSize caps the plans read by RefreshBoilerplate (default 5000;
	// the share is then estimated within about ±0.6 percentage points).
	SampleSize int

	MinPassage  int // shortest shared passage reported, normalised characters (default 20)
	MaxPassages int // most passages per match (default 20)
}

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.ShingleSize == 0 {
		o.ShingleSize = DefaultShingleSize
	}
	if o.Permutations == 0 {
		o.Permutations = DefaultPermutations
	}
	if o.RecallTarget == 0 {
		o.RecallTarget = DefaultRecallTarget
	}
	if o.Seed == 0 {
		o.Seed = 0x6675676f6e67 // "fugong"
	}
	if o.FrequentShare == 0 {
		o.FrequentShare = 0.05
	}
	if o.MinFrequentPlans == 0 {
		o.MinFrequentPlans = 30
	}
	if o.SampleSize == 0 {
		o.SampleSize = 5000
	}
	if o.MinPassage == 0 {
		o.MinPassage = 20
	}
	if o.MaxPassages == 0 {
		o.MaxPassages = 20
	}
	return o
}

// PlanDoc is one plan revision to index.
type PlanDoc struct {
	RevisionID   int64
	FilingID     int64
	EnterpriseID int64
	Text         string
}

// Match is an indexed plan revision whose exact Jaccard similarity to the
// queried text (boilerplate removed) is at least the threshold.
type Match struct {
	RevisionID   int64     `json:"revision_id"`
	FilingID     int64     `json:"filing_id"`
	EnterpriseID int64     `json:"enterprise_id"`
	Similarity   float64   `json:"similarity"`
	Passages     []Passage `json:"shared_passages"`
}

// Index is the near-duplicate index, kept entirely in the database (the
// tables of store/dedup_models.go, queried by store/dedup.go). It is safe
// for concurrent use; the state it holds is a copy of the boilerplate set,
// reloaded whenever the database's generation number says it changed, and
// the coalescing of its background reindexes.
type Index struct {
	db      *store.DB
	opt     Options
	hasher  minHasher
	banding Banding

	mu    sync.Mutex
	bpGen int64 // generation of bp; -1 before the first load
	bp    map[uint64]struct{}

	reindex reindexer
}

// New returns an Index over db, whose dedup tables must exist (migrated).
// It does no I/O. It returns an error if the options are out of range or no
// banding reaches the recall target.
func New(db *store.DB, opt Options) (*Index, error) {
	opt = opt.withDefaults()
	if opt.Threshold <= 0 || opt.Threshold >= 1 {
		return nil, fmt.Errorf("dedup: threshold %g outside (0, 1)", opt.Threshold)
	}
	if opt.FrequentShare <= 0 || opt.FrequentShare > 1 {
		return nil, fmt.Errorf("dedup: frequent share %g outside (0, 1]", opt.FrequentShare)
	}
	bd, err := ChooseBanding(opt.Permutations, opt.Threshold, opt.RecallTarget)
	if err != nil {
		return nil, err
	}
	return &Index{
		db:      db,
		opt:     opt,
		hasher:  newMinHasher(opt.Permutations, opt.Seed),
		banding: bd,
		bpGen:   -1,
	}, nil
}

// Banding returns the LSH banding in use.
func (x *Index) Banding() Banding { return x.banding }

// Options returns the options in use, defaults filled in.
func (x *Index) Options() Options { return x.opt }

// boilerplate returns the current boilerplate set, reloading it when the
// stored generation differs from the cached one (one cheap statement).
func (x *Index) boilerplate(ctx context.Context) (map[uint64]struct{}, error) {
	gen, err := x.db.DedupGeneration(ctx)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	if x.bpGen == gen {
		bp := x.bp
		x.mu.Unlock()
		return bp, nil
	}
	x.mu.Unlock()

	hashes, err := x.db.BoilerplateHashes(ctx)
	if err != nil {
		return nil, err
	}
	bp := make(map[uint64]struct{}, len(hashes))
	for _, h := range hashes {
		bp[uint64(h)] = struct{}{}
	}
	x.mu.Lock()
	x.bpGen, x.bp = gen, bp
	x.mu.Unlock()
	return bp, nil
}

// profile is what the index computes from one text.
type profile struct {
	norm   Normalized
	set    []uint64 // non-boilerplate shingles
	sig    []uint64
	bands  []int64
	sigRaw []byte
}

func (x *Index) profile(text string, bp map[uint64]struct{}) profile {
	var p profile
	p.norm = Normalize(text)
	p.set = subtract(Shingles(p.norm.Runes, x.opt.ShingleSize), bp)
	p.sig = x.hasher.signature(p.set)
	if p.sig != nil {
		p.bands = x.banding.bandHashes(p.sig)
		p.sigRaw = encodeSignature(p.sig)
	}
	return p
}

func (x *Index) rows(doc PlanDoc, p profile, now time.Time) (store.PlanSignature, []store.PlanBand) {
	sig := store.PlanSignature{
		RevisionID:   doc.RevisionID,
		FilingID:     doc.FilingID,
		EnterpriseID: doc.EnterpriseID,
		Text:         doc.Text,
		Signature:    p.sigRaw,
		ShingleCount: len(p.set),
		CreatedAt:    now,
	}
	bands := make([]store.PlanBand, len(p.bands))
	for i, h := range p.bands {
		bands[i] = store.PlanBand{RevisionID: doc.RevisionID, Band: i, Hash: h}
	}
	return sig, bands
}

func validDoc(doc PlanDoc) error {
	if doc.RevisionID <= 0 || doc.FilingID <= 0 || doc.EnterpriseID <= 0 {
		return apperror.Msg(apperror.Invalid, msgPlanRevisionFilingEnterpriseIds)
	}
	return nil
}

// Add indexes one plan revision: two inserts in one transaction, after at
// most two reads of the boilerplate set. It returns apperror.Invalid for
// non-positive ids, apperror.Conflict if the revision is already indexed,
// and apperror.Unavailable if the database fails.
func (x *Index) Add(ctx context.Context, doc PlanDoc) error {
	return x.AddBatch(ctx, []PlanDoc{doc})
}

// AddBatch indexes many plan revisions in one transaction (batched inserts;
// for backfills and benchmarks). Errors are as for Add; on error nothing is
// added.
func (x *Index) AddBatch(ctx context.Context, docs []PlanDoc) error {
	for _, d := range docs {
		if err := validDoc(d); err != nil {
			return err
		}
	}
	bp, err := x.boilerplate(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	sigs := make([]store.PlanSignature, 0, len(docs))
	var bands []store.PlanBand
	for _, d := range docs {
		s, b := x.rows(d, x.profile(d.Text, bp), now)
		sigs = append(sigs, s)
		bands = append(bands, b...)
	}
	return x.db.AddPlanSignatures(ctx, sigs, bands)
}

// Remove takes a plan revision out of the index (two deletes in one
// transaction). It returns apperror.NotFound if the revision is not
// indexed and apperror.Unavailable if the database fails.
func (x *Index) Remove(ctx context.Context, revisionID int64) error {
	found, err := x.db.RemovePlanSignature(ctx, revisionID)
	if err != nil {
		return err
	}
	if !found {
		return apperror.Msg(apperror.NotFound, msgPlanRevisionNotIndexed, revisionID)
	}
	return nil
}

// Replace removes oldRevisionID (if indexed; absence is not an error) and
// adds doc, in one transaction, so that a filing's new revision takes the
// old one's place atomically. Errors are as for Add.
func (x *Index) Replace(ctx context.Context, oldRevisionID int64, doc PlanDoc) error {
	if err := validDoc(doc); err != nil {
		return err
	}
	bp, err := x.boilerplate(ctx)
	if err != nil {
		return err
	}
	sig, bands := x.rows(doc, x.profile(doc.Text, bp), time.Now().UTC())
	return x.db.ReplacePlanSignature(ctx, oldRevisionID, sig, bands)
}

// Query returns the indexed plan revisions whose exact Jaccard similarity
// to text, boilerplate removed, is at least the threshold, most similar
// first, each with its shared passages. Revisions of excludeEnterpriseID
// are skipped (0 skips none), so an enterprise's own earlier plans are not
// reported. After the boilerplate check it is one indexed statement: the
// band lookup and the fetch of every candidate together. A text with
// nothing but boilerplate matches nothing. It returns apperror.Unavailable
// if the database fails.
func (x *Index) Query(ctx context.Context, text string, excludeEnterpriseID int64) ([]Match, error) {
	bp, err := x.boilerplate(ctx)
	if err != nil {
		return nil, err
	}
	p := x.profile(text, bp)
	if len(p.bands) == 0 {
		return nil, nil
	}
	cands, err := x.db.PlanCandidates(ctx, p.bands, excludeEnterpriseID)
	if err != nil {
		return nil, err
	}
	return x.verify(p, text, cands, bp), nil
}

// Similar is Query for an indexed revision: it reads the revision's text and
// enterprise (one more statement) and queries, skipping that enterprise's
// plans. It returns apperror.NotFound if the revision is not indexed.
func (x *Index) Similar(ctx context.Context, revisionID int64) ([]Match, error) {
	c, err := x.db.IndexedPlan(ctx, revisionID)
	if apperror.CodeOf(err) == apperror.NotFound {
		return nil, apperror.Msg(apperror.NotFound, msgPlanRevisionNotIndexed, revisionID)
	}
	if err != nil {
		return nil, err
	}
	return x.Query(ctx, c.Text, c.EnterpriseID)
}

func (x *Index) verify(p profile, text string, cands []store.PlanCandidate, bp map[uint64]struct{}) []Match {
	pf := passageFinder{minLen: x.opt.MinPassage, maxPassages: x.opt.MaxPassages, k: x.opt.ShingleSize, boilerplate: bp}
	var out []Match
	for _, c := range cands {
		// A candidate whose stored signature agrees far less than the
		// threshold (six standard errors at 128 values) is not worth
		// normalising. (A signature left stale by a template added since
		// can be biased further; Reindex removes the staleness.)
		if sig := decodeSignature(c.Signature); len(sig) == len(p.sig) && EstimateJaccard(p.sig, sig) < x.opt.Threshold-0.25 {
			continue
		}
		n := Normalize(c.Text)
		set := subtract(Shingles(n.Runes, x.opt.ShingleSize), bp)
		j := Jaccard(p.set, set)
		if j < x.opt.Threshold {
			continue
		}
		out = append(out, Match{
			RevisionID:   c.RevisionID,
			FilingID:     c.FilingID,
			EnterpriseID: c.EnterpriseID,
			Similarity:   j,
			Passages:     pf.find(p.norm, text, n),
		})
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.RevisionID, b.RevisionID)
	})
	return out
}

func hashesOf(hs []uint64) []int64 {
	out := make([]int64, len(hs))
	for i, h := range hs {
		out[i] = int64(h)
	}
	return out
}

// AddTemplate registers an official template: its shingles become
// boilerplate for every replica from the next query on. by, when not nil,
// names who adds it (actor, role, address): its audit entry
// (plan_template_added) is written in the same transaction as the
// template. Plans indexed before keep signatures that include the
// template's shingles; that only costs recall for a pair where one plan has
// the template and the other does not, and Reindex removes it. It returns
// the template, or apperror.Invalid for an empty name or a text without
// content characters, or apperror.Unavailable if the database fails.
func (x *Index) AddTemplate(ctx context.Context, by *store.AuditEntry, name, text string) (store.PlanTemplate, error) {
	shingles := Shingles(Normalize(text).Runes, x.opt.ShingleSize)
	if name == "" || len(shingles) == 0 {
		return store.PlanTemplate{}, apperror.Msg(apperror.Invalid, msgTemplateNeedsNameText)
	}
	t := store.PlanTemplate{Name: name, Text: text, CreatedAt: time.Now().UTC()}
	var audit func(int64) *store.AuditEntry
	if by != nil {
		audit = func(id int64) *store.AuditEntry {
			e := *by
			e.Action, e.Object, e.Details = "plan_template_added", fmt.Sprintf("plan_template:%d", id), store.Clip(name, 200)
			return &e
		}
	}
	err := x.db.AddPlanTemplate(ctx, &t, hashesOf(shingles), audit)
	return t, err
}

// ListTemplates returns the registered templates, oldest first. It returns
// apperror.Unavailable if the database fails.
func (x *Index) ListTemplates(ctx context.Context) ([]store.PlanTemplate, error) {
	return x.db.PlanTemplates(ctx)
}

// IndexedPlans returns how many plan revisions the index holds.
func (x *Index) IndexedPlans(ctx context.Context) (int64, error) {
	return x.db.CountIndexedPlans(ctx)
}

// RefreshBoilerplate recomputes the frequent shingles: it reads up to
// SampleSize indexed plans spread evenly over the revision ids, counts in
// how many of them each shingle occurs, and replaces the "frequent"
// boilerplate with the shingles above max(FrequentShare·sampled,
// MinFrequentPlans). It is a batch job (run it after a backfill and then
// periodically, followed by Reindex when the set changed much); memory is
// bounded by the sample. It returns the number of frequent shingles, or
// apperror.Unavailable if the database fails.
func (x *Index) RefreshBoilerplate(ctx context.Context) (int, error) {
	ids, err := x.db.IndexedRevisionIDs(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) > x.opt.SampleSize {
		sample := make([]int64, x.opt.SampleSize)
		for i := range sample {
			sample[i] = ids[i*len(ids)/len(sample)]
		}
		ids = sample
	}
	df := make(map[uint64]int32)
	for chunk := range slices.Chunk(ids, 200) {
		texts, err := x.db.PlanTexts(ctx, chunk)
		if err != nil {
			return 0, err
		}
		for _, t := range texts {
			for _, h := range Shingles(Normalize(t).Runes, x.opt.ShingleSize) {
				df[h]++
			}
		}
	}
	cut := max(x.opt.FrequentShare*float64(len(ids)), float64(x.opt.MinFrequentPlans))
	var frequent []uint64
	for h, n := range df {
		if float64(n) > cut {
			frequent = append(frequent, h)
		}
	}
	slices.Sort(frequent)
	if err := x.db.ReplaceFrequentBoilerplate(ctx, hashesOf(frequent), int64(len(ids))); err != nil {
		return 0, err
	}
	return len(frequent), nil
}

// Reindex recomputes every stored signature and band with the current
// boilerplate set and options, 200 revisions per transaction, so that the
// index is as if every plan had been added today. Queries stay correct
// throughout (verification is exact); recall is restored when it ends. It
// returns the number of revisions reindexed, or apperror.Unavailable if the
// database fails.
func (x *Index) Reindex(ctx context.Context) (int, error) {
	bp, err := x.boilerplate(ctx)
	if err != nil {
		return 0, err
	}
	ids, err := x.db.IndexedRevisionIDs(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	for chunk := range slices.Chunk(ids, 200) {
		rows, err := x.db.PlanSignatures(ctx, chunk)
		if err != nil {
			return done, err
		}
		resigns := make([]store.PlanResign, len(rows))
		for i := range rows {
			p := x.profile(rows[i].Text, bp)
			_, b := x.rows(PlanDoc{RevisionID: rows[i].RevisionID}, p, rows[i].CreatedAt)
			resigns[i] = store.PlanResign{RevisionID: rows[i].RevisionID, Signature: p.sigRaw, ShingleCount: len(p.set), Bands: b}
		}
		if len(resigns) > 0 {
			if err := x.db.ResignPlans(ctx, resigns); err != nil {
				return done, err
			}
		}
		done += len(chunk)
	}
	return done, nil
}

// reindexer coalesces the background reindexes of one Index.
type reindexer struct {
	mu             sync.Mutex
	running, again bool
}

// ReindexLater starts a Reindex in a goroutine, detached from ctx's
// cancellation, unless one is running, in which case that one runs once
// more when it ends and so sees every template added until then. Runs of
// one Index never overlap. The outcome is logged on log; done, when not
// nil, is called after the last run ends (tests wait on it).
func (x *Index) ReindexLater(ctx context.Context, log *slog.Logger, done func()) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx = context.WithoutCancel(ctx)
	r := &x.reindex
	r.mu.Lock()
	if r.running {
		r.again = true
		r.mu.Unlock()
		return
	}
	r.running = true
	r.mu.Unlock()
	go func() {
		for {
			start := time.Now()
			n, err := x.Reindex(ctx)
			if err != nil {
				log.Error("background plan reindex failed", "reindexed", n, "err", err)
			} else {
				log.Info("background plan reindex done", "reindexed", n, "took", time.Since(start).Round(time.Millisecond))
			}
			r.mu.Lock()
			if !r.again {
				r.running = false
				r.mu.Unlock()
				if done != nil {
					done()
				}
				return
			}
			r.again = false
			r.mu.Unlock()
		}
	}()
}
