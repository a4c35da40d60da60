package auth

import "fugong/internal/store"

// The roles of an account (store owns their values; they are re-declared
// here so callers of auth need not import the store).
const (
	RoleEnterprise     = store.RoleEnterprise
	RoleStreetOfficial = store.RoleStreetOfficial
	RoleParkManager    = store.RoleParkManager
	RoleDepartment     = store.RoleDepartment
	RoleAdmin          = store.RoleAdmin
)
