// Package demo owns the demo data set `fugong seed demo` loads into an empty
// database: a registry whose denominators are the article's (docs/design.md §4)
// and one account per role. Later layers (filings, decisions) extend it.
package demo

import (
	"context"
	"fmt"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/registry"
	"fugong/internal/store"
)

// Password is the password of every demo account; demo data only ever goes
// into an empty database, and the seed prints it.
const Password = "fugong-demo-2020"

// The article's denominators (docs/design.md §4).
const (
	Industrial              = 1234
	IndustrialAboveScale    = 354
	Service                 = 37687 // real estate excluded
	ServiceRealEstate       = 2113  // in the registry, never in the service rate
	ConstructionSouthWest   = 417
	ConstructionEast        = 73 // supervised
	ConstructionEastOutside = 15 // airport, air traffic control, expressway, metro, rail: not supervised by the zone
)

// Account is a demo login.
type Account struct {
	Username string
	Role     string
	Street   string
}

// Result says what Seed did.
type Result struct {
	Skipped     bool // the database already held data
	Enterprises int
	Accounts    []Account
}

var nameParts = struct{ prefix, core []string }{
	prefix: []string{"成都", "四川", "天府", "蓉城", "锦江", "高新"},
	core:   []string{"华信", "博瑞", "蓝海", "新元", "致远", "德润", "鑫源", "启明", "安泰", "恒达", "中科", "云创", "锐思", "川江", "同舟", "宏图"},
}

var sectorSuffix = map[string][]string{
	store.SectorIndustrial:   {"电子科技有限公司", "精密制造有限公司", "生物医药有限公司", "新材料有限公司", "智能装备有限公司"},
	store.SectorService:      {"信息技术有限公司", "商贸有限公司", "餐饮管理有限公司", "软件有限公司", "咨询服务有限公司", "物流有限公司"},
	"real_estate":            {"房地产开发有限公司", "置业有限公司"},
	store.SectorConstruction: {"建设项目", "产业园建设工程", "安置房项目", "道路改造工程"},
}

func name(sectorKey string, n int) string {
	p := nameParts.prefix[n%len(nameParts.prefix)]
	c := nameParts.core[(n/len(nameParts.prefix))%len(nameParts.core)]
	suf := sectorSuffix[sectorKey]
	return fmt.Sprintf("%s%s%s（%05d）", p, c, suf[n%len(suf)], n)
}

// RegistryFrom is the day the demo registry is dated from: every demo
// enterprise is in the registry since then, so the article's figures as of
// AsOf hold whatever is imported later (an import dated today changes today
// and after only).
const RegistryFrom = "2020-01-01"

// Registry returns the demo registry: every enterprise of docs/design.md §4,
// spread over the streets of a (sites by the zones the article counts them
// in), each entered on RegistryFrom.
func Registry(a *areas.Areas) []store.Enterprise {
	var south, west, east, all []areas.Street
	for _, st := range a.Streets() {
		all = append(all, st)
		switch st.Zone {
		case "south":
			south = append(south, st)
		case "west":
			west = append(west, st)
		case "east":
			east = append(east, st)
		}
	}
	southWest := append(append([]areas.Street{}, south...), west...)
	var out []store.Enterprise
	n := 0
	add := func(sector, nameKey string, streets []areas.Street, i int, mutate func(*store.Enterprise)) {
		st := streets[i%len(streets)]
		e := store.Enterprise{CreditCode: registry.MakeCreditCode(n), Name: name(nameKey, n), Sector: sector,
			Zone: st.Zone, Street: st.Code, Supervised: true, ValidFrom: RegistryFrom}
		if mutate != nil {
			mutate(&e)
		}
		out = append(out, e)
		n++
	}
	for i := 0; i < Industrial; i++ {
		add(store.SectorIndustrial, store.SectorIndustrial, all, i, func(e *store.Enterprise) { e.AboveScale = i < IndustrialAboveScale })
	}
	for i := 0; i < Service; i++ {
		add(store.SectorService, store.SectorService, all, i, nil)
	}
	for i := 0; i < ServiceRealEstate; i++ {
		add(store.SectorService, "real_estate", all, i, func(e *store.Enterprise) { e.RealEstate = true })
	}
	for i := 0; i < ConstructionSouthWest; i++ {
		add(store.SectorConstruction, store.SectorConstruction, southWest, i, nil)
	}
	for i := 0; i < ConstructionEast; i++ {
		add(store.SectorConstruction, store.SectorConstruction, east, i, nil)
	}
	for i := 0; i < ConstructionEastOutside; i++ {
		add(store.SectorConstruction, store.SectorConstruction, east, i, func(e *store.Enterprise) { e.Supervised = false })
	}
	return out
}

// Seed loads the demo data set into db if it holds no accounts and no
// enterprises; otherwise it does nothing and reports Skipped.
func Seed(ctx context.Context, db *store.DB, a *areas.Areas) (Result, error) {
	users, err := db.CountUsers(ctx)
	if err != nil {
		return Result{}, err
	}
	ents, err := db.CountEnterprises(ctx)
	if err != nil {
		return Result{}, err
	}
	if users > 0 || ents > 0 {
		return Result{Skipped: true}, nil
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return Result{}, err
	}
	reg := Registry(a)
	var res Result
	err = db.Tx(ctx, func(tx *store.DB) error {
		up, err := tx.UpsertEnterprisesOn(ctx, reg, RegistryFrom, false)
		if err != nil {
			return err
		}
		res.Enterprises = up.Created
		first, err := tx.EnterprisesWithoutAccount(ctx, "fangcaojie")
		if err != nil || len(first) == 0 {
			return fmt.Errorf("demo: no enterprise in fangcaojie: %v", err)
		}
		accounts := []store.User{
			{Username: "admin", Role: store.RoleAdmin},
			{Username: "park", Role: store.RoleParkManager},
			{Username: "qiye", Role: store.RoleEnterprise, EnterpriseID: &first[0].ID, Street: first[0].Street},
			{Username: "dept-jingji", Role: store.RoleDepartment, Department: "jingji"},
			{Username: "inspector-7", Role: store.RoleInspector}, // 第七督查组
		}
		for _, st := range a.Streets() {
			accounts = append(accounts, store.User{Username: "street-" + st.Code, Role: store.RoleStreetOfficial, Street: st.Code})
		}
		for i := range accounts {
			accounts[i].PasswordHash = hash
			if err := tx.CreateUser(ctx, &accounts[i]); err != nil {
				return err
			}
			res.Accounts = append(res.Accounts, Account{Username: accounts[i].Username, Role: string(accounts[i].Role), Street: accounts[i].Street})
		}
		if _, err = SeedFilings(ctx, tx, accounts[0].ID); err != nil {
			return err
		}
		return seedInspections(ctx, tx, accounts)

	})
	if err != nil {
		return Result{}, fmt.Errorf("seed demo: %w", err)
	}
	return res, nil
}
