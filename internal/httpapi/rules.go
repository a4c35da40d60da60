package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"fugong/internal/apperror"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// Limits of the rules API.
const (
	// backtestBatch is how many revisions are read per query in a backtest.
	backtestBatch = 500
	// backtestMaxListed caps the per-filing list in a backtest response;
	// the totals always count every filing.
	backtestMaxListed = 200
	// backtestTimeout bounds one backtest.
	backtestTimeout = 2 * time.Minute
	// maxCount bounds every count in an evaluated body, far above any real
	// enterprise, so rule arithmetic cannot overflow.
	maxCount = 1_000_000_000
	// recordTimeout bounds one write of a rule version.
	recordTimeout = 10 * time.Second
)

// ruleRoutes registers the rule engine's API (park manager and admin).
func (s *Server) ruleRoutes(api fiber.Router) {
	api.Get("/rules", need(managers...), s.getRules)
	api.Post("/rules/evaluate", need(managers...), s.evaluateRules)
	api.Post("/rules/reload", need(managers...), s.reloadRules)
	api.Post("/rules/backtest", need(managers...), s.backtestRules)
	api.Get("/rules/versions", need(managers...), s.listRuleVersions)
	api.Get("/rules/versions/:version", need(managers...), s.getRuleVersion)
}

// RuleVersionRecorder returns the function `fugong serve` passes to
// rules.NewEngine as onLoad: it records every newly active rule set — its
// version and each file's text verbatim — with store.SaveRuleVersion, so the
// ruleset_version of any flag can be explained later. It never fails the
// load: a write error (say, the database is down) is logged, the new set
// stays active, and the next successful POST /api/v1/rules/reload records
// the running version again. Each write is bounded by ctx and 10 s.
func RuleVersionRecorder(ctx context.Context, db *store.DB, log *slog.Logger) func(*rules.Set) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(set *rules.Set) {
		if err := recordRuleVersion(ctx, db, set); err != nil {
			log.Error("rule version not recorded; the set is active but its files are not in the database yet",
				"version", set.Version, "err", err)
		}
	}
}

// recordRuleVersion saves set's version and files, active now.
func recordRuleVersion(ctx context.Context, db *store.DB, set *rules.Set) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return db.SaveRuleVersion(ctx, set.Version, storeFiles(set.Files), time.Now())
}

func storeFiles(files []rules.File) []store.RuleFile {
	out := make([]store.RuleFile, len(files))
	for i, f := range files {
		out[i] = store.RuleFile{Name: f.Name, Text: f.Content}
	}
	return out
}

var errNoEngine = apperror.New(apperror.Unavailable, "规则引擎未启用 / the rule engine is not running")

// engine returns the rule engine, or Unavailable when the server has none.
func (s *Server) engine() (*rules.Engine, error) {
	if s.deps.Rules == nil {
		return nil, errNoEngine
	}
	return s.deps.Rules, nil
}

// activeSet returns the running rule set, or Unavailable before the first
// successful load.
func (s *Server) activeSet() (*rules.Set, error) {
	e, err := s.engine()
	if err != nil {
		return nil, err
	}
	set := e.Current()
	if set == nil {
		return nil, apperror.New(apperror.Unavailable, "规则集尚未加载成功 / no rule set has loaded yet")
	}
	return set, nil
}

type ruleBody struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Severity    rules.Severity `json:"severity"`
	When        string         `json:"when"`
	Message     string         `json:"message"`
	Description string         `json:"description"`
}

type loadErrorBody struct {
	Message string            `json:"message"`
	Details []apperror.Detail `json:"details"`
}

// loadErrorOf shows the last failed reload: its message and every problem.
func loadErrorOf(err error) *loadErrorBody {
	if err == nil {
		return nil
	}
	ae := apperror.As(err)
	if ae == nil {
		return &loadErrorBody{Message: "规则重新加载未完成 / the last reload did not complete", Details: []apperror.Detail{}}
	}
	d := ae.Details
	if d == nil {
		d = []apperror.Detail{}
	}
	return &loadErrorBody{Message: ae.Message, Details: d}
}

