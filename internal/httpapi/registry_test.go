package httpapi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong/internal/registry"
	"fugong/internal/sheet/sheettest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func registryCSV(header string, rows ...string) []byte {
	return []byte(header + "\n" + strings.Join(rows, "\n") + "\n")
}

type importResult struct {
	Created, Updated, Unchanged int
}

func TestRegistryImport(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			park := a.login("park")
			ctx := context.Background()
			count := func() int64 { n, _ := a.db.CountEnterprises(ctx); return n }
			before := count() // the three of mustAPI

			c1, c2, c3 := registry.MakeCreditCode(100), registry.MakeCreditCode(101), registry.MakeCreditCode(102)
			good := registryCSV("统一社会信用代码,企业名称,行业,规上,房地产,片区,街道,纳入监管",
				c1+",成都新公司,工业,是,否,南区,桂溪街道,是",
				c2+",成都房产公司,服务业,否,是,,guixi,",
				c3+",天府机场项目,建筑工地,否,否,东区,福田街道,否",
				a.ents["guixiA"].CreditCode+",桂溪甲公司（更名）,industrial,false,false,south,guixi,true",
				a.ents["guixiB"].CreditCode+",桂溪乙公司,service,0,0,south,guixi,1",
			)

			// Dry run: counts, writes nothing.
			r := a.do(park, "POST", "/api/v1/registry/import?dry_run=true", fileBody("file", "registry.csv", good))
			var res importResult
			r.json(t, &res)
			if r.status != 200 || res.Created != 3 || res.Updated != 1 || res.Unchanged != 1 {
				t.Fatalf("dry run: %d %s", r.status, r.body)
			}
			if count() != before {
				t.Fatal("dry run wrote rows")
			}

			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "registry.csv", good))
			r.json(t, &res)
			if r.status != 200 || res.Created != 3 || res.Updated != 1 || res.Unchanged != 1 || count() != before+3 {
				t.Fatalf("import: %d %s (count %d)", r.status, r.body, count())
			}
			e, err := a.db.EnterpriseByCode(ctx, c3)
			if err != nil || e.Sector != "construction" || e.Zone != "east" || e.Street != "futian" || e.Supervised {
				t.Fatalf("row stored wrong: %+v %v", e, err)
			}
			e, _ = a.db.EnterpriseByCode(ctx, c2)
			if !e.RealEstate || e.Zone != "south" {
				t.Fatalf("real estate / zone from street: %+v", e)
			}
			// Same file again: all unchanged.
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "registry.csv", good))
			r.json(t, &res)
			if res.Unchanged != 5 || res.Created != 0 || res.Updated != 0 {
				t.Fatalf("re-import: %s", r.body)
			}

			// A file with bad rows: 422 with every bad row, and nothing written.
			bad := registryCSV("credit_code,name,sector,zone,street",
				registry.MakeCreditCode(200)+",好公司,industrial,south,guixi",
				c1[:17]+"Z,校验错,industrial,south,guixi",
				registry.MakeCreditCode(201)+",未知街道,industrial,south,atlantis",
				registry.MakeCreditCode(202)+",错区,industrial,east,guixi",
				registry.MakeCreditCode(200)+",重复,industrial,south,guixi",
			)
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "bad.csv", bad))
			var e422 struct {
				Error struct {
					Code    string
					Details []struct {
						Row     int
						Column  string
						Message string
					}
				}
			}
			r.json(t, &e422)
			if r.status != 422 || e422.Error.Code != "invalid" || len(e422.Error.Details) < 4 {
				t.Fatalf("bad rows: %d %s", r.status, r.body)
			}
			rows := map[int]string{}
			for _, d := range e422.Error.Details {
				rows[d.Row] = d.Column
				if d.Message == "" {
					t.Errorf("detail without message: %+v", d)
				}
			}
			if rows[3] != "credit_code" || rows[4] != "street" || rows[6] != "credit_code" {
				t.Fatalf("details name the wrong rows/columns: %s", r.body)
			}
			if _, err := a.db.EnterpriseByCode(ctx, registry.MakeCreditCode(200)); err == nil {
				t.Fatal("the good row of a bad file was written")
			}

			// GBK (as Excel on Chinese Windows saves CSV) and XLSX both import.
			gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(registryCSV("统一社会信用代码,企业名称,行业,街道",
				registry.MakeCreditCode(300)+",国标编码公司,工业,芳草街街道"))
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "gbk.csv", gbk))
			if r.status != 200 {
				t.Fatalf("GBK: %d %s", r.status, r.body)
			}
			if e, err := a.db.EnterpriseByCode(ctx, registry.MakeCreditCode(300)); err != nil || e.Name != "国标编码公司" {
				t.Fatalf("GBK name: %+v %v", e, err)
			}
			xlsx := filepath.Join(t.TempDir(), "r.xlsx")
			if err := sheettest.WriteXLSXRows(xlsx, [][]any{
				{"統一社會信用代碼", "企業名稱", "行業", "街道"},
				{registry.MakeCreditCode(301), "繁體表頭公司", "服務業", "西园街道"},
			}); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(xlsx)
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "r.xlsx", data))
			if r.status != 200 {
				t.Fatalf("XLSX with traditional headers: %d %s", r.status, r.body)
			}

			// Not a spreadsheet: 415, whatever its name says.
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "registry.csv", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")))
			if r.status != 415 {
				t.Fatalf("PDF named .csv: %d %s", r.status, r.body)
			}
			// No file field: a clear 400.
			r = a.do(park, "POST", "/api/v1/registry/import", fileBody("other", "x.csv", good))
			if r.status != 400 {
				t.Fatalf("missing field: %d %s", r.status, r.body)
			}
			entries, _, _ := a.db.ListAudit(ctx, store.AuditFilter{Action: "registry_import", Page: store.NormalPage(1, 50)})
			if len(entries) != 4 { // good, re-import, GBK, XLSX
				t.Fatalf("audit has %d registry_import entries", len(entries))
			}
		})
	}
}

func TestRegistryImportTooLarge(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	park := a.login("park")
	big := make([]byte, 70<<20)
	r := a.do(park, "POST", "/api/v1/registry/import", fileBody("file", "huge.csv", big))
	if r.status != 413 {
		t.Fatalf("70 MB registry: %d %s", r.status, r.body)
	}
	_ = fmt.Sprint()
}
