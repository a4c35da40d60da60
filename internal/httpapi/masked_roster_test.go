package httpapi_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"fugong/internal/roster"
	"fugong/internal/store/storetest"
)

// TestMaskedRosterHasNoFormulas (issue 18 #13): names that begin a formula
// stay neutral after masking in the official's masked download. Before, the
// mask kept the first character: "=*****".
func TestMaskedRosterHasNoFormulas(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			ent := a.login("ent-guixi")
			r := a.do(ent, "POST", "/api/v1/filings", newFilingBody(4))
			var f filingResp
			r.json(t, &f)
			var b strings.Builder
			b.WriteString("姓名,身份证号,手机号,部门,体温,健康码,近14日旅居史,返回日期\n")
			for i, name := range []string{"=1+2", "+SUM(A1)", "-2+3", "@cmd"} {
				fmt.Fprintf(&b, "%s,%s,138%08d,生产部,36.5,绿码,无,\n", name, roster.MakeIDNumber(i), i)
			}
			up := a.do(ent, "POST", fmt.Sprintf("/api/v1/filings/%d/attachments?kind=roster", f.ID), fileBody("file", "r.csv", []byte(b.String())))
			var att struct{ ID int64 }
			up.json(t, &att)
			if up.status != 201 {
				t.Fatalf("upload: %d %s", up.status, up.body)
			}
			off := a.login("street-guixi")
			d := a.do(off, "GET", fmt.Sprintf("/api/v1/attachments/%d/content", att.ID), nil)
			if d.status != 200 {
				t.Fatalf("download: %d", d.status)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(d.body), "\uFEFF"))).ReadAll()
			if err != nil || len(recs) != 5 {
				t.Fatalf("csv: %v %d rows", err, len(recs))
			}
			for _, rec := range recs[1:] {
				for _, cell := range rec {
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Errorf("cell %q starts a formula", cell)
					}
				}
			}
		})
	}
}