// getRules answers the running set and, if the newest edit is broken, why
// it was not loaded.
func (s *Server) getRules(c *fiber.Ctx) error {
	e, err := s.engine()
	if err != nil {
		return err
	}
	out := fiber.Map{"version": "", "rules": []ruleBody{}, "last_error": loadErrorOf(e.LastError())}
	if set := e.Current(); set != nil {
		list := make([]ruleBody, len(set.Rules))
		for i, r := range set.Rules {
			list[i] = ruleBody{ID: r.ID, Name: r.Name, Severity: r.Severity, When: r.When, Message: r.Message, Description: r.Description}
		}
		out["version"], out["rules"] = set.Version, list
	}
	return c.JSON(out)
}

// evaluateRequest is a filing body as POST /api/v1/filings takes it, plus
// what a filing would bring from elsewhere: its roster summary, its
// enterprise's registry entry and its plan's similarity.
type evaluateRequest struct {
	PlannedResumeDate string `json:"planned_resume_date"`
	StaffTotal        int64  `json:"staff_total"`
	StaffOnsite       int64  `json:"staff_onsite"`
	Supplies          struct {
		Masks              int64   `json:"masks"`
		Thermometers       int64   `json:"thermometers"`
		DisinfectantLiters float64 `json:"disinfectant_liters"`
		IsolationRoom      bool    `json:"isolation_room"`
	} `json:"supplies"`
	PlanText string `json:"plan_text"`
	Contact  struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"contact"`
	RosterSummary *struct {
		Rows             int64 `json:"rows"`
		Fever            int64 `json:"fever"`
		HealthCodeRed    int64 `json:"health_code_red"`
		HealthCodeYellow int64 `json:"health_code_yellow"`
		Hubei14d         int64 `json:"hubei_14d"`
		InQuarantine     int64 `json:"in_quarantine"`
	} `json:"roster_summary"`
	Enterprise *struct {
		Sector     string `json:"sector"`
		AboveScale bool   `json:"above_scale"`
		RealEstate bool   `json:"real_estate"`
		Zone       string `json:"zone"`
		Street     string `json:"street"`
	} `json:"enterprise"`
	Plan *struct {
		MaxSimilarity float64 `json:"max_similarity"`
	} `json:"plan"`
}

// parkNow is the park's local time (China Standard Time, no daylight
// saving), so a rule's "now" is the park's today.
func parkNow() time.Time { return time.Now().In(time.FixedZone("CST", 8*3600)) }

// evaluateInput validates req and builds the rules input, as of now. Every bad
// field is one detail of an Invalid error.
func (s *Server) evaluateInput(req *evaluateRequest, now time.Time) (rules.Input, error) {
	var details []apperror.Detail
	bad := func(field, msg string) { details = append(details, apperror.Detail{Field: field, Message: msg}) }
	count := func(field string, v int64) int {
		switch {
		case v < 0:
			bad(field, "不能为负数 / must not be negative")
		case v > maxCount:
			bad(field, fmt.Sprintf("不能超过 %d / must be at most %d", maxCount, maxCount))
		}
		return int(v)
	}
	in := rules.Input{Now: now}
	f := &in.Filing
	f.Status = store.StatusDraft
	if req.PlannedResumeDate != "" {
		d, err := time.Parse(time.DateOnly, req.PlannedResumeDate)
		if err != nil {
			bad("planned_resume_date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
		}
		f.PlannedResumeDate = d
	}
	f.StaffTotal = count("staff_total", req.StaffTotal)
	f.StaffOnsite = count("staff_onsite", req.StaffOnsite)
	f.Supplies.Masks = count("supplies.masks", req.Supplies.Masks)
	f.Supplies.Thermometers = count("supplies.thermometers", req.Supplies.Thermometers)
	if l := req.Supplies.DisinfectantLiters; l < 0 || l > maxCount {
		bad("supplies.disinfectant_liters", fmt.Sprintf("应在 0 到 %d 之间 / must be between 0 and %d", maxCount, maxCount))
	}
	f.Supplies.DisinfectantLiters = req.Supplies.DisinfectantLiters
	f.Supplies.IsolationRoom = req.Supplies.IsolationRoom
	f.PlanText = req.PlanText
	f.Contact = rules.Contact{Name: req.Contact.Name, Phone: req.Contact.Phone}

	if r := req.RosterSummary; r != nil {
		in.Roster = rules.Roster{Present: true,
			Rows:             count("roster_summary.rows", r.Rows),
			Fever:            count("roster_summary.fever", r.Fever),
			HealthCodeRed:    count("roster_summary.health_code_red", r.HealthCodeRed),
			HealthCodeYellow: count("roster_summary.health_code_yellow", r.HealthCodeYellow),
			Hubei14d:         count("roster_summary.hubei_14d", r.Hubei14d),
			InQuarantine:     count("roster_summary.in_quarantine", r.InQuarantine),
		}
	}
	if p := req.Plan; p != nil {
		if p.MaxSimilarity < 0 || p.MaxSimilarity > 1 {
			bad("plan.max_similarity", "应在 0 到 1 之间 / must be between 0 and 1")
		}
		in.Plan.MaxSimilarity = p.MaxSimilarity
	}
	if e := req.Enterprise; e != nil {
		ent := rules.Enterprise{Sector: e.Sector, AboveScale: e.AboveScale, RealEstate: e.RealEstate}
		switch e.Sector {
		case "", "industrial", "service", "construction":
		default:
			bad("enterprise.sector", "应为 industrial、service 或 construction / must be industrial, service or construction")
		}
		if e.Street != "" && s.deps.Areas != nil {
			st, ok := s.deps.Areas.Street(e.Street)
			if !ok {
				bad("enterprise.street", "未知街道 / unknown street")
			}
			ent.Street, ent.Zone = st.Code, st.Zone
		}
		if e.Zone != "" && s.deps.Areas != nil {
			z, ok := s.deps.Areas.Zone(e.Zone)
			switch {
			case !ok:
				bad("enterprise.zone", "应为 south、west 或 east / must be south, west or east")
			case ent.Zone != "" && ent.Zone != z.Code:
				bad("enterprise.zone", "与街道所在片区不符 / does not match the street's zone")
			default:
				ent.Zone = z.Code
			}
		}
		in.Enterprise = ent
	}
	if len(details) > 0 {
		return rules.Input{}, apperror.WithDetails(apperror.Invalid, "备案内容无效 / the filing is not valid", details)
	}
	return in, nil
}

// evaluateRules answers the flags the running set raises on a filing body,
// saving nothing.
func (s *Server) evaluateRules(c *fiber.Ctx) error {
	var req evaluateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := s.evaluateInput(&req, parkNow())
	if err != nil {
		return err
	}
	set, err := s.activeSet()
	if err != nil {
		return err
	}
	flags := rules.Evaluate(set, in)
	if flags == nil {
		flags = []rules.Flag{}
	}
	return c.JSON(fiber.Map{"ruleset_version": set.Version, "flags": flags})
}

// reloadRules reloads the rules directory: 200 with the new version, or 422
// naming every problem while the running set stays.
func (s *Server) reloadRules(c *fiber.Ctx) error {
	e, err := s.engine()
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	before := ""
	if cur := e.Current(); cur != nil {
		before = cur.Version
	}
	set, err := e.Reload(ctx)
	if err != nil {
		n := 0
		if ae := apperror.As(err); ae != nil {
			n = len(ae.Details)
		}
		s.audit(c, "rules_reload_failed", "ruleset:"+before, fmt.Sprintf("problems=%d", n))
		return err
	}
	// The engine's onLoad records a newly active set; recording here too
	// repairs a record that failed earlier (the write is an idempotent upsert).
	if err := recordRuleVersion(ctx, s.deps.Store, set); err != nil {
		s.log.Error("rule version not recorded", "request_id", requestID(c), "version", set.Version, "err", err)
	}
	s.audit(c, "rules_reloaded", "ruleset:"+set.Version, fmt.Sprintf("previous=%s rules=%d", before, len(set.Rules)))
	return c.JSON(fiber.Map{"version": set.Version, "rules": len(set.Rules), "changed": set.Version != before})
}

var versionPattern = regexp.MustCompile(`^[0-9a-f]{1,32}$`)

func (s *Server) listRuleVersions(c *fiber.Ctx) error {
	page := pageOf(c)
	items, total, err := s.deps.Store.ListRuleVersions(c.UserContext(), page)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, page))
}

// getRuleVersion answers a version's files, from the database, or from the
// running set when its record is missing (a failed write at load).
func (s *Server) getRuleVersion(c *fiber.Ctx) error {
	v := utils.CopyString(c.Params("version"))
	if !versionPattern.MatchString(v) {
		return apperror.New(apperror.NotFound, "规则集版本不存在 / ruleset version not found")
	}
	rec, err := s.deps.Store.RuleVersion(c.UserContext(), v)
	if apperror.CodeOf(err) == apperror.NotFound && s.deps.Rules != nil {
		if set := s.deps.Rules.Current(); set != nil && set.Version == v {
			at := set.LoadedAt.UTC()
			rec, err = &store.RuleVersionRecord{Version: v, Files: storeFiles(set.Files), FirstActiveAt: at, LastActiveAt: at}, nil
		}
	}
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

type backtestRequest struct {
	Files []store.RuleFile `json:"files"`
}

// backtestChange is one filing whose flags would change.
type backtestChange struct {
	FilingID  int64    `json:"filing_id"`
	Appear    []string `json:"appear"`
	Disappear []string `json:"disappear"`
}

var errStopBacktest = errors.New("backtest stopped")

// backtestRules compiles a candidate set (replacing every file) and runs it
// against the running set over the latest revision of every filing.
func (s *Server) backtestRules(c *fiber.Ctx) error {
	var req backtestRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	current, err := s.activeSet()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), backtestTimeout)
	defer cancel()
	files := make([]rules.File, len(req.Files))
	for i, f := range req.Files {
		files[i] = rules.File{Name: f.Name, Content: f.Text}
	}
	candidate, err := rules.LoadFiles(ctx, files)
	if err != nil {
		return err
	}

	skipped := 0
	var readErr error
	inputs := func(yield func(string, rules.Input) bool) {
		readErr = s.deps.Store.LatestRevisions(ctx, backtestBatch, func(revs []store.FilingRevision) error {
			for _, r := range revs {
				var in rules.Input
				if err := json.Unmarshal([]byte(r.Snapshot), &in); err != nil {
					skipped++
					continue
				}
				if !yield(strconv.FormatInt(r.FilingID, 10), in) {
					return errStopBacktest
				}
			}
			return nil
		})
	}
	// Audited before it runs: a backtest that exhausts its budget or takes
	// the process down still leaves who ran what.
	s.audit(c, "rules_backtest_start", "ruleset:"+candidate.Version, "current="+current.Version)
	rep, err := rules.Backtest(ctx, current, candidate, inputs)
	if err == nil && readErr != nil && !errors.Is(readErr, errStopBacktest) {
		err = readErr
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return apperror.Wrap(err, apperror.Unavailable, "回测超时 / the backtest timed out")
		}
		return err
	}

	changed := make([]backtestChange, 0, min(len(rep.Changed), backtestMaxListed))
	for _, ch := range rep.Changed[:min(len(rep.Changed), backtestMaxListed)] {
		id, _ := strconv.ParseInt(ch.Key, 10, 64)
		bc := backtestChange{FilingID: id, Appear: ch.Appear, Disappear: ch.Disappear}
		if bc.Appear == nil {
			bc.Appear = []string{}
		}
		if bc.Disappear == nil {
			bc.Disappear = []string{}
		}
		changed = append(changed, bc)
	}
	s.audit(c, "rules_backtest", "ruleset:"+candidate.Version,
		fmt.Sprintf("current=%s filings=%d changed=%d", current.Version, rep.Inputs, len(rep.Changed)))
	return c.JSON(fiber.Map{
		"current_version":   rep.CurrentVersion,
		"candidate_version": rep.CandidateVersion,
		"filings":           rep.Inputs,
		"skipped":           skipped,
		"changed_total":     len(rep.Changed),
		"changed":           changed,
		"truncated":         len(rep.Changed) > backtestMaxListed,
		"rules":             rep.Rules,
		"flagged_before":    rep.FlaggedBefore,
		"flagged_after":     rep.FlaggedAfter,
		"blocked_before":    rep.BlockedBefore,
		"blocked_after":     rep.BlockedAfter,
	})
}
