package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// seedDashboard adds to the harness: an approved filing of guixiA (with a
// roster attachment and a contact), a construction site named like a
// formula, and returns nothing; figures below depend on it.
func seedDashboard(t *testing.T, a *api) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.db.UpsertEnterprises(ctx, []store.Enterprise{{CreditCode: registry.MakeCreditCode(90), Name: "=HYPERLINK(\"http://x\")工地",
		Sector: "construction", Zone: "south", Street: "guixi", Supervised: true}}, false); err != nil {
		t.Fatal(err)
	}
	sub := time.Date(2020, 2, 10, 2, 0, 0, 0, time.UTC)
	appr := time.Date(2020, 2, 12, 2, 0, 0, 0, time.UTC)
	f := &store.Filing{EnterpriseID: a.ents["guixiA"].ID, Street: "guixi", Sector: "industrial", Status: store.StatusApproved,
		Version: 1, StaffTotal: 40, StaffOnsite: 30, Masks: 500, ContactName: "张三丰", ContactPhoneEnc: []byte("13800001111"),
		SubmittedAt: &sub, ApprovedAt: &appr, DecidedAt: &appr, ResumedDate: "2020-02-13", CreatedBy: 1}
	if err := a.db.CreateFiling(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := a.db.MarkTimeline(ctx, f.EnterpriseID); err != nil { // written past the filing service
		t.Fatal(err)
	}
	att := &store.Attachment{FilingID: f.ID, EnterpriseID: f.EnterpriseID, Kind: "roster", Filename: "台账.csv", Size: 1,
		SHA256: strings.Repeat("a", 64), ContentType: "text/csv", ObjectKey: "k", CreatedBy: 1, RosterRows: 3,
		RosterSummary: `{"rows":3,"fever":1,"health_code_red":0,"health_code_yellow":1,"hubei_14d":2,"in_quarantine":1}`}
	if err := a.db.CreateAttachment(ctx, att, nil); err != nil {
		t.Fatal(err)
	}
	f.RosterAttachmentID = &att.ID
	if err := a.db.Gorm().Model(&store.Filing{}).Where("id = ?", f.ID).Update("roster_attachment_id", att.ID).Error; err != nil {
		t.Fatal(err)
	}
}

