// Package docs holds the documents shipped inside the binary: the OpenAPI
// description of the HTTP API, served at /api/openapi.yaml (like configs
// does for the default configuration).
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml: the OpenAPI 3 document of every route the
// server registers. /work/shared/api.md is the stable contract; where the two
// differ, api.md wins.
//
//go:embed openapi.yaml
var OpenAPI []byte
