package httpapi_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong/internal/roster"
	"fugong/internal/store/storetest"
)

func TestRosterTemplate(t *testing.T) {
	a := mustAPI(t, storetest.Drivers[0]) // no database work: one driver is enough
	ent := a.login("ent-guixi")

	t.Run("xlsx keeps the ID column as text and parses once filled in", func(t *testing.T) {
		r := a.do(ent, "GET", "/api/v1/roster-template", nil)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%d %s", r.status, r.header.Get("Content-Type"))
		}
		if !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("Content-Disposition %q", r.header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Sheet1")
		if err != nil || len(rows) != 1 || strings.Join(rows[0], ",") != strings.Join(roster.TemplateHeaders(), ",") {
			t.Fatalf("header rows %v (%v), want %v", rows, err, roster.TemplateHeaders())
		}
		style, err := f.GetCellStyle("Sheet1", "B2")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil || st.NumFmt != 49 {
			t.Fatalf("B2 number format %v (%v), want 49 (text)", st, err)
		}
		// Filled in as a clerk would, the template is a valid roster.
		id := roster.MakeIDNumber(7)
		for cell, v := range map[string]string{"A2": "张三", "B2": id, "C2": "13800138000", "E2": "36.5", "F2": "绿码", "G2": "无"} {
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "filled.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		res, err := roster.Parse(context.Background(), path, time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC), roster.Options{})
		if err != nil || len(res.Rows) != 1 {
			t.Fatalf("the filled template does not parse: %v", err)
		}
	})

	t.Run("csv has a BOM and the headers", func(t *testing.T) {
		r := a.do(ent, "GET", "/api/v1/roster-template?format=csv", nil)
		want := "\ufeff" + strings.Join(roster.TemplateHeaders(), ",") + "\r\n"
		if r.status != 200 || string(r.body) != want {
			t.Fatalf("%d %q, want %q", r.status, r.body, want)
		}
	})

	t.Run("another format is 422 on the field, in the caller's language", func(t *testing.T) {
		for _, tt := range []struct{ lang, want string }{{"zh-CN", "模板格式"}, {"en", "template format"}} {
			r := a.do(ent, "GET", "/api/v1/roster-template?format=pdf", nil, "Accept-Language", tt.lang)
			if r.status != 422 || r.errorCode() != "invalid" || !strings.Contains(string(r.body), tt.want) || !strings.Contains(string(r.body), `"field":"format"`) {
				t.Errorf("%s: %d %s", tt.lang, r.status, r.body)
			}
		}
	})
}
