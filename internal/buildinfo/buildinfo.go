// Package buildinfo is the one source of fugong's version: `fugong version`,
// the start-up log line and GET /api/v1/version all ask it, so they cannot
// disagree.
package buildinfo

import (
	"runtime/debug"
	"sync"
)

// version is set at link time by `make build`
// (-ldflags "-X fugong/internal/buildinfo.version=$(git describe)"); empty in
// a plain `go build`, where the build's own record answers instead.
var version string

var (
	once     sync.Once
	computed string
)

// Version returns the build's version, in this order of preference: the
// version set at link time; the module version when built by
// `go install fugong@vX`; the VCS revision (12 hex digits, "-dirty" when the
// tree had uncommitted changes); "devel". It never fails.
func Version() string {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		computed = resolve(version, bi)
	})
	return computed
}

// resolve is Version over explicit inputs, for tests.
func resolve(linked string, bi *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) < 12 {
		return "devel"
	}
	if dirty {
		return rev[:12] + "-dirty"
	}
	return rev[:12]
}
