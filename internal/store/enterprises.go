package store

import (
	"context"
	"time"
)

// Sectors of the registry.
const (
	SectorIndustrial   = "industrial"
	SectorService      = "service"
	SectorConstruction = "construction"
)

// Enterprise is one row of the enterprise registry: the denominator of every
// filing rate.
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
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName maps Enterprise to enterprises.
func (Enterprise) TableName() string { return "enterprises" }

// EnterpriseByCode returns the enterprise with credit code code, or
// apperror.NotFound.
func (db *DB) EnterpriseByCode(ctx context.Context, code string) (*Enterprise, error) {
	var e Enterprise
	if err := db.gorm.WithContext(ctx).Where("credit_code = ?", code).First(&e).Error; err != nil {
		return nil, dbErr(err, "enterprise")
	}
	return &e, nil
}

// CountEnterprises returns how many enterprises the registry holds.
func (db *DB) CountEnterprises(ctx context.Context) (int64, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&Enterprise{}).Count(&n).Error
	return n, dbErr(err, "enterprises")
}
