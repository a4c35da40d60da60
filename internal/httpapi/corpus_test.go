package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"fugong/internal/blob/blobtest"
	"fugong/internal/plans"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// corpusDir holds files made by real office software (scripts/make-corpus.sh)
// and manifest.json, the expected outcome of each.
const corpusDir = "../../testdata/corpus"

type corpusManifest struct {
	PlannedResumeDate  string        `json:"planned_resume_date"`
	PlanSource         string        `json:"plan_source"`
	PlanSourceNumbered string        `json:"plan_source_numbered"`
	Files              []corpusEntry `json:"files"`
}

type corpusEntry struct {
	File     string `json:"file"`
	Kind     string `json:"kind"` // roster | registry | plan
	Producer string `json:"producer"`
	Status   int    `json:"status"`
	// Rosters.
	Summary   map[string]any `json:"summary"`
	HeaderRow int            `json:"header_row"`
	Sheet     string         `json:"sheet"`
	Ignored   []string       `json:"ignored"`
	Skipped   int            `json:"skipped"`
	// Registries.
	Created     int                        `json:"created"`
	FlagsByCode map[string]map[string]bool `json:"flags_by_code"`
	// Plans.
	Recall       float64  `json:"recall"`
	Source       string   `json:"source"` // "numbered": compare with the source without list markers
	Contains     []string `json:"contains"`
	Once         []string `json:"once"`   // found exactly once (a DOCX text box is written twice)
	Absent       []string `json:"absent"` // not in the text (deleted by a recorded change)
	NoteContains string   `json:"note_contains"`
	EmptyText    bool     `json:"empty_text"`
	// Refusals.
	DetailContains  string `json:"detail_contains"`
	DetailsMin      int    `json:"details_min"`
	MessageContains string `json:"message_contains"`
	// Rule flags at submit.
	Flags    []string `json:"flags"`
	NotFlags []string `json:"not_flags"`
}

// TestCorpus sends every file of the corpus through the HTTP upload path
// and checks the outcome the manifest states: the exact roster summary and
// the columns used and ignored, registry rows and flags, plan text recall
// (character pairs of the source found in the extracted text), notes, rule
// flags at submit, or the refusal's status and cause. SQLite + local store
// and MariaDB + MinIO.
func TestCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m corpusManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Files) < 30 {
		t.Fatalf("manifest lists %d files", len(m.Files))
	}
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			a := mustAPI(t, env.driver)
			a.build(blobtest.MustOpen(t, env.backend))
			ent := a.login("ent-guixi")
			park := a.login("park")
			registryDone := false
			for _, e := range m.Files {
				t.Run(e.File, func(t *testing.T) {
					body, err := os.ReadFile(filepath.Join(corpusDir, e.File))
					if err != nil {
						t.Fatal(err)
					}
					name := filepath.Base(e.File)
					if e.Kind == "registry" {
						checkRegistry(t, a, park, e, name, body, registryDone)
						registryDone = registryDone || e.Status < 400
						return
					}
					f := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
					patch := map[string]any{"planned_resume_date": m.PlannedResumeDate, "staff_total": 12, "staff_onsite": 12,
						"supplies":  map[string]any{"masks": 400, "thermometers": 5, "disinfectant_liters": 50, "isolation_room": true},
						"plan_text": "", "contact": map[string]any{"name": "王经理", "phone": "13812345678"}}
					if e.Kind == "roster" {
						patch["plan_text"] = goodPlan
					}
					if r := a.do(ent, "PATCH", fmt.Sprintf("/api/v1/filings/%d", f.ID), patch); r.status != 200 {
						t.Fatalf("patch: %d %s", r.status, r.body)
					}
					r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, e.Kind), fileBody("file", name, body))
					if r.status != e.Status {
						t.Fatalf("%s (%s): status %d, want %d: %.600s", e.File, e.Producer, r.status, e.Status, r.body)
					}
					if r.status >= 400 {
						checkRefusal(t, e, r)
						return
					}
					var up struct {
						ID      int64
						Note    string
						Summary map[string]any
						Columns struct {
							Sheet     string
							HeaderRow int `json:"header_row"`
							Used      []struct{ Column, Field string }
							Ignored   []struct{ Column string }
							Skipped   []struct{ Row int }
						}
					}
					r.json(t, &up)
					switch e.Kind {
					case "roster":
						checkRoster(t, e, up.Summary, up.Columns.Sheet, up.Columns.HeaderRow, len(up.Columns.Skipped), up.Columns.Ignored, r.body)
					case "plan":
						var att store.Attachment
						if err := a.db.Gorm().First(&att, up.ID).Error; err != nil {
							t.Fatal(err)
						}
						src := m.PlanSource
						if e.Source == "numbered" {
							src = m.PlanSourceNumbered
						}
						checkPlan(t, e, att.ExtractedText, up.Note, src)
					}
					if len(e.Flags) > 0 || len(e.NotFlags) > 0 {
						checkFlags(t, a, ent, f.ID, e)
					}
					if e.Kind == "plan" && e.EmptyText {
						checkReviewerSeesScan(t, a, park, f.ID, name)
					}
				})
			}
		})
	}
}

