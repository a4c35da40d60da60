package store

import (
	"context"
	"time"
)

// Roles of api.md.
const (
	RoleEnterprise     = "enterprise"
	RoleStreetOfficial = "street_official"
	RoleParkManager    = "park_manager"
	RoleDepartment     = "department"
	RoleAdmin          = "admin"
	// RoleInspector is an inspection group (督查组): reads the whole zone with
	// personal data masked, records findings, verifies their rectification.
	RoleInspector = "inspector"
)

// Roles lists every role in a stable order.
var Roles = []string{RoleEnterprise, RoleStreetOfficial, RoleParkManager, RoleDepartment, RoleAdmin, RoleInspector}

// User is an account.
type User struct {
	ID                int64
	Username          string
	PasswordHash      string
	Role              string
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
	return dbErr(db.gorm.WithContext(ctx).Create(u).Error, "user "+u.Username)
}

// UserByUsername returns the account named username, or apperror.NotFound.
func (db *DB) UserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	err := db.gorm.WithContext(ctx).Where("username = ?", username).First(&u).Error
	if err != nil {
		return nil, dbErr(err, "user")
	}
	return &u, nil
}

// UserByID returns the account id, or apperror.NotFound.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := db.gorm.WithContext(ctx).First(&u, "id = ?", id).Error; err != nil {
		return nil, dbErr(err, "user")
	}
	return &u, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, dbErr(err, "users")
}
