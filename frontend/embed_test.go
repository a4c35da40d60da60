package frontend

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestDistIsWhole checks the embedded build: index.html loads only files
// that are embedded, and nothing the server's CSP (default-src 'self', no
// inline script or style) would refuse.
func TestDistIsWhole(t *testing.T) {
	f := FS()
	index, err := fs.ReadFile(f, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	html := string(index)
	refs := regexp.MustCompile(`(?:src|href)="(/[^"]*)"`).FindAllStringSubmatch(html, -1)
	var assets int
	for _, m := range refs {
		p := m[1]
		if !strings.HasPrefix(p, "/assets/") {
			continue // /readyz and /api/openapi.yaml are server routes
		}
		assets++
		if _, err := fs.Stat(f, strings.TrimPrefix(p, "/")); err != nil {
			t.Errorf("index.html loads %s, which is not embedded: %v", p, err)
		}
	}
	if assets < 2 {
		t.Errorf("index.html loads %d assets, want the script and the stylesheet", assets)
	}
	for _, m := range regexp.MustCompile(`(?s)<script(?:\s[^>]*)?>(.*?)</script>`).FindAllStringSubmatch(html, -1) {
		if strings.TrimSpace(m[1]) != "" {
			t.Errorf("index.html has an inline script: %.60s", m[1])
		}
	}
	if strings.Contains(html, "<style") || strings.Contains(html, " style=") {
		t.Error("index.html has inline style")
	}
	// Every chunk the entry imports is embedded too (Vite names them ./X.js).
	app, err := fs.ReadFile(f, "assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`"\./([A-Za-z0-9_-]+\.js)"`).FindAllStringSubmatch(string(app), -1) {
		if _, err := fs.Stat(f, "assets/"+m[1]); err != nil {
			t.Errorf("app.js imports %s, which is not embedded", m[1])
		}
	}
}
