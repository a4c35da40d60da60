package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Registry dates are civil days YYYY-MM-DD (Asia/Shanghai), compared as
// strings. A version or an enterprise is in the registry on day d when
// ValidFrom <= d < ValidTo.
const (
	// SinceAlways is the first day of rows written without a date: the
	// registry as it was read before it was dated (every day).
	SinceAlways = "1900-01-01"
	// OpenEnded is ValidTo while an enterprise is still in the registry.
	OpenEnded = "9999-12-31"
)

// EnterpriseVersion is an enterprise's counted attributes over a span of
// days [ValidFrom, ValidTo): the registry as it stood on any of them.
type EnterpriseVersion struct {
	ID           int64  `json:"-"`
	EnterpriseID int64  `json:"enterprise_id"`
	ValidFrom    string `json:"valid_from"`
	ValidTo      string `json:"valid_to"`
	Sector       string `json:"sector"`
	AboveScale   bool   `json:"above_scale"`
	RealEstate   bool   `json:"real_estate"`
	Supervised   bool   `json:"supervised"`
	Zone         string `json:"zone"`
	Street       string `json:"street"`
	// The enterprise's timeline, copied here by MarkTimeline (the
	// dashboards read it with the attributes, in one index).
	SubmittedAt *time.Time `json:"-"`
	ApprovedAt  *time.Time `json:"-"`
	ReturnedAt  *time.Time `json:"-"`
	RejectedAt  *time.Time `json:"-"`
	ResumedDate *string    `json:"-"`
}

// TableName maps EnterpriseVersion to enterprise_versions.
func (EnterpriseVersion) TableName() string { return "enterprise_versions" }

func sameAttrs(v EnterpriseVersion, e Enterprise) bool {
	return v.Sector == e.Sector && v.AboveScale == e.AboveScale && v.RealEstate == e.RealEstate &&
		v.Supervised == e.Supervised && v.Zone == e.Zone && v.Street == e.Street
}

func versionOf(e Enterprise, from, to string) EnterpriseVersion {
	return EnterpriseVersion{EnterpriseID: e.ID, ValidFrom: from, ValidTo: to, Sector: e.Sector, AboveScale: e.AboveScale,
		RealEstate: e.RealEstate, Supervised: e.Supervised, Zone: e.Zone, Street: e.Street}
}

// nextVersions applies one registry row to an enterprise's versions (sorted,
// disjoint; nil for a new enterprise) and returns the new versions.
//
// r carries the row's attributes and, optionally, r.ValidFrom (the entry
// date the file states) and r.ValidTo (the first day after the closing date
// the file states). day is the import's date; "" is an undated write, which
// replaces every version (the registry before it was dated).
//
// A dated import changes attributes from day on only, so it never changes a
// day before it, unless the row itself carries an earlier date: an entry
// date moves the start, a closing date ends the last version.
func nextVersions(old []EnterpriseVersion, r Enterprise, day string) []EnterpriseVersion {
	from, to := r.ValidFrom, r.ValidTo
	if day == "" {
		if from == "" {
			from = SinceAlways
			if len(old) > 0 {
				from = old[0].ValidFrom
			}
		}
		if to == "" {
			to = OpenEnded
		}
		return normalize([]EnterpriseVersion{versionOf(r, from, to)})
	}
	var vs []EnterpriseVersion
	if len(old) == 0 {
		start := day
		if from != "" {
			start = from
		}
		vs = []EnterpriseVersion{versionOf(r, start, OpenEnded)}
	} else {
		vs = append(vs, old...)
		last := vs[len(vs)-1]
		current := last.ValidFrom <= day && day < last.ValidTo && sameAttrs(last, r)
		if !current || (last.ValidTo != OpenEnded && to == "") {
			// From day on the row's attributes hold, open-ended: cut every
			// version at day and append one.
			var kept []EnterpriseVersion
			for _, v := range vs {
				if v.ValidFrom >= day {
					continue
				}
				if v.ValidTo > day {
					v.ValidTo = day
				}
				kept = append(kept, v)
			}
			vs = append(kept, versionOf(r, day, OpenEnded))
		}
		if from != "" { // the file states the entry date
			var kept []EnterpriseVersion
			for _, v := range vs {
				if v.ValidTo <= from {
					continue
				}
				kept = append(kept, v)
			}
			if len(kept) > 0 {
				kept[0].ValidFrom = from
			}
			vs = kept
		}
	}
	if to != "" { // the file states the closing date
		var kept []EnterpriseVersion
		for _, v := range vs {
			if v.ValidFrom >= to {
				continue
			}
			kept = append(kept, v)
		}
		if len(kept) > 0 {
			kept[len(kept)-1].ValidTo = to
		}
		vs = kept
	}
	for i := range vs {
		vs[i].ID, vs[i].EnterpriseID = 0, r.ID
	}
	return normalize(vs)
}

