package store_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"
)

// TestAdvisoryMinimumVersions pins the versions below which the Go
// vulnerability database has advisories for modules fugong builds with
// (issue 18 #18: filippo.io/edwards25519 < v1.1.1 is GO-2026-4503).
func TestAdvisoryMinimumVersions(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for path, min := range map[string]string{"filippo.io/edwards25519": "v1.1.1"} {
		m := regexp.MustCompile(regexp.QuoteMeta(path) + ` (v[^\s]+)`).FindSubmatch(mod)
		if m == nil {
			continue // no longer a dependency
		}
		if versionLess(string(m[1]), min) {
			t.Errorf("%s %s is below %s", path, m[1], min)
		}
	}
}

// versionLess compares two vMAJOR.MINOR.PATCH versions (pre-release and
// build suffixes ignored: none of the pinned modules use them).
func versionLess(a, b string) bool {
	var x, y [3]int
	fmt.Sscanf(a, "v%d.%d.%d", &x[0], &x[1], &x[2])
	fmt.Sscanf(b, "v%d.%d.%d", &y[0], &y[1], &y[2])
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}
