package store

import (
	"context"
	"slices"
	"time"
)

// Role is what an account may do (docs/openapi.yaml, schema Role).
type Role string

// The roles.
const (
	RoleEnterprise     Role = "enterprise"
	RoleStreetOfficial Role = "street_official"
	RoleParkManager    Role = "park_manager"
	RoleDepartment     Role = "department"
	RoleAdmin          Role = "admin"
	// RoleInspector is an inspection group (督查组): reads the whole zone with
	// personal data masked, records findings, verifies their rectification.
	RoleInspector Role = "inspector"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleEnterprise, RoleStreetOfficial, RoleParkManager, RoleDepartment, RoleAdmin, RoleInspector}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// User is an account.
type User struct {
	ID                int64
	Username          string
	PasswordHash      string
	Role              Role
	Street            string
	EnterpriseID      *int64
	Department        string
	Disabled          bool
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TableName maps User to users.
func (User) TableName() string { return "users" }

// CreateUser inserts u; a taken username is apperror.Conflict.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	if u.PasswordChangedAt.IsZero() {
		u.PasswordChangedAt = time.Now().UTC()
	}
	return dbErr(db.orm(ctx).Create(u).Error, "user "+u.Username)
}

// UserByUsername returns the account named username, or apperror.NotFound.
func (db *DB) UserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	err := db.orm(ctx).Where("username = ?", username).First(&u).Error
	if err != nil {
		return nil, dbErr(err, "user")
	}
	return &u, nil
}

// UserByID returns the account id, or apperror.NotFound.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := db.orm(ctx).First(&u, "id = ?", id).Error; err != nil {
		return nil, dbErr(err, "user")
	}
	return &u, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.orm(ctx).Model(&User{}).Count(&n).Error
	return n, dbErr(err, "users")
}
