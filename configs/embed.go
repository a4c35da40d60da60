// Package configs holds the configuration files shipped inside the binary, so
// `fugong serve` runs with no file on disk, like vikunja's frontend/embed.go.
package configs

import _ "embed"

// DefaultYAML is configs/fugong.yaml: the documented defaults of every setting.
//
//go:embed fugong.yaml
var DefaultYAML []byte

// AreasYAML is configs/areas.yaml: the park's zones and streets, used when
// areas.file is not set (package areas).
//
//go:embed areas.yaml
var AreasYAML []byte

// ReportsYAML is configs/reports.yaml: the dashboard settings and the
// department report views, used when reports.file is not set (package
// report).
//
//go:embed reports.yaml
var ReportsYAML []byte

// DailyYAML is configs/daily.yaml: the daily epidemic report's data set
// (versioned field definitions, deadline, who must report), used when
// daily.file is not set (package daily).
//
//go:embed daily.yaml
var DailyYAML []byte
