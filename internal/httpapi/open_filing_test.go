package httpapi_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"fugong/internal/store/storetest"
)

// Twenty simultaneous "create filing" clicks of one enterprise make one
// filing; the others are 409 naming it. (Before: the check read the list and
// then inserted, and several creates passed.)
func TestOneOpenFilingUnderParallelCreates(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			s := a.login("ent-guixi")
			var wg sync.WaitGroup
			var mu sync.Mutex
			var created []int64
			var conflicts []string
			for i := 0; i < 20; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := a.do(s, "POST", "/api/v1/filings", newFilingBody(10))
					mu.Lock()
					defer mu.Unlock()
					switch r.status {
					case 201:
						var v struct{ ID int64 }
						r.json(t, &v)
						created = append(created, v.ID)
					case 409:
						conflicts = append(conflicts, string(r.body))
					default:
						t.Errorf("create: %d %s", r.status, r.body)
					}
				}()
			}
			wg.Wait()
			if len(created) != 1 || len(conflicts) != 19 {
				t.Fatalf("20 parallel creates: %d created, %d conflicts", len(created), len(conflicts))
			}
			for _, c := range conflicts {
				if !strings.Contains(c, fmt.Sprint(created[0])) || !strings.Contains(c, "filing_already_open") {
					t.Fatalf("409 does not name the open filing %d: %s", created[0], c)
				}
			}
		})
	}
}
