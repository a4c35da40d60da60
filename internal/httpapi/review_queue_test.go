package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

type queueList struct {
	Items []struct {
		ID             int64  `json:"id"`
		EnterpriseName string `json:"enterprise_name"`
		Street         string `json:"street"`
		Sector         string `json:"sector"`
		FlagCounts     struct {
			Block, Warn, Info int
		} `json:"flag_counts"`
	}
	Total int
}

// seedQueued puts a submitted filing of ent in the queue, submitted
// minutesAgo before the clock, with block and warn flags on its current
// revision and one more blocking flag on an older revision (not counted).
func (a *api) seedQueued(ent store.Enterprise, minutesAgo, block, warn int) *store.Filing {
	a.t.Helper()
	f := a.seedFiling(ent, store.StatusSubmitted)
	at := a.clock.Now().Add(-time.Duration(minutesAgo) * time.Minute)
	if err := a.db.Gorm().Exec("UPDATE filings SET revision = 2, submitted_at = ? WHERE id = ?", at, f.ID).Error; err != nil {
		a.t.Fatal(err)
	}
	flags := []store.Flag{{FilingID: f.ID, Revision: 1, RuleID: "old", Severity: "block", CreatedAt: at}}
	for i := 0; i < block+warn; i++ {
		sev := "block"
		if i >= block {
			sev = "warn"
		}
		flags = append(flags, store.Flag{FilingID: f.ID, Revision: 2, RuleID: fmt.Sprintf("r%d", i), Severity: sev, CreatedAt: at})
	}
	flags = append(flags, store.Flag{FilingID: f.ID, Revision: 2, RuleID: "note", Severity: "info", CreatedAt: at})
	if err := a.db.CreateFlags(context.Background(), flags); err != nil {
		a.t.Fatal(err)
	}
	return f
}

// The review queue searches, filters, sorts and pages on the server and
// carries each filing's flag counts, so the UI neither loads the whole
// scope nor reads each filing.
func TestReviewQueueSearchSortAndFlagCounts(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			a := mustAPI(t, driver)
			gA := a.seedQueued(a.ents["guixiA"], 30, 0, 2) // 桂溪甲公司, industrial
			gB := a.seedQueued(a.ents["guixiB"], 90, 2, 1) // 桂溪乙公司, service, waiting longest
			hA := a.seedQueued(a.ents["hezuoA"], 60, 1, 0) // 合作丙公司, industrial
			park, off := a.login("park"), a.login("street-guixi")
			get := func(s *session, query string) queueList {
				t.Helper()
				var l queueList
				r := a.do(s, "GET", "/api/v1/review/queue"+query, nil)
				if r.status != 200 {
					t.Fatalf("queue%s: %d %s", query, r.status, r.body)
				}
				r.json(t, &l)
				return l
			}
			ids := func(l queueList) []int64 {
				out := []int64{}
				for _, it := range l.Items {
					out = append(out, it.ID)
				}
				return out
			}
			same := func(got []int64, want ...int64) bool { return fmt.Sprint(got) == fmt.Sprint(want) }

			all := get(park, "")
			if !same(ids(all), gB.ID, hA.ID, gA.ID) || all.Total != 3 {
				t.Fatalf("default order (oldest first): %v", ids(all))
			}
			for _, it := range all.Items { // counts of the current revision only
				want := map[int64][3]int{gA.ID: {0, 2, 1}, gB.ID: {2, 1, 1}, hA.ID: {1, 0, 1}}[it.ID]
				if got := [3]int{it.FlagCounts.Block, it.FlagCounts.Warn, it.FlagCounts.Info}; got != want {
					t.Fatalf("filing %d flag counts %v, want %v", it.ID, got, want)
				}
			}
			tests := []struct {
				query string
				want  []int64
				total int
			}{
				{"?q=乙公司", []int64{gB.ID}, 1},
				{"?q=" + a.ents["hezuoA"].CreditCode, []int64{hA.ID}, 1},
				{"?q=" + a.ents["guixiA"].CreditCode[8:14], []int64{gA.ID}, 1}, // part of a code
				{"?q=%25", []int64{}, 0},                                       // a LIKE wildcard is a literal
				{"?q=_", []int64{}, 0},                                         // so is the one-character wildcard
				{"?q=!", []int64{}, 0},                                         // and the escape character itself
				{"?q=%5C", []int64{}, 0},                                       // a backslash (MariaDB's default escape)
				{"?q=%27%20OR%20%271%27%3D%271", []int64{}, 0},                 // ' OR '1'='1 is text, not SQL
				{"?q=%25%27%20OR%201%3D1%20--%20", []int64{}, 0},               // %' OR 1=1 --
				{"?street=桂溪街道", []int64{gB.ID, gA.ID}, 2},
				{"?street=guixi&sector=industrial", []int64{gA.ID}, 1},
				{"?sort=flags&dir=desc", []int64{gB.ID, hA.ID, gA.ID}, 3},
				{"?sort=flags", []int64{gA.ID, hA.ID, gB.ID}, 3},
				{"?sort=submitted_at&dir=desc", []int64{gA.ID, hA.ID, gB.ID}, 3},
				{"?sort=sector&page_size=2", []int64{hA.ID, gA.ID}, 3},
				{"?sort=sector&page_size=2&page=2", []int64{gB.ID}, 3},
				{"?severity=block&sort=flags&dir=desc", []int64{gB.ID, hA.ID}, 2},
			}
			for _, tt := range tests {
				if l := get(park, tt.query); !same(ids(l), tt.want...) || l.Total != tt.total {
					t.Errorf("%s: got %v (total %d), want %v (total %d)", tt.query, ids(l), l.Total, tt.want, tt.total)
				}
			}
			// A street official's queue is its street's, whatever it asks.
			if l := get(off, "?q=合作"); l.Total != 0 {
				t.Fatalf("street official searched another street: %v", ids(l))
			}
			if l := get(off, "?sort=flags&dir=desc"); !same(ids(l), gB.ID, gA.ID) {
				t.Fatalf("street official's queue: %v", ids(l))
			}
			for _, bad := range []string{"?sort=id;DROP", "?sort=enterprise_id", "?dir=up", "?street=nowhere",
				"?sort=flags%20DESC%2C%20(SELECT%201)", "?dir=desc;", "?q=" + strings.Repeat("x", 101), "?q=%FF"} {
				if r := a.do(park, "GET", "/api/v1/review/queue"+bad, nil); r.status != 422 {
					t.Errorf("%s: %d %s, want 422", bad, r.status, r.body)
				}
			}
		})
	}
}
