// Package docs holds the documents shipped inside the binary: the OpenAPI
// description of the HTTP API, served at /api/openapi.yaml (like configs
// does for the default configuration).
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml: the OpenAPI 3 document of every route the
// server registers; docs/api.md is the same contract written for people.
//
//go:embed openapi.yaml
var OpenAPI []byte
