package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/dedup"
	"fugong/internal/plans"
	"fugong/internal/store"
)

// 复工方案雷同检测的接口：某份备案与其他企业方案的相似情况，以及官方模板的登记。
// Near-duplicate plan endpoints: which other enterprises' plans a filing's
// plan resembles, and the official templates whose text never counts.

// syncReindexLimit is the index size below which adding a template reindexes
// inside the request (Reindex costs about 3 ms per plan, so up to ~15 s,
// inside the 60 s write timeout; see docs/benchmarks.md); at or above
// it the reindex runs in the background and the request answers at once.
const syncReindexLimit = 5000

// similarRoutes registers the near-duplicate routes; without a dedup index
// (or a store) there are none.
func (s *Server) similarRoutes(api fiber.Router) {
	if s.deps.Dedup == nil || s.deps.Store == nil {
		return
	}
	api.Get("/filings/:id/similar", need(officials...), s.similarFilings)
	api.Post("/plan-templates", need(managers...), s.addPlanTemplate)
	api.Get("/plan-templates", need(managers...), s.listPlanTemplates)
}

// similarItem is one entry of GET /filings/{id}/similar.
type similarItem struct {
	FilingID       int64           `json:"filing_id,omitempty"`       // omitted outside the caller's scope
	EnterpriseName string          `json:"enterprise_name,omitempty"` // omitted outside the caller's scope
	OutsideScope   bool            `json:"outside_scope,omitempty"`   // a filing the caller may not open (another street's)
	Similarity     float64         `json:"similarity"`
	SharedPassages []sharedPassage `json:"shared_passages"`
}

// sharedPassage is a run of text both plans contain. Offsets are UTF-8 byte
// offsets, half-open, into each plan's text as filed ("this" = the filing
// asked about, "other" = the similar one); Text is the run as it reads in
// this filing's plan.
type sharedPassage struct {
	Text       string `json:"text"`
	ThisStart  int    `json:"this_start"`
	ThisEnd    int    `json:"this_end"`
	OtherStart int    `json:"other_start"`
	OtherEnd   int    `json:"other_end"`
}

