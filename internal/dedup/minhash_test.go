package dedup

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// setsWithJaccard returns two sorted sets of random hashes with exactly
// shared common elements and only elements of their own.
func setsWithJaccard(r *rand.Rand, shared, onlyA, onlyB int) ([]uint64, []uint64) {
	var a, b []uint64
	for range shared {
		v := r.Uint64()
		a, b = append(a, v), append(b, v)
	}
	for range onlyA {
		a = append(a, r.Uint64())
	}
	for range onlyB {
		b = append(b, r.Uint64())
	}
	slices.Sort(a)
	slices.Sort(b)
	return a, b
}

// TestMinHashWithinBroderBound checks that the signature estimate lies
// within 4 standard errors √(J(1−J)/n) of the exact Jaccard similarity for
// every pair, and that over many pairs the errors are centred and sized as
// Broder's analysis says (mean |z| ≈ 0.8 for a normal error).
func TestMinHashWithinBroderBound(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{128, 256} {
		m := newMinHasher(n, 42)
		var sumZ, sumAbsZ float64
		pairs := 0
		for _, shared := range []int{100, 500, 1000, 1500, 1900} {
			for rep := range 20 {
				a, b := setsWithJaccard(r, shared, (2000-shared)/2+rep, (2000-shared)/2)
				j := Jaccard(a, b)
				est := EstimateJaccard(m.signature(a), m.signature(b))
				sigma := math.Sqrt(j * (1 - j) / float64(n))
				z := (est - j) / sigma
				if math.Abs(z) > 4 {
					t.Errorf("n=%d J=%.3f: estimate %.3f is %.1f standard errors off", n, j, est, z)
				}
				sumZ += z
				sumAbsZ += math.Abs(z)
				pairs++
			}
		}
		meanZ, meanAbsZ := sumZ/float64(pairs), sumAbsZ/float64(pairs)
		if math.Abs(meanZ) > 0.4 || meanAbsZ < 0.5 || meanAbsZ > 1.1 {
			t.Errorf("n=%d: mean z %.2f, mean |z| %.2f over %d pairs; want ≈0 and ≈0.8", n, meanZ, meanAbsZ, pairs)
		}
	}
}

func TestChooseBanding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n         int
		t, target float64
		want      Banding
		wantErr   bool
	}{
		{128, 0.7, 0.98, Banding{Bands: 25, Rows: 5}, false},
		{256, 0.7, 0.98, Banding{Bands: 42, Rows: 6}, false},
		{128, 0.8, 0.98, Banding{Bands: 18, Rows: 7}, false},
		{128, 0.7, 0.9998, Banding{Bands: 32, Rows: 4}, false},
		{4, 0.1, 0.98, Banding{}, true},
		{128, 1.2, 0.98, Banding{}, true},
		{0, 0.7, 0.98, Banding{}, true},
	}
	for _, tt := range tests {
		got, err := ChooseBanding(tt.n, tt.t, tt.target)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ChooseBanding(%d, %g, %g) = %+v, %v; want %+v, error %v", tt.n, tt.t, tt.target, got, err, tt.want, tt.wantErr)
			continue
		}
		if !tt.wantErr && got.CandidateProbability(tt.t) < tt.target {
			t.Errorf("chosen %+v catches a pair at the threshold with %.3f < %g", got, got.CandidateProbability(tt.t), tt.target)
		}
	}
	// The figures quoted in docs/design.md §5 (near-duplicate detection).
	for _, c := range []struct {
		bd   Banding
		j, p float64
	}{
		{Banding{9, 13}, 0.8, 0.40}, {Banding{16, 8}, 0.8, 0.947}, {Banding{25, 5}, 0.7, 0.990},
	} {
		if got := c.bd.CandidateProbability(c.j); math.Abs(got-c.p) > 0.005 {
			t.Errorf("%+v at J=%g: %.3f, want %.3f", c.bd, c.j, got, c.p)
		}
	}
}

func TestBandHashesAndEncoding(t *testing.T) {
	t.Parallel()
	m := newMinHasher(128, 1)
	bd := Banding{Bands: 25, Rows: 5}
	r := rand.New(rand.NewPCG(3, 4))
	a, b := setsWithJaccard(r, 300, 0, 1)
	sa, sb := m.signature(a), m.signature(b)
	ha, hb := bd.bandHashes(sa), bd.bandHashes(sb)
	same := 0
	for i := range ha {
		if ha[i] == hb[i] {
			same++
		}
	}
	if len(ha) != 25 || same < 20 {
		t.Errorf("near-identical sets share %d of %d bands", same, len(ha))
	}
	if !slices.Equal(decodeSignature(encodeSignature(sa)), sa) {
		t.Error("signature does not survive encoding")
	}
	if m.signature(nil) != nil || bd.bandHashes(nil) != nil {
		t.Error("the empty set must have no signature and no bands")
	}
}
