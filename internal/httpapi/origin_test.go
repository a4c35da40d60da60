package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoginCSRF (issue 18 #11): login takes JSON only, and a browser page
// of another site (Origin or Referer) cannot sign a victim in. Before, a
// form post of any type from anywhere was accepted.
func TestLoginCSRF(t *testing.T) {
	a := mustAPI(t, "sqlite")
	good := `{"username":"park","password":"` + testPassword + `"}`
	for _, tc := range []struct {
		name, ctype, origin, referer string
		want                         int
	}{
		{"json, no origin (CLI)", "application/json", "", "", 200},
		{"json, same origin", "application/json; charset=utf-8", "http://example.com", "", 200},
		{"json, same referer", "application/json", "", "http://example.com/login", 200},
		{"text/plain form", "text/plain", "", "", 415},
		{"urlencoded form", "application/x-www-form-urlencoded", "", "", 415},
		{"no content type", "", "", "", 415},
		{"other origin", "application/json", "https://evil.example", "", 403},
		{"null origin", "application/json", "null", "", 403},
		{"other referer", "application/json", "", "https://evil.example/x", 403},
	} {
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(good))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		resp, err := a.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
}
