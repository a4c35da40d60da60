package filing

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/dedup"
	"fugong/internal/plans"
	"fugong/internal/store"
)

// 复工方案雷同检测：某份备案与其他企业方案的相似情况，以及官方模板的登记。
// Near-duplicate plans: which other enterprises' plans a filing's plan
// resembles, and the official templates whose text never counts.

// SyncReindexLimit is the index size below which adding a template
// reindexes inside the request (Reindex costs about 3 ms per plan, so up to
// ~15 s, inside the 60 s write timeout; see docs/benchmarks.md); at or above
// it the reindex runs in the background and the call returns at once.
const SyncReindexLimit = 5000

var errNoIndex = apperror.Msg(apperror.Unavailable, msgNearDuplicateDetectionNotRunning)

// Similar is one entry of a filing's similar plans.
//
// A match the caller may not open (another street's filing, for a street
// official) shows that it exists and what it shares, not whose it is:
// FilingID and EnterpriseName are then omitted and OutsideScope is set.
type Similar struct {
	FilingID       int64           `json:"filing_id,omitempty"`
	EnterpriseName string          `json:"enterprise_name,omitempty"`
	OutsideScope   bool            `json:"outside_scope,omitempty"`
	Similarity     float64         `json:"similarity"`
	SharedPassages []SharedPassage `json:"shared_passages"`
}

// SharedPassage is a run of text both plans contain. Offsets are UTF-8 byte
// offsets, half-open, into each plan's text as filed ("this" = the filing
// asked about, "other" = the similar one); Text is the run as it reads in
// this filing's plan.
type SharedPassage struct {
	Text       string `json:"text"`
	ThisStart  int    `json:"this_start"`
	ThisEnd    int    `json:"this_end"`
	OtherStart int    `json:"other_start"`
	OtherEnd   int    `json:"other_end"`
}

