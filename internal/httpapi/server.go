// Package httpapi is fugong's HTTP layer: the Fiber app, its routes,
// middleware and the one error handler. Handlers decode, call a domain
// package, and respond; they hold no business logic.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fugong/internal/apperror"
	"fugong/internal/audit"
	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/daily"
	"fugong/internal/filing"
	"fugong/internal/idempotency"
	"fugong/internal/inspection"
	"fugong/internal/registry"
	"fugong/internal/reminder"
	"fugong/internal/report"
	"fugong/internal/ruleset"
)

// Pinger is a backing service /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the HTTP layer needs from the rest of the program: the
// services its handlers call, never the store (cmd wires them).
type Deps struct {
	Config   config.Config
	Log      *slog.Logger
	DB       Pinger
	Blob     Pinger
	Frontend fs.FS // the built UI, served at /

	Auth        *auth.Service        // nil only in tests of the bare server (no /api/v1 routes but /version)
	Registry    *registry.Registry   // enterprises, streets, registry import
	Rules       *ruleset.Service     // rule editor, backtests, versions
	Filings     *filing.Service      // filings, review, problems, notices, similarity, templates
	Reports     *report.Service      // dashboards and department reports
	Idempotency *idempotency.Service // Idempotency-Key on creating requests; nil ignores the header
	// Inspections runs the rectification loop (findings, answers,
	// verification, deadlines, letters, bulletins); required with Filings.
	Inspections *inspection.Service
	Audit       *audit.Service // audit chain verification and checkpoints; nil answers 503 on /audit/verify
	Daily       *daily.Service // daily epidemic reports; nil leaves out the /daily routes
	// Reminders sends the one-click reminders to enterprises that have not
	// filed a day's daily report; nil: no POST /daily/reminders.
	Reminders *reminder.Service
}

// Server is the HTTP API.
type Server struct {
	app     *fiber.App
	cfg     config.Config
	log     *slog.Logger
	deps    Deps
	metrics *metrics
	reg     *prometheus.Registry
	proxies trustedProxies
}

// New builds the Fiber app with every route registered.
func New(d Deps) *Server {
	s := &Server{cfg: d.Config, log: d.Log, deps: d, proxies: parseProxies(d.Config.HTTP.TrustedProxies)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.reg = prometheus.NewRegistry()
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = newMetrics(s.reg)
	if d.Audit != nil {
		s.reg.MustRegister(d.Audit.Collectors()...)
	}

	h := d.Config.HTTP
	s.app = fiber.New(fiber.Config{
		AppName:                      "fugong",
		ErrorHandler:                 s.errorHandler,
		BodyLimit:                    h.BodyLimitMB << 20,
		ReadTimeout:                  h.ReadTimeout,
		WriteTimeout:                 h.WriteTimeout,
		IdleTimeout:                  h.IdleTimeout,
		StreamRequestBody:            true, // uploads stream; fasthttp must not buffer them whole
		DisablePreParseMultipartForm: true,
		DisableStartupMessage:        true,
		// Fiber's c.IP() stays the peer: the client address behind proxies is
		// derived by clientAddress (right-most untrusted X-Forwarded-For).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          h.TrustedProxies,
		ReadBufferSize:          16 << 10,
		// Every string Fiber hands out (params, queries, headers, body) is a
		// copy, so none changes under a value kept past the handler (metrics,
		// logs, goroutines, caches). Cost: docs/benchmarks.md.
		Immutable: true,
	})
	s.routes()
	return s
}

// App returns the Fiber app (tests drive it with app.Test).
func (s *Server) App() *fiber.App { return s.app }

func (s *Server) routes() {
	app := s.app
	app.Use(withRequestID, s.clientAddress, s.observeAndLog, s.recoverPanics, securityHeaders, s.limitBody)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
	registerOpenAPI(app) // GET /api/openapi.yaml, public; before the /api/* catch-all

	api := app.Group("/api/v1", s.authenticate, checkPage)
	api.Get("/version", s.version)
	if s.deps.Auth != nil {
		s.apiRoutes(api)
	}

	// Anything else under /api is a JSON 404, never the UI's index page.
	app.All("/api/*", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	if s.deps.Frontend != nil {
		app.Use("/", filesystem.New(filesystem.Config{
			Root:         http.FS(s.deps.Frontend),
			Index:        "index.html",
			NotFoundFile: "index.html", // client-side routes
			MaxAge:       300,
		}))
	}
}

// limitBody refuses a declared body over the configured cap before any of it
// is read. With StreamRequestBody fasthttp hands over-limit bodies to the
// handler as a stream instead of refusing them, so the cap is enforced here;
// readers of chunked bodies cap their own reads.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > s.cfg.HTTP.BodyLimitMB<<20 {
		return apperror.Msg(apperror.TooLarge, msgRequestBodyTooLargeLimit, s.cfg.HTTP.BodyLimitMB)
	}
	return c.Next()
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	// The UI needs nothing beyond its own origin; downloads override this
	// with "sandbox".
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	if strings.HasPrefix(c.Path(), "/api/v1/") {
		// API answers are per caller (and may hold personal data): no cache,
		// shared or private, keeps them. A handler may say otherwise.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

// Listen serves on the configured address until Shutdown.
func (s *Server) Listen() error { return s.app.Listen(s.cfg.HTTP.Addr) }

// Shutdown stops accepting connections and waits up to timeout for in-flight
// requests to finish.
func (s *Server) Shutdown(timeout time.Duration) error {
	return s.app.ShutdownWithTimeout(timeout)
}
