package auth

import "fugong/internal/store"

// Role is what an account may do (store owns the type; auth's callers need
// not import the store).
type Role = store.Role

// The roles of an account.
const (
	RoleEnterprise     = store.RoleEnterprise
	RoleStreetOfficial = store.RoleStreetOfficial
	RoleParkManager    = store.RoleParkManager
	RoleDepartment     = store.RoleDepartment
	RoleAdmin          = store.RoleAdmin
	RoleInspector      = store.RoleInspector
)
