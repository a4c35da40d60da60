package store

import "context"

// EnterpriseNames returns the names of the enterprises ids, keyed by id, in
// one query (ids are deduplicated; an unknown id is simply absent, an empty
// list costs no query). It does not scope: the caller has already decided
// that its principal may see these names (e.g. a reviewer comparing a filing
// in its scope with the plans it resembles). Errors are apperror.Unavailable
// when the database is down, else a wrapped driver error.
//
// 按编号批量取企业名称（一次查询，无 N+1）；不做权限范围过滤，调用方负责。
func (db *DB) EnterpriseNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	seen := make(map[int64]bool, len(ids))
	uniq := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := db.orm(ctx).Model(&Enterprise{}).Select("id, name").Where("id IN ?", uniq).Find(&rows).Error; err != nil {
		return nil, dbErr(err, "enterprises")
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// CountIndexedPlans returns how many plan revisions the near-duplicate index
// holds (rows of plan_signatures), for callers deciding whether a full
// Reindex is cheap enough to run inline. Errors are as for EnterpriseNames.
//
// 近似重复索引中的方案版本数。
func (db *DB) CountIndexedPlans(ctx context.Context) (int64, error) {
	var n int64
	err := db.orm(ctx).Model(&PlanSignature{}).Count(&n).Error
	return n, dbErr(err, "plan signatures")
}
