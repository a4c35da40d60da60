package httpapi_test

import (
	"strings"
	"testing"

	"fugong/internal/store/storetest"
)

// TestAuditVerifyEndpoint: a park manager verifies the chain over HTTP; an
// entry edited in the database makes the report, the metric and /readyz say
// so. On SQLite and MariaDB.
func TestAuditVerifyEndpoint(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) { testAuditVerifyEndpoint(t, driver) })
	}
}

func testAuditVerifyEndpoint(t *testing.T, driver string) {
	{
		a := mustAPI(t, driver)
		park := a.login("park") // the login is audited
		var rep struct {
			OK       bool
			Problems []string
			Chain    struct{ Entries int64 }
		}
		r := a.do(park, "GET", "/api/v1/audit/verify", nil)
		r.json(t, &rep)
		if r.status != 200 || !rep.OK || rep.Chain.Entries == 0 {
			t.Fatalf("intact chain: %d %s", r.status, r.body)
		}
		if err := a.db.Gorm().Exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").Error; err != nil {
			t.Fatal(err)
		}
		r = a.do(park, "GET", "/api/v1/audit/verify", nil)
		rep.OK = true
		r.json(t, &rep)
		if r.status != 200 || rep.OK || len(rep.Problems) == 0 {
			t.Fatalf("edited chain: %d %s", r.status, r.body)
		}
		if m := a.do(nil, "GET", "/metrics", nil); !strings.Contains(string(m.body), "fugong_audit_chain_intact 0") {
			t.Errorf("metric does not show the broken chain")
		}
		if rz := a.do(nil, "GET", "/readyz", nil); !strings.Contains(string(rz.body), `"audit_chain":"broken"`) {
			t.Errorf("readyz: %s", rz.body)
		}
	}
}
