package registry

import (
	"context"
	"fmt"
	"time"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/page"
	"fugong/internal/parktime"
	"fugong/internal/sheet"
	"fugong/internal/store"
)

// Registry is the enterprise registry: importing it, and reading it within
// a caller's scope.
type Registry struct {
	db    *store.DB
	areas *areas.Areas
}

// New returns a Registry over db; a resolves streets (areas.Default
// when nil).
func New(db *store.DB, a *areas.Areas) *Registry {
	if a == nil {
		a = areas.Default()
	}
	return &Registry{db: db, areas: a}
}

// Import parses the registry file at path (named filename for the audit
// log) and upserts every row by credit code, with its audit entry, in one
// transaction, on behalf of p. Any invalid row makes it write nothing and
// return the apperror.Invalid from Parse with every bad row; with dryRun it
// only reports what would change (and audits nothing). It also returns
// how the file was read (sheet, header row, columns used and ignored, rows
// skipped as totals or footers).
//
// The import is dated today (Asia/Shanghai): see ImportOn.
func (s *Registry) Import(ctx context.Context, p *auth.Principal, path, filename string, dryRun bool) (store.UpsertResult, sheet.Layout, error) {
	return s.ImportOn(ctx, p, path, filename, time.Now(), dryRun)
}

// ImportOn is Import as of the day of at (Asia/Shanghai): the registry as
// of any earlier day stays as it was, unless a row states an earlier date.
// A row's optional 成立/注册日期 is the first day it is in the registry (else
// the import's day, for an enterprise new to the registry); its optional
// 注销/迁出日期 is the last day it is in. A bad date is apperror.Invalid
// listing every bad cell, and nothing is written.
func (s *Registry) ImportOn(ctx context.Context, p *auth.Principal, path, filename string, at time.Time, dryRun bool) (store.UpsertResult, sheet.Layout, error) {
	parsed, err := ParseFile(ctx, path, s.areas, Options{})
	if err != nil {
		return store.UpsertResult{}, sheet.Layout{}, err
	}
	return s.importParsed(ctx, p, parsed, filename, at, dryRun)
}

// ImportUpload is Import on an upload read through f (the HTTP layer's
// encrypted spool), with the same results and errors.
func (s *Registry) ImportUpload(ctx context.Context, p *auth.Principal, f sheet.File, filename string, dryRun bool) (store.UpsertResult, sheet.Layout, error) {
	parsed, err := ParseUpload(ctx, f, s.areas, Options{})
	if err != nil {
		return store.UpsertResult{}, sheet.Layout{}, err
	}
	return s.importParsed(ctx, p, parsed, filename, time.Now(), dryRun)
}

func (s *Registry) importParsed(ctx context.Context, p *auth.Principal, parsed *Parsed, filename string, at time.Time, dryRun bool) (store.UpsertResult, sheet.Layout, error) {
	ents, err := Dated(parsed.Rows)
	if err != nil {
		return store.UpsertResult{}, sheet.Layout{}, err
	}
	day := at.In(parktime.Location).Format(time.DateOnly)
	if dryRun {
		res, err := s.db.UpsertEnterprisesOn(ctx, ents, day, true)
		return res, parsed.Layout, err
	}
	var res store.UpsertResult
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		var err error
		if res, err = tx.UpsertEnterprisesOn(ctx, ents, day, false); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("registry_import", "registry",
			fmt.Sprintf("file=%s created=%d updated=%d unchanged=%d", filename, res.Created, res.Updated, res.Unchanged)))
	})
	return res, parsed.Layout, err
}

// Query selects registry rows as a caller sends it.
type Query struct {
	Sector string
	Street string // code or name
	Text   string // substring of name or credit code
	Page   page.Page
}

// Enterprises lists the enterprises within p's scope matching q, and the
// total. An unknown street is apperror.Invalid.
func (s *Registry) Enterprises(ctx context.Context, p *auth.Principal, q Query) ([]EnterpriseListItem, int64, error) {
	street, err := s.areas.StreetCode("street", q.Street)
	if err != nil {
		return nil, 0, err
	}
	rows, total, err := s.db.ListEnterprises(ctx, p.Scope(), store.EnterpriseFilter{Sector: q.Sector, Street: street, Query: q.Text, Page: q.Page})
	out := make([]EnterpriseListItem, len(rows))
	for i := range rows {
		out[i] = EnterpriseListItem{Enterprise: enterpriseOf(&rows[i].Enterprise), HasAccount: rows[i].HasAccount}
	}
	return out, total, err
}

// Enterprise returns enterprise id within p's scope; outside it, exactly
// like a missing one, apperror.NotFound.
func (s *Registry) Enterprise(ctx context.Context, p *auth.Principal, id int64) (*Enterprise, error) {
	e, err := s.db.EnterpriseByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	v := enterpriseOf(e)
	return &v, nil
}

// Zones returns the park's zones and their streets.
func (s *Registry) Zones() []areas.Zone { return s.areas.Zones }

// Enterprise is a registry entry as the API shows it (schema Enterprise),
// apart from the store's row.
type Enterprise struct {
	ID         int64     `json:"id"`
	CreditCode string    `json:"credit_code"`
	Name       string    `json:"name"`
	Sector     string    `json:"sector"`
	AboveScale bool      `json:"above_scale"`
	RealEstate bool      `json:"real_estate"`
	Zone       string    `json:"zone"`
	Street     string    `json:"street"`
	Supervised bool      `json:"supervised"`
	ValidFrom  string    `json:"valid_from"` // first day in the registry (YYYY-MM-DD)
	ValidTo    string    `json:"valid_to"`   // first day out of it, or the open end
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// EnterpriseListItem is an enterprise in a list, with whether it has
// claimed an account (schema EnterpriseListItem).
type EnterpriseListItem struct {
	Enterprise
	HasAccount bool `json:"has_account"`
}

func enterpriseOf(e *store.Enterprise) Enterprise {
	return Enterprise{ID: e.ID, CreditCode: e.CreditCode, Name: e.Name, Sector: e.Sector, AboveScale: e.AboveScale,
		RealEstate: e.RealEstate, Zone: e.Zone, Street: e.Street, Supervised: e.Supervised, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}