func checkRefusal(t *testing.T, e corpusEntry, r response) {
	t.Helper()
	var body struct {
		Error struct {
			Code    string
			Message string
			Details []struct {
				Row     int
				Column  string
				Code    string
				Message string
			}
		}
	}
	r.json(t, &body)
	if e.MessageContains != "" && !strings.Contains(body.Error.Message, e.MessageContains) {
		t.Errorf("%s: message %q lacks %q", e.File, body.Error.Message, e.MessageContains)
	}
	if e.DetailContains != "" {
		n := 0
		for _, d := range body.Error.Details {
			if strings.Contains(d.Message, e.DetailContains) && d.Row > 1 && d.Column != "" && d.Code != "" {
				n++
			}
		}
		if n == 0 || n < e.DetailsMin {
			t.Errorf("%s: %d details with row, column, code and %q, want at least %d: %.600s", e.File, n, e.DetailContains, max(1, e.DetailsMin), r.body)
		}
	}
}

func checkRoster(t *testing.T, e corpusEntry, got map[string]any, sheet string, headerRow, skipped int, ignored []struct{ Column string }, body []byte) {
	t.Helper()
	want := map[string]any{}
	for k, v := range e.Summary {
		want[k] = v
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s (%s): summary %v, want %v", e.File, e.Producer, got, want)
	}
	if e.HeaderRow != 0 && headerRow != e.HeaderRow {
		t.Errorf("%s: header row %d, want %d", e.File, headerRow, e.HeaderRow)
	}
	if e.Sheet != "" && sheet != e.Sheet {
		t.Errorf("%s: sheet %q, want %q", e.File, sheet, e.Sheet)
	}
	if skipped != e.Skipped {
		t.Errorf("%s: %d rows skipped, want %d: %s", e.File, skipped, e.Skipped, body)
	}
	var ign []string
	for _, c := range ignored {
		ign = append(ign, c.Column)
	}
	if strings.Join(ign, ",") != strings.Join(e.Ignored, ",") {
		t.Errorf("%s: ignored %q, want %q", e.File, ign, e.Ignored)
	}
}

