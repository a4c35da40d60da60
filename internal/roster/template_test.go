package roster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTemplateHeadersParse(t *testing.T) {
	h := strings.Join(TemplateHeaders(), ",") + "\n"
	if h != header {
		t.Fatalf("template header %q, want the documented %q", h, header)
	}
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, []byte(h+"张三,"+MakeIDNumber(1)+",13800138000,生产部,36.5,绿码,无,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Parse(context.Background(), path, time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC), Options{})
	if err != nil {
		t.Fatalf("a file with the template's headers does not parse: %v", err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("%d rows, want 1", len(r.Rows))
	}
	text := TemplateTextColumns()
	if len(text) != 2 || TemplateHeaders()[text[0]] != "身份证号" || TemplateHeaders()[text[1]] != "手机号" {
		t.Fatalf("text columns %v, want 身份证号 and 手机号", text)
	}
}
