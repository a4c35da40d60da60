package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"fugong/internal/parktime"
	"fugong/internal/store"
)

// The article's numerators as of 2020-02-28 (docs/design.md §4). SeedFilings
// writes filings and problems so that the sector dashboard as of AsOf shows
// exactly these.
const (
	AsOf                    = "2020-02-28"
	IndustrialApproved      = 737
	AboveScaleApproved      = 303
	ServiceApproved         = 16948
	SouthWestResumed        = 258
	EastResumed             = 53
	ProblemsFound           = 267
	ProblemsRectified       = 252
	eastOutsideResumed      = 10 // unsupervised sites also resumed; never counted
	realEstateApprovedShare = 2  // 1 in 2 real-estate firms approved; never counted
)

// category is a population the seed fills to an exact numerator.
type category struct {
	ents    []store.Enterprise
	decided int  // enterprises approved (or, for construction, resumed) by AsOf
	site    bool // construction: the numerator counts resumed sites
}

// feb turns a day of February 2020 and an hour in Asia/Shanghai into UTC.
func feb(day, hour, minute int) time.Time {
	return time.Date(2020, 2, day, hour-8, minute, 0, 0, time.UTC)
}

// SeedFilings writes demo filings (directly, in batches) for the registry
// already in db and 267 problems, reproducing the article's numerators as
// of 2020-02-28. Enterprises beyond each numerator get a mix of pending,
// returned, draft, later-approved and no filings; a few approved ones also
// carry an earlier rejected filing (an enterprise is counted once). It
// returns the number of filings written, or the database error.
func SeedFilings(ctx context.Context, db *store.DB, createdBy int64) (int, error) {
	ents, err := db.AllEnterprises(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo filings: read registry: %w", err)
	}
	var aboveScale, industrial, service, realEstate, sw, east, eastOutside []store.Enterprise
	for _, e := range ents {
		switch {
		case e.Sector == store.SectorIndustrial && e.AboveScale:
			aboveScale = append(aboveScale, e)
		case e.Sector == store.SectorIndustrial:
			industrial = append(industrial, e)
		case e.Sector == store.SectorService && e.RealEstate:
			realEstate = append(realEstate, e)
		case e.Sector == store.SectorService:
			service = append(service, e)
		case e.Sector == store.SectorConstruction && !e.Supervised:
			eastOutside = append(eastOutside, e)
		case e.Sector == store.SectorConstruction && e.Zone == "east":
			east = append(east, e)
		case e.Sector == store.SectorConstruction:
			sw = append(sw, e)
		}
	}
	cats := []category{
		{ents: aboveScale, decided: AboveScaleApproved},
		{ents: industrial, decided: IndustrialApproved - AboveScaleApproved},
		{ents: service, decided: ServiceApproved},
		{ents: realEstate, decided: len(realEstate) / realEstateApprovedShare},
		{ents: sw, decided: SouthWestResumed, site: true},
		{ents: east, decided: EastResumed, site: true},
		{ents: eastOutside, decided: eastOutsideResumed, site: true},
	}
	rng := rand.New(rand.NewPCG(2020, 228))
	var filings []store.Filing
	var approvedIdx, returnedIdx []int // indexes into filings, for problems
	for _, c := range cats {
		n := len(c.ents)
		for i, e := range c.ents {
			// p is a permutation of 0..n-1 (7919 is prime and divides no n
			// here), so exactly c.decided enterprises fall below it, spread
			// over the streets rather than the first ones in id order.
			p := (i * 7919) % n
			f := store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, CreatedBy: createdBy,
				StaffTotal: 10 + rng.IntN(490), IsolationRoom: rng.IntN(4) != 0, ContactName: "联系人"}
			f.StaffOnsite = f.StaffTotal * (30 + rng.IntN(70)) / 100
			f.Masks = f.StaffOnsite * (2 + rng.IntN(12))
			f.Thermometers = 1 + f.StaffOnsite/40
			f.DisinfectantLiters = float64(5+rng.IntN(60)) / 2
			f.PlannedResumeDate = feb(10+rng.IntN(15), 12, 0).Format(time.DateOnly)
			f.Version, f.Revision = 1, 1
			rest := n - c.decided
			switch {
			case p < c.decided: // approved by 2020-02-27; construction sites also resumed
				sub := feb(3+rng.IntN(22), 9+rng.IntN(8), rng.IntN(60))
				appr := sub.Add(time.Duration(20+rng.IntN(28)) * time.Hour)
				if limit := feb(27, 18, 0); appr.After(limit) {
					appr = limit
				}
				f.Status, f.SubmittedAt, f.ApprovedAt, f.DecidedAt = store.StatusApproved, &sub, &appr, &appr
				if c.site || rng.IntN(5) != 0 {
					f.ResumedDate = appr.In(shanghai).AddDate(0, 0, 1).Format(time.DateOnly)
				}
				approvedIdx = append(approvedIdx, len(filings))
				if p%50 == 0 { // an earlier filing, rejected: the enterprise still counts once
					old := f
					rejSub, rejAt := sub.Add(-72*time.Hour), sub.Add(-48*time.Hour)
					old.Status, old.SubmittedAt, old.DecidedAt, old.ApprovedAt, old.ResumedDate = store.StatusRejected, &rejSub, &rejAt, nil, ""
					filings = append(filings, old)
					approvedIdx[len(approvedIdx)-1]++
				}
			case c.site && p < c.decided+rest/5: // approved, not yet resumed
				sub := feb(20+rng.IntN(5), 10, 0)
				appr := sub.Add(24 * time.Hour)
				f.Status, f.SubmittedAt, f.ApprovedAt, f.DecidedAt = store.StatusApproved, &sub, &appr, &appr
			case p < c.decided+rest*20/100: // awaiting review
				sub := feb(20+rng.IntN(8), 9+rng.IntN(8), rng.IntN(60))
				f.Status, f.SubmittedAt = store.StatusSubmitted, &sub
			case p < c.decided+rest*30/100: // returned for rectification
				sub := feb(10+rng.IntN(14), 10, 0)
				dec := sub.Add(26 * time.Hour)
				f.Status, f.SubmittedAt, f.DecidedAt = store.StatusReturned, &sub, &dec
				returnedIdx = append(returnedIdx, len(filings))
			case p < c.decided+rest*35/100: // approved in March: after the article's day
				sub := feb(27, 15, 0)
				appr := time.Date(2020, 3, 1+rng.IntN(9), 3, 0, 0, 0, time.UTC)
				f.Status, f.SubmittedAt, f.ApprovedAt, f.DecidedAt = store.StatusApproved, &sub, &appr, &appr
			case p < c.decided+rest*40/100:
				f.Status = store.StatusDraft
			default:
				continue // not filed at all
			}
			filings = append(filings, f)
		}
	}
	if err := db.InsertFilingsBulk(ctx, filings); err != nil {
		return 0, fmt.Errorf("demo filings: %w", err)
	}
	// The ids of the filings problems hang off: one query, not one per row.
	idOf, err := db.LatestFilingIDs(ctx, []store.Status{store.StatusApproved, store.StatusReturned})
	if err != nil {
		return 0, fmt.Errorf("demo filings: %w", err)
	}
	for i := range filings {
		filings[i].ID = idOf[filings[i].EnterpriseID]
	}

	// Problems: 267 found by 2020-02-28, 252 of them rectified by then.
	sources := []struct{ source, rule, title string }{
		{"rule", "supplies_masks_short", "口罩储备不足（按在岗人数与天数计）"},
		{"review", "", "复工方案与他企雷同，需重新制定"},
		{"inspection", "", "现场检查：未设置隔离观察室"},
		{"rule", "roster_fever", "员工健康台账有发热人员未说明处置"},
		{"inspection", "", "现场检查：未按方案测温登记"},
	}
	pool := append(append([]int{}, returnedIdx...), approvedIdx...)
	problems := make([]store.Problem, 0, ProblemsFound)
	for i := 0; i < ProblemsFound; i++ {
		f := &filings[pool[(i*131)%len(pool)]]
		s := sources[i%len(sources)]
		created := feb(5+i%21, 9+i%8, i%60)
		// Every problem has a rectification deadline (整改期限): three days,
		// two for one in four.
		days := 3
		if i%4 == 0 {
			days = 2
		}
		p := store.Problem{FilingID: &f.ID, EnterpriseID: &f.EnterpriseID, Street: f.Street, Sector: f.Sector,
			Source: s.source, RuleID: s.rule, Title: s.title, Status: "open", CreatedBy: createdBy, CreatedAt: created,
			TargetKind: "enterprise", Deadline: created.In(shanghai).AddDate(0, 0, days).Format(time.DateOnly)}
		// (i*31) mod 267 is a permutation (31 and 267 are coprime): exactly
		// 15 problems stay open, spread over the list.
		if (i*31)%ProblemsFound >= ProblemsFound-ProblemsRectified {
			rect := created.Add(time.Duration(24+(i%48)) * time.Hour)
			p.Status, p.RectifiedAt, p.AnsweredAt = "rectified", &rect, &rect
		} else if i%3 == 0 {
			// Some open problems have been answered and await verification.
			ans := created.Add(36 * time.Hour)
			p.Status, p.AnsweredAt = "answered", &ans
		}
		problems = append(problems, p)
	}
	if err := db.CreateProblems(ctx, problems); err != nil {
		return 0, fmt.Errorf("demo problems: %w", err)
	}
	// The filings were written in bulk, past the filing service: derive the
	// dashboards' timeline from them.
	if _, err := db.RebuildTimeline(ctx); err != nil {
		return 0, fmt.Errorf("demo timeline: %w", err)
	}
	return len(filings), nil
}

var shanghai = parktime.Location