func checkPlan(t *testing.T, e corpusEntry, text, note, source string) {
	t.Helper()
	if e.EmptyText && strings.TrimSpace(text) != "" {
		t.Errorf("%s: text %q, want none", e.File, text)
	}
	if e.Recall > 0 {
		if r := recall(source, text); r < e.Recall {
			t.Errorf("%s (%s): recall %.3f, want ≥ %.2f; text:\n%s", e.File, e.Producer, r, e.Recall, text)
		}
		// What the rules read: every phrase of the source (a run of
		// ideographs between punctuation) is found whole once line breaks
		// inside CJK text are ignored: a keyword wrapped across two PDF
		// lines is still the word.
		// Lines are rebuilt from the page: at least one per source paragraph.
		if n, want := len(strings.Split(strings.TrimSpace(text), "\n")), len(strings.Split(source, "\n")); n < want {
			t.Errorf("%s (%s): %d lines, want at least %d", e.File, e.Producer, n, want)
		}
		joined := rules.JoinCJKLines(text)
		phrases := strings.FieldsFunc(plans.Normalize(source), func(r rune) bool { return !unicode.Is(unicode.Han, r) })
		for _, p := range phrases {
			if !strings.Contains(joined, p) {
				t.Errorf("%s (%s): phrase %q not found in\n%s", e.File, e.Producer, p, joined)
				break
			}
		}
	}
	for _, c := range e.Contains {
		if !strings.Contains(text, c) {
			t.Errorf("%s: text lacks %q:\n%s", e.File, c, text)
		}
	}
	for _, c := range e.Absent {
		if strings.Contains(text, c) {
			t.Errorf("%s: text holds %q:\n%s", e.File, c, text)
		}
	}
	for _, c := range e.Once {
		if n := strings.Count(text, c); n != 1 {
			t.Errorf("%s: %q found %d times, want once:\n%s", e.File, c, n, text)
		}
	}
	if e.NoteContains != "" && !strings.Contains(note, e.NoteContains) {
		t.Errorf("%s: note %q lacks %q", e.File, note, e.NoteContains)
	}
}

// recall is the share of the source's distinct character pairs (letters,
// digits and ideographs, with spaces and line breaks removed) that the
// extracted text holds: it measures lost or garbled characters, not line
// layout.
func recall(source, got string) float64 {
	pairs := func(s string) map[string]bool {
		var rs []rune
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				rs = append(rs, r)
			}
		}
		out := map[string]bool{}
		for i := 0; i+1 < len(rs); i++ {
			out[string(rs[i:i+2])] = true
		}
		return out
	}
	src, have := pairs(source), pairs(got)
	n := 0
	for p := range src {
		if have[p] {
			n++
		}
	}
	return float64(n) / float64(len(src))
}

func checkFlags(t *testing.T, a *api, ent *session, filingID int64, e corpusEntry) {
	t.Helper()
	r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/submit", filingID), nil)
	var sub struct {
		Flags []struct {
			RuleID string `json:"rule_id"`
		}
	}
	r.json(t, &sub)
	got := map[string]bool{}
	for _, f := range sub.Flags {
		got[f.RuleID] = true
	}
	for _, f := range e.Flags {
		if !got[f] {
			t.Errorf("%s: submit lacks flag %s: %d %s", e.File, f, r.status, r.body)
		}
	}
	for _, f := range e.NotFlags {
		if got[f] {
			t.Errorf("%s: submit raised %s: %s", e.File, f, r.body)
		}
	}
}

func checkRegistry(t *testing.T, a *api, park *session, e corpusEntry, name string, body []byte, imported bool) {
	t.Helper()
	r := a.do(park, "POST", "/api/v1/registry/import?dry_run=true", fileBody("file", name, body))
	if r.status != e.Status {
		t.Fatalf("%s: dry run %d, want %d: %s", e.File, r.status, e.Status, r.body)
	}
	if r.status >= 400 {
		checkRefusal(t, e, r)
		return
	}
	var res struct {
		Created, Updated, Unchanged int
		Columns                     struct {
			Ignored []struct{ Column string }
			Skipped []struct{ Row int }
		}
	}
	r.json(t, &res)
	if !imported && res.Created != e.Created || imported && (res.Unchanged != e.Created || res.Updated != 0) {
		t.Errorf("%s (%s): %+v, want %d rows, same as the other files", e.File, e.Producer, res, e.Created)
	}
	var ign []string
	for _, c := range res.Columns.Ignored {
		ign = append(ign, c.Column)
	}
	if strings.Join(ign, ",") != strings.Join(e.Ignored, ",") || len(res.Columns.Skipped) != e.Skipped {
		t.Errorf("%s: ignored %q skipped %d, want %q %d", e.File, ign, len(res.Columns.Skipped), e.Ignored, e.Skipped)
	}
	if r := a.do(park, "POST", "/api/v1/registry/import", fileBody("file", name, body)); r.status != 200 {
		t.Fatalf("%s: import %d %s", e.File, r.status, r.body)
	}
	for code, flags := range e.FlagsByCode {
		got, err := a.db.EnterpriseByCode(context.Background(), code)
		if err != nil {
			t.Fatalf("%s: %s not stored: %v", e.File, code, err)
		}
		if got.AboveScale != flags["above_scale"] || got.RealEstate != flags["real_estate"] || got.Supervised != flags["supervised"] {
			t.Errorf("%s: %s stored %+v, want %v", e.File, code, got, flags)
		}
	}
}

