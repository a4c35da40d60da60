package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The queries of the near-duplicate plan index (package dedup computes,
// these store). Errors are apperror.Unavailable when the database is down,
// apperror.Conflict for a revision indexed twice, else a wrapped driver
// error.

// PlanCandidate is an indexed plan revision fetched for verification.
type PlanCandidate struct {
	RevisionID   int64
	FilingID     int64
	EnterpriseID int64
	Text         string
	Signature    []byte
}

// DedupGeneration returns the generation of the boilerplate set (0 before
// any change).
func (db *DB) DedupGeneration(ctx context.Context) (int64, error) {
	var gens []int64
	if err := db.orm(ctx).Model(&PlanDedupState{}).Where("id = ?", 1).Pluck("generation", &gens).Error; err != nil {
		return 0, dbErr(err, "plan dedup state")
	}
	if len(gens) == 0 {
		return 0, nil
	}
	return gens[0], nil
}

// BoilerplateHashes returns every boilerplate shingle hash, each once.
func (db *DB) BoilerplateHashes(ctx context.Context) ([]int64, error) {
	var hashes []int64
	err := db.orm(ctx).Model(&PlanBoilerplateShingle{}).Distinct("hash").Pluck("hash", &hashes).Error
	return hashes, dbErr(err, "plan boilerplate")
}

// AddPlanSignatures inserts signatures and their bands in one transaction.
func (db *DB) AddPlanSignatures(ctx context.Context, sigs []PlanSignature, bands []PlanBand) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error { return insertPlans(tx, sigs, bands) })
}

func insertPlans(tx *gorm.DB, sigs []PlanSignature, bands []PlanBand) error {
	if err := tx.CreateInBatches(sigs, 100).Error; err != nil {
		return dbErr(err, "plan revision")
	}
	if len(bands) > 0 {
		return dbErr(tx.CreateInBatches(bands, 500).Error, "plan bands")
	}
	return nil
}

func removePlan(tx *gorm.DB, revisionID int64) (bool, error) {
	if err := tx.Where("revision_id = ?", revisionID).Delete(&PlanBand{}).Error; err != nil {
		return false, dbErr(err, "plan bands")
	}
	res := tx.Where("revision_id = ?", revisionID).Delete(&PlanSignature{})
	return res.RowsAffected > 0, dbErr(res.Error, "plan revision")
}

// RemovePlanSignature deletes a revision's signature and bands in one
// transaction and reports whether it was indexed.
func (db *DB) RemovePlanSignature(ctx context.Context, revisionID int64) (bool, error) {
	var found bool
	err := db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		found, err = removePlan(tx, revisionID)
		return err
	})
	return found, err
}

// ReplacePlanSignature removes oldRevisionID (absence is no error) and
// inserts sig and bands, in one transaction.
func (db *DB) ReplacePlanSignature(ctx context.Context, oldRevisionID int64, sig PlanSignature, bands []PlanBand) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := removePlan(tx, oldRevisionID); err != nil {
			return err
		}
		return insertPlans(tx, []PlanSignature{sig}, bands)
	})
}

// PlanCandidates returns, in one statement, the indexed revisions sharing
// any of the band hashes, except those of excludeEnterpriseID (0 excludes
// none).
func (db *DB) PlanCandidates(ctx context.Context, bandHashes []int64, excludeEnterpriseID int64) ([]PlanCandidate, error) {
	g := db.orm(ctx)
	q := g.Model(&PlanSignature{}).
		Select("revision_id, filing_id, enterprise_id, text, signature").
		Where("revision_id IN (?)", g.Model(&PlanBand{}).Select("revision_id").Where("hash IN ?", bandHashes))
	if excludeEnterpriseID != 0 {
		q = q.Where("enterprise_id <> ?", excludeEnterpriseID)
	}
	var out []PlanCandidate
	err := q.Find(&out).Error
	return out, dbErr(err, "plan candidates")
}

// IndexedPlan returns an indexed revision's text and enterprise (no
// signature), or apperror.NotFound.
func (db *DB) IndexedPlan(ctx context.Context, revisionID int64) (*PlanCandidate, error) {
	var c []PlanCandidate
	if err := db.orm(ctx).Model(&PlanSignature{}).Select("revision_id, filing_id, enterprise_id, text").
		Where("revision_id = ?", revisionID).Limit(1).Find(&c).Error; err != nil {
		return nil, dbErr(err, "plan revision")
	}
	if len(c) == 0 {
		return nil, dbErr(gorm.ErrRecordNotFound, "plan revision")
	}
	return &c[0], nil
}

// IndexedRevisionIDs returns the ids of every indexed revision, ascending.
func (db *DB) IndexedRevisionIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := db.orm(ctx).Model(&PlanSignature{}).Order("revision_id").Pluck("revision_id", &ids).Error
	return ids, dbErr(err, "plan signatures")
}

