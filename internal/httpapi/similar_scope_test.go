package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"fugong/internal/dedup/plangen"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestSimilarOutsideScopeIsAnonymous (issue 18 #12): a street official sees
// that a plan in another street shares passages with a filing of theirs,
// with the passages, but not which enterprise or filing it is; a park
// manager sees both. Before, the official got the other street's
// enterprise name and filing id.
func TestSimilarOutsideScopeIsAnonymous(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			hA := a.ents["hezuoA"].ID
			a.addUser(store.User{Username: "ent-hezuo", Role: store.RoleEnterprise, EnterpriseID: &hA, Street: "hezuo"})
			a.addUser(store.User{Username: "street-hezuo", Role: store.RoleStreetOfficial, Street: "hezuo"})
			g := plangen.NewGenerator(2021)
			src := g.Plan(a.ents["guixiA"].Name, false, 2500, 2500)
			cp := g.Copy(src, a.ents["hezuoA"].Name, 0.1, false)
			a.fileAndSubmit(a.login("ent-guixi"), src.Text())
			filingH, _ := a.fileAndSubmit(a.login("ent-hezuo"), cp.Text())

			r := a.do(a.login("street-hezuo"), "GET", fmt.Sprintf("/api/v1/filings/%d/similar", filingH), nil)
			var items []struct {
				FilingID       int64                   `json:"filing_id"`
				EnterpriseName string                  `json:"enterprise_name"`
				OutsideScope   bool                    `json:"outside_scope"`
				SharedPassages []struct{ Text string } `json:"shared_passages"`
			}
			r.json(t, &items)
			if r.status != 200 || len(items) != 1 {
				t.Fatalf("street-hezuo: %d %s", r.status, r.body)
			}
			if !items[0].OutsideScope || items[0].FilingID != 0 || items[0].EnterpriseName != "" || len(items[0].SharedPassages) == 0 ||
				strings.Contains(string(r.body), a.ents["guixiA"].Name) {
				t.Fatalf("another street's match is not anonymous: %s", r.body)
			}
			items = nil
			a.do(a.login("park"), "GET", fmt.Sprintf("/api/v1/filings/%d/similar", filingH), nil).json(t, &items)
			if len(items) != 1 || items[0].OutsideScope || items[0].EnterpriseName != a.ents["guixiA"].Name {
				t.Fatalf("park: %+v", items)
			}
		})
	}
}
