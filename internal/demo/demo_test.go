package demo_test

import (
	"context"
	"testing"

	"fugong/internal/areas"
	"fugong/internal/demo"
	"fugong/internal/registry"
	"fugong/internal/store"
)

// checkRegistry checks the denominators of docs/design.md §4 by counting what the
// seed wrote (called by TestVolumeSeedShowsTheArticle, which seeds once per
// database).
func checkRegistry(t *testing.T, db *store.DB, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	a := areas.Default()
	{
		if res.Skipped || res.Enterprises != 1234+37687+2113+417+73+15 {
			t.Fatalf("seed: %+v", res)
		}
		count := func(where string, args ...any) int64 {
			var n int64
			if err := db.Gorm().Model(&store.Enterprise{}).Where(where, args...).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		cases := []struct {
			name string
			got  int64
			want int64
		}{
			{"industrial", count("sector = ?", "industrial"), 1234},
			{"industrial above scale", count("sector = ? AND above_scale = ?", "industrial", true), 354},
			{"service excluding real estate", count("sector = ? AND real_estate = ?", "service", false), 37687},
			{"real estate present but excluded", count("sector = ? AND real_estate = ?", "service", true), 2113},
			{"construction south+west supervised", count("sector = ? AND zone IN ? AND supervised = ?", "construction", []string{"south", "west"}, true), 417},
			{"construction east supervised", count("sector = ? AND zone = ? AND supervised = ?", "construction", "east", true), 73},
			{"construction east unsupervised", count("sector = ? AND zone = ? AND supervised = ?", "construction", "east", false), 15},
			{"construction supervised (the article's 490 sites)", count("sector = ? AND supervised = ?", "construction", true), 490},
		}
		for _, c := range cases {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
			}
		}
		for _, st := range a.Streets() {
			if n := count("street = ?", st.Code); n == 0 {
				t.Errorf("street %s has no enterprise", st.Code)
			}
			z, _ := a.ZoneOf(st.Code)
			if n := count("street = ? AND zone <> ?", st.Code, z); n != 0 {
				t.Errorf("street %s has %d rows in another zone", st.Code, n)
			}
		}
		// One account per role, at least.
		roles := map[store.Role]bool{}
		for _, acc := range res.Accounts {
			roles[store.Role(acc.Role)] = true
		}
		for _, r := range store.Roles {
			if !roles[r] {
				t.Errorf("no demo account for role %s", r)
			}
		}
		again, err := demo.Seed(ctx, db, a)
		if err != nil || !again.Skipped {
			t.Fatalf("second seed must do nothing: %+v %v", again, err)
		}
	}
}

func TestRegistryCodesAreValid(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, e := range demo.Registry(areas.Default()) {
		if err := registry.CheckCreditCode(e.CreditCode); err != nil {
			t.Fatalf("%s: %v", e.CreditCode, err)
		}
		if seen[e.CreditCode] {
			t.Fatalf("duplicate code %s", e.CreditCode)
		}
		seen[e.CreditCode] = true
	}
}