func TestDashboardHTTP(t *testing.T) {
	t.Parallel()
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			a := mustAPI(t, driver)
			seedDashboard(t, a)
			park, street, dept := a.login("park"), a.login("street-guixi"), a.login("dept")

			t.Run("invalid parameters are 422 with the field", func(t *testing.T) {
				tests := []struct{ path, field string }{
					{"/api/v1/dashboard/sectors?as_of=2020-02-30", "as_of"},
					{"/api/v1/dashboard/sectors?as_of=yesterday", "as_of"},
					{"/api/v1/dashboard/sectors?street=nowhere", "street"},
					{"/api/v1/dashboard/streets?sector=mining", "sector"},
					{"/api/v1/dashboard/trend?from=2020-01-01&to=2021-01-02", "to"},
					{"/api/v1/dashboard/trend?from=2020-03-01&to=2020-02-01", "from"},
					{"/api/v1/dashboard/sectors?format=pdf", "format"},
				}
				for _, tt := range tests {
					r := a.do(park, "GET", tt.path, nil)
					var body struct {
						Error struct {
							Details []struct{ Field string } `json:"details"`
						} `json:"error"`
					}
					r.json(t, &body)
					if r.status != 422 || len(body.Error.Details) != 1 || body.Error.Details[0].Field != tt.field {
						t.Errorf("%s: %d %s, want 422 on %s", tt.path, r.status, r.body, tt.field)
					}
				}
				if r := a.do(park, "GET", "/api/v1/dashboard/trend?from=2020-01-01&to=2020-12-31", nil); r.status != 200 {
					t.Errorf("366 days: %d %s", r.status, r.body)
				}
			})

			t.Run("street official sees its street only", func(t *testing.T) {
				var d struct {
					Street  string
					Sectors []struct {
						Key             string
						Total, Approved int64
						Rate            float64
					}
				}
				r := a.do(street, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28", nil)
				r.json(t, &d)
				if r.status != 200 || d.Street != "guixi" || d.Sectors[0].Total != 1 || d.Sectors[0].Approved != 1 || d.Sectors[0].Rate != 100 {
					t.Errorf("street view: %d %s", r.status, r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28", nil)
				d.Street = ""
				r.json(t, &d)
				if d.Street != "" || d.Sectors[0].Total != 2 || d.Sectors[0].Approved != 1 || d.Sectors[0].Rate != 50 {
					t.Errorf("park view: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-11", nil)
				r.json(t, &d)
				if d.Sectors[0].Approved != 0 {
					t.Errorf("approved before its approval day: %s", r.body)
				}
				var sd struct{ Streets []struct{ Street string } }
				a.do(street, "GET", "/api/v1/dashboard/streets?as_of=2020-02-28", nil).json(t, &sd)
				if len(sd.Streets) != 1 || sd.Streets[0].Street != "guixi" {
					t.Errorf("street official's street table: %+v", sd)
				}
				a.do(park, "GET", "/api/v1/dashboard/streets?as_of=2020-02-28&sector=construction", nil).json(t, &sd)
				if len(sd.Streets) != 16 {
					t.Errorf("park's street table has %d rows, want 16", len(sd.Streets))
				}
				if r := a.do(street, "GET", "/api/v1/dashboard/sectors?street=合作街道", nil); r.status != 403 {
					t.Errorf("another street by name: %d", r.status)
				}
				if r := a.do(street, "GET", "/api/v1/dashboard/sectors?street=桂溪街道", nil); r.status != 200 {
					t.Errorf("own street by name: %d %s", r.status, r.body)
				}
			})

			t.Run("trend is cumulative per day", func(t *testing.T) {
				var tr struct {
					Total  int64
					Points []struct {
						Date     string
						Approved int64
						Rate     float64
					}
				}
				r := a.do(park, "GET", "/api/v1/dashboard/trend?sector=industrial&from=2020-02-11&to=2020-02-13", nil)
				r.json(t, &tr)
				if tr.Total != 2 || len(tr.Points) != 3 || tr.Points[0].Approved != 0 || tr.Points[1].Approved != 1 ||
					tr.Points[2].Approved != 1 || tr.Points[1].Rate != 50 {
					t.Errorf("trend: %s", r.body)
				}
			})

			t.Run("CSV export: BOM, disposition, neutralised cells", func(t *testing.T) {
				r := a.do(park, "GET", "/api/v1/reports/gongyuan-construction-sites?format=csv", nil)
				if r.status != 200 || !bytes.HasPrefix(r.body, []byte("\uFEFF")) {
					t.Fatalf("%d %q", r.status, r.body)
				}
				if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
					t.Errorf("Content-Disposition %q", cd)
				}
				if !strings.Contains(string(r.body), `'=HYPERLINK`) || strings.Contains(string(r.body), "\n=HYPERLINK") {
					t.Errorf("formula not neutralised: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28&format=csv", nil)
				if !strings.Contains(string(r.body), "industrial,工业企业,2,1,1,0,1,50,50,50") {
					t.Errorf("sector CSV: %s", r.body)
				}
			})

			t.Run("a rate over an empty population is null in JSON and empty in CSV and XLSX", func(t *testing.T) {
				r := a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28", nil)
				if !strings.Contains(string(r.body), `"key":"industrial_above_scale","name":"规上工业企业","total":0,"submitted":0,"approved":0,"returned":0,"resumed":0,"rate":null,"resumed_rate":null,"on_time_rate":null`) {
					t.Errorf("JSON: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28&format=csv", nil)
				if !strings.Contains(string(r.body), "industrial_above_scale,规上工业企业,0,0,0,0,0,,,\n") {
					t.Errorf("CSV: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28&format=xlsx", nil)
				f, err := excelize.OpenReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if v, err := f.GetCellValue(f.GetSheetName(0), "H3"); err != nil || v != "" {
					t.Errorf("XLSX H3 (above-scale rate) = %q %v, want empty", v, err)
				}
			})

			t.Run("drill-down: the enterprises behind a number, scoped, searchable, exportable", func(t *testing.T) {
				var page struct {
					Items []struct {
						ID          int64   `json:"id"`
						CreditCode  string  `json:"credit_code"`
						Name        string  `json:"name"`
						Sector      string  `json:"sector"`
						Street      string  `json:"street"`
						Zone        string  `json:"zone"`
						State       string  `json:"state"`
						SubmittedAt *string `json:"submitted_at"`
						ApprovedAt  *string `json:"approved_at"`
						ResumedAt   *string `json:"resumed_at"`
					} `json:"items"`
					Total    int64 `json:"total"`
					Page     int   `json:"page"`
					PageSize int   `json:"page_size"`
				}
				r := a.do(park, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-28&sector=industrial&state=approved", nil)
				r.json(t, &page)
				if r.status != 200 || page.Total != 1 || len(page.Items) != 1 || page.Page != 1 || page.PageSize != 50 {
					t.Fatalf("approved industrial: %d %s", r.status, r.body)
				}
				if it := page.Items[0]; it.ID != a.ents["guixiA"].ID || it.State != "resumed" || it.Street != "guixi" || it.Zone != "south" ||
					it.Sector != "industrial" || it.SubmittedAt == nil || it.ApprovedAt == nil || it.ResumedAt == nil || *it.ResumedAt != "2020-02-13" {
					t.Errorf("item %+v", it)
				}
				var keys map[string]any
				r.json(t, &keys)
				if len(keys) != 4 {
					t.Errorf("keys %v, want items, total, page, page_size", keys)
				}
				// As of the day before the approval: submitted, not approved, dates after it hidden.
				r = a.do(park, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-11&sector=industrial", nil)
				page.Items = nil
				r.json(t, &page)
				if page.Total != 2 || page.Items[0].State != "submitted" || page.Items[0].ApprovedAt != nil || page.Items[1].State != "not_filed" {
					t.Errorf("as of 2020-02-11: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-28&state=not_filed&q=乙", nil)
				page.Items = nil
				r.json(t, &page)
				if page.Total != 1 || page.Items[0].ID != a.ents["guixiB"].ID {
					t.Errorf("q=乙: %s", r.body)
				}
				r = a.do(park, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-28&q="+a.ents["hezuoA"].CreditCode[4:12], nil)
				page.Items = nil
				r.json(t, &page)
				if page.Total != 1 || page.Items[0].ID != a.ents["hezuoA"].ID {
					t.Errorf("q=part of a credit code: %s", r.body)
				}
				r = a.do(street, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-28", nil)
				page.Items = nil
				r.json(t, &page)
				for _, it := range page.Items {
					if it.Street != "guixi" {
						t.Errorf("a guixi official sees %+v", it)
					}
				}
				if page.Total != 3 { // guixiA, guixiB and the construction site
					t.Errorf("guixi official: %s", r.body)
				}
				for _, bad := range []string{"state=done", "sector=mining", "as_of=2020-13-01"} {
					if r := a.do(park, "GET", "/api/v1/dashboard/enterprises?"+bad, nil); r.status != 422 {
						t.Errorf("%s: %d %s", bad, r.status, r.body)
					}
				}
				r = a.do(park, "GET", "/api/v1/dashboard/enterprises?as_of=2020-02-28&format=csv", nil)
				body := string(r.body)
				if r.status != 200 || !strings.HasPrefix(body, "\uFEFF统一社会信用代码,企业名称") || strings.Count(body, "\n") != 5 ||
					!strings.Contains(body, "桂溪甲公司,工业,桂溪街道,南区,已复工,2020-02-10,2020-02-12,2020-02-13") || !strings.Contains(body, ",\"'=HYPERLINK") {
					t.Errorf("CSV: %d %s", r.status, body)
				}
				if r := a.do(park, "GET", "/api/v1/dashboard/enterprises?format=xlsx", nil); r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
					t.Errorf("XLSX: %d %s", r.status, r.header)
				}
			})

			t.Run("XLSX export: bold frozen header, percentages as numbers", func(t *testing.T) {
				r := a.do(park, "GET", "/api/v1/dashboard/sectors?as_of=2020-02-28&format=xlsx", nil)
				if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
					t.Fatalf("%d %s", r.status, r.header)
				}
				f, err := excelize.OpenReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				sheet := f.GetSheetName(0)
				panes, err := f.GetPanes(sheet)
				if err != nil || !panes.Freeze || panes.YSplit != 1 {
					t.Errorf("panes %+v %v", panes, err)
				}
				hs, _ := f.GetCellStyle(sheet, "A1")
				st, _ := f.GetStyle(hs)
				if st == nil || st.Font == nil || !st.Font.Bold {
					t.Errorf("header not bold: %+v", st)
				}
				// industrial row 2, column H = rate
				if v, _ := f.GetCellValue(sheet, "H1"); v != "审批率" {
					t.Errorf("H1 = %q", v)
				}
				raw, _ := f.GetCellValue(sheet, "H2", excelize.Options{RawCellValue: true})
				ps, _ := f.GetCellStyle(sheet, "H2")
				pst, _ := f.GetStyle(ps)
				if raw != "0.5" || pst == nil || pst.NumFmt != 10 {
					t.Errorf("H2 raw %q style %+v, want 0.5 as 0.00%%", raw, pst)
				}
			})

			t.Run("reports: per department, no personal data", func(t *testing.T) {
				var list struct {
					Items []struct{ ID, Department string }
				}
				// The shipped configuration: jingji's views, and every view for the park.
				jingji, all := 0, len(report.Default().Views)
				for _, v := range report.Default().Views {
					if v.Department == "jingji" {
						jingji++
					}
				}
				a.do(dept, "GET", "/api/v1/reports", nil).json(t, &list)
				if len(list.Items) != jingji || jingji < 2 {
					t.Errorf("dept jingji sees %d views, want %d: %+v", len(list.Items), jingji, list)
				}
				for _, v := range list.Items {
					if v.Department != "jingji" {
						t.Errorf("dept sees %s's view %s", v.Department, v.ID)
					}
				}
				a.do(park, "GET", "/api/v1/reports", nil).json(t, &list)
				if len(list.Items) != all {
					t.Errorf("park sees %d views, want %d", len(list.Items), all)
				}
				r := a.do(park, "GET", "/api/v1/reports/shehui-staff-health", nil)
				var rep struct {
					Rows []map[string]any
				}
				r.json(t, &rep)
				var guixi map[string]any
				for _, row := range rep.Rows {
					if row["group"] == "桂溪街道" {
						guixi = row
					}
				}
				if guixi == nil || guixi["sum(roster.fever)"] != 1.0 || guixi["sum(roster.hubei_14d)"] != 2.0 || guixi["enterprises"] != 1.0 {
					t.Errorf("staff health row %v", guixi)
				}
				for _, p := range []string{"/api/v1/reports/jingji-above-scale", "/api/v1/reports/jingji-industrial-by-street", "/api/v1/reports/gongyuan-construction-sites"} {
					body := string(a.do(park, "GET", p, nil).body)
					if strings.Contains(body, "张三丰") || strings.Contains(body, "13800001111") {
						t.Errorf("%s leaks personal data: %s", p, body)
					}
				}
				var one struct {
					Columns []struct{ Key string }
					Rows    []map[string]any
				}
				a.do(dept, "GET", "/api/v1/reports/jingji-industrial-by-street", nil).json(t, &one)
				if len(one.Rows) != 17 || one.Rows[16]["group"] != "合计" || one.Rows[16]["count(filing.approved)"] != 1.0 {
					t.Errorf("grouped report rows %d: %v", len(one.Rows), one.Rows)
				}
				if r := a.do(dept, "GET", "/api/v1/reports/nope", nil); r.status != 404 {
					t.Errorf("unknown report: %d", r.status)
				}
				x := a.do(dept, "GET", "/api/v1/reports/jingji-above-scale?format=xlsx", nil)
				if x.status != 200 || len(x.body) < 100 {
					t.Errorf("xlsx report %d", x.status)
				}
				// Every department view downloads in all three formats.
				a.do(park, "GET", "/api/v1/reports", nil).json(t, &list)
				for _, v := range list.Items {
					for format, check := range map[string]func([]byte) bool{
						"json": func(b []byte) bool { return strings.HasPrefix(string(b), "{") },
						"csv":  func(b []byte) bool { return strings.HasPrefix(string(b), "\uFEFF") },
						"xlsx": func(b []byte) bool { return strings.HasPrefix(string(b), "PK") },
					} {
						r := a.do(park, "GET", "/api/v1/reports/"+v.ID+"?format="+format, nil)
						if r.status != 200 || !check(r.body) {
							t.Errorf("%s as %s: %d %.60q", v.ID, format, r.status, r.body)
						}
					}
				}
				var audit struct{ Items []struct{ Action string } }
				a.do(park, "GET", "/api/v1/audit?action=report_exported", nil).json(t, &audit)
				if len(audit.Items) == 0 {
					t.Error("report export not audited")
				}
			})
		})
	}
}
