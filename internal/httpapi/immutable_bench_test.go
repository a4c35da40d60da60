package httpapi_test

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// BenchmarkImmutable measures what Fiber's Immutable (every string a copy)
// costs on a handler that reads a route parameter, two query values and two
// headers, the most a fugong handler reads:
//
//	go test ./internal/httpapi -run '^$' -bench Immutable -benchmem
func BenchmarkImmutable(b *testing.B) {
	for _, immutable := range []bool{false, true} {
		name := "mutable"
		if immutable {
			name = "immutable"
		}
		b.Run(name, func(b *testing.B) {
			app := fiber.New(fiber.Config{Immutable: immutable, DisableStartupMessage: true})
			app.Get("/api/v1/filings/:id", func(c *fiber.Ctx) error {
				n := len(c.Params("id")) + len(c.Query("status")) + len(c.Query("page")) + len(c.Get("X-Request-Id")) + len(c.Get("Accept-Language"))
				return c.SendString(string(rune('a' + n%26)))
			})
			h := app.Handler()
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("GET")
				ctx.Request.SetRequestURI("/api/v1/filings/12345?status=submitted&page=2")
				ctx.Request.Header.Set("X-Request-Id", "abcdefgh12345678")
				ctx.Request.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
				h(&ctx)
			}
		})
	}
}
