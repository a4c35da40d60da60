package store

import (
	"context"

	"gorm.io/gorm"
)

// Scope is what a caller may see, decided once from their account and
// applied by every repository query that reads tenant data, so a handler that
// forgets a check still cannot leak another tenant's rows.
type Scope struct {
	Role         Role
	UserID       int64
	EnterpriseID int64  // enterprise accounts: their own enterprise
	Street       string // street officials: their street
	Department   string // department accounts
}

// ScopeAll is the scope of internal jobs (seed, migrations, sweeps).
var ScopeAll = Scope{Role: RoleAdmin}

// SeesAllTenants reports whether the scope reads every enterprise.
func (s Scope) SeesAllTenants() bool {
	return s.Role == RoleParkManager || s.Role == RoleAdmin || s.Role == RoleInspector
}

// UnmasksPersonalData reports whether personal data of enterprise may be
// shown in clear to this scope: only to the enterprise itself.
func (s Scope) UnmasksPersonalData(enterpriseID int64) bool {
	return s.Role == RoleEnterprise && s.EnterpriseID == enterpriseID && enterpriseID != 0
}

// enterpriseClause restricts a query over a table with an enterprise_id
// column (or enterprises.id itself when idCol is "id") and a street column.
func (s Scope) apply(q *gorm.DB, idCol, streetCol string) *gorm.DB {
	switch s.Role {
	case RoleParkManager, RoleAdmin, RoleInspector:
		return q
	case RoleStreetOfficial:
		if s.Street == "" {
			return q.Where("1 = 0")
		}
		return q.Where(streetCol+" = ?", s.Street)
	case RoleEnterprise:
		if s.EnterpriseID == 0 {
			return q.Where("1 = 0")
		}
		return q.Where(idCol+" = ?", s.EnterpriseID)
	default: // departments read report views only, never raw tenant rows
		return q.Where("1 = 0")
	}
}

// VisibleFilings returns which of ids are filings within scope, in one
// query (for lists that mention filings the caller may not open).
func (db *DB) VisibleFilings(ctx context.Context, scope Scope, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var seen []int64
	err := scope.apply(db.gorm.WithContext(ctx).Model(&Filing{}), "enterprise_id", "street").
		Where("id IN ?", ids).Pluck("id", &seen).Error
	for _, id := range seen {
		out[id] = true
	}
	return out, dbErr(err, "filings")
}