// PlanTexts returns the texts of the indexed revisions ids.
func (db *DB) PlanTexts(ctx context.Context, ids []int64) ([]string, error) {
	var texts []string
	err := db.orm(ctx).Model(&PlanSignature{}).Where("revision_id IN ?", ids).Pluck("text", &texts).Error
	return texts, dbErr(err, "plan signatures")
}

// PlanSignatures returns the rows of the indexed revisions ids.
func (db *DB) PlanSignatures(ctx context.Context, ids []int64) ([]PlanSignature, error) {
	var rows []PlanSignature
	err := db.orm(ctx).Where("revision_id IN ?", ids).Find(&rows).Error
	return rows, dbErr(err, "plan signatures")
}

// PlanResign is a recomputed signature of an indexed revision.
type PlanResign struct {
	RevisionID   int64
	Signature    []byte
	ShingleCount int
	Bands        []PlanBand
}

// ResignPlans stores recomputed signatures and replaces their bands in one
// transaction. A revision removed since it was read stays removed (its
// bands are not written back).
func (db *DB) ResignPlans(ctx context.Context, resigns []PlanResign) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		ids := make([]int64, len(resigns))
		var bands []PlanBand
		for i, r := range resigns {
			ids[i] = r.RevisionID
			res := tx.Model(&PlanSignature{}).Where("revision_id = ?", r.RevisionID).
				Updates(map[string]any{"signature": r.Signature, "shingle_count": r.ShingleCount})
			if res.Error != nil {
				return dbErr(res.Error, "plan signature")
			}
			if res.RowsAffected > 0 {
				bands = append(bands, r.Bands...)
			}
		}
		if err := tx.Where("revision_id IN ?", ids).Delete(&PlanBand{}).Error; err != nil {
			return dbErr(err, "plan bands")
		}
		if len(bands) > 0 {
			return dbErr(tx.CreateInBatches(bands, 500).Error, "plan bands")
		}
		return nil
	})
}

// bumpDedupGeneration tells every replica that the boilerplate set changed.
func bumpDedupGeneration(tx *gorm.DB, plans int64) error {
	now := time.Now().UTC()
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&PlanDedupState{ID: 1, UpdatedAt: now}).Error; err != nil {
		return dbErr(err, "plan dedup state")
	}
	upd := map[string]any{"generation": gorm.Expr("generation + 1"), "updated_at": now}
	if plans >= 0 {
		upd["plans"] = plans
	}
	return dbErr(tx.Model(&PlanDedupState{}).Where("id = ?", 1).Updates(upd).Error, "plan dedup state")
}

func insertBoilerplate(tx *gorm.DB, hashes []int64, source string) error {
	if len(hashes) == 0 {
		return nil
	}
	rows := make([]PlanBoilerplateShingle, len(hashes))
	for i, h := range hashes {
		rows[i] = PlanBoilerplateShingle{Hash: h, Source: source}
	}
	return dbErr(tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500).Error, "plan boilerplate")
}

// AddPlanTemplate stores t, makes its shingles boilerplate and bumps the
// generation, with the audit entry audit makes for t's new id (if audit is
// not nil) appended, all in one transaction.
func (db *DB) AddPlanTemplate(ctx context.Context, t *PlanTemplate, shingles []int64, audit func(id int64) *AuditEntry) error {
	return db.Tx(ctx, func(tx *DB) error {
		g := tx.orm(ctx)
		if err := g.Create(t).Error; err != nil {
			return dbErr(err, "plan template")
		}
		if err := insertBoilerplate(g, shingles, "template"); err != nil {
			return err
		}
		if err := bumpDedupGeneration(g, -1); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return tx.AppendAudit(ctx, audit(t.ID))
	})
}

// PlanTemplates returns the registered templates, oldest first.
func (db *DB) PlanTemplates(ctx context.Context) ([]PlanTemplate, error) {
	var ts []PlanTemplate
	err := db.orm(ctx).Order("id").Find(&ts).Error
	return ts, dbErr(err, "plan templates")
}

// ReplaceFrequentBoilerplate replaces the "frequent" boilerplate with
// hashes, learnt from sampled plans, and bumps the generation, in one
// transaction.
func (db *DB) ReplaceFrequentBoilerplate(ctx context.Context, hashes []int64, sampled int64) error {
	return db.orm(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("source = ?", "frequent").Delete(&PlanBoilerplateShingle{}).Error; err != nil {
			return dbErr(err, "plan boilerplate")
		}
		if err := insertBoilerplate(tx, hashes, "frequent"); err != nil {
			return err
		}
		return bumpDedupGeneration(tx, sampled)
	})
}