// normalize drops empty spans and merges neighbours with equal attributes.
func normalize(vs []EnterpriseVersion) []EnterpriseVersion {
	var out []EnterpriseVersion
	for _, v := range vs {
		if v.ValidFrom >= v.ValidTo {
			continue
		}
		if n := len(out); n > 0 && out[n-1].ValidTo == v.ValidFrom &&
			sameAttrs(out[n-1], Enterprise{Sector: v.Sector, AboveScale: v.AboveScale, RealEstate: v.RealEstate, Supervised: v.Supervised, Zone: v.Zone, Street: v.Street}) {
			out[n-1].ValidTo = v.ValidTo
			continue
		}
		out = append(out, v)
	}
	return out
}

func sameVersions(a, b []EnterpriseVersion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ValidFrom != y.ValidFrom || x.ValidTo != y.ValidTo || !sameAttrs(x, Enterprise{Sector: y.Sector, AboveScale: y.AboveScale,
			RealEstate: y.RealEstate, Supervised: y.Supervised, Zone: y.Zone, Street: y.Street}) {
			return false
		}
	}
	return true
}

// UpsertEnterprises writes rows undated (see UpsertEnterprisesOn with day
// ""): each row's attributes hold on every day. Tests and tools that do not
// date the registry use it; imports use UpsertEnterprisesOn.
func (db *DB) UpsertEnterprises(ctx context.Context, rows []Enterprise, dryRun bool) (UpsertResult, error) {
	return db.UpsertEnterprisesOn(ctx, rows, "", dryRun)
}

