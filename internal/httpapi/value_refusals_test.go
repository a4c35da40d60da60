package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"fugong/internal/blob/blobtest"
	"fugong/internal/registry"
	"fugong/internal/roster"
	"fugong/internal/store"
)

// TestValueRefusalsNameTheForms: a value no accepted form matches is
// answered 422 in the error shape of docs/api.md, each detail naming the
// row and column and listing the forms that are accepted (issue 11,
// deliver 4), for rosters and registries, on SQLite and MariaDB.
func TestValueRefusalsNameTheForms(t *testing.T) {
	rosterCSV := "姓名,身份证号,健康码,近14日旅居史,返回日期,隔离结束日期\n" +
		"甲," + roster.MakeIDNumber(1) + ",绿码,,,\n" +
		"乙," + roster.MakeIDNumber(2) + ",蓝码,,,\n" +
		"丙," + roster.MakeIDNumber(3) + ",绿,湖北武汉,二月一日,\n" +
		"丁," + roster.MakeIDNumber(4) + ",绿,,,2020-13-01\n"
	registryCSV := "统一社会信用代码,企业名称,行业,街道,是否规上\n" +
		registry.MakeCreditCode(1) + ",甲公司,工业,guixi,√\n" +
		registry.MakeCreditCode(2) + ",乙公司,工业,guixi,可能\n"
	type want struct {
		row     int
		column  string
		mention []string
	}
	tests := []struct {
		name, kind string
		body       string
		want       []want
	}{
		{"roster", "roster", rosterCSV, []want{
			{3, "健康码", []string{"蓝码", "绿码", "绿/黄/红", "绿色/黄色/红色"}},
			{4, "返回日期", []string{"二月一日", "2020-02-01", "2020.2.1", "2020年2月1日", "2月1日"}},
			{5, "隔离结束日期", []string{"2020-13-01", "2020年2月1日"}},
		}},
		{"registry", "registry", registryCSV, []want{
			{3, "是否规上", []string{"可能", "是", "否", "√/×", "Y/N", "TRUE/FALSE"}},
		}},
	}
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver, func(t *testing.T) {
			a := mustAPI(t, env.driver)
			a.build(blobtest.MustOpen(t, env.backend))
			ent := a.login("ent-guixi")
			park := a.login("park")
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var r response
					if tt.kind == "registry" {
						r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "企业名录.csv", []byte(tt.body)))
					} else {
						f := a.seedFiling(a.ents["guixiA"], store.StatusDraft)
						r = a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "名单.csv", []byte(tt.body)))
					}
					if r.status != 422 {
						t.Fatalf("status %d, want 422: %s", r.status, r.body)
					}
					var body struct {
						Error struct {
							Code    string
							Details []struct {
								Row     int
								Column  string
								Code    string
								Message string
							}
						}
					}
					r.json(t, &body)
					if body.Error.Code != "invalid" || len(body.Error.Details) != len(tt.want) {
						t.Fatalf("error %+v, want %d details", body.Error, len(tt.want))
					}
					for i, w := range tt.want {
						d := body.Error.Details[i]
						if d.Row != w.row || d.Column != w.column || d.Code == "" {
							t.Errorf("detail %d: %+v, want row %d column %s", i, d, w.row, w.column)
						}
						for _, m := range w.mention {
							if !strings.Contains(d.Message, m) {
								t.Errorf("detail %d: %q lacks %q", i, d.Message, m)
							}
						}
					}
				})
			}
		})
	}
}
