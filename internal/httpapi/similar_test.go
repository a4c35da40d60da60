package httpapi_test

import (
	"context"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"fugong/internal/auth"
	"fugong/internal/dedup"
	"fugong/internal/dedup/plangen"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// nearDuplicateRule is the id of the rule in rules/plan.yaml that flags a
// plan too similar to another enterprise's.
const nearDuplicateRule = "plan_near_duplicate"

// addUser creates an account directly in the database, as mustAPI does.
func (a *api) addUser(u store.User) {
	a.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	u.PasswordHash = hash
	if err := a.db.CreateUser(context.Background(), &u); err != nil {
		a.t.Fatal(err)
	}
}

type submitAnswer struct {
	Status string `json:"status"`
	Flags  []struct {
		RuleID   string `json:"rule_id"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	} `json:"flags"`
}

func (s submitAnswer) has(rule string) bool {
	for _, f := range s.Flags {
		if f.RuleID == rule {
			return true
		}
	}
	return false
}

// fileAndSubmit creates a complete filing with plan as typed plan text and
// submits it, as the enterprise session ent; it returns the filing id and
// the submit answer.
func (a *api) fileAndSubmit(ent *session, plan string) (int64, submitAnswer) {
	a.t.Helper()
	body := map[string]any{
		"planned_resume_date": "2020-02-25", "staff_total": 40, "staff_onsite": 30,
		"supplies":  map[string]any{"masks": 2000, "thermometers": 10, "disinfectant_liters": 50, "isolation_room": true},
		"plan_text": plan, "contact": map[string]string{"name": "王建国", "phone": "13800138000"},
	}
	r := a.do(ent, "POST", "/api/v1/filings", body)
	if r.status != 201 {
		a.t.Fatalf("create filing: %d %s", r.status, r.body)
	}
	var f struct {
		ID int64 `json:"id"`
	}
	r.json(a.t, &f)
	// With its roster, so the submit is not blocked: only revisions (not
	// blocked attempts) enter the plan index.
	if r := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", rosterCSV(40, 0))); r.status != 201 {
		a.t.Fatalf("roster: %d %s", r.status, r.body)
	}
	r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/submit", f.ID), nil)
	if r.status != 200 {
		a.t.Fatalf("submit filing %d: %d %s", f.ID, r.status, r.body)
	}
	var ans submitAnswer
	r.json(a.t, &ans)
	return f.ID, ans
}

type similarEntry struct {
	FilingID       int64   `json:"filing_id"`
	EnterpriseName string  `json:"enterprise_name"`
	Similarity     float64 `json:"similarity"`
	SharedPassages []struct {
		Text       string `json:"text"`
		ThisStart  int    `json:"this_start"`
		ThisEnd    int    `json:"this_end"`
		OtherStart int    `json:"other_start"`
		OtherEnd   int    `json:"other_end"`
	} `json:"shared_passages"`
}

// similar calls /similar as s and decodes a 200 answer.
func (a *api) similar(s *session, filingID int64) []similarEntry {
	a.t.Helper()
	r := a.do(s, "GET", fmt.Sprintf("/api/v1/filings/%d/similar", filingID), nil)
	if r.status != 200 {
		a.t.Fatalf("similar(%d): %d %s", filingID, r.status, r.body)
	}
	var out []similarEntry
	r.json(a.t, &out)
	if out == nil {
		a.t.Fatalf("similar(%d) answered %s, want a JSON array", filingID, r.body)
	}
	return out
}

// TestSimilarPlansThroughAPI: an enterprise files a plan, a second files a
// lightly edited copy and is flagged; officials in scope see the first
// enterprise's filing with the shared passages, nobody else does.
func TestSimilarPlansThroughAPI(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			gB, hA := a.ents["guixiB"].ID, a.ents["hezuoA"].ID
			a.addUser(store.User{Username: "ent-guixi-b", Role: store.RoleEnterprise, EnterpriseID: &gB, Street: "guixi"})
			a.addUser(store.User{Username: "ent-hezuo", Role: store.RoleEnterprise, EnterpriseID: &hA, Street: "hezuo"})
			a.addUser(store.User{Username: "street-hezuo", Role: store.RoleStreetOfficial, Street: "hezuo"})

			g := plangen.NewGenerator(2020)
			src := g.Plan(a.ents["guixiA"].Name, false, 2500, 2500)
			cp := g.Copy(src, a.ents["guixiB"].Name, 0.1, false)
			own := g.Plan(a.ents["hezuoA"].Name, false, 2500, 2500)

			entA, entB := a.login("ent-guixi"), a.login("ent-guixi-b")
			filingA, ansA := a.fileAndSubmit(entA, src.Text())
			if ansA.has(nearDuplicateRule) {
				t.Fatalf("the first plan was flagged as a copy: %+v", ansA.Flags)
			}
			filingB, ansB := a.fileAndSubmit(entB, cp.Text())
			if !ansB.has(nearDuplicateRule) {
				t.Fatalf("the copy's submit lacks %s: %+v", nearDuplicateRule, ansB.Flags)
			}
			filingH, ansH := a.fileAndSubmit(a.login("ent-hezuo"), own.Text())
			if ansH.has(nearDuplicateRule) {
				t.Errorf("an unrelated plan was flagged: %+v", ansH.Flags)
			}

			street := a.login("street-guixi")
			got := a.similar(street, filingB)
			if len(got) != 1 || got[0].FilingID != filingA || got[0].EnterpriseName != a.ents["guixiA"].Name {
				t.Fatalf("similar(B) = %+v, want filing %d of %s only", got, filingA, a.ents["guixiA"].Name)
			}
			if got[0].Similarity < 0.7 || got[0].Similarity > 1 {
				t.Errorf("similarity %.3f outside [0.7, 1]", got[0].Similarity)
			}
			if len(got[0].SharedPassages) == 0 {
				t.Fatal("no shared passages")
			}
			copyText, srcText := cp.Text(), src.Text()
			for _, p := range got[0].SharedPassages {
				if p.ThisStart < 0 || p.ThisEnd > len(copyText) || p.ThisStart >= p.ThisEnd || copyText[p.ThisStart:p.ThisEnd] != p.Text {
					t.Errorf("passage %q is not this plan's bytes [%d, %d)", p.Text, p.ThisStart, p.ThisEnd)
				}
				if p.OtherStart < 0 || p.OtherEnd > len(srcText) || p.OtherStart >= p.OtherEnd {
					t.Errorf("passage other offsets [%d, %d) outside the other plan", p.OtherStart, p.OtherEnd)
				}
			}
			// Symmetric: the original's reviewer sees the copy.
			if got := a.similar(street, filingA); len(got) != 1 || got[0].FilingID != filingB || got[0].EnterpriseName != a.ents["guixiB"].Name {
				t.Errorf("similar(A) = %+v, want filing %d", got, filingB)
			}
			if got := a.similar(a.login("park"), filingH); len(got) != 0 {
				t.Errorf("similar(unrelated) = %+v, want []", got)
			}
			// A filing never submitted has nothing to compare.
			draft := a.seedFiling(a.ents["hezuoA"], store.StatusDraft)
			if got := a.similar(a.login("admin"), draft.ID); len(got) != 0 {
				t.Errorf("similar(draft) = %+v, want []", got)
			}

			for _, tc := range []struct {
				caller string
				filing int64
				want   int
			}{
				{"ent-guixi-b", filingB, 403}, // its own filing: still never another's name
				{"ent-guixi", filingA, 403},
				{"ent-guixi", filingB, 403},
				{"street-hezuo", filingB, 404}, // another street's filing
				{"street-hezuo", filingH, 200},
				{"street-guixi", filingH, 404},
				{"dept", filingB, 403},
				{"park", filingB, 200},
				{"admin", filingB, 200},
				{"park", 999999, 404},
			} {
				r := a.do(a.login(tc.caller), "GET", fmt.Sprintf("/api/v1/filings/%d/similar", tc.filing), nil)
				if r.status != tc.want {
					t.Errorf("%s on filing %d: %d, want %d; %s", tc.caller, tc.filing, r.status, tc.want, r.body)
				}
				if r.status != 200 && strings.Contains(string(r.body), a.ents["guixiA"].Name) {
					t.Errorf("%s on filing %d: refusal names an enterprise: %s", tc.caller, tc.filing, r.body)
				}
			}
		})
	}
}

// TestTemplateTextIsNotSimilarity: two enterprises build their plans on the
// official template registered through the API, each with its own content:
// neither is flagged nor listed as similar, although without the template
// registered the two plans are near-duplicates.
func TestTemplateTextIsNotSimilarity(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			gB := a.ents["guixiB"].ID
			a.addUser(store.User{Username: "ent-guixi-b", Role: store.RoleEnterprise, EnterpriseID: &gB, Street: "guixi"})

			// A long template (~4 600 characters): the official headings and
			// model sentences, then a model plan written for "本企业".
			tmpl := plangen.OfficialTemplate() + plangen.NewGenerator(1).Plan("本企业", false, 4000, 4000).Text()
			g := plangen.NewGenerator(7)
			planA := tmpl + g.Plan(a.ents["guixiA"].Name, false, 500, 500).Text()
			planB := tmpl + g.Plan(a.ents["guixiB"].Name, false, 500, 500).Text()
			shingles := func(s string) []uint64 { return dedup.Shingles(dedup.Normalize(s).Runes, dedup.DefaultShingleSize) }
			if raw := dedup.Jaccard(shingles(planA), shingles(planB)); raw < 0.7 {
				t.Fatalf("test is vacuous: the plans are only %.2f similar with the template counted", raw)
			}

			park := a.login("park")
			r := a.do(park, "POST", "/api/v1/plan-templates", map[string]string{"name": "高新区复工方案模板", "text": tmpl})
			if r.status != 201 {
				t.Fatalf("add template: %d %s", r.status, r.body)
			}
			var added struct {
				ID        int64  `json:"id"`
				Name      string `json:"name"`
				CreatedAt string `json:"created_at"`
				Chars     int    `json:"chars"`
				Reindex   string `json:"reindex"`
			}
			r.json(t, &added)
			if added.ID == 0 || added.Name != "高新区复工方案模板" || added.CreatedAt == "" || added.Chars != len([]rune(tmpl)) || added.Reindex != "done" {
				t.Errorf("add template answered %s", r.body)
			}

			filingA, ansA := a.fileAndSubmit(a.login("ent-guixi"), planA)
			filingB, ansB := a.fileAndSubmit(a.login("ent-guixi-b"), planB)
			if ansA.has(nearDuplicateRule) || ansB.has(nearDuplicateRule) {
				t.Errorf("template-based plans flagged: A %+v, B %+v", ansA.Flags, ansB.Flags)
			}
			street := a.login("street-guixi")
			for _, id := range []int64{filingA, filingB} {
				if got := a.similar(street, id); len(got) != 0 {
					t.Errorf("similar(%d) = %+v, want []", id, got)
				}
			}

			// The template is listed, with its text.
			r = a.do(park, "GET", "/api/v1/plan-templates", nil)
			var list struct {
				Items []struct {
					ID    int64  `json:"id"`
					Name  string `json:"name"`
					Text  string `json:"text"`
					Chars int    `json:"chars"`
				} `json:"items"`
				Total int64 `json:"total"`
			}
			r.json(t, &list)
			if r.status != 200 || list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != added.ID || list.Items[0].Text != tmpl {
				t.Errorf("list templates: %d %s", r.status, r.body)
			}
			// The addition is audited.
			r = a.do(park, "GET", "/api/v1/audit?action=plan_template_added", nil)
			if r.status != 200 || !strings.Contains(string(r.body), fmt.Sprintf("plan_template:%d", added.ID)) {
				t.Errorf("audit lacks plan_template_added: %d %s", r.status, r.body)
			}
		})
	}
}

// multipartFields builds a multipart body with text fields and, if content
// is not nil, a file field "file".
func multipartFields(fields map[string]string, filename string, content []byte) *multipartBody {
	m := &multipartBody{}
	w := multipart.NewWriter(&m.buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if content != nil {
		fw, _ := w.CreateFormFile("file", filename)
		fw.Write(content)
	}
	w.Close()
	m.contentType = w.FormDataContentType()
	return m
}

// TestAddPlanTemplateInputs: JSON and file uploads, and every refusal.
func TestAddPlanTemplateInputs(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			admin := a.login("admin")
			text := "一、组织领导\n成立疫情防控工作领导小组，由总经理任组长，负责复工期间的统筹协调。"
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
			for _, tc := range []struct {
				name      string
				body      any
				wantCode  int
				wantChars int
				wantField string
			}{
				{"json", map[string]string{"name": "模板甲", "text": text}, 201, len([]rune(text)), ""},
				{"txt file", multipartFields(map[string]string{"name": "模板乙"}, "tmpl.txt", []byte(text)), 201, len([]rune(text)), ""},
				{"gbk txt file", multipartFields(map[string]string{"name": "模板丙"}, "tmpl.txt", []byte("\xd2\xbb\xa1\xa2\xd7\xe9\xd6\xaf\xc1\xec\xb5\xbc")), 201, 6, ""},
				{"empty name", map[string]string{"name": "  ", "text": text}, 422, 0, "name"},
				{"empty text", map[string]string{"name": "模板丁", "text": " \n "}, 422, 0, "text"},
				{"long name", map[string]string{"name": strings.Repeat("模", 201), "text": text}, 422, 0, "name"},
				{"file without name", multipartFields(nil, "tmpl.txt", []byte(text)), 422, 0, "name"},
				{"empty file", multipartFields(map[string]string{"name": "模板戊"}, "tmpl.txt", []byte{}), 0, 0, ""},
				{"image", multipartFields(map[string]string{"name": "模板己"}, "tmpl.png", png), 415, 0, ""},
				{"no file", multipartFields(map[string]string{"name": "模板庚"}, "", nil), 400, 0, ""},
				{"unknown json field", `{"name":"x","text":"y","extra":1}`, 400, 0, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := a.do(admin, "POST", "/api/v1/plan-templates", tc.body)
					if tc.wantCode == 0 { // an empty file: refused, never a server error or a template
						if r.status != 415 && r.status != 422 {
							t.Errorf("status %d, want 415 or 422: %s", r.status, r.body)
						}
						return
					}
					if r.status != tc.wantCode {
						t.Fatalf("status %d, want %d: %s", r.status, tc.wantCode, r.body)
					}
					var body struct {
						Chars int `json:"chars"`
						Error struct {
							Details []struct {
								Field string `json:"field"`
							} `json:"details"`
						} `json:"error"`
					}
					r.json(t, &body)
					if tc.wantCode == 201 && body.Chars != tc.wantChars {
						t.Errorf("chars %d, want %d", body.Chars, tc.wantChars)
					}
					if tc.wantField != "" && (len(body.Error.Details) == 0 || body.Error.Details[0].Field != tc.wantField) {
						t.Errorf("details %+v, want field %s", body.Error.Details, tc.wantField)
					}
				})
			}
			r := a.do(admin, "GET", "/api/v1/plan-templates", nil)
			var list struct {
				Total int64 `json:"total"`
			}
			r.json(t, &list)
			if list.Total != 3 {
				t.Errorf("%d templates stored, want 3 (the accepted ones): %s", list.Total, r.body)
			}
		})
	}
}
