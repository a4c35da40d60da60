// Package frontend embeds the web UI into the binary, so `fugong` is whole on
// its own (like vikunja's frontend/embed.go).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// FS returns the UI's files, rooted at dist/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; a test covers it
	}
	return sub
}