// similarFilings answers GET /api/v1/filings/{id}/similar for an official:
// the other enterprises' filings whose plan is a near-duplicate of this
// filing's latest submitted plan, most similar first. Enterprises are refused
// by the route (403): an enterprise must never learn another's name or text.
func (s *Server) similarFilings(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.similarTo(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(items)
}

// similarTo returns the filings similar to filing id's latest revision, one
// entry per other filing (its most similar indexed revision). A filing
// outside p's scope is apperror.NotFound; a filing never submitted, or whose
// latest revision has no plan text, has none ([]). A revision missing from
// the index (its Add failed at submit) is queried by its text instead. The
// enterprise names come in one query. Other errors are
// apperror.Unavailable.
func (s *Server) similarTo(ctx context.Context, p *auth.Principal, id int64) ([]similarItem, error) {
	items := []similarItem{}
	f, err := s.deps.Store.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if f.Revision == 0 {
		return items, nil
	}
	revs, err := s.deps.Store.Revisions(ctx, f.ID)
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
	matches, err := s.deps.Dedup.Similar(ctx, rev.ID)
	if apperror.CodeOf(err) == apperror.NotFound {
		matches, err = s.deps.Dedup.Query(ctx, rev.PlanText, f.EnterpriseID)
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
	names, err := s.deps.Store.EnterpriseNames(ctx, entIDs)
	if err != nil {
		return nil, err
	}
	filingIDs := make([]int64, len(kept))
	for i, m := range kept {
		filingIDs[i] = m.FilingID
	}
	// A street official learns that a plan elsewhere shares these passages,
	// not whose it is (issue 18 #12).
	visible, err := s.deps.Store.VisibleFilings(ctx, p.Scope(), filingIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range kept {
		ps := make([]sharedPassage, len(m.Passages))
		for i, q := range m.Passages {
			ps[i] = sharedPassage{Text: q.Text, ThisStart: q.QueryStart, ThisEnd: q.QueryEnd, OtherStart: q.MatchStart, OtherEnd: q.MatchEnd}
		}
		item := similarItem{Similarity: m.Similarity, SharedPassages: ps, OutsideScope: true}
		if visible[m.FilingID] {
			item.FilingID, item.EnterpriseName, item.OutsideScope = m.FilingID, names[m.EnterpriseID], false
		}
		items = append(items, item)
	}
	return items, nil
}

// planTemplateBody is a template as the API shows it.
type planTemplateBody struct {
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

func templateBody(t store.PlanTemplate, withText bool) planTemplateBody {
	b := planTemplateBody{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, Chars: utf8.RuneCountInString(t.Text)}
	if withText {
		b.Text = t.Text
	}
	return b
}

// planTemplateRequest is the JSON body of POST /api/v1/plan-templates.
type planTemplateRequest struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// addPlanTemplate answers POST /api/v1/plan-templates: JSON {"name","text"}
// or multipart with a file field "file" (TXT, DOCX or PDF, text extracted as
// for plan uploads) and a form field "name". 201 with the template; 422 for
// an empty name or a text without content; 415 for another file type; 413
// over the plan upload limit. The index is then reindexed (see
// reindexAfterTemplate).
func (s *Server) addPlanTemplate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	req, err := s.decodePlanTemplate(c)
	if err != nil {
		return err
	}
	if d := validateTemplate(req); len(d) > 0 {
		return &apperror.Error{Code: apperror.Invalid, Message: "模板需要名称和正文 / a template needs a name and text", Details: d}
	}
	t, err := s.deps.Dedup.AddTemplate(ctx, req.Name, req.Text)
	if err != nil {
		return err
	}
	s.audit(c, "plan_template_added", fmt.Sprintf("plan_template:%d", t.ID), truncateRunes(t.Name, 200))
	body := templateBody(t, false)
	body.Reindex = s.reindexAfterTemplate(ctx, requestID(c))
	return c.Status(fiber.StatusCreated).JSON(body)
}

// listPlanTemplates answers GET /api/v1/plan-templates: every template,
// oldest first, with its text, in the list shape of api.md.
func (s *Server) listPlanTemplates(c *fiber.Ctx) error {
	ts, err := s.deps.Dedup.ListTemplates(c.UserContext())
	if err != nil {
		return err
	}
	pg := pageOf(c)
	items := []planTemplateBody{}
	for i := pg.Offset(); i < len(ts) && len(items) < pg.Size; i++ {
		items = append(items, templateBody(ts[i], true))
	}
	return c.JSON(listBody(items, int64(len(ts)), pg))
}

// decodePlanTemplate reads the request as JSON or, for multipart/form-data,
// as a name field and a plan file whose text it extracts.
func (s *Server) decodePlanTemplate(c *fiber.Ctx) (planTemplateRequest, error) {
	var req planTemplateRequest
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if mt != "multipart/form-data" {
		err := decodeJSON(c, &req)
		req.Name = strings.TrimSpace(req.Name)
		return req, err
	}
	max := int64(s.cfg.Uploads.PlanMaxMB) << 20
	name, file, err := receiveTemplateForm(c, max)
	if err != nil {
		return req, err
	}
	defer file.Remove()
	text, err := plans.FromFile(c.UserContext(), file.Path, max)
	if err != nil {
		return req, err
	}
	return planTemplateRequest{Name: strings.TrimSpace(name), Text: text}, nil
}

// validateTemplate returns one detail per bad field.
func validateTemplate(req planTemplateRequest) []apperror.Detail {
	var d []apperror.Detail
	switch n := utf8.RuneCountInString(req.Name); {
	case n == 0:
		d = append(d, apperror.Detail{Field: "name", Message: "必填 / required"})
	case n > 200:
		d = append(d, apperror.Detail{Field: "name", Message: "不超过 200 字 / at most 200 characters"})
	}
	if len(dedup.Normalize(req.Text).Runes) == 0 {
		d = append(d, apperror.Detail{Field: "text", Message: "没有正文（文件中未能读取文字？）/ no text (none could be read from the file?)"})
	}
	return d
}

// receiveTemplateForm reads a multipart body: the field "file" spooled to a
// temp file (413 past max bytes) and the field "name" (at most 4 KiB); other
// fields are skipped. A missing file is apperror.Malformed.
func receiveTemplateForm(c *fiber.Ctx, max int64) (string, *received, error) {
	_, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || params["boundary"] == "" {
		return "", nil, apperror.New(apperror.Malformed, "请以 multipart/form-data 上传文件（字段 file）/ upload the file as multipart/form-data field \"file\"")
	}
	mr := multipart.NewReader(bodyReader(c), params["boundary"])
	var name string
	var file *received
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if file != nil {
				file.Remove()
			}
			return "", nil, apperror.Wrap(err, apperror.Malformed, "上传格式错误 / malformed multipart body")
		}
		switch {
		case part.FormName() == "name":
			b, _ := io.ReadAll(io.LimitReader(part, 4<<10))
			name = string(b)
		case part.FormName() == "file" && file == nil:
			f, err := os.CreateTemp("", "fugong-template-*")
			if err != nil {
				return "", nil, err
			}
			n, err := io.Copy(f, io.LimitReader(part, max+1))
			f.Close()
			if err != nil || n > max {
				os.Remove(f.Name())
				if err != nil {
					return "", nil, apperror.Wrap(err, apperror.Malformed, "上传中断 / upload interrupted")
				}
				return "", nil, apperror.New(apperror.TooLarge, "文件超过 %d MB 上限 / file exceeds the %d MB limit", max>>20, max>>20)
			}
			file = &received{Path: f.Name(), Filename: cleanFilename(part.FileName()), Size: n}
		default:
			io.Copy(io.Discard, io.LimitReader(part, 1<<20))
		}
		part.Close()
	}
	if file == nil {
		return "", nil, &apperror.Error{Code: apperror.Malformed, Message: "缺少文件字段 file / missing file field file",
			Details: []apperror.Detail{{Field: "file", Message: "required"}}}
	}
	return name, file, nil
}

// reindexAfterTemplate recomputes the index's signatures so that plans
// indexed before the new template stop counting its text (until then only
// recall suffers: verification is exact). Below syncReindexLimit indexed
// plans it runs inline and the answer says "done"; at or above it, it runs in the background, detached
// from the request (context.WithoutCancel) and logged when it ends, and the
// answer says "started". Background runs of one index never overlap: a
// template added while one runs queues exactly one more run, which sees
// every template added so far. A failure is logged, never returned: the
// template itself is saved.
func (s *Server) reindexAfterTemplate(ctx context.Context, reqID string) string {
	n, err := s.deps.Store.CountIndexedPlans(ctx)
	if err == nil && n < syncReindexLimit {
		if _, err := s.deps.Dedup.Reindex(ctx); err != nil {
			s.log.Error("plan reindex after template failed", "request_id", reqID, "err", err)
			return "failed"
		}
		return "done"
	}
	if err != nil {
		s.log.Warn("counting indexed plans failed; reindexing in the background", "request_id", reqID, "err", err)
	}
	s.log.Info("plan reindex after template started in the background", "request_id", reqID, "plans", n)
	backgroundReindex(context.WithoutCancel(ctx), s.deps.Dedup, s.log.Info, s.log.Error)
	return "started"
}

// reindexState coalesces background reindexes of one index.
type reindexState struct {
	running, again bool
}

var (
	reindexMu     sync.Mutex
	reindexStates = map[*dedup.Index]*reindexState{}
)

// backgroundReindex starts a Reindex of x in a goroutine unless one is
// running, in which case that one runs once more when it ends.
func backgroundReindex(ctx context.Context, x *dedup.Index, info, fail func(string, ...any)) {
	reindexMu.Lock()
	st := reindexStates[x]
	if st == nil {
		st = &reindexState{}
		reindexStates[x] = st
	}
	if st.running {
		st.again = true
		reindexMu.Unlock()
		return
	}
	st.running = true
	reindexMu.Unlock()
	go func() {
		for {
			start := time.Now()
			n, err := x.Reindex(ctx)
			if err != nil {
				fail("background plan reindex failed", "reindexed", n, "err", err)
			} else {
				info("background plan reindex done", "reindexed", n, "took", time.Since(start).Round(time.Millisecond))
			}
			reindexMu.Lock()
			if !st.again {
				st.running = false
				delete(reindexStates, x)
				reindexMu.Unlock()
				return
			}
			st.again = false
			reindexMu.Unlock()
		}
	}()
}
