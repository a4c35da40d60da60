package filing

import (
	"context"

	"fugong/internal/dedup"
)

// dedupIndex adapts a dedup.Index to PlanIndex.
type dedupIndex struct{ x *dedup.Index }

// DedupIndex returns x as the filing service's plan index.
func DedupIndex(x *dedup.Index) PlanIndex { return dedupIndex{x} }

// MaxSimilarity implements PlanIndex.
func (d dedupIndex) MaxSimilarity(ctx context.Context, text string, enterpriseID int64) (float64, error) {
	matches, err := d.x.Query(ctx, text, enterpriseID)
	if err != nil {
		return 0, err
	}
	best := 0.0
	for _, m := range matches {
		best = max(best, m.Similarity)
	}
	return best, nil
}

// Add implements PlanIndex.
func (d dedupIndex) Add(ctx context.Context, doc PlanDoc) error {
	pd := dedup.PlanDoc{RevisionID: doc.RevisionID, FilingID: doc.FilingID, EnterpriseID: doc.EnterpriseID, Text: doc.Text}
	if doc.PrevRevisionID != 0 {
		return d.x.Replace(ctx, doc.PrevRevisionID, pd)
	}
	return d.x.Add(ctx, pd)
}