// SimilarTo returns the other enterprises' filings whose plan is a
// near-duplicate of filing id's latest submitted plan, most similar first,
// one entry per other filing (its most similar indexed revision). A filing
// outside p's scope is apperror.NotFound; a filing never submitted, or
// whose latest revision has no plan text, has none ([]). A revision missing
// from the index (its Add failed at submit) is queried by its text instead.
// The enterprise names come in one query. Other errors are
// apperror.Unavailable. Enterprises are refused by the route: an
// enterprise must never learn another's name or text.
func (s *Service) SimilarTo(ctx context.Context, p *auth.Principal, id int64) ([]Similar, error) {
	if s.dedup == nil {
		return nil, errNoIndex
	}
	items := []Similar{}
	f, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if f.Revision == 0 {
		return items, nil
	}
	revs, err := s.db.Revisions(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	var rev *store.FilingRevision
	for i := range revs {
		if revs[i].Number == f.Revision {
			rev = &revs[i]
		}
	}
	if rev == nil || strings.TrimSpace(rev.PlanText) == "" {
		return items, nil
	}
	matches, err := s.dedup.Similar(ctx, rev.ID)
	if apperror.CodeOf(err) == apperror.NotFound {
		matches, err = s.dedup.Query(ctx, rev.PlanText, f.EnterpriseID)
	}
	if err != nil {
		return nil, err
	}
	// An enterprise that filed again has several indexed revisions: keep its
	// filing once, at its best match (matches are sorted most similar first).
	seen := map[int64]bool{}
	kept := make([]dedup.Match, 0, len(matches))
	entIDs := make([]int64, 0, len(matches))
	for _, m := range matches {
		if seen[m.FilingID] || m.FilingID == f.ID {
			continue
		}
		seen[m.FilingID] = true
		kept = append(kept, m)
		entIDs = append(entIDs, m.EnterpriseID)
	}
	names, err := s.db.EnterpriseNames(ctx, entIDs)
	if err != nil {
		return nil, err
	}
	filingIDs := make([]int64, len(kept))
	for i, m := range kept {
		filingIDs[i] = m.FilingID
	}
	visible, err := s.db.VisibleFilings(ctx, p.Scope(), filingIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range kept {
		ps := make([]SharedPassage, len(m.Passages))
		for i, q := range m.Passages {
			ps[i] = SharedPassage{Text: q.Text, ThisStart: q.QueryStart, ThisEnd: q.QueryEnd, OtherStart: q.MatchStart, OtherEnd: q.MatchEnd}
		}
		item := Similar{Similarity: m.Similarity, SharedPassages: ps, OutsideScope: true}
		if visible[m.FilingID] {
			item.FilingID, item.EnterpriseName, item.OutsideScope = m.FilingID, names[m.EnterpriseID], false
		}
		items = append(items, item)
	}
	return items, nil
}

// Template is an official plan template as the API shows it.
type Template struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Chars     int       `json:"chars"`
	Text      string    `json:"text,omitempty"`
	// Reindex says what happened to the index after an add: "done" (inline),
	// "started" (in the background, for a large index) or "failed" (the
	// template is saved and used; recall recovers at the next reindex).
	Reindex string `json:"reindex,omitempty"`
}

func templateOf(t store.PlanTemplate, withText bool) Template {
	b := Template{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, Chars: utf8.RuneCountInString(t.Text)}
	if withText {
		b.Text = t.Text
	}
	return b
}

// TemplateInput is a template to register: a name and either its text or
// an uploaded plan file (TXT, DOCX or PDF) to extract it from.
type TemplateInput struct {
	Name string `json:"name"`
	Text string `json:"text"`
	File File   `json:"-"` // spooled upload; its text replaces Text
}

// AddTemplate registers an official template on behalf of p (audited in
// the same transaction) and then reindexes: inline below SyncReindexLimit
// indexed plans, else in the background (see dedup.Index.ReindexLater); a
// failed reindex is logged, never returned. A missing name or a text
// without content is apperror.Invalid; a file of another type
// apperror.Unsupported; one over the plan upload limit apperror.TooLarge.
func (s *Service) AddTemplate(ctx context.Context, p *auth.Principal, in TemplateInput) (*Template, error) {
	if s.dedup == nil {
		return nil, errNoIndex
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.File != nil {
		max := int64(s.uploads.PlanMaxMB) << 20
		text, err := plans.FromReaderAt(ctx, in.File, in.File.Size(), max)
		if err != nil {
			return nil, err
		}
		in.Text = text
	}
	if d := validateTemplate(in); len(d) > 0 {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgTemplateNeedsNameText.With(), Details: d}
	}
	t, err := s.dedup.AddTemplate(ctx, p.Entry("", "", ""), in.Name, in.Text)
	if err != nil {
		return nil, err
	}
	out := templateOf(t, false)
	out.Reindex = s.reindexAfterTemplate(ctx)
	return &out, nil
}

// Templates lists the registered templates, oldest first, with their text.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	if s.dedup == nil {
		return nil, errNoIndex
	}
	ts, err := s.dedup.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Template, len(ts))
	for i, t := range ts {
		out[i] = templateOf(t, true)
	}
	return out, nil
}

// validateTemplate returns one detail per bad field.
func validateTemplate(in TemplateInput) []apperror.Detail {
	var d []apperror.Detail
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		d = append(d, apperror.FieldMsg("name", msgRequired))
	case n > 200:
		d = append(d, apperror.FieldMsg("name", msgMostCharacters))
	}
	if len(dedup.Normalize(in.Text).Runes) == 0 {
		d = append(d, apperror.FieldMsg("text", msgNoTextNoneCouldRead))
	}
	return d
}

// reindexAfterTemplate recomputes the index's signatures so that plans
// indexed before the new template stop counting its text (until then only
// recall suffers: verification is exact): inline ("done") below
// SyncReindexLimit plans, else in the background ("started").
func (s *Service) reindexAfterTemplate(ctx context.Context) string {
	n, err := s.dedup.IndexedPlans(ctx)
	if err == nil && n < SyncReindexLimit {
		if _, err := s.dedup.Reindex(ctx); err != nil {
			s.log.Error("plan reindex after template failed", "err", err)
			return "failed"
		}
		return "done"
	}
	if err != nil {
		s.log.Warn("counting indexed plans failed; reindexing in the background", "err", err)
	}
	s.log.Info("plan reindex after template started in the background", "plans", n)
	s.dedup.ReindexLater(ctx, s.log, nil)
	return "started"
}
