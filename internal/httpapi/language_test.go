package httpapi_test

import (
	"strings"
	"testing"
	"unicode"
)

// TestErrorsSpeakTheCallersLanguage: an error's message and each detail's
// message come in the language of Accept-Language (Chinese by default and
// for Chinese), never both at once, and every detail carries a catalog code
// for machines.
func TestErrorsSpeakTheCallersLanguage(t *testing.T) {
	a := mustAPI(t, "sqlite")
	ent := a.login("ent-guixi")
	bad := map[string]any{"staff_total": -1, "planned_resume_date": "03/02/2020", "contact": map[string]any{"phone": "12"}}
	type body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Details []struct {
				Field   string `json:"field"`
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"details"`
		} `json:"error"`
	}
	for _, tc := range []struct {
		name, header string
		chinese      bool
	}{
		{"no header", "", true},
		{"Chinese", "zh-CN,zh;q=0.9", true},
		{"English", "en-US,en;q=0.9", false},
		{"English preferred", "fr;q=0.9,en;q=0.8", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.header != "" {
				hdr = []string{"Accept-Language", tc.header}
			}
			r := a.do(ent, "POST", "/api/v1/filings", bad, hdr...)
			if r.status != 422 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var b body
			r.json(t, &b)
			texts := []string{b.Error.Message}
			for _, d := range b.Error.Details {
				if d.Code == "" || d.Field == "" {
					t.Errorf("detail without a field or a code: %+v", d)
				}
				texts = append(texts, d.Message)
			}
			if len(b.Error.Details) != 3 {
				t.Fatalf("details %+v, want 3", b.Error.Details)
			}
			for _, s := range texts {
				if hasHan(s) != tc.chinese || strings.Contains(s, " / ") {
					t.Errorf("message %q is not in %s only", s, map[bool]string{true: "Chinese", false: "English"}[tc.chinese])
				}
			}
		})
	}
	// Unauthenticated and framework errors too.
	r := a.do(nil, "GET", "/api/v1/no-such-route", nil, "Accept-Language", "en")
	if r.status != 404 || !strings.Contains(string(r.body), `"message":"not found"`) {
		t.Errorf("404 in English: %d %s", r.status, r.body)
	}
	r = a.do(nil, "GET", "/api/v1/me", nil)
	if r.status != 401 || !strings.Contains(string(r.body), "请先登录") {
		t.Errorf("401 in Chinese: %d %s", r.status, r.body)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
