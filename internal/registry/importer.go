package registry

import (
	"fugong/internal/store"
)

// ToEnterprises converts parsed rows to store rows.
func ToEnterprises(rows []Row) []store.Enterprise {
	out := make([]store.Enterprise, len(rows))
	for i, r := range rows {
		out[i] = store.Enterprise{
			CreditCode: r.CreditCode, Name: r.Name, Sector: r.Sector, AboveScale: r.AboveScale, RealEstate: r.RealEstate,
			Zone: r.Zone, Street: r.Street, Supervised: r.Supervised,
		}
	}
	return out
}