// checkReviewerSeesScan: the reviewer's view of a filing whose plan file
// holds no text (a scan) names the file and marks it unreadable, which is
// what the reviewer's page shows (frontend/src/components/PlanText.vue).
func checkReviewerSeesScan(t *testing.T, a *api, park *session, filingID int64, name string) {
	t.Helper()
	r := a.do(park, "GET", fmt.Sprintf("/api/v1/filings/%d", filingID), nil)
	if r.status != 200 {
		t.Fatalf("%s: reviewer view %d %s", name, r.status, r.body)
	}
	var v struct {
		PlanFile *struct {
			Filename   string
			Text       string
			Unreadable bool
		} `json:"plan_file"`
	}
	r.json(t, &v)
	if v.PlanFile == nil || v.PlanFile.Filename != name || !v.PlanFile.Unreadable || strings.TrimSpace(v.PlanFile.Text) != "" {
		t.Errorf("%s: reviewer sees plan_file %+v, want the file marked unreadable: %.400s", name, v.PlanFile, r.body)
	}
}

// TestLegacyFormatsRefused: a legacy Word/Excel file (made by LibreOffice:
// the corpus's lo-writer.doc and lo-calc-legacy.xls) uploaded as a plan, a
// roster or a registry, under its own name or a WPS one (.wps and .et are
// the same compound files), is answered 415 naming the legacy format and
// the format to save it as (issue 11, deliver 5).
func TestLegacyFormatsRefused(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(corpusDir, "plan/lo-writer.doc"))
	if err != nil {
		t.Fatal(err)
	}
	xls, err := os.ReadFile(filepath.Join(corpusDir, "roster/lo-calc-legacy.xls"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		kind    string // plan | roster | registry
		file    string
		body    []byte
		mention []string
	}{
		{"doc as plan", "plan", "方案.doc", doc, []string{"旧版 Word", "另存为", "DOCX 或 PDF"}},
		{"wps as plan", "plan", "方案.wps", doc, []string{".wps", "WPS 文字", "DOCX 或 PDF"}},
		{"xls as plan", "plan", "方案.xls", xls, []string{"旧版 Excel", "DOCX 或 PDF"}},
		{"xls as roster", "roster", "名单.xls", xls, []string{"旧版 Excel", "另存为", "XLSX"}},
		{"et as roster", "roster", "名单.et", xls, []string{".et", "WPS 表格", "XLSX"}},
		{"doc as roster", "roster", "名单.doc", doc, []string{"旧版 Word", "XLSX"}},
		{"xls as registry", "registry", "企业名录.xls", xls, []string{"XLSX"}},
		{"et as registry", "registry", "企业名录.et", xls, []string{"XLSX"}},
	}
	a := mustAPI(t, "sqlite")
	a.build(blobtest.MustOpen(t, "local"))
	ent := a.login("ent-guixi")
	park := a.login("park")
	f := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.kind == "registry" {
				r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", tt.file, tt.body))
			} else {
				r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=%s", f.ID, tt.kind), fileBody("file", tt.file, tt.body))
			}
			if r.status != 415 {
				t.Fatalf("status %d, want 415: %s", r.status, r.body)
			}
			var body struct {
				Error struct{ Code, Message string }
			}
			r.json(t, &body)
			for _, m := range tt.mention {
				if !strings.Contains(body.Error.Message, m) {
					t.Errorf("message %q lacks %q", body.Error.Message, m)
				}
			}
		})
	}
}
