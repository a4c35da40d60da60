// Package report owns fugong's dashboards and department reports: the
// sector dashboard of docs/design.md §4 (who filed, who was approved, who
// resumed, per population), its per-street and per-day tables, the problem
// rectification rate, and the department report views declared in
// configs/reports.yaml ("fill once, share many": views over the one filing,
// never re-typed). It also writes any table as CSV or XLSX.
//
// Counting rules (the contract the property test checks by brute force):
//   - A population is a set of enterprises of the registry; its total is
//     their number. Numerators count enterprises of the same population, each
//     at most once however many filings it has, so no rate exceeds 100.
//   - "As of D" means up to the end of day D in Asia/Shanghai (UTC+8, no
//     daylight saving since 1991), i.e. strictly before D+1 00:00 +08:00.
//     Timestamps are stored in UTC.
//   - submitted: a filing with submitted_at as of D; approved: approved_at as
//     of D; resumed: resumed_date ≤ D; on time: approved_at by the end of the
//     configured deadline day; returned: a filing whose CURRENT status is
//     returned with decided_at as of D (filings keep no status history, so
//     a filing returned before D and resubmitted since is not counted).
//   - Problems: found = created_at as of D; rectified = rectified_at as of D.
//   - Rates are percentages rounded half-up to 2 decimals, computed in
//     integers (basis points); 0 when the total is 0.
//
// Each dashboard is one GROUP BY query over enterprises (with filings
// aggregated per enterprise in a subquery) plus one over problems; the number
// of queries never depends on the number of enterprises.
package report

import (
	"time"

	"fugong/internal/areas"
	"fugong/internal/parktime"
	"fugong/internal/store"
)

// Shanghai is Asia/Shanghai as a fixed UTC+8 zone (no daylight saving since
// 1991), so the binary needs no tzdata.
var Shanghai = parktime.Location

// Service computes dashboards and reports from the database. Safe for
// concurrent use.
type Service struct {
	db    *store.DB
	cfg   *Config
	areas *areas.Areas
	now   func() time.Time
	cache *figuresCache
}

// CacheTTL is how long dashboard figures are shared between readers.
const CacheTTL = 5 * time.Second

// New returns a Service over db with report configuration cfg (Default()
// when nil) and the park's areas. now gives "today" for default dates
// (time.Now when nil).
func New(db *store.DB, cfg *Config, a *areas.Areas, now func() time.Time) *Service {
	if cfg == nil {
		cfg = Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, cfg: cfg, areas: a, now: now, cache: newFiguresCache(CacheTTL)}
}

// Config returns the service's report configuration.
func (s *Service) Config() *Config { return s.cfg }

// Percent returns num/den as a percentage rounded half-up to 2 decimals
// (303/354 → 85.59), computed in integer basis points; 0 when den ≤ 0.
func Percent(num, den int64) float64 {
	if den <= 0 || num <= 0 {
		return 0
	}
	bp := (num*20000 + den) / (2 * den) // round(num*10000/den), half up
	return float64(bp) / 100
}

// Population is a set of registry enterprises a rate is computed over.
type Population struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	// where is a constant SQL condition on enterprises aliased e (never
	// built from input: keys are looked up in this allow-list).
	where string
	// match is the same condition in Go.
	match func(e store.Enterprise) bool
}

// Populations are the dashboard's rows, in display order.
var populations = []Population{
	{Key: "industrial", Name: "工业企业",
		where: "e.sector = 'industrial'",
		match: func(e store.Enterprise) bool { return e.Sector == store.SectorIndustrial }},
	{Key: "industrial_above_scale", Name: "规上工业企业",
		where: "e.sector = 'industrial' AND e.above_scale = ?", // true bound as a parameter: booleans differ by dialect
		match: func(e store.Enterprise) bool { return e.Sector == store.SectorIndustrial && e.AboveScale }},
	{Key: "service", Name: "服务业企业（不含房地产）",
		where: "e.sector = 'service' AND e.real_estate = ?",
		match: func(e store.Enterprise) bool { return e.Sector == store.SectorService && !e.RealEstate }},
	{Key: "construction", Name: "建筑工地（纳入监管）",
		where: "e.sector = 'construction' AND e.supervised = ?",
		match: func(e store.Enterprise) bool { return e.Sector == store.SectorConstruction && e.Supervised }},
	{Key: "construction_south_west", Name: "建筑工地（南区、西区）",
		where: "e.sector = 'construction' AND e.supervised = ? AND e.zone IN ('south','west')",
		match: func(e store.Enterprise) bool {
			return e.Sector == store.SectorConstruction && e.Supervised && (e.Zone == "south" || e.Zone == "west")
		}},
	{Key: "construction_east", Name: "建筑工地（东区，纳入监管）",
		where: "e.sector = 'construction' AND e.supervised = ? AND e.zone = 'east'",
		match: func(e store.Enterprise) bool {
			return e.Sector == store.SectorConstruction && e.Supervised && e.Zone == "east"
		}},
}

// whereArgs are the parameters of a population's where clause.
func (p Population) whereArgs() []any {
	switch p.Key {
	case "industrial":
		return nil
	case "service":
		return []any{false}
	default:
		return []any{true}
	}
}

// Populations returns the dashboard populations in display order.
func Populations() []Population { return append([]Population(nil), populations...) }

func populationByKey(key string) (Population, bool) {
	for _, p := range populations {
		if p.Key == key {
			return p, true
		}
	}
	return Population{}, false
}

// Matches reports whether enterprise e belongs to the population.
func (p Population) Matches(e store.Enterprise) bool { return p.match(e) }

var sectorNames = map[string]string{
	store.SectorIndustrial:   "工业",
	store.SectorService:      "服务业",
	store.SectorConstruction: "建筑工地",
}

var statusNames = map[store.Status]string{
	store.StatusDraft: "草稿", store.StatusSubmitted: "待审核", store.StatusApproved: "已通过",
	store.StatusReturned: "退回整改", store.StatusRejected: "不予通过",
}
