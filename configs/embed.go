// Package configs holds the configuration files shipped inside the binary, so
// `fugong serve` runs with no file on disk, like vikunja's frontend/embed.go.
package configs

import _ "embed"

// DefaultYAML is configs/fugong.yaml: the documented defaults of every setting.
//
//go:embed fugong.yaml
var DefaultYAML []byte