// UpsertEnterprisesOn inserts new credit codes and updates changed rows as
// of day (YYYY-MM-DD, the import's date), all in one transaction; with
// dryRun it only counts. A row's ValidFrom, when set, is the entry date its
// file states and ValidTo, when set, the first day after its closing date
// (nextVersions says how they apply). Existing rows are read in batches of
// 500 codes and new rows written in batches of insertBatch(). Errors: the
// database's, apperror.Conflict for a credit code inserted concurrently.
func (db *DB) UpsertEnterprisesOn(ctx context.Context, rows []Enterprise, day string, dryRun bool) (UpsertResult, error) {
	var res UpsertResult
	err := db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		existing := make(map[string]Enterprise, len(rows))
		versions := make(map[int64][]EnterpriseVersion, len(rows))
		for start := 0; start < len(rows); start += 500 {
			end := min(start+500, len(rows))
			codes := make([]string, 0, end-start)
			for _, r := range rows[start:end] {
				codes = append(codes, r.CreditCode)
			}
			var found []Enterprise
			if err := tx.Where("credit_code IN ?", codes).Find(&found).Error; err != nil {
				return dbErr(err, "enterprises")
			}
			ids := make([]int64, len(found))
			for i, e := range found {
				existing[e.CreditCode] = e
				ids[i] = e.ID
			}
			if len(ids) == 0 {
				continue
			}
			var vs []EnterpriseVersion
			if err := tx.Where("enterprise_id IN ?", ids).Order("enterprise_id, valid_from").Find(&vs).Error; err != nil {
				return dbErr(err, "enterprise versions")
			}
			for _, v := range vs {
				versions[v.EnterpriseID] = append(versions[v.EnterpriseID], v)
			}
		}
		var create []Enterprise
		var createVersions [][]EnterpriseVersion
		var writeVersions []EnterpriseVersion
		var rewritten []int64
		now := time.Now().UTC()
		for _, r := range rows {
			old, ok := existing[r.CreditCode]
			if !ok {
				vs := nextVersions(nil, r, day)
				r.ID, r.CreatedAt, r.UpdatedAt = 0, now, now
				r.ValidFrom, r.ValidTo = span(vs)
				create = append(create, r)
				createVersions = append(createVersions, vs)
				continue
			}
			r.ID = old.ID
			vs := nextVersions(versions[old.ID], r, day)
			from, to := span(vs)
			sameVs := sameVersions(vs, versions[old.ID])
			if old.Name == r.Name && old.Sector == r.Sector && old.AboveScale == r.AboveScale && old.RealEstate == r.RealEstate &&
				old.Zone == r.Zone && old.Street == r.Street && old.Supervised == r.Supervised && old.ValidFrom == from && old.ValidTo == to && sameVs {
				res.Unchanged++
				continue
			}
			res.Updated++
			if dryRun {
				continue
			}
			err := tx.Model(&Enterprise{}).Where("id = ?", old.ID).Updates(map[string]any{
				"name": r.Name, "sector": r.Sector, "above_scale": r.AboveScale, "real_estate": r.RealEstate,
				"zone": r.Zone, "street": r.Street, "supervised": r.Supervised, "valid_from": from, "valid_to": to, "updated_at": now,
			}).Error
			if err != nil {
				return dbErr(err, "enterprise "+r.CreditCode)
			}
			if !sameVs {
				rewritten = append(rewritten, old.ID)
				writeVersions = append(writeVersions, vs...)
			}
		}
		res.Created = len(create)
		if dryRun {
			return nil
		}
		for start := 0; start < len(rewritten); start += 500 {
			if err := tx.Where("enterprise_id IN ?", rewritten[start:min(start+500, len(rewritten))]).Delete(&EnterpriseVersion{}).Error; err != nil {
				return dbErr(err, "enterprise versions")
			}
		}
		if len(create) > 0 {
			if err := tx.CreateInBatches(&create, db.insertBatch()).Error; err != nil {
				return dbErr(err, "enterprises")
			}
			for i := range create {
				for _, v := range createVersions[i] {
					v.EnterpriseID = create[i].ID
					writeVersions = append(writeVersions, v)
				}
			}
		}
		if len(writeVersions) > 0 {
			if err := tx.CreateInBatches(&writeVersions, db.insertBatch()).Error; err != nil {
				return dbErr(err, "enterprise versions")
			}
		}
		for start := 0; start < len(rewritten); start += 500 { // new enterprises have no filings yet
			if err := tx.Exec(timelineUpdate+" WHERE enterprise_id IN ?", rewritten[start:min(start+500, len(rewritten))]).Error; err != nil {
				return dbErr(err, "enterprise versions")
			}
		}
		return nil
	})
	return res, err
}

// span is the first and the last day+1 of versions; an enterprise without
// any (closed before it opened) spans nothing.
func span(vs []EnterpriseVersion) (string, string) {
	if len(vs) == 0 {
		return OpenEnded, OpenEnded
	}
	return vs[0].ValidFrom, vs[len(vs)-1].ValidTo
}

// EnterpriseVersions returns the versions of enterprise id, oldest first.
func (db *DB) EnterpriseVersions(ctx context.Context, id int64) ([]EnterpriseVersion, error) {
	var out []EnterpriseVersion
	err := db.orm(ctx).Where("enterprise_id = ?", id).Order("valid_from").Find(&out).Error
	return out, dbErr(err, "enterprise versions")
}
