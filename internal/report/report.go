// Package report owns fugong's dashboards and department reports: the
// sector dashboard of docs/design.md §4 (who filed, who was approved, who
// resumed, per population), its per-street and per-day tables, the problem
// rectification rate, the daily reporting rate and timeliness
// (daily_dashboard.go), and the department report views declared in
// configs/reports.yaml ("fill once, share many": views over the one filing
// or over the daily reports, never re-typed; daily_views.go), with the
// 「报表精简」 figure computed from that file's forms catalogue (forms.go).
// It also writes any table as CSV or XLSX, streaming when the rows come
// from the database one at a time.
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
//     integers (basis points); null (unknown) when the total is 0.
//   - The registry is dated: "as of D" counts the enterprises in the
//     registry on D with the attributes (sector, street, flags) they had on
//     D (store.EnterpriseVersion), so a later import never changes a past
//     day unless its file states earlier dates.
//   - Problems are counted in the street they were found in; a sector or
//     population filter counts those whose enterprise belonged to it on D
//     (problems without an enterprise belong to no population).
//
// The numerators come from the status timeline (store.Timeline), kept by
// the filing service in the same transaction as each change and carried on
// the registry versions. Each dashboard is one GROUP BY over the registry
// of the day (one covering index, no join) plus one over problems; the
// number of queries never depends on the number of enterprises, and their
// cost never on the number of filings. All SQL is in package store.
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
	daily *DailySetup // nil until EnableDaily
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

// Rate is Percent, or nil when den ≤ 0: a rate over an empty population is
// unknown, not 0 (null in JSON, an empty cell in CSV and XLSX).
func Rate(num, den int64) *float64 {
	if den <= 0 {
		return nil
	}
	p := Percent(num, den)
	return &p
}

// Population is a set of registry enterprises a rate is computed over.
type Population struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	filter store.PopulationFilter
}

func yes() *bool { t := true; return &t }
func no() *bool  { f := false; return &f }

// Populations are the dashboard's rows, in display order.
var populations = []Population{
	{Key: "industrial", Name: "工业企业", filter: store.PopulationFilter{Sector: store.SectorIndustrial}},
	{Key: "industrial_above_scale", Name: "规上工业企业", filter: store.PopulationFilter{Sector: store.SectorIndustrial, AboveScale: yes()}},
	{Key: "service", Name: "服务业企业（不含房地产）", filter: store.PopulationFilter{Sector: store.SectorService, RealEstate: no()}},
	{Key: "construction", Name: "建筑工地（纳入监管）", filter: store.PopulationFilter{Sector: store.SectorConstruction, Supervised: yes()}},
	{Key: "construction_south_west", Name: "建筑工地（南区、西区）",
		filter: store.PopulationFilter{Sector: store.SectorConstruction, Supervised: yes(), Zones: []string{"south", "west"}}},
	{Key: "construction_east", Name: "建筑工地（东区，纳入监管）",
		filter: store.PopulationFilter{Sector: store.SectorConstruction, Supervised: yes(), Zones: []string{"east"}}},
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

// Matches reports whether enterprise e (its attributes) belongs to the
// population.
func (p Population) Matches(e store.Enterprise) bool { return p.filter.Matches(e.Attrs()) }

func (p Population) matches(a store.RegistryAttrs) bool { return p.filter.Matches(a) }

var sectorNames = map[string]string{
	store.SectorIndustrial:   "工业",
	store.SectorService:      "服务业",
	store.SectorConstruction: "建筑工地",
}

var statusNames = map[store.Status]string{
	store.StatusDraft: "草稿", store.StatusSubmitted: "待审核", store.StatusApproved: "已通过",
	store.StatusReturned: "退回整改", store.StatusRejected: "不予通过",
}
