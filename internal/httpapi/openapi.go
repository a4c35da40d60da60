package httpapi

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"fugong/docs"
)

// OpenAPIPath is where the embedded OpenAPI document is served (public).
const OpenAPIPath = "/api/openapi.yaml"

// openAPIETag is a strong validator of the embedded document.
var openAPIETag = func() string {
	sum := sha256.Sum256(docs.OpenAPI)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}()

// registerOpenAPI serves docs/openapi.yaml at OpenAPIPath. It must be
// registered before the /api/* catch-all.
func registerOpenAPI(app *fiber.App) {
	app.Get(OpenAPIPath, serveOpenAPI)
}

// serveOpenAPI answers the embedded document as application/yaml, cacheable
// for 5 minutes, with 304 for a matching If-None-Match.
func serveOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderETag, openAPIETag)
	if c.Get(fiber.HeaderIfNoneMatch) == openAPIETag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/yaml")
	return c.Send(docs.OpenAPI)
}
