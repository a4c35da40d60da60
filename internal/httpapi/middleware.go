package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"fugong/internal/apperror"
)

const requestIDKey = "request_id"

var incomingID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID gives every request an id: the caller's X-Request-Id when it
// is sane (so a load balancer's id carries through), else a new random one.
func withRequestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !incomingID.MatchString(id) {
		var b [12]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	} else {
		id = string([]byte(id)) // fasthttp reuses the header buffer
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// recoverPanics turns a handler panic into an internal error (logged with
// its request id) instead of a dropped connection.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", requestID(c), "path", c.Path(), "panic", fmt.Sprint(r))
			err = apperror.Wrap(fmt.Errorf("panic: %v", r), apperror.Internal, "internal error")
		}
	}()
	return c.Next()
}

// metrics counts requests by route template and status and observes their
// latency. The route is the registered pattern (/api/v1/filings/:id), never
// the raw path, so label cardinality stays bounded.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fugong_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fugong_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// observeAndLog records metrics and writes one log line per request, after
// the error handler has set the final status.
func (s *Server) observeAndLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := "unmatched"
	if r := c.Route(); r != nil && r.Path != "" && status != fiber.StatusMethodNotAllowed {
		route = r.Path
	}
	elapsed := time.Since(start)
	// Label values outlive the request: a Prometheus series keeps them. The
	// method is one of our constants, never fasthttp's reused buffer, and
	// the route is the app's own pattern string.
	method := methodLabel(c.Method())
	s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(route, method).Observe(elapsed.Seconds())
	s.log.Log(c.UserContext(), requestLogLevel(route, status), "request", "request_id", requestID(c), "method", method, "route", route,
		"status", status, "duration_ms", float64(elapsed.Microseconds())/1000, "ip", clientIP(c), "peer", peerIP(c))
	return nil
}

// requestLogLevel keeps probes out of the info log: a load balancer's
// /healthz and Prometheus's /metrics scrape every few seconds and would
// drown the lines that matter. They still log at debug, and at info when
// they fail.
func requestLogLevel(route string, status int) slog.Level {
	if (route == "/healthz" || route == "/metrics") && status < fiber.StatusInternalServerError {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// methodLabel maps a request method to a constant string (OTHER for
// anything unusual, which also bounds the label's cardinality).
func methodLabel(m string) string {
	for _, k := range []string{fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete,
		fiber.MethodHead, fiber.MethodOptions} {
		if m == k {
			return k
		}
	}
	return "OTHER"
}
