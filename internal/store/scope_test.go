package store_test

import (
	"context"
	"slices"
	"testing"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestScopesDecideWhatEachCallerReads: the store, not the handlers,
// enforces tenancy. For each kind of caller the enterprises, filings and
// problems it can list and fetch are exactly its own.
func TestScopesDecideWhatEachCallerReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rows := []store.Enterprise{
			{CreditCode: "91350100M000100Y43", Name: "桂溪甲", Sector: store.SectorIndustrial, Zone: "south", Street: "guixi", Supervised: true},
			{CreditCode: "91110000100000000A", Name: "桂溪乙", Sector: store.SectorService, Zone: "south", Street: "guixi", Supervised: true},
			{CreditCode: "91110000100000001A", Name: "合作丙", Sector: store.SectorIndustrial, Zone: "west", Street: "hezuo", Supervised: true},
		}
		if _, err := db.UpsertEnterprises(ctx, rows, false); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		filings := map[string]int64{}
		for _, r := range rows {
			e, err := db.EnterpriseByCode(ctx, r.CreditCode)
			if err != nil {
				t.Fatal(err)
			}
			ids[r.Name] = e.ID
			f := &store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: store.StatusSubmitted, Version: 1, CreatedBy: 1}
			if err := db.CreateFiling(ctx, f); err != nil {
				t.Fatal(err)
			}
			filings[r.Name] = f.ID
		}
		all := []string{"桂溪甲", "桂溪乙", "合作丙"}
		tests := []struct {
			name  string
			scope store.Scope
			sees  []string
		}{
			{"park manager", store.Scope{Role: store.RoleParkManager}, all},
			{"admin", store.Scope{Role: store.RoleAdmin}, all},
			{"guixi official", store.Scope{Role: store.RoleStreetOfficial, Street: "guixi"}, []string{"桂溪甲", "桂溪乙"}},
			{"official without a street", store.Scope{Role: store.RoleStreetOfficial}, nil},
			{"enterprise", store.Scope{Role: store.RoleEnterprise, EnterpriseID: ids["合作丙"]}, []string{"合作丙"}},
			{"enterprise without one", store.Scope{Role: store.RoleEnterprise}, nil},
			{"department", store.Scope{Role: store.RoleDepartment, Department: "jingji"}, nil},
		}
		for _, tt := range tests {
			list, total, err := db.ListEnterprises(ctx, tt.scope, store.EnterpriseFilter{Page: store.NormalPage(1, 50)})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range list {
				names = append(names, e.Name)
			}
			if !slices.Equal(names, tt.sees) || total != int64(len(tt.sees)) {
				t.Errorf("%s lists enterprises %v (total %d), want %v", tt.name, names, total, tt.sees)
			}
			fs, _, err := db.ListFilings(ctx, tt.scope, store.FilingFilter{Page: store.NormalPage(1, 50)})
			if err != nil || len(fs) != len(tt.sees) {
				t.Errorf("%s lists %d filings (%v), want %d", tt.name, len(fs), err, len(tt.sees))
			}
			for _, name := range all {
				_, eerr := db.EnterpriseByID(ctx, tt.scope, ids[name])
				_, ferr := db.FilingByID(ctx, tt.scope, filings[name])
				want := slices.Contains(tt.sees, name)
				for what, err := range map[string]error{"enterprise": eerr, "filing": ferr} {
					if (err == nil) != want || (err != nil && apperror.CodeOf(err) != apperror.NotFound) {
						t.Errorf("%s fetching %s's %s: %v, want visible %v (else not found, never forbidden)", tt.name, name, what, err, want)
					}
				}
			}
		}
	})
}
